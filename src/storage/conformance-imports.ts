/**
 * Conformance suite for imported key material (ImportStorage, and createKey without material),
 * run by every backend's test file. `open` must return a fresh, empty, migrated storage each time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyMaterialRecord, KeyRecord } from '../domain/types.js';
import type { ImportParametersRecord } from './import-types.js';
import type { Storage } from './types.js';

const A = '111122223333';
const T0 = new Date('2026-03-01T00:00:00Z');
const HOUR = 60 * 60 * 1000;
const M1 = '1'.repeat(64);
const M2 = '2'.repeat(64);

const externalKey = (keyId: string): KeyRecord => ({
  arn: `arn:aws:kms:us-east-1:${A}:key/${keyId}`,
  keyId,
  accountId: A,
  region: 'us-east-1',
  description: '',
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  origin: 'EXTERNAL',
  keyManager: 'CUSTOMER',
  keyState: 'PendingImport',
  creationDate: T0,
  policy: '{}',
  tags: [],
  rotationEnabled: false,
  currentMaterialId: '',
  multiRegion: false,
  version: 0,
});

const material = (key: KeyRecord, materialId: string, wrapped = 'wrapped'): KeyMaterialRecord => ({
  keyArn: key.arn,
  materialId,
  wrapped: Buffer.from(wrapped),
  createdAt: T0,
});

const params = (
  key: KeyRecord,
  tokenId: string,
  validTo = new Date(T0.getTime() + 24 * HOUR),
): ImportParametersRecord => ({
  tokenId,
  keyArn: key.arn,
  wrappingAlgorithm: 'RSAES_OAEP_SHA_256',
  wrappingKeySpec: 'RSA_2048',
  wrappedPrivateKey: Buffer.from(`private key of ${tokenId}`),
  createdAt: T0,
  validTo,
});

export function describeImportStorageConformance(name: string, open: () => Promise<Storage>): void {
  describe(`import storage conformance: ${name}`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    const created = async (keyId: string): Promise<KeyRecord> => {
      const key = externalKey(keyId);
      expect(await s.createKey(key, undefined)).toBe('ok');
      return (await s.getKey(key.region, key.accountId, key.keyId))!;
    };
    const imported = async (key: KeyRecord, materialId: string, extra: Partial<KeyRecord> = {}) => {
      const next: KeyRecord = { ...key, keyState: 'Enabled', currentMaterialId: materialId, ...extra };
      expect(await s.importKeyMaterial(next, material(key, materialId))).toBe('ok');
      return (await s.getKey(key.region, key.accountId, key.keyId))!;
    };

    it('creates a key without material, which has none to list or get', async () => {
      const key = await created('00000000-0000-4000-8000-000000000101');
      expect(key).toMatchObject({ keyState: 'PendingImport', currentMaterialId: '', origin: 'EXTERNAL' });
      expect(key.expirationModel).toBeUndefined();
      expect(key.validTo).toBeUndefined();
      expect(await s.listKeyMaterials(key.arn)).toEqual([]);
      expect(await s.getKeyMaterial(key.arn, '')).toBeUndefined();
    });

    it('refuses a key without material that names a current material', async () => {
      const key = { ...externalKey('00000000-0000-4000-8000-000000000102'), currentMaterialId: M1 };
      await expect(s.createKey(key, undefined)).rejects.toThrow();
      expect(await s.getKey(key.region, key.accountId, key.keyId)).toBeUndefined();
    });

    it('imports material with the key write, compare-and-set on its version', async () => {
      const key = await created('00000000-0000-4000-8000-000000000103');
      const validTo = new Date(T0.getTime() + 10 * HOUR);
      const stale = { ...key, keyState: 'Enabled' as const, currentMaterialId: M1, version: key.version + 5 };
      expect(await s.importKeyMaterial(stale, material(key, M1))).toBe('conflict');
      expect(await s.getKeyMaterial(key.arn, M1)).toBeUndefined();
      const now = await imported(key, M1, { expirationModel: 'KEY_MATERIAL_EXPIRES', validTo });
      expect(now).toMatchObject({
        keyState: 'Enabled',
        currentMaterialId: M1,
        expirationModel: 'KEY_MATERIAL_EXPIRES',
      });
      expect(now.validTo).toEqual(validTo);
      expect(now.version).toBe(key.version + 1);
      expect((await s.getKeyMaterial(key.arn, M1))?.wrapped).toEqual(Buffer.from('wrapped'));
      expect((await s.listKeyMaterials(key.arn)).map((m) => m.materialId)).toEqual([M1]);
    });

    it('deletes imported material, keeps its id, and takes the same id back on import', async () => {
      const key = await imported(await created('00000000-0000-4000-8000-000000000104'), M1);
      const pending: KeyRecord = { ...key, keyState: 'PendingImport', validTo: undefined };
      expect(await s.deleteImportedKeyMaterial({ ...pending, version: 99 }, M1)).toBe('conflict');
      expect(await s.getKeyMaterial(key.arn, M1)).toBeDefined();
      expect(await s.deleteImportedKeyMaterial(pending, M1)).toBe('ok');
      const after = (await s.getKey(key.region, key.accountId, key.keyId))!;
      expect(after).toMatchObject({ keyState: 'PendingImport', currentMaterialId: M1 });
      expect(await s.getKeyMaterial(key.arn, M1)).toBeUndefined();
      expect(await s.listKeyMaterials(key.arn)).toEqual([]);
      // The key still names its (absent) material: updates keep working.
      expect(await s.updateKey({ ...after, description: 'still writable' })).toBe('ok');
      const again = await imported((await s.getKey(key.region, key.accountId, key.keyId))!, M1);
      expect(again.description).toBe('still writable');
      expect((await s.getKeyMaterial(key.arn, M1))?.wrapped).toEqual(Buffer.from('wrapped'));
    });

    it('adds a material of another id after the first, oldest first', async () => {
      const key = await imported(await created('00000000-0000-4000-8000-000000000105'), M1);
      await imported(key, M2);
      expect((await s.listKeyMaterials(key.arn)).map((m) => m.materialId)).toEqual([M1, M2]);
    });

    it('lists imported materials whose ValidTo came, soonest first, with their key', async () => {
      const at = (h: number) => new Date(T0.getTime() + h * HOUR);
      const withExpiry = async (keyId: string, validTo?: Date) => {
        const key = await created(keyId);
        const next: KeyRecord = { ...key, keyState: 'Enabled', currentMaterialId: M1, validTo };
        expect(await s.importKeyMaterial(next, { ...material(key, M1), validTo })).toBe('ok');
        return (await s.getKey(key.region, key.accountId, key.keyId))!;
      };
      const soon = await withExpiry('00000000-0000-4000-8000-000000000106', at(2));
      const sooner = await withExpiry('00000000-0000-4000-8000-000000000107', at(1));
      await withExpiry('00000000-0000-4000-8000-000000000108', at(9));
      await withExpiry('00000000-0000-4000-8000-000000000109');
      const due = await s.expiredKeyMaterials(at(2), 10);
      expect(due.map((d) => [d.key.arn, d.materialId])).toEqual([
        [sooner.arn, M1],
        [soon.arn, M1],
      ]);
      expect(due[1]!.key).toEqual(soon);
      expect(await s.expiredKeyMaterials(at(2), 1)).toHaveLength(1);
      expect(await s.expiredKeyMaterials(T0, 10)).toEqual([]);
      // Deleted material is no longer due.
      expect(await s.deleteImportedKeyMaterial({ ...sooner, keyState: 'PendingImport' }, M1)).toBe('ok');
      expect((await s.expiredKeyMaterials(at(2), 10)).map((d) => d.key.arn)).toEqual([soon.arn]);
    });

    it("keeps each material's expiry and description, lists them imported or not, and rotates to one", async () => {
      const key = await imported(await created('00000000-0000-4000-8000-000000000114'), M1);
      const pending = {
        ...material(key, M2),
        expirationModel: 'KEY_MATERIAL_EXPIRES',
        validTo: new Date(T0.getTime() + HOUR),
        description: 'second',
      };
      expect(await s.importKeyMaterial(key, pending)).toBe('ok');
      let now = (await s.getKey(key.region, key.accountId, key.keyId))!;
      expect(now.currentMaterialId).toBe(M1);
      const listed = await s.listImportedKeyMaterials(key.arn);
      expect(listed.map((m) => [m.materialId, m.imported, m.description, m.expirationModel])).toEqual([
        [M1, true, undefined, undefined],
        [M2, true, 'second', 'KEY_MATERIAL_EXPIRES'],
      ]);
      expect(listed[1]!.validTo).toEqual(new Date(T0.getTime() + HOUR));
      // Imported again without a description: the description stays.
      expect(
        await s.importKeyMaterial(now, { ...material(key, M2), expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
      ).toBe('ok');
      now = (await s.getKey(key.region, key.accountId, key.keyId))!;
      const again = (await s.listImportedKeyMaterials(key.arn))[1]!;
      expect([again.description, again.expirationModel, again.validTo]).toEqual([
        'second',
        'KEY_MATERIAL_DOES_NOT_EXPIRE',
        undefined,
      ]);

      const rotatedAt = new Date(T0.getTime() + 5 * HOUR);
      expect(await s.rotateToImportedKeyMaterial({ ...now, currentMaterialId: M2, version: 99 }, M2, rotatedAt)).toBe(
        'conflict',
      );
      expect(await s.rotateToImportedKeyMaterial({ ...now, currentMaterialId: M2 }, M2, rotatedAt)).toBe('ok');
      expect((await s.getKey(key.region, key.accountId, key.keyId))!.currentMaterialId).toBe(M2);
      const rotated = (await s.listImportedKeyMaterials(key.arn))[1]!;
      expect([rotated.rotationType, rotated.createdAt]).toEqual(['ON_DEMAND', rotatedAt]);

      now = (await s.getKey(key.region, key.accountId, key.keyId))!;
      expect(await s.deleteImportedKeyMaterial({ ...now, keyState: 'PendingImport' }, M1)).toBe('ok');
      expect(
        (await s.listImportedKeyMaterials(key.arn)).map((m) => [m.materialId, m.imported, m.wrapped.length]),
      ).toEqual([
        [M1, false, 0],
        [M2, true, 7],
      ]);
      expect((await s.listKeyMaterials(key.arn)).map((m) => m.materialId)).toEqual([M2]);
    });

    it('takes import parameters once', async () => {
      const key = await created('00000000-0000-4000-8000-000000000110');
      const p = params(key, 'a'.repeat(64));
      await s.putImportParameters(p);
      expect(await s.getImportParameters(p.tokenId)).toEqual(p);
      expect(await s.takeImportParameters(p.tokenId)).toEqual(p);
      expect(await s.takeImportParameters(p.tokenId)).toBeUndefined();
      expect(await s.getImportParameters(p.tokenId)).toBeUndefined();
      expect(await s.takeImportParameters('b'.repeat(64))).toBeUndefined();
    });

    it('refuses import parameters of a missing key or a token id issued twice', async () => {
      const key = await created('00000000-0000-4000-8000-000000000111');
      await s.putImportParameters(params(key, 'c'.repeat(64)));
      await expect(s.putImportParameters(params(key, 'c'.repeat(64)))).rejects.toThrow();
      await expect(
        s.putImportParameters(params(externalKey('00000000-0000-4000-8000-000000000199'), 'd'.repeat(64))),
      ).rejects.toThrow();
    });

    it('deletes expired import parameters, and those of a deleted key or a reset', async () => {
      const key = await created('00000000-0000-4000-8000-000000000112');
      await s.putImportParameters(params(key, 'e'.repeat(64), new Date(T0.getTime() + HOUR)));
      await s.putImportParameters(params(key, 'f'.repeat(64), new Date(T0.getTime() + 3 * HOUR)));
      expect(await s.deleteExpiredImportParameters(new Date(T0.getTime() + HOUR), 10)).toBe(1);
      expect(await s.getImportParameters('e'.repeat(64))).toBeUndefined();
      expect(await s.getImportParameters('f'.repeat(64))).toBeDefined();
      expect(await s.deleteKey((await s.getKey(key.region, key.accountId, key.keyId))!)).toBe('ok');
      expect(await s.getImportParameters('f'.repeat(64))).toBeUndefined();

      const other = await created('00000000-0000-4000-8000-000000000113');
      await s.putImportParameters(params(other, '0'.repeat(64)));
      await s.resetAll();
      expect(await s.getImportParameters('0'.repeat(64))).toBeUndefined();
    });
  });
}
