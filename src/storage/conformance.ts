/**
 * The conformance suite every Storage implementation passes (STYLE rule 9). An implementation's
 * test file calls describeStorageConformance with a factory; `open` must return a fresh, empty,
 * migrated storage each time (the suite closes it after each test).
 *
 * Beyond the words of storage/types.ts, the suite pins down what callers may rely on: absent
 * optional fields read back as absent (never null), dates round-trip to the millisecond, names and
 * key ids order bytewise, materials list in the order they were added, and the key-material and
 * alias-target references are constraints (a dangling one is rejected, not stored).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessKeyRecord, AliasRecord, KeyMaterialRecord, KeyRecord } from '../domain/index.js';
import { keyRecordFixture } from './fixtures.js';
import type { SeedWrite, Storage } from './types.js';

const REGION = 'us-east-1';
const OTHER_REGION = 'eu-west-3';
const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';

const T0 = new Date('2026-03-04T05:06:07.891Z');
const at = (msAfterT0: number): Date => new Date(T0.getTime() + msAfterT0);
const DAY = 24 * 60 * 60 * 1000;

/** A key id whose lexical order follows n, like the UUIDs AWS uses. */
const keyIdOf = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const materialIdOf = (n: number): string => n.toString(16).padStart(64, '0');
const arnOf = (region: string, accountId: string, keyId: string): string =>
  `arn:aws:kms:${region}:${accountId}:key/${keyId}`;

interface KeyFixture {
  key: KeyRecord;
  material: KeyMaterialRecord;
}

let materialCounter = 0;

/** A minimal Enabled symmetric key (no optional fields) and its first material. */
function makeKey(
  n: number,
  opts: { region?: string; accountId?: string } & Partial<Omit<KeyRecord, 'arn' | 'keyId'>> = {},
): KeyFixture {
  const { region = REGION, accountId = ACCOUNT, ...overrides } = opts;
  const keyId = keyIdOf(n);
  const arn = arnOf(region, accountId, keyId);
  const materialId = materialIdOf(++materialCounter);
  const key: KeyRecord = keyRecordFixture({
    keyId,
    accountId,
    region,
    currentMaterialId: materialId,
    creationDate: T0,
    ...overrides,
    arn,
  });
  const material: KeyMaterialRecord = {
    keyArn: arn,
    materialId,
    wrapped: Buffer.from([0x00, 0xff, n & 0xff, 0x80, 0x7f]),
    createdAt: T0,
  };
  return { key, material };
}

function nextMaterial(key: KeyRecord, createdAt: Date): KeyMaterialRecord {
  return {
    keyArn: key.arn,
    materialId: materialIdOf(++materialCounter),
    wrapped: Buffer.from(`wrapped-${materialCounter}`),
    createdAt,
    rotationType: 'ON_DEMAND',
  };
}

function makeAlias(name: string, targetKeyId: string, opts: { region?: string; accountId?: string } = {}): AliasRecord {
  const { region = REGION, accountId = ACCOUNT } = opts;
  return {
    accountId,
    region,
    aliasName: name,
    aliasArn: `arn:aws:kms:${region}:${accountId}:${name}`,
    targetKeyId,
    creationDate: T0,
    lastUpdatedDate: T0,
  };
}

const byArn = (a: KeyRecord, b: KeyRecord): number => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0);

