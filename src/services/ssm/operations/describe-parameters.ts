/**
 * DescribeParameters (Systems Manager API Reference): the metadata of the account's parameters in
 * the region, never their values: the newest version of each that passes the filters (the
 * deprecated Filters or ParameterFilters, not both), 10 a page by default and at most 50. The
 * action is on `*` (Service Authorization Reference: no resource type). Trent shares no
 * parameters, so Shared lists none.
 */
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import type { ParameterRecord, ParameterVersionRecord } from '../../../storage/parameter-types.js';
import { checkDescribeFilters, matchingVersion, passesDescribeFilters } from '../filters.js';
import { pageOf } from '../paging.js';
import { policiesView } from '../policies.js';

const DEFAULT_MAX_RESULTS = 10;

export function parameterMetadata(record: ParameterRecord, v: ParameterVersionRecord): ssm.ParameterMetadata {
  return {
    Name: record.name,
    ARN: record.arn,
    Type: v.type,
    ...(v.keyId !== undefined ? { KeyId: v.keyId } : {}),
    LastModifiedDate: v.lastModifiedDate,
    LastModifiedUser: v.lastModifiedUser,
    ...(v.description !== undefined ? { Description: v.description } : {}),
    ...(v.allowedPattern !== undefined ? { AllowedPattern: v.allowedPattern } : {}),
    Version: v.version,
    Tier: v.tier,
    Policies: policiesView(v.policies, v.version),
    DataType: v.dataType,
  };
}

export const describeParametersOperation: JsonServiceOperation<
  ssm.DescribeParametersRequest,
  ssm.DescribeParametersResult
> = {
  name: 'DescribeParameters',
  action: 'ssm:DescribeParameters',
  readOnly: true,
  async run({ input, caller, services }) {
    // After the model's constraints (a key outside its pattern is ValidationException first).
    checkDescribeFilters(input.Filters, input.ParameterFilters);
    if (input.Shared === true) return { Parameters: [] };
    const records = await services.storage.listParameters(caller.principal.accountId, caller.region);
    const matched: ssm.ParameterMetadata[] = [];
    for (const record of records) {
      const version = matchingVersion(record, input.ParameterFilters);
      if (version && passesDescribeFilters(input.Filters, record, version)) {
        matched.push(parameterMetadata(record, version));
      }
    }
    const { page, next } = pageOf(matched, (p) => p.Name!, input.MaxResults ?? DEFAULT_MAX_RESULTS, input.NextToken);
    return { Parameters: page, ...(next !== undefined ? { NextToken: next } : {}) };
  },
};
