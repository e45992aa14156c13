/**
 * Conformance suite for custom key store storage (CustomKeyStoreStorage), run by every backend's
 * test file. `open` must return a fresh, empty, migrated storage each time; `reopen`, where the
 * backend persists, closes the storage it is given and opens the same database again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomKeyStoreRecord, KeyMaterialRecord, KeyRecord } from '../domain/types.js';
import { keyRecordFixture } from './fixtures.js';
import type { Storage } from './types.js';

const A = '111122223333';
const B = '444455556666';
const R = 'us-east-1';
const R2 = 'eu-west-1';
const T0 = new Date('2026-03-01T12:34:56.789Z');
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTrent\n-----END CERTIFICATE-----\n';

/** cks- and 17 lowercase hex digits. */
const storeId = (n: number): string => `cks-${n.toString(16).padStart(17, '0')}`;
/** cluster- and 11 of [2-7a-zA-Z] (the model's pattern). */
const clusterId = (n: number): string => `cluster-2ab3cd4efg${'abcdefghijklmnopqrstuvwxyz'[n]!}`;

const store = (n: number, extra: Partial<CustomKeyStoreRecord> = {}): CustomKeyStoreRecord => ({
  customKeyStoreId: storeId(n),
  accountId: A,
  region: R,
  name: `store-${n}`,
  customKeyStoreType: 'AWS_CLOUDHSM',
  cloudHsmClusterId: clusterId(n),
  trustAnchorCertificate: PEM,
  // Every byte value, zeros and high bytes included, must come back as it went in.
  wrappedPassword: Buffer.from([0, 1, 2, 127, 128, 254, 255, 0, n & 0xff]),
  creationDate: T0,
  connectRequested: false,
  version: 0,
  ...extra,
});

const keyIn = (customKeyStoreId: string, n: number): { key: KeyRecord; material: KeyMaterialRecord } => {
  const materialId = 'ab'.repeat(32);
  const key = keyRecordFixture({
    keyId: `1234abcd-12ab-34cd-56ef-${n.toString().padStart(12, '0')}`,
    accountId: A,
    region: R,
    currentMaterialId: materialId,
    origin: 'AWS_CLOUDHSM',
    customKeyStoreId,
  });
  return { key, material: { keyArn: key.arn, materialId, wrapped: Buffer.from('hsm key handle'), createdAt: T0 } };
};

