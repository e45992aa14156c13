/** Parameter records as the Parameter Store API shows them (model shapes Parameter, ParameterHistory). */
import type { ssm } from '../../model/index.js';
import type { ParameterRecord, ParameterVersionRecord } from '../../storage/parameter-types.js';
import { policiesView } from './policies.js';

/** GetParameter's, GetParameters' and GetParametersByPath's Parameter. */
export function parameterView(
  record: ParameterRecord,
  v: ParameterVersionRecord,
  value: string,
  selector?: string,
): ssm.Parameter {
  return {
    Name: record.name,
    Type: v.type,
    Value: value,
    Version: v.version,
    ...(selector !== undefined ? { Selector: selector } : {}),
    LastModifiedDate: v.lastModifiedDate,
    ARN: record.arn,
    DataType: v.dataType,
  };
}

/** GetParameterHistory's entry for one version. */
export function historyView(record: ParameterRecord, v: ParameterVersionRecord, value: string): ssm.ParameterHistory {
  return {
    Name: record.name,
    Type: v.type,
    ...(v.keyId !== undefined ? { KeyId: v.keyId } : {}),
    LastModifiedDate: v.lastModifiedDate,
    LastModifiedUser: v.lastModifiedUser,
    ...(v.description !== undefined ? { Description: v.description } : {}),
    Value: value,
    ...(v.allowedPattern !== undefined ? { AllowedPattern: v.allowedPattern } : {}),
    Version: v.version,
    Labels: [...v.labels],
    Tier: v.tier,
    Policies: policiesView(v.policies),
    DataType: v.dataType,
  };
}
