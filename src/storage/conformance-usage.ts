/**
 * Conformance suite for the usage counters (Storage.addUsage, Storage.listUsage) and the hours of
 * deleted keys (Storage.deleteKey's keyHours, listDeletedKeyHours), run by every backend's test
 * file. `open` must return a fresh, empty, migrated storage each time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyRecord } from '../domain/types.js';
import { keyRecordFixture } from './fixtures.js';
import type { KeyHoursRow, Storage, UsageRow } from './types.js';

const A = '111122223333';
const B = '444455556666';
const KEY = `arn:aws:kms:us-east-1:${A}:key/00000000-0000-4000-8000-000000000001`;

const row = (overrides: Partial<UsageRow> = {}): UsageRow => ({
  period: '2026-03',
  accountId: A,
  region: 'us-east-1',
  keyArn: KEY,
  operation: 'Encrypt',
  priceClass: 'symmetric',
  requests: 1,
  ...overrides,
});

const T0 = new Date('2026-03-01T00:00:00Z');
const MATERIAL = 'a'.repeat(64);

const keyRecord = (keyId: string, accountId = A): KeyRecord =>
  keyRecordFixture({ keyId, accountId, region: 'us-east-1', currentMaterialId: MATERIAL, creationDate: T0 });

export function describeUsageStorageConformance(name: string, open: () => Promise<Storage>): void {
  describe(`usage storage conformance: ${name}`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    it('lists nothing for a month without requests', async () => {
      expect(await s.listUsage('2026-03')).toEqual([]);
    });

    it('adds to the stored count of the same (period, account, region, key, operation, class)', async () => {
      await s.addUsage([row({ requests: 5 })]);
      await s.addUsage([row({ requests: 3 }), row({ requests: 2 })]);
      expect(await s.listUsage('2026-03')).toEqual([row({ requests: 10 })]);
    });

    it('keeps each part of the identity apart and orders by account, region, key, operation, class', async () => {
      const rows = [
        row({ accountId: B }),
        row({ priceClass: 'asymmetric' }),
        row({ operation: 'Decrypt', requests: 4 }),
        row({ keyArn: '', operation: 'ListKeys' }),
        row({ region: 'eu-west-1', keyArn: KEY.replace('us-east-1', 'eu-west-1') }),
        row({ period: '2026-04', requests: 7 }),
        row({ requests: 2 }),
      ];
      await s.addUsage(rows);
      expect(await s.listUsage('2026-03')).toEqual([
        row({ region: 'eu-west-1', keyArn: KEY.replace('us-east-1', 'eu-west-1') }),
        row({ keyArn: '', operation: 'ListKeys' }),
        row({ operation: 'Decrypt', requests: 4 }),
        row({ priceClass: 'asymmetric' }),
        row({ requests: 2 }),
        row({ accountId: B }),
      ]);
      expect(await s.listUsage('2026-04')).toEqual([row({ period: '2026-04', requests: 7 })]);
      expect(await s.listUsage('2026-03', B)).toEqual([row({ accountId: B })]);
    });

    it('writes all rows of a call or none', async () => {
      await expect(s.addUsage([row({ requests: 1 }), row({ operation: 'Decrypt', requests: -1 })])).rejects.toThrow();
      expect(await s.listUsage('2026-03')).toEqual([]);
    });

    it('accepts an empty batch', async () => {
      await s.addUsage([]);
      expect(await s.listUsage('2026-03')).toEqual([]);
    });

    it('keeps the hours of a deleted key, written with the deletion, by month and account', async () => {
      const created = async (keyId: string, accountId = A) => {
        const key = keyRecord(keyId, accountId);
        await s.createKey(key, { keyArn: key.arn, materialId: MATERIAL, wrapped: Buffer.from('w'), createdAt: T0 });
        return key;
      };
      const one = await created('00000000-0000-4000-8000-000000000011');
      const two = await created('00000000-0000-4000-8000-000000000012', B);
      const hours = (key: KeyRecord, period: string, n: number): KeyHoursRow => ({
        period,
        accountId: key.accountId,
        region: key.region,
        keyArn: key.arn,
        hours: n,
      });
      expect(await s.deleteKey(one, [hours(one, '2026-03', 100), hours(one, '2026-04', 20)])).toBe('ok');
      expect(await s.deleteKey(two, [hours(two, '2026-03', 7)])).toBe('ok');
      expect(await s.listDeletedKeyHours('2026-03')).toEqual([hours(one, '2026-03', 100), hours(two, '2026-03', 7)]);
      expect(await s.listDeletedKeyHours('2026-04', A)).toEqual([hours(one, '2026-04', 20)]);
      expect(await s.listDeletedKeyHours('2026-03', B)).toEqual([hours(two, '2026-03', 7)]);
      expect(await s.listDeletedKeyHours('2026-05')).toEqual([]);
    });

    it('writes no hours when the deletion is refused, and deletes nothing when the hours are bad', async () => {
      const key = keyRecord('00000000-0000-4000-8000-000000000013');
      await s.createKey(key, { keyArn: key.arn, materialId: MATERIAL, wrapped: Buffer.from('w'), createdAt: T0 });
      const row = { period: '2026-03', accountId: A, region: 'us-east-1', keyArn: key.arn, hours: 5 };
      expect(await s.deleteKey({ ...key, version: 99 }, [row])).not.toBe('ok');
      expect(await s.listDeletedKeyHours('2026-03')).toEqual([]);
      await expect(s.deleteKey(key, [{ ...row, hours: -1 }])).rejects.toThrow();
      expect(await s.getKey(key.region, key.accountId, key.keyId)).toBeDefined();
      expect(await s.listDeletedKeyHours('2026-03')).toEqual([]);
    });

    it('keeps counts across a reset of keys (the bill is not dev state)', async () => {
      await s.addUsage([row({ requests: 3 })]);
      await s.resetAll();
      expect(await s.listUsage('2026-03', A)).toEqual([row({ requests: 3 })]);
    });
  });
}
