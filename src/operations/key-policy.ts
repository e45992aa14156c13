/** The checks CreateKey and PutKeyPolicy make on a new key policy, in AWS's order. */
import { KmsError } from '../domain/index.js';
import { allowsUnconditionally, LOCKOUT_MESSAGE, validateKeyPolicy } from '../policy/index.js';
import type { Caller } from './types.js';

/** Key policy size quota: 32 KiB (KMS API reference, PutKeyPolicy "Policy"). */
export const MAX_KEY_POLICY_BYTES = 32 * 1024;

export function checkKeyPolicy(text: string, caller: Caller, bypassLockoutCheck: boolean | undefined): void {
  if (Buffer.byteLength(text, 'utf8') > MAX_KEY_POLICY_BYTES) {
    throw new KmsError(
      'LimitExceededException',
      `The key policy exceeds the maximum size of ${MAX_KEY_POLICY_BYTES} bytes.`,
    );
  }
  const checked = validateKeyPolicy(text);
  if (!checked.ok) throw new KmsError('MalformedPolicyDocumentException', checked.message);
  if (bypassLockoutCheck !== true && !allowsUnconditionally(checked.document, caller.principal, 'kms:PutKeyPolicy')) {
    throw new KmsError('MalformedPolicyDocumentException', LOCKOUT_MESSAGE);
  }
}