export function describeCustomKeyStoreStorageConformance(
  name: string,
  open: () => Promise<Storage>,
  reopen?: (storage: Storage) => Promise<Storage>,
): void {
  describe(`custom key store storage conformance: ${name}`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    it('stores a key store and reads every field back, by id and by name', async () => {
      const record = store(1, { connectRequested: true, version: 3 });
      expect(await s.createCustomKeyStore(record)).toBe('ok');
      const got = await s.getCustomKeyStore(R, A, record.customKeyStoreId);
      expect(got).toStrictEqual(record);
      expect(Buffer.isBuffer(got!.wrappedPassword)).toBe(true);
      expect(got!.wrappedPassword.equals(record.wrappedPassword)).toBe(true);
      expect(got!.creationDate.getTime()).toBe(T0.getTime());
      expect(await s.getCustomKeyStoreByName(R, A, 'store-1')).toStrictEqual(record);
    });

    it('returns undefined for a store that is absent, in another account or in another Region', async () => {
      await s.createCustomKeyStore(store(1));
      expect(await s.getCustomKeyStore(R, A, storeId(2))).toBeUndefined();
      expect(await s.getCustomKeyStore(R, B, storeId(1))).toBeUndefined();
      expect(await s.getCustomKeyStore(R2, A, storeId(1))).toBeUndefined();
      expect(await s.getCustomKeyStoreByName(R, A, 'store-2')).toBeUndefined();
      expect(await s.getCustomKeyStoreByName(R, B, 'store-1')).toBeUndefined();
      expect(await s.getCustomKeyStoreByName(R2, A, 'store-1')).toBeUndefined();
      // Names are case-sensitive.
      expect(await s.getCustomKeyStoreByName(R, A, 'Store-1')).toBeUndefined();
    });

    it('keeps a name unique in its account and Region, and allows it in another', async () => {
      expect(await s.createCustomKeyStore(store(1, { name: 'shared' }))).toBe('ok');
      expect(await s.createCustomKeyStore(store(2, { name: 'shared' }))).toBe('name-in-use');
      expect(await s.getCustomKeyStore(R, A, storeId(2))).toBeUndefined();
      expect(await s.createCustomKeyStore(store(3, { name: 'shared', region: R2 }))).toBe('ok');
      expect(await s.createCustomKeyStore(store(4, { name: 'shared', accountId: B }))).toBe('ok');
      expect(await s.createCustomKeyStore(store(5, { name: 'Shared' }))).toBe('ok');
    });

    it('keeps a cluster unique over every account and Region', async () => {
      expect(await s.createCustomKeyStore(store(1))).toBe('ok');
      const sameCluster = { cloudHsmClusterId: clusterId(1) };
      expect(await s.createCustomKeyStore(store(2, sameCluster))).toBe('cluster-in-use');
      expect(await s.createCustomKeyStore(store(3, { ...sameCluster, region: R2 }))).toBe('cluster-in-use');
      expect(await s.createCustomKeyStore(store(4, { ...sameCluster, accountId: B }))).toBe('cluster-in-use');
      expect(await s.getCustomKeyStore(R, A, storeId(2))).toBeUndefined();
      expect(await s.getCustomKeyStore(R2, A, storeId(3))).toBeUndefined();
      expect(await s.getCustomKeyStore(R, B, storeId(4))).toBeUndefined();
    });

    it('refuses a create past the quota of the account and Region, saying the usage', async () => {
      expect(await s.createCustomKeyStore(store(1), 2)).toBe('ok');
      expect(await s.createCustomKeyStore(store(2), 2)).toBe('ok');
      expect(await s.createCustomKeyStore(store(3), 2)).toEqual({ result: 'limit', usage: 2 });
      expect(await s.getCustomKeyStore(R, A, storeId(3))).toBeUndefined();
      // Another Region and another account have quotas of their own.
      expect(await s.createCustomKeyStore(store(4, { region: R2 }), 2)).toBe('ok');
      expect(await s.createCustomKeyStore(store(5, { accountId: B }), 2)).toBe('ok');
      // Without a quota nothing is counted.
      expect(await s.createCustomKeyStore(store(6))).toBe('ok');
      expect(await s.createCustomKeyStore(store(7), 3)).toEqual({ result: 'limit', usage: 3 });
    });

    it('lists an account and Region by id, in pages after an id', async () => {
      for (const n of [5, 2, 9, 1, 7]) expect(await s.createCustomKeyStore(store(n))).toBe('ok');
      await s.createCustomKeyStore(store(3, { region: R2 }));
      await s.createCustomKeyStore(store(4, { accountId: B }));
      const ids = (list: CustomKeyStoreRecord[]) => list.map((k) => k.customKeyStoreId);
      expect(ids(await s.listCustomKeyStores(R, A, 100))).toEqual([1, 2, 5, 7, 9].map(storeId));
      const first = await s.listCustomKeyStores(R, A, 2);
      expect(ids(first)).toEqual([storeId(1), storeId(2)]);
      const second = await s.listCustomKeyStores(R, A, 2, first.at(-1)!.customKeyStoreId);
      expect(ids(second)).toEqual([storeId(5), storeId(7)]);
      const last = await s.listCustomKeyStores(R, A, 2, second.at(-1)!.customKeyStoreId);
      expect(ids(last)).toEqual([storeId(9)]);
      expect(await s.listCustomKeyStores(R, A, 2, storeId(9))).toEqual([]);
      // `after` need not be a stored id.
      expect(ids(await s.listCustomKeyStores(R, A, 10, storeId(6)))).toEqual([storeId(7), storeId(9)]);
      expect((await s.listCustomKeyStores(R, A, 100))[0]).toStrictEqual(store(1));
      expect(ids(await s.listCustomKeyStores(R2, A, 100))).toEqual([storeId(3)]);
      expect(await s.listCustomKeyStores('ap-south-1', A, 100)).toEqual([]);
    });

    it('updates with compare-and-set on the version, storing version + 1', async () => {
      await s.createCustomKeyStore(store(1));
      const read = (await s.getCustomKeyStore(R, A, storeId(1)))!;
      const next: CustomKeyStoreRecord = {
        ...read,
        name: 'renamed',
        cloudHsmClusterId: clusterId(20),
        trustAnchorCertificate: `${PEM}\n`,
        wrappedPassword: Buffer.from([9, 8, 7, 0, 255]),
        connectRequested: true,
      };
      expect(await s.updateCustomKeyStore(next)).toBe('ok');
      const stored = (await s.getCustomKeyStore(R, A, storeId(1)))!;
      expect(stored).toStrictEqual({ ...next, version: read.version + 1 });
      expect(await s.getCustomKeyStoreByName(R, A, 'store-1')).toBeUndefined();
      // The version read is stale now: nothing is written.
      expect(await s.updateCustomKeyStore({ ...next, name: 'lost' })).toBe('conflict');
      // A version from the future conflicts too.
      expect(await s.updateCustomKeyStore({ ...stored, name: 'lost', version: 99 })).toBe('conflict');
      expect(await s.getCustomKeyStore(R, A, storeId(1))).toStrictEqual(stored);
      expect(await s.updateCustomKeyStore({ ...stored, connectRequested: false })).toBe('ok');
      expect((await s.getCustomKeyStore(R, A, storeId(1)))!.version).toBe(read.version + 2);
    });

    it("answers 'not-found' for a store that is absent or in another account or Region", async () => {
      await s.createCustomKeyStore(store(1));
      expect(await s.updateCustomKeyStore(store(2))).toBe('not-found');
      expect(await s.updateCustomKeyStore(store(1, { accountId: B }))).toBe('not-found');
      expect(await s.updateCustomKeyStore(store(1, { region: R2 }))).toBe('not-found');
      expect(await s.getCustomKeyStore(R, B, storeId(1))).toBeUndefined();
      expect(await s.getCustomKeyStore(R, A, storeId(1))).toStrictEqual(store(1));
    });

    it('refuses an update to the name or the cluster of another store, and nothing changes', async () => {
      await s.createCustomKeyStore(store(1));
      await s.createCustomKeyStore(store(2));
      await s.createCustomKeyStore(store(3, { accountId: B }));
      const read = (await s.getCustomKeyStore(R, A, storeId(1)))!;
      expect(await s.updateCustomKeyStore({ ...read, name: 'store-2', connectRequested: true })).toBe('name-in-use');
      expect(await s.updateCustomKeyStore({ ...read, cloudHsmClusterId: clusterId(2) })).toBe('cluster-in-use');
      // The cluster of a store in another account is taken too.
      expect(await s.updateCustomKeyStore({ ...read, cloudHsmClusterId: clusterId(3) })).toBe('cluster-in-use');
      expect(await s.getCustomKeyStore(R, A, storeId(1))).toStrictEqual(read);
      // Its own name and cluster are not "in use", and a name of another account is free.
      expect(await s.updateCustomKeyStore({ ...read, connectRequested: true })).toBe('ok');
      const again = (await s.getCustomKeyStore(R, A, storeId(1)))!;
      expect(await s.updateCustomKeyStore({ ...again, name: 'store-3' })).toBe('ok');
    });

    it('lists the stores to connect over every account and Region', async () => {
      await s.createCustomKeyStore(store(1, { connectRequested: true }));
      await s.createCustomKeyStore(store(2));
      await s.createCustomKeyStore(store(3, { accountId: B, connectRequested: true }));
      await s.createCustomKeyStore(store(4, { region: R2, connectRequested: true }));
      await s.createCustomKeyStore(store(5, { connectRequested: true }));
      const ids = (await s.customKeyStoresToConnect()).map((k) => k.customKeyStoreId);
      expect(ids.sort()).toEqual([1, 3, 4, 5].map(storeId));
      const read = (await s.getCustomKeyStore(R, A, storeId(5)))!;
      await s.updateCustomKeyStore({ ...read, connectRequested: false });
      const after = await s.customKeyStoresToConnect();
      expect(after.map((k) => k.customKeyStoreId).sort()).toEqual([1, 3, 4].map(storeId));
      expect(after.find((k) => k.customKeyStoreId === storeId(3))).toStrictEqual(
        store(3, { accountId: B, connectRequested: true }),
      );
    });

    it("refuses to delete a store that holds keys, pending deletion included, with 'has-keys'", async () => {
      await s.createCustomKeyStore(store(1));
      await s.createCustomKeyStore(store(2));
      const { key, material } = keyIn(storeId(1), 1);
      expect(await s.createKey(key, material)).toBe('ok');
      expect((await s.getKey(R, A, key.keyId))?.customKeyStoreId).toBe(storeId(1));
      expect(await s.countKeysInCustomKeyStore(storeId(1))).toBe(1);
      expect(await s.countKeysInCustomKeyStore(storeId(2))).toBe(0);
      const read = (await s.getCustomKeyStore(R, A, storeId(1)))!;
      expect(await s.deleteCustomKeyStore(read)).toBe('has-keys');
      expect(await s.getCustomKeyStore(R, A, storeId(1))).toStrictEqual(read);

      // A key pending deletion is still in the store.
      const pending = {
        ...(await s.getKey(R, A, key.keyId))!,
        keyState: 'PendingDeletion' as const,
        deletionDate: new Date(T0.getTime() + 7 * 86_400_000),
        pendingDeletionWindowInDays: 7,
      };
      expect(await s.updateKey(pending)).toBe('ok');
      expect(await s.countKeysInCustomKeyStore(storeId(1))).toBe(1);
      expect(await s.deleteCustomKeyStore(read)).toBe('has-keys');

      // A deleted key is gone from it.
      expect(await s.deleteKey({ ...pending, version: pending.version + 1 })).toBe('ok');
      expect(await s.countKeysInCustomKeyStore(storeId(1))).toBe(0);
      expect(await s.deleteCustomKeyStore(read)).toBe('ok');
      expect(await s.getCustomKeyStore(R, A, storeId(1))).toBeUndefined();
    });

    it('deletes with compare-and-set, freeing the name and the cluster', async () => {
      await s.createCustomKeyStore(store(1));
      const read = (await s.getCustomKeyStore(R, A, storeId(1)))!;
      expect(await s.updateCustomKeyStore({ ...read, connectRequested: true })).toBe('ok');
      expect(await s.deleteCustomKeyStore(read)).toBe('conflict');
      expect(await s.getCustomKeyStore(R, A, storeId(1))).toBeDefined();
      expect(await s.deleteCustomKeyStore(store(1, { accountId: B }))).toBe('not-found');
      const current = (await s.getCustomKeyStore(R, A, storeId(1)))!;
      expect(await s.deleteCustomKeyStore(current)).toBe('ok');
      expect(await s.getCustomKeyStore(R, A, storeId(1))).toBeUndefined();
      expect(await s.getCustomKeyStoreByName(R, A, 'store-1')).toBeUndefined();
      expect(await s.listCustomKeyStores(R, A, 10)).toEqual([]);
      expect(await s.customKeyStoresToConnect()).toEqual([]);
      expect(await s.deleteCustomKeyStore(current)).toBe('not-found');
      // A new store may take the name and the cluster.
      expect(await s.createCustomKeyStore(store(2, { name: 'store-1', cloudHsmClusterId: clusterId(1) }))).toBe('ok');
    });

    it('resetAll removes every key store', async () => {
      await s.createCustomKeyStore(store(1, { connectRequested: true }));
      await s.createCustomKeyStore(store(2, { accountId: B }));
      await s.resetAll();
      expect(await s.listCustomKeyStores(R, A, 10)).toEqual([]);
      expect(await s.listCustomKeyStores(R, B, 10)).toEqual([]);
      expect(await s.customKeyStoresToConnect()).toEqual([]);
      expect(await s.createCustomKeyStore(store(1))).toBe('ok');
    });

    it.skipIf(reopen === undefined)('keeps a key store across close and reopen', async () => {
      const record = store(1, { connectRequested: true, version: 2 });
      await s.createCustomKeyStore(record);
      s = await reopen!(s);
      expect(await s.getCustomKeyStore(R, A, storeId(1))).toStrictEqual(record);
      expect((await s.customKeyStoresToConnect()).map((k) => k.customKeyStoreId)).toEqual([storeId(1)]);
      expect(await s.createCustomKeyStore(store(2, { name: 'store-1' }))).toBe('name-in-use');
    });
  });
}
