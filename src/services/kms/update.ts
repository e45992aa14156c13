/**
 * Compare-and-set writes of a key record. A write names the version it read; when another writer
 * got there first, the write is retried against the freshest record (with the caller's checks run
 * again), after a short randomized pause so racing writers spread out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { checkKeyState, KmsError, type KeyRecord } from '../../domain/index.js';
import { INTERNAL_ERROR_MESSAGE } from '../../protocol/index.js';
import type { Storage, WriteResult } from '../../storage/types.js';

const MAX_ATTEMPTS = 50;

export interface CasAttempt<T> {
  result: WriteResult;
  value: T;
}

/**
 * The record as stored, from a key as operations see it (resolve.ts): a key of a custom key store
 * presented Unavailable gets its stored state back, and the presented-only fields go. Enabling or
 * disabling an unavailable key changes the stored state, which shows once the store is connected
 * again ("The operation succeeds, but the key state ... does not change until it becomes
 * available", key-state.html).
 */
export function storedRecord(key: KeyRecord): KeyRecord {
  if (key.storedKeyState === undefined && key.cloudHsmClusterId === undefined) return key;
  const { storedKeyState, cloudHsmClusterId: _cluster, ...stored } = key;
  return storedKeyState === undefined ? stored : { ...stored, keyState: storedKeyState };
}

/**
 * Runs `attempt` on `key` (as stored: storedRecord), then on each fresher copy while its write
 * conflicts; `recheck` vets every fresher copy (a key disabled meanwhile answers the operation's
 * error).
 */
export async function retryOnConflict<T>(
  storage: Storage,
  key: KeyRecord,
  attempt: (current: KeyRecord) => Promise<CasAttempt<T>>,
  recheck: (fresh: KeyRecord) => void,
): Promise<T> {
  let current = storedRecord(key);
  return untilWritten(async () => {
    const { result, value } = await attempt(current);
    if (result === 'ok') return { value };
    const fresh = await storage.getKey(key.region, key.accountId, key.keyId);
    if (result === 'not-found' || !fresh) throw new KmsError('NotFoundException', `Key '${key.arn}' does not exist`);
    recheck(fresh);
    current = fresh;
    return undefined;
  });
}

/**
 * Runs `attempt` until it has written (it returns `{ value }`; undefined means its compare-and-set
 * write lost to another writer and it should read again), pausing a short random while between
 * attempts so racing writers spread out. After MAX_ATTEMPTS, KMSInternalException (retryable).
 */
export async function untilWritten<T>(attempt: (n: number) => Promise<{ value: T } | undefined>): Promise<T> {
  for (let n = 0; n < MAX_ATTEMPTS; n++) {
    if (n > 0) await sleep(Math.random() * Math.min(n, 10));
    const done = await attempt(n);
    if (done) return done.value;
  }
  throw new KmsError('KMSInternalException', INTERNAL_ERROR_MESSAGE);
}

/** Applies `change` to the freshest copy of the key and writes it. */
export function updateKey(
  storage: Storage,
  operation: string,
  key: KeyRecord,
  change: (current: KeyRecord) => KeyRecord,
): Promise<KeyRecord> {
  return retryOnConflict(
    storage,
    key,
    async (current) => {
      const next = change(current);
      return { result: await storage.updateKey(next), value: { ...next, version: next.version + 1 } };
    },
    (fresh) => checkKeyState(operation, fresh),
  );
}
