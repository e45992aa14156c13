/**
 * Model constraint checks of a decoded Query request. The wording is Coral's, the same as for
 * JSON services (protocol/validate.ts); Query services send it with the code ValidationError, e.g.
 * `1 validation error detected: Value 'bad/name' at 'roleSessionName' failed to satisfy
 * constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*` (AWS STS, recorded).
 */
import { validateAgainstSchema } from '../validate.js';
import { QUERY_SERVICES, type QueryOperationName, type QueryService } from './services.js';

/** The error code Query services answer a model violation with. */
export const QUERY_VALIDATION_ERROR = 'ValidationError';

/** The ValidationError message for `input` of `action`, or undefined when it satisfies the model. */
export function validateQueryInput<S extends QueryService>(
  service: S,
  action: QueryOperationName<S>,
  input: unknown,
): string | undefined {
  const model = QUERY_SERVICES[service];
  const shape = model.operations[action]?.input;
  return shape === undefined ? undefined : validateAgainstSchema(model.schema, shape, input);
}
