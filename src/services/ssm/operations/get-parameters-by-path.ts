/**
 * GetParametersByPath (Systems Manager API Reference): the parameters of a hierarchy, with their
 * values: those one level below Path, or with Recursive all below it, that pass ParameterFilters
 * (Type, KeyId, Label), 10 a page at most and by default. With a Label filter the version carrying
 * the label is answered, else the newest. The action is on the path's ARN with ssm:Recursive;
 * as the API reference warns, access to a path is access to every level below it. SecureString
 * values are decrypted through KMS on the caller's behalf only with WithDecryption.
 */
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import type { ParameterVersionRecord, ParameterRecord } from '../../../storage/parameter-types.js';
import { parameterAccess } from '../access.js';
import { checkParameterFilters, matchingVersion } from '../filters.js';
import { checkPath, isUnderPath, normalizePath } from '../names.js';
import { pageOf } from '../paging.js';
import { revealValue } from '../values.js';
import { parameterView } from '../views.js';

const DEFAULT_MAX_RESULTS = 10;

export const getParametersByPathOperation: JsonServiceOperation<
  ssm.GetParametersByPathRequest,
  ssm.GetParametersByPathResult
> = {
  name: 'GetParametersByPath',
  action: 'ssm:GetParametersByPath',
  readOnly: true,
  precheck: (input) => checkPath(input.Path),
  access: async (input, caller, services) => [
    await parameterAccess(services, caller, normalizePath(input.Path), {
      keys: { 'ssm:recursive': String(input.Recursive === true) },
    }),
  ],
  async run({ input, caller, services }) {
    // After the model's constraints (a key outside its pattern is ValidationException first).
    checkParameterFilters(input.ParameterFilters, 'by-path');
    const base = normalizePath(input.Path);
    const records = await services.storage.listParameters(
      caller.principal.accountId,
      caller.region,
      base === '/' ? undefined : `${base}/`,
    );
    const matched: { record: ParameterRecord; version: ParameterVersionRecord }[] = [];
    for (const record of records) {
      if (!isUnderPath(record.name, base, input.Recursive === true)) continue;
      const version = matchingVersion(record, input.ParameterFilters);
      if (version) matched.push({ record, version });
    }
    const { page, next } = pageOf(
      matched,
      (m) => m.record.name,
      input.MaxResults ?? DEFAULT_MAX_RESULTS,
      input.NextToken,
    );
    const decrypt = input.WithDecryption === true;
    const parameters: ssm.Parameter[] = [];
    for (const { record, version } of page) {
      const value = await revealValue(services, caller, record, version, decrypt);
      parameters.push(parameterView(record, version, value));
    }
    return { Parameters: parameters, ...(next !== undefined ? { NextToken: next } : {}) };
  },
};
