/**
 * Key generation as operations see it: a full key-generation queue (crypto/keygen-pool.ts) is a
 * throttled request, answered as AWS answers one.
 */
import { KeyGenerationBusyError } from '../../crypto/index.js';
import { KmsError } from '../../domain/index.js';
import { KMS_THROTTLING_MESSAGE } from '../../quotas/index.js';

/** `generation`'s result; ThrottlingException when the key-generation queue refused it. */
export async function throttledWhenBusy<T>(generation: Promise<T>): Promise<T> {
  try {
    return await generation;
  } catch (err) {
    if (err instanceof KeyGenerationBusyError) throw new KmsError('ThrottlingException', KMS_THROTTLING_MESSAGE);
    throw err;
  }
}
