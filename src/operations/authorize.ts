/**
 * Authorization of a caller for an action on a key. Until key policies and IAM policies are
 * evaluated (the IAM issue), a key's own account is allowed and every other account is refused,
 * which is what AWS's default key policy means.
 */
import { KmsError, type KeyRecord } from '../domain/index.js';
import type { Caller } from './types.js';

export async function authorize(action: string, key: KeyRecord, caller: Caller): Promise<void> {
  if (key.accountId === caller.principal.accountId) return;
  throw new KmsError(
    'AccessDeniedException',
    `User: ${caller.principal.arn} is not authorized to perform: ${action} on resource: ${key.arn} because no resource-based policy allows the ${action} action`,
  );
}
