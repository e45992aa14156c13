import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionTokenHash, sessionTokenMatches } from '../auth/index.js';
import { wrappingAad } from '../crypto/index.js';
import type { AccessKeyRecord, Principal } from '../domain/index.js';
import { SoftwareKeyStore } from '../keystore/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import type { SessionRecord } from '../storage/session-types.js';
import {
  EXPIRED_SESSION_RETENTION_MS,
  SESSION_SECRET_RECORD,
  createRootAccessKey,
  credentialLookup,
  sweepExpiredSessions,
  type PrincipalSource,
} from './credentials.js';

const ACCOUNT = '111122223333';
const T0 = new Date('2026-06-01T10:00:00Z');
const HOUR = 3600_000;

let storage: Storage;
let keyStore: SoftwareKeyStore;

beforeEach(async () => {
  storage = await openStorage({ sqlitePath: ':memory:' });
  keyStore = SoftwareKeyStore.inMemory();
});
afterEach(async () => {
  await storage.close();
  await keyStore.close();
});

async function userKey(status: AccessKeyRecord['status'] = 'Active'): Promise<AccessKeyRecord> {
  const record: AccessKeyRecord = {
    accessKeyId: 'AKIAUSERKEY000000001',
    accountId: ACCOUNT,
    principalArn: `arn:aws:iam::${ACCOUNT}:user/dev/alice`,
    wrappedSecret: await keyStore.wrap(
      Buffer.from('user-secret'),
      wrappingAad('access-key-secret', 'AKIAUSERKEY000000001'),
    ),
    status,
    createdAt: T0,
  };
  await storage.putAccessKey(record);
  return record;
}

