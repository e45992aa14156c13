/**
 * A bounded in-process cache of key records in front of a Storage, for the hot path (every
 * Encrypt, Decrypt and GenerateDataKey reads its key). Every write of a key through this object
 * invalidates its entry, and a per-key generation counter keeps a read that started before a write
 * from caching what it read. It is correct only while this process is the database's one writer
 * (the SQLite deployment); a multi-process backend needs cross-process invalidation instead.
 */
import type { KeyRecord } from '../domain/types.js';
import type { Storage, WriteResult } from './types.js';

export function withKeyCache(storage: Storage, maxEntries = 2000): Storage {
  const cache = new Map<string, KeyRecord>();
  const generations = new Map<string, number>();
  /** Bumped by resetAll: a read that started before a reset caches nothing. */
  let epoch = 0;
  const id = (region: string, accountId: string, keyId: string) => `${region}\n${accountId}\n${keyId}`;
  const invalidate = (key: KeyRecord) => {
    const k = id(key.region, key.accountId, key.keyId);
    cache.delete(k);
    generations.set(k, (generations.get(k) ?? 0) + 1);
  };
  const writing =
    <A extends [KeyRecord, ...unknown[]]>(write: (...args: A) => Promise<WriteResult>) =>
    async (...args: A): Promise<WriteResult> => {
      try {
        return await write(...args);
      } finally {
        invalidate(args[0]);
      }
    };

  const overrides: Partial<Storage> = {
    async getKey(region, accountId, keyId) {
      const k = id(region, accountId, keyId);
      const hit = cache.get(k);
      if (hit) return hit;
      const generation = generations.get(k) ?? 0;
      const startEpoch = epoch;
      const key = await storage.getKey(region, accountId, keyId);
      if (!key) return undefined;
      const frozen = freeze(key);
      if ((generations.get(k) ?? 0) === generation && epoch === startEpoch) {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
        cache.set(k, frozen);
      }
      return frozen;
    },
    updateKey: writing((key: KeyRecord) => storage.updateKey(key)),
    addKeyMaterial: writing((key: KeyRecord, material: Parameters<Storage['addKeyMaterial']>[1]) =>
      storage.addKeyMaterial(key, material),
    ),
    importKeyMaterial: writing((key: KeyRecord, material: Parameters<Storage['importKeyMaterial']>[1]) =>
      storage.importKeyMaterial(key, material),
    ),
    deleteImportedKeyMaterial: writing((key: KeyRecord, materialId: string) =>
      storage.deleteImportedKeyMaterial(key, materialId),
    ),
    rotateToImportedKeyMaterial: writing((key: KeyRecord, materialId: string, rotatedAt: Date) =>
      storage.rotateToImportedKeyMaterial(key, materialId, rotatedAt),
    ),
    deleteKey: writing((key: KeyRecord, keyHours?: Parameters<Storage['deleteKey']>[1]) =>
      storage.deleteKey(key, keyHours),
    ),
    async updateRelatedKeys(writes) {
      try {
        return await storage.updateRelatedKeys(writes);
      } finally {
        for (const { key } of writes) invalidate(key);
      }
    },
    async createReplicaKey(key, materials, primary, maxKeys) {
      try {
        return await storage.createReplicaKey(key, materials, primary, maxKeys);
      } finally {
        invalidate(key);
        invalidate(primary);
      }
    },
    async resetAll() {
      try {
        await storage.resetAll();
      } finally {
        cache.clear();
        epoch++;
      }
    },
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(storage, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop as keyof Storage];
      let fn = bound.get(prop);
      if (fn === undefined) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        fn = value.bind(target);
        bound.set(prop, fn);
      }
      return fn;
    },
  });
}

/** Cached records are shared between requests, so nobody may change one in place. */
function freeze(key: KeyRecord): KeyRecord {
  for (const tag of key.tags) Object.freeze(tag);
  Object.freeze(key.tags);
  return Object.freeze(key);
}
