/**
 * Parameter data types (Systems Manager User Guide, "Parameter data types in Parameter Store";
 * PutParameter's DataType): `text` (the default), `aws:ec2:image` (the value is an AMI ID) and
 * `aws:ssm:integration`. AWS checks an AMI ID asynchronously (the parameter is not created when
 * the AMI does not exist); Trent has no EC2, so it checks the ID's format at once and answers a
 * ValidationException, the value never in the message.
 */
import { KmsError } from '../../domain/index.js';
import type { ParameterType } from '../../storage/parameter-types.js';

export const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration'] as const;
export type ParameterDataType = (typeof DATA_TYPES)[number];
export const DEFAULT_DATA_TYPE: ParameterDataType = 'text';

/** `ami-` and 8 or 17 hexadecimal digits (EC2's resource ID formats). */
const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

const validation = (message: string): KmsError => new KmsError('ValidationException', message);

export const isDataType = (value: string): value is ParameterDataType =>
  (DATA_TYPES as readonly string[]).includes(value);

/** The data type named; with `value` and `type`, the value's format for it too. */
export function checkDataType(dataType: string, value?: string, type?: ParameterType): void {
  if (!isDataType(dataType)) {
    throw validation(`The following data type is not supported: ${dataType} (Data type names are all lowercase.)`);
  }
  if (dataType !== 'aws:ec2:image') return;
  if (type !== undefined && type !== 'String') {
    throw validation('The aws:ec2:image data type is supported only for String parameters.');
  }
  if (value !== undefined && !AMI_ID.test(value)) {
    throw validation(
      'The parameter value is not a valid Amazon Machine Image (AMI) ID. Use the format ami-0123456789abcdef0 and try again.',
    );
  }
}
