/**
 * Conformance suite for GrantStorage (storage/grant-types.ts), run by every backend's test file
 * beside describeStorageConformance. `open` must return a fresh, empty, migrated storage each time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GrantRecord } from '../domain/grants.js';
import type { KeyRecord } from '../domain/types.js';
import type { GrantLimits } from './grant-types.js';
import { keyRecordFixture } from './fixtures.js';
import type { Storage } from './types.js';

const REGION = 'us-east-1';
const OTHER_REGION = 'eu-west-3';
const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const T0 = new Date('2026-03-04T05:06:07.891Z');
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const USER = `arn:aws:iam::${ACCOUNT}:user/app`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/admin`;
const LIMITS: GrantLimits = { perKey: 50_000, perGrantee: 500 };

let counter = 0;

function makeKey(opts: { region?: string; accountId?: string } = {}): { key: KeyRecord; materialId: string } {
  const { region = REGION, accountId = ACCOUNT } = opts;
  const n = ++counter;
  const keyId = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const materialId = n.toString(16).padStart(64, '0');
  return {
    materialId,
    key: keyRecordFixture({ keyId, accountId, region, currentMaterialId: materialId, creationDate: T0, policy: '{}' }),
  };
}

function makeGrant(keyArn: string, overrides: Partial<GrantRecord> = {}): GrantRecord {
  const n = ++counter;
  return {
    grantId: n.toString(16).padStart(64, 'a'),
    keyArn,
    granteePrincipal: USER,
    issuingAccount: `arn:aws:iam::${keyArn.split(':')[4]}:root`,
    operations: ['Encrypt', 'Decrypt'],
    creationDate: new Date(T0.getTime() + n),
    ...overrides,
  };
}

export function describeGrantStorageConformance(name: string, open: () => Promise<Storage>): void {
  describe(`GrantStorage conformance: ${name}`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    async function createKey(opts: { region?: string; accountId?: string } = {}): Promise<KeyRecord> {
      const { key, materialId } = makeKey(opts);
      await s.createKey(key, { keyArn: key.arn, materialId, wrapped: Buffer.from('w'), createdAt: T0 });
      return key;
    }

    it('round-trips a grant with every optional field, and one with none', async () => {
      const key = await createKey();
      const full = makeGrant(key.arn, {
        name: 'app-grant',
        retiringPrincipal: ADMIN,
        operations: ['GenerateDataKey', 'Decrypt', 'CreateGrant'],
        constraints: {
          encryptionContextSubset: { Department: 'Finance', Ünïcode: 'välue' },
          encryptionContextEquals: { a: '' },
          sourceArn: 'arn:aws:s3:::bucket',
        },
      });
      const bare = makeGrant(key.arn);
      expect(await s.createGrant(full, LIMITS)).toStrictEqual({ result: 'created', grant: full });
      expect(await s.createGrant(bare, LIMITS)).toStrictEqual({ result: 'created', grant: bare });
      expect(await s.getGrant(key.arn, full.grantId)).toStrictEqual(full);
      expect(await s.getGrant(key.arn, bare.grantId)).toStrictEqual(bare);
      expect(await s.grantsForKey(key.arn)).toStrictEqual([full, bare]);
    });

    it('round-trips service principals', async () => {
      const key = await createKey();
      const g = makeGrant(key.arn, {
        granteePrincipal: undefined,
        granteeServicePrincipal: 'logs.us-east-1.amazonaws.com',
        retiringServicePrincipal: 'logs.us-east-1.amazonaws.com',
        constraints: { sourceArn: 'arn:aws:logs:us-east-1:111122223333:log-group:g' },
      });
      delete g.granteePrincipal;
      await s.createGrant(g, LIMITS);
      expect(await s.getGrant(key.arn, g.grantId)).toStrictEqual(g);
    });

    it('finds a grant only on its own key', async () => {
      const key = await createKey();
      const other = await createKey();
      const g = makeGrant(key.arn);
      await s.createGrant(g, LIMITS);
      expect(await s.getGrant(other.arn, g.grantId)).toBeUndefined();
      expect(await s.getGrant(key.arn, 'f'.repeat(64))).toBeUndefined();
      expect(await s.deleteGrant(other.arn, g.grantId)).toBe('not-found');
      expect(await s.grantsForKey(other.arn)).toStrictEqual([]);
    });

    it('rejects a grant of a key that does not exist', async () => {
      const { key } = makeKey();
      await expect(s.createGrant(makeGrant(key.arn), LIMITS)).rejects.toThrow();
      expect(await s.grantsForKey(key.arn)).toStrictEqual([]);
    });

    it('returns the existing grant for the same name and parameters (operations in any order)', async () => {
      const key = await createKey();
      const first = makeGrant(key.arn, { name: 'retry-me', operations: ['Encrypt', 'Decrypt'] });
      await s.createGrant(first, LIMITS);
      const retry = makeGrant(key.arn, { name: 'retry-me', operations: ['Decrypt', 'Encrypt'] });
      expect(await s.createGrant(retry, LIMITS)).toStrictEqual({ result: 'existing', grant: first });
      expect(await s.grantsForKey(key.arn)).toHaveLength(1);
    });

    it('creates a new grant for the same name with other parameters, or without a name', async () => {
      const key = await createKey();
      await s.createGrant(makeGrant(key.arn, { name: 'n' }), LIMITS);
      const other = makeGrant(key.arn, { name: 'n', operations: ['Encrypt'] });
      expect((await s.createGrant(other, LIMITS)).result).toBe('created');
      const unnamed = makeGrant(key.arn);
      await s.createGrant(unnamed, LIMITS);
      expect((await s.createGrant({ ...unnamed, grantId: 'b'.repeat(64) }, LIMITS)).result).toBe('created');
      const otherKey = await createKey();
      expect((await s.createGrant(makeGrant(otherKey.arn, { name: 'n' }), LIMITS)).result).toBe('created');
      expect(await s.grantsForKey(key.arn)).toHaveLength(4);
    });

    it('refuses a second grant with the same id', async () => {
      const key = await createKey();
      const g = makeGrant(key.arn);
      await s.createGrant(g, LIMITS);
      await expect(s.createGrant({ ...g, operations: ['Encrypt'] }, LIMITS)).rejects.toThrow();
    });

    it('counts grants per key and per grantee in the same transaction', async () => {
      const key = await createKey();
      const limits = { perKey: 3, perGrantee: 2 };
      expect((await s.createGrant(makeGrant(key.arn), limits)).result).toBe('created');
      expect((await s.createGrant(makeGrant(key.arn), limits)).result).toBe('created');
      expect(await s.createGrant(makeGrant(key.arn), limits)).toStrictEqual({
        result: 'limit',
        limit: 'perGrantee',
        usage: 2,
      });
      expect((await s.createGrant(makeGrant(key.arn, { granteePrincipal: ADMIN }), limits)).result).toBe('created');
      expect(await s.createGrant(makeGrant(key.arn, { granteePrincipal: ROOT }), limits)).toStrictEqual({
        result: 'limit',
        limit: 'perKey',
        usage: 3,
      });
      // Another key has its own count; a retry by name is answered before the quota.
      const other = await createKey();
      expect((await s.createGrant(makeGrant(other.arn), limits)).result).toBe('created');
      const named = makeGrant(other.arn, { name: 'x', granteePrincipal: ADMIN });
      await s.createGrant(named, { perKey: 2, perGrantee: 2 });
      expect((await s.createGrant({ ...named, grantId: 'c'.repeat(64) }, { perKey: 2, perGrantee: 2 })).result).toBe(
        'existing',
      );
    });

    it('lists the grants of a key in creation order, in pages, with filters', async () => {
      const key = await createKey();
      const other = await createKey();
      const grants = [
        makeGrant(key.arn),
        makeGrant(key.arn, { granteePrincipal: ADMIN }),
        makeGrant(key.arn),
        makeGrant(key.arn, { granteePrincipal: ADMIN }),
        makeGrant(key.arn),
      ];
      for (const g of grants) await s.createGrant(g, LIMITS);
      await s.createGrant(makeGrant(other.arn), LIMITS);

      const first = await s.listGrants(key.arn, 2);
      expect(first.items).toStrictEqual(grants.slice(0, 2));
      expect(first.next).toBeDefined();
      const second = await s.listGrants(key.arn, 2, first.next);
      expect(second.items).toStrictEqual(grants.slice(2, 4));
      const third = await s.listGrants(key.arn, 2, second.next);
      expect(third).toStrictEqual({ items: grants.slice(4) });
      expect(await s.listGrants(key.arn, 5)).toStrictEqual({ items: grants });

      expect((await s.listGrants(key.arn, 10, undefined, { granteePrincipal: ADMIN })).items).toStrictEqual([
        grants[1],
        grants[3],
      ]);
      expect((await s.listGrants(key.arn, 10, undefined, { grantId: grants[2]!.grantId })).items).toStrictEqual([
        grants[2],
      ]);
      expect(
        (await s.listGrants(key.arn, 10, undefined, { grantId: grants[2]!.grantId, granteePrincipal: ADMIN })).items,
      ).toStrictEqual([]);
      const adminPage = await s.listGrants(key.arn, 1, undefined, { granteePrincipal: ADMIN });
      expect(adminPage.items).toStrictEqual([grants[1]]);
      expect((await s.listGrants(key.arn, 1, adminPage.next, { granteePrincipal: ADMIN })).items).toStrictEqual([
        grants[3],
      ]);
    });

    it('a page continues after a deleted grant', async () => {
      const key = await createKey();
      const grants = [makeGrant(key.arn), makeGrant(key.arn), makeGrant(key.arn)];
      for (const g of grants) await s.createGrant(g, LIMITS);
      const first = await s.listGrants(key.arn, 1);
      expect(await s.deleteGrant(key.arn, grants[0]!.grantId)).toBe('ok');
      expect((await s.listGrants(key.arn, 5, first.next)).items).toStrictEqual(grants.slice(1));
    });

    it('lists retirable grants by retiring principal in one region, keys of any account', async () => {
      const mine = await createKey();
      const theirs = await createKey({ accountId: OTHER_ACCOUNT });
      const elsewhere = await createKey({ region: OTHER_REGION });
      const a = makeGrant(mine.arn, { retiringPrincipal: ADMIN });
      const b = makeGrant(theirs.arn, { retiringPrincipal: ADMIN });
      const c = makeGrant(elsewhere.arn, { retiringPrincipal: ADMIN });
      const d = makeGrant(mine.arn, { retiringPrincipal: USER });
      const e = makeGrant(mine.arn, { retiringServicePrincipal: 'logs.us-east-1.amazonaws.com' });
      for (const g of [a, b, c, d, e]) await s.createGrant(g, LIMITS);

      const first = await s.listRetirableGrants({ region: REGION, retiringPrincipal: ADMIN }, 1);
      expect(first.items).toStrictEqual([a]);
      expect(await s.listRetirableGrants({ region: REGION, retiringPrincipal: ADMIN }, 1, first.next)).toStrictEqual({
        items: [b],
      });
      expect((await s.listRetirableGrants({ region: OTHER_REGION, retiringPrincipal: ADMIN }, 10)).items).toStrictEqual(
        [c],
      );
      expect(
        (await s.listRetirableGrants({ region: REGION, retiringServicePrincipal: 'logs.us-east-1.amazonaws.com' }, 10))
          .items,
      ).toStrictEqual([e]);
      expect((await s.listRetirableGrants({ region: REGION, retiringPrincipal: ROOT }, 10)).items).toStrictEqual([]);
    });

    it('deletes a grant once', async () => {
      const key = await createKey();
      const g = makeGrant(key.arn);
      await s.createGrant(g, LIMITS);
      expect(await s.deleteGrant(key.arn, g.grantId)).toBe('ok');
      expect(await s.deleteGrant(key.arn, g.grantId)).toBe('not-found');
      expect(await s.getGrant(key.arn, g.grantId)).toBeUndefined();
    });

    it('deletes the grants of a key with the key, and every grant at resetAll', async () => {
      const key = await createKey();
      const kept = await createKey();
      const g = makeGrant(key.arn, { retiringPrincipal: ADMIN });
      const h = makeGrant(kept.arn, { retiringPrincipal: ADMIN });
      await s.createGrant(g, LIMITS);
      await s.createGrant(h, LIMITS);
      const stored = (await s.getKey(key.region, key.accountId, key.keyId))!;
      expect(await s.deleteKey(stored)).toBe('ok');
      expect(await s.getGrant(key.arn, g.grantId)).toBeUndefined();
      expect(await s.grantsForKey(key.arn)).toStrictEqual([]);
      expect((await s.listRetirableGrants({ region: REGION, retiringPrincipal: ADMIN }, 10)).items).toStrictEqual([h]);

      await s.resetAll();
      expect(await s.grantsForKey(kept.arn)).toStrictEqual([]);
      expect((await s.listRetirableGrants({ region: REGION, retiringPrincipal: ADMIN }, 10)).items).toStrictEqual([]);
    });

    it('keeps grants across migrate()', async () => {
      const key = await createKey();
      const g = makeGrant(key.arn);
      await s.createGrant(g, LIMITS);
      await s.migrate();
      expect(await s.getGrant(key.arn, g.grantId)).toStrictEqual(g);
    });
  });
}
