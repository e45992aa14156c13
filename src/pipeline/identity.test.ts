import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../domain/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import { createIdentityResolver, principalForAccessKey } from './identity.js';

const ACCOUNT = '111122223333';
const T0 = new Date('2026-01-01T00:00:00Z');
const DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}';
const userArn = `arn:aws:iam::${ACCOUNT}:user/dev/alice`;

let storage: Storage;
beforeEach(async () => {
  storage = await openStorage({ sqlitePath: ':memory:' });
  await storage.createUser({
    accountId: ACCOUNT,
    userName: 'Alice',
    userId: 'AIDAAAAAAAAAAAAAAAAAA',
    path: '/dev/',
    arn: userArn,
    createDate: T0,
    tags: [{ Key: 'team', Value: 'kms' }],
  });
});
afterEach(async () => {
  await storage.close();
});

const alice: Principal = { accountId: ACCOUNT, arn: userArn, accessKeyId: 'AKIA', type: 'IAMUser', userName: 'alice' };

describe('IdentityResolver', () => {
  it('compiles a user’s inline, attached and group policies and caches them until changed()', async () => {
    const notified: string[] = [];
    const resolver = createIdentityResolver(storage, { onChanged: () => notified.push('changed') });
    await storage.putInlinePolicy({
      entity: { accountId: ACCOUNT, kind: 'user', name: 'Alice' },
      policyName: 'p',
      document: DOC,
    });
    await storage.attachPolicy(
      { accountId: ACCOUNT, kind: 'user', name: 'alice' },
      'arn:aws:iam::aws:policy/AdministratorAccess',
    );
    const first = await resolver.policiesFor(alice);
    expect(first.identityPolicies.map((p) => p.label)).toEqual([
      'inline policy p of user Alice',
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    expect(first.permissionsBoundary).toBeUndefined();

    await storage.createGroup({
      accountId: ACCOUNT,
      groupName: 'g',
      groupId: 'AGPAAAAAAAAAAAAAAAAAA',
      path: '/',
      arn: `arn:aws:iam::${ACCOUNT}:group/g`,
      createDate: T0,
    });
    await storage.addUserToGroup(ACCOUNT, 'g', 'alice');
    await storage.putInlinePolicy({
      entity: { accountId: ACCOUNT, kind: 'group', name: 'g' },
      policyName: 'gp',
      document: DOC,
    });
    expect((await resolver.policiesFor(alice)).identityPolicies).toHaveLength(2); // cached
    resolver.changed();
    expect(notified).toEqual(['changed']);
    expect((await resolver.policiesFor(alice)).identityPolicies).toHaveLength(3);
  });

  it('gives a boundary whose policy is gone no statements, and the root nothing', async () => {
    const resolver = createIdentityResolver(storage);
    await storage.setPermissionsBoundary(
      { accountId: ACCOUNT, kind: 'user', name: 'alice' },
      `arn:aws:iam::${ACCOUNT}:policy/gone`,
    );
    const p = await resolver.policiesFor(alice);
    expect(p.permissionsBoundary?.statements.map((s) => s.action?.negated)).toEqual([true]);
    const root: Principal = {
      accountId: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accessKeyId: 'AKIA',
      type: 'Root',
    };
    expect(await resolver.policiesFor(root)).toEqual({ identityPolicies: [], sessionPolicies: [] });
  });

  it('compiles session policies of temporary credentials', async () => {
    const resolver = createIdentityResolver(storage);
    const session: Principal = {
      ...alice,
      accessKeyId: 'ASIAXXXXXXXXXXXXXXXX',
      session: { policies: [DOC], issuedAt: T0, expiration: T0, mfaAuthenticated: false, kind: 'GetSessionToken' },
    };
    expect((await resolver.policiesFor(session)).sessionPolicies).toHaveLength(1);
  });
});

describe('principalForAccessKey', () => {
  const key = {
    accessKeyId: 'AKIAQQQQQQQQQQQQQQQ1',
    accountId: ACCOUNT,
    principalArn: userArn,
    wrappedSecret: Buffer.from([1]),
    status: 'Active' as const,
    createdAt: T0,
  };

  it('is the user as stored now, with id, name and tags', async () => {
    await storage.createUserAccessKey('alice', key);
    expect(await principalForAccessKey(storage, key)).toEqual({
      accountId: ACCOUNT,
      arn: userArn,
      accessKeyId: key.accessKeyId,
      type: 'IAMUser',
      principalId: 'AIDAAAAAAAAAAAAAAAAAA',
      userName: 'Alice',
      tags: { team: 'kms' },
    });
  });

  it('is nobody for an Inactive key or a user that is gone', async () => {
    expect(await principalForAccessKey(storage, { ...key, status: 'Inactive' })).toBeUndefined();
    expect(
      await principalForAccessKey(storage, { ...key, principalArn: `arn:aws:iam::${ACCOUNT}:user/bob` }),
    ).toBeUndefined();
  });

  it('is the root for a root key', async () => {
    const root = { ...key, principalArn: `arn:aws:iam::${ACCOUNT}:root` };
    expect(await principalForAccessKey(storage, root)).toMatchObject({ type: 'Root', principalId: ACCOUNT });
  });
});
