import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeGrantToken, type GrantRecord } from '../../domain/grants.js';
import type { KeyRecord, Principal } from '../../domain/index.js';
import { openStorage, type Storage } from '../../storage/index.js';
import {
  createGrantParents,
  forgetGrants,
  grantsAllow,
  grantsChanged,
  noteRetireTarget,
  principalArnsOf,
} from './grants.js';
import type { Caller, Services } from './types.js';

const ACCOUNT = '111122223333';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
const USER = `arn:aws:iam::${ACCOUNT}:user/app`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/AppRole`;
const LIMITS = { perKey: 50_000, perGrantee: 500 };
const random = (n: number) => Buffer.alloc(n, 3);

const key: KeyRecord = {
  arn: KEY_ARN,
  keyId: KEY_ID,
  accountId: ACCOUNT,
  region: 'us-east-1',
  description: '',
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  origin: 'AWS_KMS',
  keyManager: 'CUSTOMER',
  keyState: 'Enabled',
  creationDate: new Date(0),
  policy: '{}',
  tags: [],
  rotationEnabled: false,
  currentMaterialId: 'ab'.repeat(32),
  multiRegion: false,
  version: 1,
};

let n = 0;
const grant = (overrides: Partial<GrantRecord> = {}): GrantRecord => ({
  grantId: (++n).toString(16).padStart(64, '0'),
  keyArn: KEY_ARN,
  granteePrincipal: USER,
  issuingAccount: `arn:aws:iam::${ACCOUNT}:root`,
  operations: ['Encrypt', 'Decrypt'],
  creationDate: new Date(0),
  ...overrides,
});

const callerAs = (principal: Partial<Principal> = {}): Caller =>
  ({
    principal: { accountId: ACCOUNT, arn: USER, accessKeyId: 'AKIA', type: 'IAMUser', ...principal },
    region: 'us-east-1',
    requestId: 'r',
    keyArns: [],
  }) as unknown as Caller;

let storage: Storage;
let services: Services;

beforeEach(async () => {
  storage = await openStorage({ sqlitePath: ':memory:' });
  await storage.createKey(key, {
    keyArn: KEY_ARN,
    materialId: key.currentMaterialId,
    wrapped: Buffer.from('w'),
    createdAt: new Date(0),
  });
  services = { storage } as unknown as Services;
});

afterEach(async () => {
  await storage.close();
});

describe('grantsAllow', () => {
  it('allows the grantee of a grant for the operation, and no one else', async () => {
    await storage.createGrant(grant(), LIMITS);
    expect(await grantsAllow(services, key, callerAs(), 'kms:Decrypt', undefined, [])).toBeDefined();
    expect(await grantsAllow(services, key, callerAs(), 'kms:GenerateDataKey', undefined, [])).toBeUndefined();
    const other = callerAs({ arn: `arn:aws:iam::${ACCOUNT}:user/other` });
    expect(await grantsAllow(services, key, other, 'kms:Decrypt', undefined, [])).toBeUndefined();
  });

  it('allows each session of a role the grant names', async () => {
    await storage.createGrant(grant({ granteePrincipal: ROLE }), LIMITS);
    const session = callerAs({
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AppRole/s1`,
      type: 'AssumedRole',
      role: { arn: ROLE, roleId: 'AROA', name: 'AppRole', path: '/', sessionName: 's1' },
    });
    expect(principalArnsOf(session.principal)).toEqual([session.principal.arn, ROLE]);
    expect(await grantsAllow(services, key, session, 'kms:Encrypt', undefined, [])).toBeDefined();
  });

  it('reuses the cached grants until a change through grantsChanged; a grant token reads past the cache', async () => {
    expect(await grantsAllow(services, key, callerAs(), 'kms:Encrypt', undefined, [])).toBeUndefined();
    // Another process creates a grant: this process's cache has not seen it.
    const g = grant();
    await storage.createGrant(g, LIMITS);
    expect(await grantsAllow(services, key, callerAs(), 'kms:Encrypt', undefined, [])).toBeUndefined();
    const token = encodeGrantToken(g.grantId, KEY_ARN, random);
    expect((await grantsAllow(services, key, callerAs(), 'kms:Encrypt', undefined, [token]))?.grantId).toBe(g.grantId);
    grantsChanged(services, KEY_ARN);
    expect(await grantsAllow(services, key, callerAs(), 'kms:Encrypt', undefined, [])).toBeDefined();
    // A revocation seen through the cache until the change is noted.
    await storage.deleteGrant(KEY_ARN, g.grantId);
    forgetGrants(storage);
    expect(await grantsAllow(services, key, callerAs(), 'kms:Encrypt', undefined, [])).toBeUndefined();
  });

  it('refuses a token it did not issue and ignores a token of another key', async () => {
    await expect(grantsAllow(services, key, callerAs(), 'kms:Encrypt', undefined, ['junk'])).rejects.toMatchObject({
      code: 'InvalidGrantTokenException',
    });
    const elsewhere = encodeGrantToken('e'.repeat(64), `arn:aws:kms:us-east-1:${ACCOUNT}:key/other`, random);
    expect(await grantsAllow(services, key, callerAs(), 'kms:Encrypt', undefined, [elsewhere])).toBeUndefined();
  });

  it('applies constraints to the request encryption context', async () => {
    await storage.createGrant(grant({ constraints: { encryptionContextSubset: { tenant: 'a' } } }), LIMITS);
    expect(await grantsAllow(services, key, callerAs(), 'kms:Encrypt', { tenant: 'a', x: 'y' }, [])).toBeDefined();
    expect(await grantsAllow(services, key, callerAs(), 'kms:Encrypt', { tenant: 'b' }, [])).toBeUndefined();
  });

  it('records the grants that allowed CreateGrant, for the narrowing check', async () => {
    const parent = grant({ operations: ['Encrypt', 'CreateGrant'] });
    await storage.createGrant(parent, LIMITS);
    const caller = callerAs();
    expect(createGrantParents(caller, KEY_ARN)).toBeUndefined();
    expect(await grantsAllow(services, key, caller, 'kms:CreateGrant', undefined, [])).toBeDefined();
    expect(createGrantParents(caller, KEY_ARN)?.map((g) => g.grantId)).toEqual([parent.grantId]);
    expect(createGrantParents(caller, 'arn:aws:kms:us-east-1:111122223333:key/other')).toBeUndefined();
  });

  it('answers kms:RetireGrant from the grant being retired', async () => {
    const g = grant({ granteePrincipal: `arn:aws:iam::${ACCOUNT}:user/grantee`, retiringPrincipal: USER });
    await storage.createGrant(g, LIMITS);
    const retiring = callerAs();
    expect(await grantsAllow(services, key, retiring, 'kms:RetireGrant', undefined, [])).toBeUndefined();
    noteRetireTarget(retiring, KEY_ARN, g.grantId);
    expect(await grantsAllow(services, key, retiring, 'kms:RetireGrant', undefined, [])).toEqual(g);
    const stranger = callerAs({ arn: `arn:aws:iam::${ACCOUNT}:user/stranger` });
    noteRetireTarget(stranger, KEY_ARN, g.grantId);
    expect(await grantsAllow(services, key, stranger, 'kms:RetireGrant', undefined, [])).toBeUndefined();
  });

  it('no grant allows what is not a grant operation', async () => {
    await storage.createGrant(grant({ operations: ['Encrypt', 'CreateGrant', 'RetireGrant'] }), LIMITS);
    for (const action of ['kms:RevokeGrant', 'kms:ListGrants', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion']) {
      expect(await grantsAllow(services, key, callerAs(), action, undefined, [])).toBeUndefined();
    }
  });
});
