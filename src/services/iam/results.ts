/** Storage answers turned into IAM's errors, one place for each kind of answer. */
import { IamErrors, type KmsError } from '../../domain/index.js';
import type { DeleteResult } from '../../storage/identity-types.js';
import type { LimitReached } from '../../storage/types.js';

const isLimit = (r: unknown): r is LimitReached =>
  typeof r === 'object' && r !== null && (r as { result?: unknown }).result === 'limit';

/** 'ok' passes; 'exists' and LimitReached throw what the caller gives. */
export function expectCreated(
  result: 'ok' | 'exists' | 'not-found' | LimitReached,
  errors: { exists?: () => KmsError; notFound?: () => KmsError; limit: () => KmsError },
): void {
  if (result === 'ok') return;
  if (isLimit(result)) throw errors.limit();
  const error = result === 'exists' ? errors.exists : errors.notFound;
  if (!error) throw new Error(`storage: unexpected answer ${result}`);
  throw error();
}

/** 'ok' passes; 'not-found' throws `notFound`; a conflict throws DeleteConflict in AWS's words. */
export function expectDeleted(result: DeleteResult, notFound: () => KmsError): void {
  if (result === 'ok') return;
  if (result === 'not-found') throw notFound();
  throw IamErrors.deleteConflict(result.reason);
}

export { isLimit };
