/**
 * Compare-and-set update of a key record: applies `change` to the freshest copy and retries when
 * another writer got there first, re-checking the key state against the operation each time.
 */
import { checkKeyState, KmsError, type KeyRecord } from '../domain/index.js';
import type { Storage } from '../storage/types.js';

const MAX_ATTEMPTS = 10;

export async function updateKey(
  storage: Storage,
  operation: string,
  key: KeyRecord,
  change: (current: KeyRecord) => KeyRecord,
): Promise<KeyRecord> {
  let current = key;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const next = change(current);
    const result = await storage.updateKey(next);
    if (result === 'ok') return { ...next, version: next.version + 1 };
    const fresh = await storage.getKey(key.region, key.accountId, key.keyId);
    if (result === 'not-found' || !fresh) throw new KmsError('NotFoundException', `Key '${key.arn}' does not exist`);
    checkKeyState(operation, fresh);
    current = fresh;
  }
  throw new KmsError('KMSInternalException', 'The request was rejected because an internal exception occurred. The request can be retried.');
}