export function describeStorageConformance(name: string, open: () => Promise<Storage>): void {
  describe(`Storage conformance: ${name}`, () => {
    let s: Storage;

    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    async function create(fixture: KeyFixture): Promise<KeyRecord> {
      await s.createKey(fixture.key, fixture.material);
      return fixture.key;
    }

    describe('migrate', () => {
      it('is idempotent and keeps data', async () => {
        const key = await create(makeKey(1));
        await s.putAccount({ accountId: ACCOUNT, createdAt: T0 });
        await s.migrate();
        await s.migrate();
        expect(await s.getKey(REGION, ACCOUNT, key.keyId)).toStrictEqual(key);
        expect(await s.getAccount(ACCOUNT)).toStrictEqual({ accountId: ACCOUNT, createdAt: T0 });
        expect(await s.countKeys(REGION, ACCOUNT)).toBe(1);
      });
    });

    describe('key usage', () => {
      it('keeps the newest use per key, ignores older ones and keys that are gone, and goes with the key', async () => {
        const key = await create(makeKey(1));
        const use = (ms: number, operation = 'Encrypt') => ({
          keyArn: key.arn,
          operation,
          usedAt: at(ms),
          eventId: `event-${ms}`,
          requestId: `request-${ms}`,
        });
        expect(await s.getKeyUsage(key.arn)).toBeUndefined();
        await s.recordKeyUsage([
          use(10),
          { ...use(5, 'Decrypt'), keyArn: 'arn:aws:kms:us-east-1:111122223333:key/gone' },
        ]);
        expect(await s.getKeyUsage(key.arn)).toStrictEqual(use(10));
        await s.recordKeyUsage([use(3, 'Decrypt')]);
        expect(await s.getKeyUsage(key.arn)).toStrictEqual(use(10));
        await s.recordKeyUsage([use(20, 'Decrypt')]);
        expect(await s.getKeyUsage(key.arn)).toStrictEqual(use(20, 'Decrypt'));
        expect(await s.getKeyUsage('arn:aws:kms:us-east-1:111122223333:key/gone')).toBeUndefined();
        const stored = (await s.getKey(key.region, key.accountId, key.keyId))!;
        expect(await s.deleteKey(stored)).toBe('ok');
        expect(await s.getKeyUsage(key.arn)).toBeUndefined();
      });
    });

    describe('rememberRequest (replay protection)', () => {
      it('answers seen for a digest recorded and not expired, new again once it expired', async () => {
        const d = Buffer.alloc(32, 7);
        expect(await s.rememberRequest(d, at(1000), T0)).toBe('new');
        expect(await s.rememberRequest(d, at(2000), at(999))).toBe('seen');
        expect(await s.rememberRequest(Buffer.alloc(32, 8), at(1000), at(10))).toBe('new');
        expect(await s.rememberRequest(d, at(5000), at(1000))).toBe('new');
        expect(await s.rememberRequest(d, at(6000), at(4999))).toBe('seen');
      });
    });

    describe('settings', () => {
      it('stores a value once and never overwrites it', async () => {
        expect(await s.getSetting('root-key-check')).toBeUndefined();
        expect(await s.insertSetting('root-key-check', Buffer.from([0, 1, 0xff]))).toBe('ok');
        expect(await s.insertSetting('root-key-check', Buffer.from([9]))).toBe('exists');
        expect(await s.getSetting('root-key-check')).toStrictEqual(Buffer.from([0, 1, 0xff]));
        expect(await s.getSetting('other')).toBeUndefined();
      });
    });

    describe('accounts and access keys', () => {
      it('lists accounts ordered by id', async () => {
        await s.putAccount({ accountId: OTHER_ACCOUNT, createdAt: T0 });
        await s.putAccount({ accountId: ACCOUNT, createdAt: at(1) });
        expect(await s.listAccounts()).toEqual([
          { accountId: ACCOUNT, createdAt: at(1) },
          { accountId: OTHER_ACCOUNT, createdAt: T0 },
        ]);
      });

      it('round-trips an account and overwrites on put', async () => {
        expect(await s.getAccount(ACCOUNT)).toBeUndefined();
        await s.putAccount({ accountId: ACCOUNT, createdAt: T0 });
        expect(await s.getAccount(ACCOUNT)).toStrictEqual({ accountId: ACCOUNT, createdAt: T0 });
        await s.putAccount({ accountId: ACCOUNT, createdAt: at(1) });
        expect(await s.getAccount(ACCOUNT)).toStrictEqual({ accountId: ACCOUNT, createdAt: at(1) });
        expect(await s.getAccount(OTHER_ACCOUNT)).toBeUndefined();
      });

      it('round-trips an access key, its wrapped secret bytes, and a status change', async () => {
        const record = {
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          accountId: ACCOUNT,
          principalArn: `arn:aws:iam::${ACCOUNT}:root`,
          wrappedSecret: Buffer.from([0, 1, 2, 0xfe, 0xff, 0]),
          status: 'Active' as const,
          createdAt: at(123),
        };
        expect(await s.getAccessKey(record.accessKeyId)).toBeUndefined();
        await s.putAccessKey(record);
        const got = await s.getAccessKey(record.accessKeyId);
        expect(got).toStrictEqual(record);
        expect(Buffer.isBuffer(got?.wrappedSecret)).toBe(true);

        await s.putAccessKey({ ...record, status: 'Inactive' });
        expect((await s.getAccessKey(record.accessKeyId))?.status).toBe('Inactive');
        expect(await s.getAccessKey('AKIAOTHER0000000000X')).toBeUndefined();
      });
    });

    describe('keys', () => {
      it('round-trips a key with every optional field absent', async () => {
        const { key, material } = makeKey(1);
        await s.createKey(key, material);
        const got = await s.getKey(REGION, ACCOUNT, key.keyId);
        // Strict: absent fields come back absent, not null and not set to undefined.
        expect(got).toStrictEqual(key);
        expect(got?.deletionDate).toBeUndefined();
        expect(got?.customKeyStoreId).toBeUndefined();
      });

      it('round-trips a key with every field present, unicode and exact dates', async () => {
        const { key, material } = makeKey(2, {
          description: 'clé de test — 鍵 🔑 "quoted" \\ back',
          keySpec: 'RSA_2048',
          keyUsage: 'SIGN_VERIFY',
          origin: 'EXTERNAL',
          keyManager: 'AWS',
          keyState: 'PendingDeletion',
          creationDate: new Date('2025-12-31T23:59:59.999Z'),
          deletionDate: new Date('2026-01-07T00:00:00.001Z'),
          pendingDeletionWindowInDays: 7,
          policy: '{"Version":"2012-10-17","Statement":[{"Sid":"ünïcødé"}]}',
          tags: [
            { TagKey: 'z-last-but-first', TagValue: '' },
            { TagKey: 'Projekt', TagValue: 'Grüße 世界 🌍' },
            { TagKey: 'a', TagValue: 'b' },
          ],
          rotationEnabled: true,
          rotationPeriodInDays: 90,
          nextRotationDate: new Date('2026-04-01T12:34:56.789Z'),
          onDemandRotationStartDate: new Date('2026-02-02T02:02:02.002Z'),
          multiRegion: true,
          customKeyStoreId: 'cks-1234567890abcdef0',
          version: 41,
        });
        await s.createKey(key, material);
        const got = await s.getKey(REGION, ACCOUNT, key.keyId);
        expect(got).toStrictEqual(key);
        expect(got?.deletionDate).toBeInstanceOf(Date);
        expect(got?.deletionDate?.getTime()).toBe(key.deletionDate?.getTime());
        // Tag order is kept as written.
        expect(got?.tags.map((t) => t.TagKey)).toEqual(['z-last-but-first', 'Projekt', 'a']);
      });

      it('creates the first material with the key', async () => {
        const { key, material } = makeKey(1);
        await s.createKey(key, material);
        expect(await s.getKeyMaterial(key.arn, material.materialId)).toStrictEqual(material);
        expect(await s.listKeyMaterials(key.arn)).toStrictEqual([material]);
        expect(await s.getKeyMaterial(key.arn, materialIdOf(999_999))).toBeUndefined();
        expect(await s.listKeyMaterials(arnOf(REGION, ACCOUNT, keyIdOf(99)))).toEqual([]);
      });

      it('rejects a first material that is not the key current material, storing nothing', async () => {
        const a = makeKey(1);
        await expect(s.createKey(a.key, { ...a.material, materialId: materialIdOf(999_998) })).rejects.toThrow(Error);
        const b = makeKey(2);
        await expect(s.createKey(b.key, { ...b.material, keyArn: arnOf(REGION, ACCOUNT, keyIdOf(3)) })).rejects.toThrow(
          Error,
        );
        expect(await s.getKey(REGION, ACCOUNT, a.key.keyId)).toBeUndefined();
        expect(await s.getKey(REGION, ACCOUNT, b.key.keyId)).toBeUndefined();
        expect(await s.listKeyMaterials(a.key.arn)).toEqual([]);
        expect(await s.countKeys(REGION, ACCOUNT)).toBe(0);
      });

      it('rejects a second key with the same ARN and keeps the first', async () => {
        const first = await create(makeKey(1, { description: 'first' }));
        const again = makeKey(1, { description: 'second' });
        await expect(s.createKey(again.key, again.material)).rejects.toThrow();
        expect(await s.getKey(REGION, ACCOUNT, first.keyId)).toStrictEqual(first);
        expect(await s.listKeyMaterials(first.arn)).toHaveLength(1);
      });

      it('scopes keys by region and account', async () => {
        const here = await create(makeKey(1, { description: 'here' }));
        const otherRegion = await create(makeKey(1, { region: OTHER_REGION, description: 'region' }));
        const otherAccount = await create(makeKey(1, { accountId: OTHER_ACCOUNT, description: 'acct' }));
        expect(await s.getKey(REGION, ACCOUNT, here.keyId)).toStrictEqual(here);
        expect(await s.getKey(OTHER_REGION, ACCOUNT, here.keyId)).toStrictEqual(otherRegion);
        expect(await s.getKey(REGION, OTHER_ACCOUNT, here.keyId)).toStrictEqual(otherAccount);
        expect(await s.getKey(OTHER_REGION, OTHER_ACCOUNT, here.keyId)).toBeUndefined();
        expect(await s.getKey(REGION, ACCOUNT, keyIdOf(2))).toBeUndefined();
      });

      it('lists keys by key id in pages, saying whether more follow', async () => {
        const created = new Map<string, KeyRecord>();
        for (const n of [4, 2, 5, 1, 3]) {
          const k = await create(makeKey(n, { description: `key ${n}` }));
          created.set(k.keyId, k);
        }
        await create(makeKey(6, { region: OTHER_REGION }));
        await create(makeKey(7, { accountId: OTHER_ACCOUNT }));
        const ids = (keys: KeyRecord[]): string[] => keys.map((k) => k.keyId);

        const p1 = await s.listKeys(REGION, ACCOUNT, 2);
        expect(ids(p1.keys)).toEqual([keyIdOf(1), keyIdOf(2)]);
        expect(p1.more).toBe(true);
        const p2 = await s.listKeys(REGION, ACCOUNT, 2, keyIdOf(2));
        expect(ids(p2.keys)).toEqual([keyIdOf(3), keyIdOf(4)]);
        expect(p2.more).toBe(true);
        const p3 = await s.listKeys(REGION, ACCOUNT, 2, keyIdOf(4));
        expect(ids(p3.keys)).toEqual([keyIdOf(5)]);
        expect(p3.more).toBe(false);

        const exact = await s.listKeys(REGION, ACCOUNT, 5);
        expect(ids(exact.keys)).toEqual([1, 2, 3, 4, 5].map(keyIdOf));
        expect(exact.more).toBe(false);
        expect(await s.listKeys(REGION, ACCOUNT, 10, keyIdOf(5))).toEqual({
          keys: [],
          more: false,
        });
        // `after` need not be an existing key id.
        expect(ids((await s.listKeys(REGION, ACCOUNT, 1, `${keyIdOf(2)}-`)).keys)).toEqual([keyIdOf(3)]);
        expect(await s.listKeys(OTHER_REGION, OTHER_ACCOUNT, 10)).toEqual({
          keys: [],
          more: false,
        });
        // Listed keys are whole records.
        for (const k of exact.keys) expect(k).toStrictEqual(created.get(k.keyId));
      });

      it('counts keys per region and account', async () => {
        expect(await s.countKeys(REGION, ACCOUNT)).toBe(0);
        for (const n of [1, 2, 3]) await create(makeKey(n));
        await create(makeKey(4, { region: OTHER_REGION }));
        await create(makeKey(5, { accountId: OTHER_ACCOUNT }));
        expect(await s.countKeys(REGION, ACCOUNT)).toBe(3);
        expect(await s.countKeys(OTHER_REGION, ACCOUNT)).toBe(1);
        expect(await s.countKeys(REGION, OTHER_ACCOUNT)).toBe(1);
        expect(await s.countKeys(OTHER_REGION, OTHER_ACCOUNT)).toBe(0);
      });
    });

    describe('updateKey (compare-and-set on version)', () => {
      it('writes every field, stores version + 1 and leaves the caller object alone', async () => {
        const key = await create(makeKey(1));
        const changed: KeyRecord = {
          ...key,
          description: 'changed ✓',
          keyState: 'PendingDeletion',
          deletionDate: at(7 * DAY),
          pendingDeletionWindowInDays: 7,
          policy: '{"changed":true}',
          tags: [{ TagKey: 'k', TagValue: 'v' }],
          rotationEnabled: true,
          rotationPeriodInDays: 365,
          nextRotationDate: at(365 * DAY),
          onDemandRotationStartDate: at(5),
          multiRegion: true,
          customKeyStoreId: 'cks-1',
        };
        expect(await s.updateKey(changed)).toBe('ok');
        expect(changed.version).toBe(1);
        expect(await s.getKey(REGION, ACCOUNT, key.keyId)).toStrictEqual({
          ...changed,
          version: 2,
        });

        // Clearing optional fields clears them in storage.
        const cleared = withoutOptionalFields({ ...changed, version: 2 });
        expect(await s.updateKey(cleared)).toBe('ok');
        const got = await s.getKey(REGION, ACCOUNT, key.keyId);
        expect(got).toStrictEqual({ ...cleared, version: 3 });
        expect(got?.deletionDate).toBeUndefined();
        expect(got?.nextRotationDate).toBeUndefined();
      });

      it("answers 'conflict' for a stale version and keeps the stored key", async () => {
        const key = await create(makeKey(1));
        expect(await s.updateKey({ ...key, description: 'first writer' })).toBe('ok');
        expect(await s.updateKey({ ...key, description: 'second writer' })).toBe('conflict');
        const stored = await s.getKey(REGION, ACCOUNT, key.keyId);
        expect(stored?.description).toBe('first writer');
        expect(stored?.version).toBe(2);
        // A version from the future conflicts too.
        expect(await s.updateKey({ ...key, version: 99 })).toBe('conflict');
        // Re-reading and retrying succeeds.
        expect(await s.updateKey({ ...stored!, description: 'retry' })).toBe('ok');
        expect((await s.getKey(REGION, ACCOUNT, key.keyId))?.version).toBe(3);
      });

      it("answers 'not-found' for a key that does not exist", async () => {
        expect(await s.updateKey(makeKey(1).key)).toBe('not-found');
        expect(await s.getKey(REGION, ACCOUNT, keyIdOf(1))).toBeUndefined();
      });

      it('rejects a current material that is not one of the key materials', async () => {
        const key = await create(makeKey(1));
        await expect(s.updateKey({ ...key, currentMaterialId: materialIdOf(999_997) })).rejects.toThrow();
        expect(await s.getKey(REGION, ACCOUNT, key.keyId)).toStrictEqual(key);
      });

      it('does not change the identity of a key', async () => {
        const key = await create(makeKey(1));
        expect(await s.updateKey({ ...key, description: 'x' })).toBe('ok');
        expect(await s.getKey(REGION, ACCOUNT, key.keyId)).toMatchObject({
          arn: key.arn,
          keyId: key.keyId,
          region: REGION,
          accountId: ACCOUNT,
        });
      });
    });

    describe('addKeyMaterial', () => {
      it('adds the material, makes it current and bumps the version in one step', async () => {
        const { key, material: first } = makeKey(1);
        await s.createKey(key, first);
        const second = nextMaterial(key, at(DAY));
        const rotated: KeyRecord = {
          ...key,
          currentMaterialId: second.materialId,
          nextRotationDate: at(366 * DAY),
        };
        expect(await s.addKeyMaterial(rotated, second)).toBe('ok');
        expect(rotated.version).toBe(1);
        expect(await s.getKey(REGION, ACCOUNT, key.keyId)).toStrictEqual({
          ...rotated,
          version: 2,
        });
        expect(await s.getKeyMaterial(key.arn, second.materialId)).toStrictEqual(second);
        expect(await s.listKeyMaterials(key.arn)).toStrictEqual([first, second]);
      });

      it('lists materials in the order they were added, even with equal dates', async () => {
        let key = await create(makeKey(1));
        const added: KeyMaterialRecord[] = [];
        // Descending ids and one shared date: neither may decide the order.
        for (const n of [900_003, 900_002, 900_001]) {
          const m: KeyMaterialRecord = {
            keyArn: key.arn,
            materialId: materialIdOf(n),
            wrapped: Buffer.from([n & 0xff]),
            createdAt: T0,
            rotationType: 'AUTOMATIC',
          };
          const next = { ...key, currentMaterialId: m.materialId };
          expect(await s.addKeyMaterial(next, m)).toBe('ok');
          key = { ...next, version: next.version + 1 };
          added.push(m);
        }
        const ids = (await s.listKeyMaterials(key.arn)).map((m) => m.materialId);
        expect(ids.slice(1)).toEqual(added.map((m) => m.materialId));
      });

      it("answers 'conflict' for a stale version and leaves no material behind", async () => {
        const key = await create(makeKey(1));
        expect(await s.updateKey({ ...key, description: 'bumped' })).toBe('ok');
        const m = nextMaterial(key, at(1));
        expect(await s.addKeyMaterial({ ...key, currentMaterialId: m.materialId }, m)).toBe('conflict');
        expect(await s.getKeyMaterial(key.arn, m.materialId)).toBeUndefined();
        expect(await s.listKeyMaterials(key.arn)).toHaveLength(1);
        const stored = await s.getKey(REGION, ACCOUNT, key.keyId);
        expect(stored?.currentMaterialId).toBe(key.currentMaterialId);
        expect(stored?.version).toBe(2);
      });

      it("answers 'not-found' for a missing key and stores no material", async () => {
        const { key } = makeKey(1);
        const m = nextMaterial(key, at(1));
        expect(await s.addKeyMaterial({ ...key, currentMaterialId: m.materialId }, m)).toBe('not-found');
        expect(await s.getKeyMaterial(key.arn, m.materialId)).toBeUndefined();
      });

      it('rejects a material that does not match the key, changing nothing', async () => {
        const key = await create(makeKey(1));
        const m = nextMaterial(key, at(1));
        // currentMaterialId not moved to the new material
        await expect(s.addKeyMaterial(key, m)).rejects.toThrow(Error);
        // material of another key
        await expect(
          s.addKeyMaterial(
            { ...key, currentMaterialId: m.materialId },
            { ...m, keyArn: arnOf(REGION, ACCOUNT, keyIdOf(2)) },
          ),
        ).rejects.toThrow(Error);
        expect(await s.getKey(REGION, ACCOUNT, key.keyId)).toStrictEqual(key);
        expect(await s.listKeyMaterials(key.arn)).toHaveLength(1);
      });

      it('rolls back the key update when the material cannot be inserted', async () => {
        const { key, material } = makeKey(1);
        await s.createKey(key, material);
        // Re-adding the existing material id violates the material primary key.
        const again = { ...material, createdAt: at(1), rotationType: 'ON_DEMAND' as const };
        await expect(s.addKeyMaterial({ ...key, description: 'must not stick' }, again)).rejects.toThrow();
        expect(await s.getKey(REGION, ACCOUNT, key.keyId)).toStrictEqual(key);
        expect(await s.listKeyMaterials(key.arn)).toStrictEqual([material]);
      });
    });

    describe('resetAll', () => {
      it('deletes every key, material, alias and usage record, keeping accounts, access keys and settings', async () => {
        const account = { accountId: ACCOUNT, createdAt: T0 };
        const accessKey = {
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          accountId: ACCOUNT,
          principalArn: `arn:aws:iam::${ACCOUNT}:root`,
          wrappedSecret: Buffer.from([1, 2, 3]),
          status: 'Active' as const,
          createdAt: T0,
        };
        await s.putAccount(account);
        await s.putAccessKey(accessKey);
        expect(await s.insertSetting('kept', Buffer.from([7]))).toBe('ok');
        const key = await create(makeKey(1));
        const elsewhere = await create(makeKey(1, { region: OTHER_REGION, accountId: OTHER_ACCOUNT }));
        expect(await s.createAlias(makeAlias('alias/one', key.keyId))).toBe('ok');
        await s.recordKeyUsage([
          { keyArn: key.arn, operation: 'Encrypt', usedAt: at(1), eventId: 'e', requestId: 'r' },
        ]);

        await s.resetAll();

        expect(await s.getKey(REGION, ACCOUNT, key.keyId)).toBeUndefined();
        expect(await s.getKey(OTHER_REGION, OTHER_ACCOUNT, elsewhere.keyId)).toBeUndefined();
        expect(await s.listKeyMaterials(key.arn)).toStrictEqual([]);
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/one')).toBeUndefined();
        expect(await s.getKeyUsage(key.arn)).toBeUndefined();
        expect(await s.countKeys(REGION, ACCOUNT)).toBe(0);
        expect(await s.getAccount(ACCOUNT)).toStrictEqual(account);
        expect(await s.getAccessKey(accessKey.accessKeyId)).toStrictEqual(accessKey);
        expect(await s.getSetting('kept')).toStrictEqual(Buffer.from([7]));
        // The same ids can be used again.
        const again = makeKey(1);
        expect(await s.createKey(again.key, again.material)).toBe('ok');
      });
    });

    describe('applySeed', () => {
      const accessKeyOf = (accessKeyId: string, accountId: string): AccessKeyRecord => ({
        accessKeyId,
        accountId,
        principalArn: `arn:aws:iam::${accountId}:root`,
        wrappedSecret: Buffer.from([0, 9, 0xff, accessKeyId.length]),
        status: 'Active',
        createdAt: at(2),
      });

      /** A seed of two accounts, an access key, a key with two materials, a key elsewhere and aliases. */
      function fullSeed(): SeedWrite {
        const rotated = makeKey(1, { description: 'seeded', version: 0 });
        const second = nextMaterial(rotated.key, at(1));
        const elsewhere = makeKey(2, { region: OTHER_REGION, accountId: OTHER_ACCOUNT, version: 0 });
        return {
          accounts: [
            { accountId: ACCOUNT, createdAt: T0 },
            { accountId: OTHER_ACCOUNT, createdAt: at(1) },
          ],
          accessKeys: [
            accessKeyOf('AKIAEXAMPLESEED00001', ACCOUNT),
            accessKeyOf('AKIAEXAMPLESEED00002', OTHER_ACCOUNT),
          ],
          keys: [
            { key: { ...rotated.key, currentMaterialId: second.materialId }, materials: [rotated.material, second] },
            { key: elsewhere.key, materials: [elsewhere.material] },
          ],
          aliases: [
            makeAlias('alias/seeded', rotated.key.keyId),
            makeAlias('alias/seeded-too', rotated.key.keyId),
            makeAlias('alias/seeded', elsewhere.key.keyId, { region: OTHER_REGION, accountId: OTHER_ACCOUNT }),
          ],
        };
      }

      /** Nothing of `seed` is stored (its keys, materials, aliases, access keys and new accounts). */
      async function expectNoneOf(seed: SeedWrite, keptAccounts: string[] = []): Promise<void> {
        for (const a of seed.accounts) {
          if (!keptAccounts.includes(a.accountId)) expect(await s.getAccount(a.accountId)).toBeUndefined();
        }
        for (const k of seed.accessKeys) expect(await s.getAccessKey(k.accessKeyId)).toBeUndefined();
        for (const { key } of seed.keys) {
          expect(await s.getKey(key.region, key.accountId, key.keyId)).toBeUndefined();
          expect(await s.listKeyMaterials(key.arn)).toStrictEqual([]);
        }
        for (const a of seed.aliases) {
          const stored = await s.getAlias(a.region, a.accountId, a.aliasName);
          if (stored) expect(stored).not.toStrictEqual(a);
        }
      }

      it('writes every account, access key, key, material and alias of the seed', async () => {
        const seed = fullSeed();
        await s.applySeed(seed);
        for (const a of seed.accounts) expect(await s.getAccount(a.accountId)).toStrictEqual(a);
        for (const k of seed.accessKeys) expect(await s.getAccessKey(k.accessKeyId)).toStrictEqual(k);
        for (const { key, materials } of seed.keys) {
          expect(await s.getKey(key.region, key.accountId, key.keyId)).toStrictEqual(key);
          // Oldest first; the last is the current one.
          expect(await s.listKeyMaterials(key.arn)).toStrictEqual(materials);
        }
        for (const a of seed.aliases) expect(await s.getAlias(a.region, a.accountId, a.aliasName)).toStrictEqual(a);
        expect(await s.countKeys(REGION, ACCOUNT)).toBe(1);
        expect(await s.countKeys(OTHER_REGION, OTHER_ACCOUNT)).toBe(1);

        // Seeded keys behave like created ones: a rotation appends after the seeded materials.
        const [rotated] = seed.keys;
        const third = nextMaterial(rotated!.key, at(3));
        expect(await s.addKeyMaterial({ ...rotated!.key, currentMaterialId: third.materialId }, third)).toBe('ok');
        expect((await s.listKeyMaterials(rotated!.key.arn)).map((m) => m.materialId)).toStrictEqual([
          ...rotated!.materials.map((m) => m.materialId),
          third.materialId,
        ]);
      });

      it('accepts an empty seed, and aliases of keys stored before', async () => {
        await s.applySeed({ accounts: [], accessKeys: [], keys: [], aliases: [] });
        expect(await s.listKeyScopes()).toStrictEqual([]);
        const stored = await create(makeKey(7));
        const alias = makeAlias('alias/of-stored', stored.keyId);
        await s.applySeed({ accounts: [], accessKeys: [], keys: [], aliases: [alias] });
        expect(await s.getAlias(REGION, ACCOUNT, alias.aliasName)).toStrictEqual(alias);
        expect(await s.getKey(REGION, ACCOUNT, stored.keyId)).toStrictEqual(stored);
      });

      it('writes nothing when an alias name is taken already, keeping the stored alias', async () => {
        const stored = await create(makeKey(9));
        const taken = makeAlias('alias/seeded-too', stored.keyId);
        expect(await s.createAlias(taken)).toBe('ok');
        const seed = fullSeed();
        await expect(s.applySeed(seed)).rejects.toThrow();
        await expectNoneOf(seed);
        expect(await s.getAlias(REGION, ACCOUNT, taken.aliasName)).toStrictEqual(taken);
        expect(await s.getKey(REGION, ACCOUNT, stored.keyId)).toStrictEqual(stored);
        expect(await s.countKeys(REGION, ACCOUNT)).toBe(1);
        // The same seed goes in once the name is free.
        expect(await s.deleteAlias(REGION, ACCOUNT, taken.aliasName)).toBe('ok');
        await s.applySeed(seed);
        expect(await s.getAlias(REGION, ACCOUNT, taken.aliasName)).toStrictEqual(seed.aliases[1]);
      });

      it('writes nothing when one of its keys exists already, keeping the stored key', async () => {
        const seed = fullSeed();
        // The second key of the seed, stored before with other contents.
        const existing = makeKey(2, { region: OTHER_REGION, accountId: OTHER_ACCOUNT, description: 'stored' });
        await s.createKey(existing.key, existing.material);
        await expect(s.applySeed(seed)).rejects.toThrow();
        await expectNoneOf({ ...seed, keys: seed.keys.slice(0, 1) });
        expect(await s.getKey(OTHER_REGION, OTHER_ACCOUNT, existing.key.keyId)).toStrictEqual(existing.key);
        expect(await s.listKeyMaterials(existing.key.arn)).toStrictEqual([existing.material]);
        expect(await s.listKeyScopes()).toStrictEqual([{ accountId: OTHER_ACCOUNT, region: OTHER_REGION }]);
      });

      it('writes nothing when the seed contradicts itself (a key or an alias name twice)', async () => {
        const twiceKey = fullSeed();
        const dup = makeKey(1, { version: 0 });
        twiceKey.keys.push({ key: dup.key, materials: [dup.material] });
        await expect(s.applySeed(twiceKey)).rejects.toThrow();
        await expectNoneOf(twiceKey);

        const twiceAlias = fullSeed();
        twiceAlias.aliases.push(makeAlias('alias/seeded', twiceAlias.keys[0]!.key.keyId));
        await expect(s.applySeed(twiceAlias)).rejects.toThrow();
        await expectNoneOf(twiceAlias);
        expect(await s.listKeyScopes()).toStrictEqual([]);
      });

      it('writes nothing when an alias targets a key that is neither seeded nor stored', async () => {
        const seed = fullSeed();
        seed.aliases.push(makeAlias('alias/dangling', keyIdOf(404)));
        await expect(s.applySeed(seed)).rejects.toThrow();
        await expectNoneOf(seed);
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/dangling')).toBeUndefined();
      });

      it("writes nothing when a key's materials do not end with its current material", async () => {
        const seed = fullSeed();
        const [first] = seed.keys;
        first!.materials = [...first!.materials].reverse();
        await expect(s.applySeed(seed)).rejects.toThrow();
        await expectNoneOf(seed);
      });
    });

    describe('listKeyScopes', () => {
      it('lists every account and region holding keys once, ordered by account then region', async () => {
        expect(await s.listKeyScopes()).toStrictEqual([]);
        for (const n of [1, 2, 3]) await create(makeKey(n));
        await create(makeKey(4, { region: OTHER_REGION }));
        await create(makeKey(5, { region: OTHER_REGION, keyState: 'PendingDeletion', deletionDate: at(DAY) }));
        const lone = await create(makeKey(6, { accountId: OTHER_ACCOUNT }));
        // An account without keys, and aliases, make no scope.
        await s.putAccount({ accountId: '999999999999', createdAt: T0 });
        expect(await s.createAlias(makeAlias('alias/x', keyIdOf(1)))).toBe('ok');

        expect(await s.listKeyScopes()).toStrictEqual([
          { accountId: ACCOUNT, region: OTHER_REGION },
          { accountId: ACCOUNT, region: REGION },
          { accountId: OTHER_ACCOUNT, region: REGION },
        ]);

        // A scope whose last key is deleted is gone; resetAll leaves none.
        expect(await s.deleteKey(lone)).toBe('ok');
        expect(await s.listKeyScopes()).toStrictEqual([
          { accountId: ACCOUNT, region: OTHER_REGION },
          { accountId: ACCOUNT, region: REGION },
        ]);
        await s.resetAll();
        expect(await s.listKeyScopes()).toStrictEqual([]);
      });
    });

    describe('deleteKey', () => {
      it('removes the key, its materials and its aliases, and nothing else', async () => {
        const { key, material } = makeKey(1);
        await s.createKey(key, material);
        const second = nextMaterial(key, at(1));
        expect(await s.addKeyMaterial({ ...key, currentMaterialId: second.materialId }, second)).toBe('ok');
        const current = (await s.getKey(REGION, ACCOUNT, key.keyId))!;

        // Same key id and alias names in another region and another account; another key here.
        const twinRegion = await create(makeKey(1, { region: OTHER_REGION }));
        const twinAccount = await create(makeKey(1, { accountId: OTHER_ACCOUNT }));
        const neighbour = await create(makeKey(2));
        expect(await s.createAlias(makeAlias('alias/one', key.keyId))).toBe('ok');
        expect(await s.createAlias(makeAlias('alias/two', key.keyId))).toBe('ok');
        expect(await s.createAlias(makeAlias('alias/neighbour', neighbour.keyId))).toBe('ok');
        const aliasInRegion = makeAlias('alias/one', key.keyId, { region: OTHER_REGION });
        const aliasInAccount = makeAlias('alias/one', key.keyId, { accountId: OTHER_ACCOUNT });
        expect(await s.createAlias(aliasInRegion)).toBe('ok');
        expect(await s.createAlias(aliasInAccount)).toBe('ok');

        expect(await s.deleteKey(current)).toBe('ok');

        expect(await s.getKey(REGION, ACCOUNT, key.keyId)).toBeUndefined();
        expect(await s.listKeyMaterials(key.arn)).toEqual([]);
        expect(await s.getKeyMaterial(key.arn, material.materialId)).toBeUndefined();
        expect(await s.getKeyMaterial(key.arn, second.materialId)).toBeUndefined();
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/one')).toBeUndefined();
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/two')).toBeUndefined();
        expect(await s.countKeys(REGION, ACCOUNT)).toBe(1);

        expect(await s.getKey(REGION, ACCOUNT, neighbour.keyId)).toStrictEqual(neighbour);
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/neighbour')).toBeDefined();
        expect(await s.getKey(OTHER_REGION, ACCOUNT, key.keyId)).toStrictEqual(twinRegion);
        expect(await s.getKey(REGION, OTHER_ACCOUNT, key.keyId)).toStrictEqual(twinAccount);
        expect(await s.listKeyMaterials(twinRegion.arn)).toHaveLength(1);
        expect(await s.listKeyMaterials(twinAccount.arn)).toHaveLength(1);
        expect(await s.getAlias(OTHER_REGION, ACCOUNT, 'alias/one')).toStrictEqual(aliasInRegion);
        expect(await s.getAlias(REGION, OTHER_ACCOUNT, 'alias/one')).toStrictEqual(aliasInAccount);

        // The alias name is free again.
        expect(await s.createAlias(makeAlias('alias/one', neighbour.keyId))).toBe('ok');
      });

      it("answers 'conflict' for a stale version and deletes nothing", async () => {
        const { key, material } = makeKey(1);
        await s.createKey(key, material);
        expect(await s.createAlias(makeAlias('alias/kept', key.keyId))).toBe('ok');
        expect(await s.updateKey({ ...key, keyState: 'PendingDeletion' })).toBe('ok');
        expect(await s.deleteKey(key)).toBe('conflict');
        expect((await s.getKey(REGION, ACCOUNT, key.keyId))?.keyState).toBe('PendingDeletion');
        expect(await s.listKeyMaterials(key.arn)).toStrictEqual([material]);
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/kept')).toBeDefined();
      });

      it("answers 'not-found' once the key is gone", async () => {
        const key = await create(makeKey(1));
        expect(await s.deleteKey(key)).toBe('ok');
        expect(await s.deleteKey(key)).toBe('not-found');
        expect(await s.deleteKey(makeKey(2).key)).toBe('not-found');
      });

      // What is left in the backend's files is each backend's own test (sqlite/at-rest.test.ts);
      // here: with no other connection, erasure completes and leaves the surviving data alone.
      it('erases deleted content at once when nobody else reads, keeping the rest', async () => {
        const gone = await create(makeKey(1));
        const { key, material } = makeKey(2);
        await s.createKey(key, material);
        expect(await s.deleteKey(gone)).toBe('ok');
        expect(await s.eraseDeleted()).toBe('done');
        expect(await s.eraseDeleted()).toBe('done');
        expect(await s.listKeyMaterials(gone.arn)).toStrictEqual([]);
        expect(await s.listKeyMaterials(key.arn)).toStrictEqual([material]);
      });
    });

    describe('scheduled work queries', () => {
      it('finds PendingDeletion keys whose deletion date is at or before now, in any scope', async () => {
        const now = at(30 * DAY);
        const pending = (n: number, deletionDate: Date, scope: { region?: string; accountId?: string } = {}) =>
          create(
            makeKey(n, {
              ...scope,
              keyState: 'PendingDeletion',
              deletionDate,
              pendingDeletionWindowInDays: 7,
            }),
          );
        const early = await pending(1, at(DAY));
        const exactlyNow = await pending(2, now);
        const justBefore = await pending(3, at(30 * DAY - 1), { region: OTHER_REGION });
        const otherAccount = await pending(4, at(2 * DAY), { accountId: OTHER_ACCOUNT });
        await pending(5, at(30 * DAY + 1)); // one millisecond too early
        await create(makeKey(6, { keyState: 'Disabled', deletionDate: at(DAY) }));
        await create(makeKey(7, { keyState: 'Enabled' }));
        await create(makeKey(8, { keyState: 'PendingReplicaDeletion', deletionDate: at(DAY) }));

        const due = await s.keysDueForDeletion(now, 100);
        expect([...due].sort(byArn)).toStrictEqual([early, exactlyNow, justBefore, otherAccount].sort(byArn));

        const limited = await s.keysDueForDeletion(now, 2);
        expect(limited).toHaveLength(2);
        for (const k of limited) expect(due.map((d) => d.arn)).toContain(k.arn);
        expect(await s.keysDueForDeletion(at(0), 100)).toEqual([]);
      });

      it('finds Enabled keys with rotation enabled whose next rotation is at or before now', async () => {
        const now = at(365 * DAY);
        const rotating = (
          n: number,
          nextRotationDate: Date,
          extra: Partial<KeyRecord> & { region?: string; accountId?: string } = {},
        ) =>
          create(
            makeKey(n, {
              rotationEnabled: true,
              rotationPeriodInDays: 365,
              nextRotationDate,
              ...extra,
            }),
          );
        const due1 = await rotating(1, at(DAY));
        const dueNow = await rotating(2, now);
        const dueElsewhere = await rotating(3, at(100 * DAY), {
          region: OTHER_REGION,
          accountId: OTHER_ACCOUNT,
        });
        await rotating(4, at(365 * DAY + 1)); // one millisecond too early
        await rotating(5, at(DAY), { rotationEnabled: false });
        await rotating(6, at(DAY), { keyState: 'Disabled' });
        await rotating(7, at(DAY), { keyState: 'PendingDeletion', deletionDate: at(400 * DAY) });
        await create(makeKey(8, { rotationEnabled: true, rotationPeriodInDays: 365 })); // no date

        const due = await s.keysDueForRotation(now, 100);
        expect([...due].sort(byArn)).toStrictEqual([due1, dueNow, dueElsewhere].sort(byArn));
        expect(await s.keysDueForRotation(now, 1)).toHaveLength(1);
        expect(await s.keysDueForRotation(at(0), 100)).toEqual([]);
      });
    });

    describe('aliases', () => {
      it('round-trips an alias and scopes it by region and account', async () => {
        const key = await create(makeKey(1));
        const alias = makeAlias('alias/my-key_1/x', key.keyId);
        expect(await s.createAlias(alias)).toBe('ok');
        expect(await s.getAlias(REGION, ACCOUNT, alias.aliasName)).toStrictEqual(alias);
        expect(await s.getAlias(OTHER_REGION, ACCOUNT, alias.aliasName)).toBeUndefined();
        expect(await s.getAlias(REGION, OTHER_ACCOUNT, alias.aliasName)).toBeUndefined();
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/other')).toBeUndefined();
      });

      it("answers 'exists' for a taken name in the same region and account only", async () => {
        const key = await create(makeKey(1));
        const other = await create(makeKey(2));
        const alias = makeAlias('alias/taken', key.keyId);
        expect(await s.createAlias(alias)).toBe('ok');
        expect(await s.createAlias({ ...makeAlias('alias/taken', other.keyId), creationDate: at(5) })).toBe('exists');
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/taken')).toStrictEqual(alias);

        const inRegion = await create(makeKey(1, { region: OTHER_REGION }));
        const inAccount = await create(makeKey(1, { accountId: OTHER_ACCOUNT }));
        expect(await s.createAlias(makeAlias('alias/taken', inRegion.keyId, { region: OTHER_REGION }))).toBe('ok');
        expect(await s.createAlias(makeAlias('alias/taken', inAccount.keyId, { accountId: OTHER_ACCOUNT }))).toBe('ok');
      });

      it('rejects an alias whose target key does not exist in its region and account', async () => {
        await create(makeKey(1, { region: OTHER_REGION }));
        await expect(s.createAlias(makeAlias('alias/dangling', keyIdOf(1)))).rejects.toThrow();
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/dangling')).toBeUndefined();
      });

      it('retargets an alias, keeping its creation date', async () => {
        const a = await create(makeKey(1));
        const b = await create(makeKey(2));
        const alias = makeAlias('alias/moving', a.keyId);
        await s.createAlias(alias);
        expect(await s.updateAlias(REGION, ACCOUNT, 'alias/moving', b.keyId, at(DAY))).toBe('ok');
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/moving')).toStrictEqual({
          ...alias,
          targetKeyId: b.keyId,
          lastUpdatedDate: at(DAY),
        });
        expect(await s.updateAlias(REGION, ACCOUNT, 'alias/missing', b.keyId, at(DAY))).toBe('not-found');
        expect(await s.updateAlias(OTHER_REGION, ACCOUNT, 'alias/moving', b.keyId, at(DAY))).toBe('not-found');
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/missing')).toBeUndefined();
        // A target that does not exist is rejected and the alias keeps its target.
        await expect(s.updateAlias(REGION, ACCOUNT, 'alias/moving', keyIdOf(77), at(2 * DAY))).rejects.toThrow();
        expect((await s.getAlias(REGION, ACCOUNT, 'alias/moving'))?.targetKeyId).toBe(b.keyId);
      });

      it('deletes an alias, after which the name is free', async () => {
        const key = await create(makeKey(1));
        await s.createAlias(makeAlias('alias/gone', key.keyId));
        expect(await s.deleteAlias(OTHER_REGION, ACCOUNT, 'alias/gone')).toBe('not-found');
        expect(await s.deleteAlias(REGION, ACCOUNT, 'alias/gone')).toBe('ok');
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/gone')).toBeUndefined();
        expect(await s.deleteAlias(REGION, ACCOUNT, 'alias/gone')).toBe('not-found');
        expect(await s.createAlias(makeAlias('alias/gone', key.keyId))).toBe('ok');
        expect(await s.getKey(REGION, ACCOUNT, key.keyId)).toStrictEqual(key);
      });

      it('lists aliases by name (bytewise) in pages, optionally for one target key', async () => {
        const a = await create(makeKey(1));
        const b = await create(makeKey(2));
        const elsewhere = await create(makeKey(1, { region: OTHER_REGION }));
        // Bytewise order puts upper case before lower case.
        const names: [string, string][] = [
          ['alias/b', a.keyId],
          ['alias/C', b.keyId],
          ['alias/a', a.keyId],
          ['alias/d', b.keyId],
          ['alias/c', a.keyId],
        ];
        for (const [n, target] of names) expect(await s.createAlias(makeAlias(n, target))).toBe('ok');
        await s.createAlias(makeAlias('alias/0-other-region', elsewhere.keyId, { region: OTHER_REGION }));
        const aliasNames = (r: { aliases: AliasRecord[] }): string[] => r.aliases.map((x) => x.aliasName);

        const p1 = await s.listAliases(REGION, ACCOUNT, 2);
        expect(aliasNames(p1)).toEqual(['alias/C', 'alias/a']);
        expect(p1.more).toBe(true);
        expect(p1.aliases[0]).toStrictEqual(makeAlias('alias/C', b.keyId));
        const p2 = await s.listAliases(REGION, ACCOUNT, 2, 'alias/a');
        expect(aliasNames(p2)).toEqual(['alias/b', 'alias/c']);
        expect(p2.more).toBe(true);
        const p3 = await s.listAliases(REGION, ACCOUNT, 2, 'alias/c');
        expect(aliasNames(p3)).toEqual(['alias/d']);
        expect(p3.more).toBe(false);
        const all = await s.listAliases(REGION, ACCOUNT, 5);
        expect(all.aliases).toHaveLength(5);
        expect(all.more).toBe(false);

        const forA1 = await s.listAliases(REGION, ACCOUNT, 2, undefined, a.keyId);
        expect(aliasNames(forA1)).toEqual(['alias/a', 'alias/b']);
        expect(forA1.more).toBe(true);
        const forA2 = await s.listAliases(REGION, ACCOUNT, 2, 'alias/b', a.keyId);
        expect(aliasNames(forA2)).toEqual(['alias/c']);
        expect(forA2.more).toBe(false);
        expect(aliasNames(await s.listAliases(REGION, ACCOUNT, 10, undefined, b.keyId))).toEqual([
          'alias/C',
          'alias/d',
        ]);
        expect(await s.listAliases(REGION, ACCOUNT, 10, undefined, keyIdOf(42))).toEqual({
          aliases: [],
          more: false,
        });
        expect(aliasNames(await s.listAliases(OTHER_REGION, ACCOUNT, 10))).toEqual(['alias/0-other-region']);
        expect(await s.listAliases(REGION, OTHER_ACCOUNT, 10)).toEqual({
          aliases: [],
          more: false,
        });
      });
    });

    describe('resource quotas (counted in the same transaction as the write)', () => {
      const limit = (usage: number) => ({ result: 'limit', usage });

      it('creates customer managed keys up to maxKeys per account and region, in any state', async () => {
        const enabled = makeKey(1);
        expect(await s.createKey(enabled.key, enabled.material, 3)).toBe('ok');
        const disabled = makeKey(2, { keyState: 'Disabled' });
        expect(await s.createKey(disabled.key, disabled.material, 3)).toBe('ok');
        const pending = makeKey(3, { keyState: 'PendingDeletion', deletionDate: at(DAY) });
        expect(await s.createKey(pending.key, pending.material, 3)).toBe('ok');

        const refused = makeKey(4);
        expect(await s.createKey(refused.key, refused.material, 3)).toStrictEqual(limit(3));
        expect(await s.getKey(REGION, ACCOUNT, refused.key.keyId)).toBeUndefined();
        expect(await s.getKeyMaterial(refused.key.arn, refused.material.materialId)).toBeUndefined();
        expect(await s.countKeys(REGION, ACCOUNT)).toBe(3);
        expect(await s.createKey(refused.key, refused.material, 2)).toStrictEqual(limit(3));

        // Other regions and accounts have their own quota; no limit given, no limit applied.
        const elsewhere = makeKey(4, { region: OTHER_REGION });
        expect(await s.createKey(elsewhere.key, elsewhere.material, 1)).toBe('ok');
        const otherAccount = makeKey(4, { accountId: OTHER_ACCOUNT });
        expect(await s.createKey(otherAccount.key, otherAccount.material, 1)).toBe('ok');
        expect(await s.createKey(refused.key, refused.material)).toBe('ok');
      });

      it('does not count or limit AWS managed keys, and a deleted key frees its place', async () => {
        const managed = makeKey(1, { keyManager: 'AWS' });
        expect(await s.createKey(managed.key, managed.material, 1)).toBe('ok');
        const first = makeKey(2);
        expect(await s.createKey(first.key, first.material, 1)).toBe('ok');
        const managed2 = makeKey(3, { keyManager: 'AWS' });
        expect(await s.createKey(managed2.key, managed2.material, 1)).toBe('ok');
        const second = makeKey(4);
        expect(await s.createKey(second.key, second.material, 1)).toStrictEqual(limit(1));
        expect(await s.deleteKey(first.key)).toBe('ok');
        expect(await s.createKey(second.key, second.material, 1)).toBe('ok');
      });

      it('lets exactly maxKeys of many concurrent creates through', async () => {
        const fixtures = Array.from({ length: 8 }, (_, i) => makeKey(i + 1));
        const results = await Promise.all(fixtures.map((f) => s.createKey(f.key, f.material, 5)));
        expect(results.filter((r) => r === 'ok')).toHaveLength(5);
        expect(results.filter((r) => r !== 'ok')).toStrictEqual([limit(5), limit(5), limit(5)]);
        expect(await s.countKeys(REGION, ACCOUNT)).toBe(5);
      });

      it('creates aliases up to maxAliasesPerKey per target key; a taken name is still "exists"', async () => {
        const key = await create(makeKey(1));
        const other = await create(makeKey(2));
        for (const name of ['alias/a', 'alias/b'])
          expect(await s.createAlias(makeAlias(name, key.keyId), 2)).toBe('ok');
        // Aliases AWS creates (alias/aws/...) do not count against the quota.
        expect(await s.createAlias(makeAlias('alias/aws/ebs', key.keyId))).toBe('ok');
        expect(await s.createAlias(makeAlias('alias/c', key.keyId), 2)).toStrictEqual(limit(2));
        expect(await s.getAlias(REGION, ACCOUNT, 'alias/c')).toBeUndefined();
        expect(await s.createAlias(makeAlias('alias/a', key.keyId), 2)).toBe('exists');
        expect(await s.createAlias(makeAlias('alias/b', other.keyId), 2)).toBe('exists');
        expect(await s.createAlias(makeAlias('alias/c', other.keyId), 2)).toBe('ok');
        expect(await s.createAlias(makeAlias('alias/d', key.keyId))).toBe('ok');

        expect(await s.deleteAlias(REGION, ACCOUNT, 'alias/a')).toBe('ok');
        expect(await s.deleteAlias(REGION, ACCOUNT, 'alias/d')).toBe('ok');
        expect(await s.createAlias(makeAlias('alias/e', key.keyId), 2)).toBe('ok');
      });

      it('lets exactly maxAliasesPerKey of many concurrent alias creates through', async () => {
        const key = await create(makeKey(1));
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => s.createAlias(makeAlias(`alias/n${i}`, key.keyId), 4)),
        );
        expect(results.filter((r) => r === 'ok')).toHaveLength(4);
        expect(results.filter((r) => r !== 'ok')).toStrictEqual([limit(4), limit(4)]);
      });

      it('moves an alias only to a key with room; the alias itself does not count on its own target', async () => {
        const full = await create(makeKey(1));
        const roomy = await create(makeKey(2));
        expect(await s.createAlias(makeAlias('alias/f1', full.keyId), 2)).toBe('ok');
        expect(await s.createAlias(makeAlias('alias/f2', full.keyId), 2)).toBe('ok');
        expect(await s.createAlias(makeAlias('alias/moving', roomy.keyId), 2)).toBe('ok');

        expect(await s.updateAlias(REGION, ACCOUNT, 'alias/moving', full.keyId, at(1), 2)).toStrictEqual(limit(2));
        expect((await s.getAlias(REGION, ACCOUNT, 'alias/moving'))?.targetKeyId).toBe(roomy.keyId);
        expect(await s.updateAlias(REGION, ACCOUNT, 'alias/f1', full.keyId, at(2), 2)).toBe('ok');
        expect(await s.updateAlias(REGION, ACCOUNT, 'alias/missing', full.keyId, at(3), 2)).toBe('not-found');
        expect(await s.updateAlias(REGION, ACCOUNT, 'alias/f1', roomy.keyId, at(4), 2)).toBe('ok');
        expect(await s.updateAlias(REGION, ACCOUNT, 'alias/moving', full.keyId, at(5), 2)).toBe('ok');
        expect((await s.getAlias(REGION, ACCOUNT, 'alias/moving'))?.targetKeyId).toBe(full.keyId);
      });
    });
  });
}

/** The same key with every optional field removed (the shape of a key that never had them). */
function withoutOptionalFields(k: KeyRecord): KeyRecord {
  const {
    deletionDate: _d,
    pendingDeletionWindowInDays: _p,
    rotationPeriodInDays: _r,
    nextRotationDate: _n,
    onDemandRotationStartDate: _o,
    customKeyStoreId: _c,
    ...required
  } = k;
  return required;
}
