/**
 * Conformance suite for multi-Region keys (MultiRegionStorage), run by every backend's test file.
 * `open` must return a fresh, empty, migrated storage each time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyMaterialRecord, KeyRecord } from '../domain/types.js';
import { keyRecordFixture } from './fixtures.js';
import type { Storage } from './types.js';

const A = '111122223333';
const KEY_ID = 'mrk-1234abcd12ab34cd56ef1234567890ab';
const T0 = new Date('2026-03-01T00:00:00Z');
const M1 = '1'.repeat(64);
const M2 = '2'.repeat(64);

const mrk = (region: string, type: 'PRIMARY' | 'REPLICA', extra: Partial<KeyRecord> = {}): KeyRecord =>
  keyRecordFixture({
    keyId: KEY_ID,
    accountId: A,
    region,
    currentMaterialId: M1,
    creationDate: T0,
    policy: '{}',
    multiRegion: true,
    multiRegionKeyType: type,
    version: 0,
    ...extra,
  });

const material = (key: KeyRecord, materialId: string): KeyMaterialRecord => ({
  keyArn: key.arn,
  materialId,
  wrapped: Buffer.from(`wrapped ${materialId} for ${key.region}`),
  createdAt: T0,
});

export function describeMultiRegionStorageConformance(name: string, open: () => Promise<Storage>): void {
  describe(`multi-Region storage conformance: ${name}`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    const primary = mrk('us-east-1', 'PRIMARY');
    const due = new Date(T0.getTime() + 2000);
    const replica = mrk('eu-west-1', 'REPLICA', {
      keyState: 'Creating',
      transitionDue: due,
      stateAfterTransition: 'Enabled',
    });

    /** The primary as stored now (each replica written bumps its version). */
    const stored = async () => (await s.getKey('us-east-1', A, KEY_ID))!;

    it('stores a replica with its materials and finds the related keys by account and key id', async () => {
      expect(await s.createKey(primary, material(primary, M1))).toBe('ok');
      expect(await s.createReplicaKey(replica, [material(replica, M1)], await stored())).toBe('ok');
      const related = await s.relatedKeys(A, KEY_ID);
      expect(related.map((k) => [k.region, k.multiRegionKeyType])).toEqual([
        ['eu-west-1', 'REPLICA'],
        ['us-east-1', 'PRIMARY'],
      ]);
      const written = await s.getKey('eu-west-1', A, KEY_ID);
      expect(written).toMatchObject({ keyState: 'Creating', transitionDue: due, stateAfterTransition: 'Enabled' });
      expect((await s.getKeyMaterial(replica.arn, M1))?.wrapped.toString()).toBe(`wrapped ${M1} for eu-west-1`);
      expect(await s.relatedKeys('444455556666', KEY_ID)).toEqual([]);
    });

    it("refuses a second replica in a Region, and a replica beyond the Region's key quota", async () => {
      expect(await s.createKey(primary, material(primary, M1))).toBe('ok');
      expect(await s.createReplicaKey(replica, [material(replica, M1)], await stored())).toBe('ok');
      expect(await s.createReplicaKey(replica, [material(replica, M1)], await stored())).toBe('exists');
      const sydney = mrk('ap-southeast-2', 'REPLICA');
      expect(await s.createReplicaKey(sydney, [material(sydney, M1)], await stored(), 0)).toEqual({
        result: 'limit',
        usage: 0,
      });
      expect(await s.getKey('ap-southeast-2', A, KEY_ID)).toBeUndefined();
      // A primary written since its materials were read: nothing is written.
      expect(await s.createReplicaKey(sydney, [material(sydney, M1)], primary)).toBe('conflict');
      expect(await s.getKey('ap-southeast-2', A, KEY_ID)).toBeUndefined();
    });

    it('writes related keys and their new materials all or nothing', async () => {
      expect(await s.createKey(primary, material(primary, M1))).toBe('ok');
      expect(await s.createReplicaKey(replica, [material(replica, M1)], await stored())).toBe('ok');
      const writes = [
        { key: { ...(await stored()), currentMaterialId: M2 }, material: material(primary, M2) },
        { key: { ...replica, currentMaterialId: M2 }, material: material(replica, M2) },
      ];
      expect(await s.updateRelatedKeys(writes)).toBe('ok');
      expect((await s.getKey('eu-west-1', A, KEY_ID))?.currentMaterialId).toBe(M2);
      expect((await s.listKeyMaterials(replica.arn)).map((m) => m.materialId)).toEqual([M1, M2]);
      // Stale versions: nothing of the write stays.
      const stale = [
        { key: { ...primary, version: 1, description: 'changed' } },
        { key: { ...replica, version: 0, description: 'changed' } },
      ];
      expect(await s.updateRelatedKeys(stale)).toBe('conflict');
      expect((await s.getKey('us-east-1', A, KEY_ID))?.description).toBe('');
    });

    it('lists keys due to leave a transient state, and primary keys waiting for their replicas', async () => {
      expect(await s.createKey(primary, material(primary, M1))).toBe('ok');
      expect(await s.createReplicaKey(replica, [material(replica, M1)], await stored())).toBe('ok');
      expect(await s.keysDueForTransition(new Date(due.getTime() - 1), 10)).toEqual([]);
      expect((await s.keysDueForTransition(due, 10)).map((k) => k.arn)).toEqual([replica.arn]);
      expect(await s.keysPendingReplicaDeletion(10)).toEqual([]);
      const waiting = {
        ...(await stored()),
        keyState: 'PendingReplicaDeletion' as const,
        pendingDeletionWindowInDays: 7,
      };
      expect(await s.updateKey(waiting)).toBe('ok');
      expect((await s.keysPendingReplicaDeletion(10)).map((k) => k.arn)).toEqual([primary.arn]);
    });
  });
}
