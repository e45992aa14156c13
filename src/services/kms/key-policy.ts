/** The checks CreateKey and PutKeyPolicy make on a new key policy, in AWS's order. */
import { KmsError, keyPolicySizeExceeded } from '../../domain/index.js';
import { allowsUnconditionally, LOCKOUT_MESSAGE, validateKeyPolicy } from '../../policy/index.js';
import type { Caller, Services } from './types.js';

export function checkKeyPolicy(
  text: string,
  caller: Caller,
  services: Pick<Services, 'quotas'>,
  bypassLockoutCheck: boolean | undefined,
): void {
  // "32 KB (32,768 bytes)" (resource quotas): the UTF-8 bytes of the document as sent, whitespace
  // included, since KMS keeps and returns the policy verbatim. Checked before parsing.
  const maxBytes = services.quotas.keyPolicyBytes;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw keyPolicySizeExceeded(maxBytes);
  const checked = validateKeyPolicy(text);
  if (!checked.ok) throw new KmsError('MalformedPolicyDocumentException', checked.message);
  if (bypassLockoutCheck !== true && !allowsUnconditionally(checked.document, caller.principal, 'kms:PutKeyPolicy')) {
    throw new KmsError('MalformedPolicyDocumentException', LOCKOUT_MESSAGE);
  }
}