async function roleSession(overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
  const accessKeyId = overrides.accessKeyId ?? 'ASIASESSION000000001';
  const session: SessionRecord = {
    accessKeyId,
    accountId: ACCOUNT,
    wrappedSecret: await keyStore.wrap(Buffer.from('session-secret'), wrappingAad(SESSION_SECRET_RECORD, accessKeyId)),
    tokenHash: sessionTokenHash('the-token'),
    principalType: 'AssumedRole',
    principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`,
    principalId: 'AROAROLEID00000000001:ci',
    subjectId: 'AROAROLEID00000000001',
    role: {
      arn: `arn:aws:iam::${ACCOUNT}:role/deployer`,
      roleId: 'AROAROLEID00000000001',
      name: 'deployer',
      path: '/',
      sessionName: 'ci',
    },
    sessionPolicies: ['{"Version":"2012-10-17","Statement":[]}'],
    policyArns: [],
    tags: { Team: 'blue' },
    transitiveTagKeys: ['Team'],
    sourceIdentity: 'alice',
    mfaAuthenticated: false,
    issuedAt: T0,
    expiration: new Date(T0.getTime() + HOUR),
    ...overrides,
  };
  await storage.putSession(session);
  return session;
}

describe('credentialLookup', () => {
  it('finds root access keys as the account root', async () => {
    const created = await createRootAccessKey(storage, keyStore, ACCOUNT, T0);
    const record = await credentialLookup(storage, keyStore)(created.accessKeyId);
    expect(record).toEqual({
      secretAccessKey: created.secretAccessKey,
      principal: {
        accountId: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:root`,
        accessKeyId: created.accessKeyId,
        type: 'Root',
        principalId: ACCOUNT,
      },
    });
  });

  it("finds an IAM user's access key through the identity source, or from its ARN without one", async () => {
    const key = await userKey();
    const fromIam: Principal = {
      accountId: ACCOUNT,
      arn: key.principalArn,
      accessKeyId: key.accessKeyId,
      type: 'IAMUser',
      principalId: 'AIDAUSERID0000000001',
      userName: 'alice',
      tags: { Team: 'red' },
    };
    const identities: PrincipalSource = {
      principalForAccessKey: async (r) => (r.accessKeyId === key.accessKeyId ? fromIam : undefined),
      entityTags: async () => ({}),
    };
    expect(await credentialLookup(storage, keyStore, { identities })(key.accessKeyId)).toEqual({
      secretAccessKey: 'user-secret',
      principal: fromIam,
    });
    expect((await credentialLookup(storage, keyStore)(key.accessKeyId))?.principal).toEqual({
      accountId: ACCOUNT,
      arn: key.principalArn,
      accessKeyId: key.accessKeyId,
      type: 'IAMUser',
      userName: 'alice',
    });
    // A user that is gone has no credentials.
    const gone: PrincipalSource = { principalForAccessKey: async () => undefined, entityTags: async () => undefined };
    expect(await credentialLookup(storage, keyStore, { identities: gone })(key.accessKeyId)).toBeUndefined();
  });

  it('does not find inactive or unknown access keys', async () => {
    const key = await userKey('Inactive');
    const lookup = credentialLookup(storage, keyStore);
    expect(await lookup(key.accessKeyId)).toBeUndefined();
    expect(await lookup('AKIAUNKNOWN000000000')).toBeUndefined();
    expect(await lookup('ASIAUNKNOWN000000000')).toBeUndefined();
  });

  it('finds a role session with its token hash, expiration and the principal of the contract', async () => {
    const session = await roleSession();
    const identities: PrincipalSource = {
      principalForAccessKey: async () => undefined,
      entityTags: async (account, kind, name) =>
        account === ACCOUNT && kind === 'role' && name === 'deployer' ? { team: 'red', Env: 'prod' } : undefined,
    };
    const record = await credentialLookup(storage, keyStore, { identities })(session.accessKeyId);
    expect(record?.secretAccessKey).toBe('session-secret');
    expect(record?.expiration).toEqual(session.expiration);
    expect(sessionTokenMatches('the-token', record?.sessionTokenHash)).toBe(true);
    expect(sessionTokenMatches('another', record?.sessionTokenHash)).toBe(false);
    expect(record?.principal).toEqual({
      accountId: ACCOUNT,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`,
      accessKeyId: session.accessKeyId,
      type: 'AssumedRole',
      principalId: 'AROAROLEID00000000001:ci',
      role: session.role,
      // The session's Team overrides the role's team (keys without regard to case).
      tags: { Env: 'prod', Team: 'blue' },
      session: {
        kind: 'AssumeRole',
        policies: session.sessionPolicies,
        policyArns: [],
        issuedAt: session.issuedAt,
        expiration: session.expiration,
        mfaAuthenticated: false,
        sourceIdentity: 'alice',
        transitiveTagKeys: ['Team'],
      },
    });
  });

  it("does not find a session whose role is gone, and marks a user's session as GetSessionToken", async () => {
    const session = await roleSession();
    const none: PrincipalSource = { principalForAccessKey: async () => undefined, entityTags: async () => undefined };
    expect(await credentialLookup(storage, keyStore, { identities: none })(session.accessKeyId)).toBeUndefined();

    const userSession = await roleSession({
      accessKeyId: 'ASIASESSION000000002',
      principalType: 'IAMUser',
      principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      principalId: 'AIDAUSERID0000000001',
      subjectId: 'AIDAUSERID0000000001',
      role: undefined,
      userName: 'alice',
      tags: {},
      transitiveTagKeys: [],
      sessionPolicies: [],
    });
    const record = await credentialLookup(storage, keyStore)(userSession.accessKeyId);
    expect(record?.principal).toMatchObject({
      type: 'IAMUser',
      userName: 'alice',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      session: { kind: 'GetSessionToken' },
    });
    expect(record?.principal).not.toHaveProperty('role');
  });

  it('a session secret wrapped for another access key id does not open', async () => {
    const wrappedForOther = await keyStore.wrap(Buffer.from('s'), wrappingAad(SESSION_SECRET_RECORD, 'ASIAOTHER'));
    const session = await roleSession({ wrappedSecret: wrappedForOther });
    await expect(credentialLookup(storage, keyStore)(session.accessKeyId)).rejects.toThrow();
  });

  it('caches, within its bound, until invalidate()', async () => {
    const key = await userKey();
    let reads = 0;
    const identities: PrincipalSource = {
      principalForAccessKey: async (r) => {
        reads++;
        return { accountId: ACCOUNT, arn: r.principalArn, accessKeyId: r.accessKeyId, type: 'IAMUser' };
      },
      entityTags: async () => ({}),
    };
    const lookup = credentialLookup(storage, keyStore, { identities, maxCached: 1 });
    await lookup(key.accessKeyId);
    await lookup(key.accessKeyId);
    expect(reads).toBe(1);
    // Deactivated: still cached until the IAM write invalidates.
    await storage.putAccessKey({ ...key, status: 'Inactive' });
    expect(await lookup(key.accessKeyId)).toBeDefined();
    lookup.invalidate();
    expect(await lookup(key.accessKeyId)).toBeUndefined();
    // The bound: a second key pushes the first out.
    await storage.putAccessKey({ ...key, status: 'Active' });
    const root = await createRootAccessKey(storage, keyStore, ACCOUNT, T0);
    await lookup(key.accessKeyId);
    await lookup(root.accessKeyId);
    await lookup(key.accessKeyId);
    expect(reads).toBe(3);
  });

  it('does not cache what it read while invalidate() was called', async () => {
    const key = await userKey();
    let release: () => void = () => undefined;
    let reads = 0;
    const identities: PrincipalSource = {
      principalForAccessKey: async (r) => {
        reads++;
        if (reads === 1) await new Promise<void>((ok) => (release = ok));
        return { accountId: ACCOUNT, arn: r.principalArn, accessKeyId: r.accessKeyId, type: 'IAMUser' };
      },
      entityTags: async () => ({}),
    };
    const lookup = credentialLookup(storage, keyStore, { identities });
    const pending = lookup(key.accessKeyId);
    await new Promise((ok) => setTimeout(ok, 10));
    lookup.invalidate();
    release();
    expect(await pending).toBeDefined();
    await lookup(key.accessKeyId);
    expect(reads).toBe(2);
  });
});

describe('sweepExpiredSessions', () => {
  it('deletes sessions expired longer than the retention, keeping recent ones answering ExpiredToken', async () => {
    const old = await roleSession({ accessKeyId: 'ASIAOLD0000000000001', expiration: T0 });
    const recent = await roleSession({
      accessKeyId: 'ASIARECENT0000000001',
      expiration: new Date(T0.getTime() + HOUR),
    });
    const now = new Date(T0.getTime() + EXPIRED_SESSION_RETENTION_MS + HOUR / 2);
    expect(await sweepExpiredSessions(storage, now)).toBe(1);
    expect(await storage.getSession(old.accessKeyId)).toBeUndefined();
    expect(await storage.getSession(recent.accessKeyId)).toBeDefined();
  });
});
