/**
 * The STS operations against real SQLite storage, the software key store, the IAM identity
 * resolver and the policy evaluator: what AssumeRole, GetSessionToken and GetCallerIdentity answer
 * and the sessions they leave, read back through the credential lookup.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionTokenMatches } from '../../auth/index.js';
import { KmsError, type Principal, type RoleRecord } from '../../domain/index.js';
import type { sts } from '../../model/index.js';
import { SoftwareKeyStore } from '../../keystore/index.js';
import { createIdentityResolver, identityPrincipalSource } from '../../pipeline/identity.js';
import type { Caller, Services } from '../../pipeline/types.js';
import type { ServiceOperation } from '../../pipeline/service.js';
import { credentialLookup } from '../../server/credentials.js';
import { openStorage, type Storage } from '../../storage/index.js';
import { STS_OPERATIONS } from './registry.js';

const A = '111122223333';
const B = '444455556666';
const NOW = new Date('2026-07-01T12:00:00.000Z');
const HOUR = 3600_000;

let storage: Storage;
let keyStore: SoftwareKeyStore;
let services: Services;

beforeEach(async () => {
  storage = await openStorage({ sqlitePath: ':memory:' });
  keyStore = SoftwareKeyStore.inMemory();
  services = {
    clock: { now: () => NOW },
    storage,
    keyStore,
    identity: createIdentityResolver(storage),
    random: (n: number) => randomBytes(n),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  } as unknown as Services;
});
afterEach(async () => {
  await storage.close();
  await keyStore.close();
});

const root = (account: string): Principal => ({
  accountId: account,
  arn: `arn:aws:iam::${account}:root`,
  accessKeyId: `AKIAROOT${account}`,
  type: 'Root',
  principalId: account,
});

async function user(account: string, name: string, policy?: object): Promise<Principal> {
  const userId = `AIDA${name.toUpperCase().padEnd(17, 'X')}`;
  const arn = `arn:aws:iam::${account}:user/${name}`;
  await storage.createUser({ accountId: account, userName: name, userId, path: '/', arn, createDate: NOW, tags: [] });
  if (policy) {
    await storage.putInlinePolicy({
      entity: { accountId: account, kind: 'user', name },
      policyName: 'p',
      document: JSON.stringify(policy),
    });
  }
  return { accountId: account, arn, accessKeyId: `AKIA${name}`, type: 'IAMUser', principalId: userId, userName: name };
}

async function role(
  account: string,
  name: string,
  trust: object,
  extra: Partial<RoleRecord> = {},
): Promise<RoleRecord> {
  const record: RoleRecord = {
    accountId: account,
    roleName: name,
    roleId: `AROA${name.toUpperCase().padEnd(17, 'Y')}`,
    path: '/',
    arn: `arn:aws:iam::${account}:role/${name}`,
    createDate: NOW,
    assumeRolePolicyDocument: JSON.stringify(trust),
    maxSessionDuration: 3600,
    tags: [],
    ...extra,
  };
  await storage.createRole(record);
  return record;
}

const trusting = (principal: string | object, actions: string | string[] = 'sts:AssumeRole', condition?: object) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: typeof principal === 'string' ? { AWS: principal } : principal,
      Action: actions,
      ...(condition ? { Condition: condition } : {}),
    },
  ],
});
const allowAssume = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};

const callerOf = (principal: Principal): Caller => ({
  principal,
  region: 'us-east-1',
  requestId: 'req',
  sourceIp: '192.0.2.1',
  secure: true,
  time: NOW,
  keyArns: [],
});

async function call<I, O>(name: keyof typeof STS_OPERATIONS, principal: Principal, input: I): Promise<O> {
  const op = STS_OPERATIONS[name] as ServiceOperation<I, O>;
  return op.run({ input, caller: callerOf(principal), services, now: NOW });
}
const assume = (principal: Principal, input: Partial<sts.AssumeRoleRequest> & { RoleArn: string }) =>
  call<sts.AssumeRoleRequest, sts.AssumeRoleResponse>('AssumeRole', principal, { RoleSessionName: 'sess', ...input });

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KmsError);
    return { code: (e as KmsError).code, message: (e as KmsError).message };
  }
  throw new Error('expected a failure');
}

/** The principal the issued credentials authenticate as. */
async function principalOf(credentials: sts.Credentials | undefined): Promise<Principal> {
  const record = await credentialLookup(storage, keyStore, { identities: identityPrincipalSource(storage) })(
    credentials!.AccessKeyId,
  );
  expect(record?.secretAccessKey).toBe(credentials!.SecretAccessKey);
  expect(sessionTokenMatches(credentials!.SessionToken, record?.sessionTokenHash)).toBe(true);
  return record!.principal;
}

describe('GetCallerIdentity', () => {
  it('answers Account, Arn and UserId as AWS does for root, users and role sessions', async () => {
    const alice = await user(A, 'alice');
    expect(await call('GetCallerIdentity', root(A), {})).toEqual({
      Account: A,
      Arn: `arn:aws:iam::${A}:root`,
      UserId: A,
    });
    expect(await call('GetCallerIdentity', alice, {})).toEqual({
      Account: A,
      Arn: alice.arn,
      UserId: alice.principalId,
    });
    const r = await role(A, 'deployer', trusting(alice.arn));
    const out = await assume(alice, { RoleArn: r.arn, RoleSessionName: 'ci-7' });
    expect(await call('GetCallerIdentity', await principalOf(out.Credentials), {})).toEqual({
      Account: A,
      Arn: `arn:aws:sts::${A}:assumed-role/deployer/ci-7`,
      UserId: `${r.roleId}:ci-7`,
    });
  });

  it('is never authorized', () => {
    expect(STS_OPERATIONS.GetCallerIdentity?.action).toBeUndefined();
  });
});

describe('AssumeRole', () => {
  it('issues role session credentials when the trust policy names the caller', async () => {
    const alice = await user(A, 'alice');
    const r = await role(A, 'deployer', trusting(alice.arn), {
      path: '/ops/',
      arn: `arn:aws:iam::${A}:role/ops/deployer`,
    });
    const out = await assume(alice, { RoleArn: r.arn, RoleSessionName: 'build@42' });
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials?.SessionToken.length).toBeGreaterThan(300);
    expect(out.Credentials?.Expiration).toEqual(new Date(NOW.getTime() + HOUR));
    // The session ARN leaves the role's path out.
    expect(out.AssumedRoleUser).toEqual({
      AssumedRoleId: `${r.roleId}:build@42`,
      Arn: `arn:aws:sts::${A}:assumed-role/deployer/build@42`,
    });
    expect(out).not.toHaveProperty('PackedPolicySize');
    const session = await storage.getSession(out.Credentials!.AccessKeyId);
    // Neither the secret nor the token is stored.
    expect(session?.wrappedSecret.includes(Buffer.from(out.Credentials!.SecretAccessKey))).toBe(false);
    expect(session?.tokenHash).toHaveLength(32);
    expect(await principalOf(out.Credentials)).toMatchObject({
      accountId: A,
      type: 'AssumedRole',
      arn: `arn:aws:sts::${A}:assumed-role/deployer/build@42`,
      principalId: `${r.roleId}:build@42`,
      role: { arn: r.arn, roleId: r.roleId, name: 'deployer', path: '/ops/', sessionName: 'build@42' },
      session: { kind: 'AssumeRole', expiration: out.Credentials!.Expiration, issuedAt: NOW },
    });
  });

  it("needs the caller's identity policies when the trust policy names only the account", async () => {
    const bob = await user(A, 'bob');
    const carol = await user(A, 'carol', allowAssume);
    const r = await role(A, 'app', trusting(`arn:aws:iam::${A}:root`));
    expect(await failure(assume(bob, { RoleArn: r.arn }))).toEqual({
      code: 'AccessDenied',
      message: `User: ${bob.arn} is not authorized to perform: sts:AssumeRole on resource: ${r.arn}`,
    });
    await expect(assume(carol, { RoleArn: r.arn })).resolves.toHaveProperty('Credentials');
  });

  it('across accounts needs both the trust policy and the caller identity policies', async () => {
    const bob = await user(A, 'bob');
    const carol = await user(A, 'carol', allowAssume);
    const r = await role(B, 'shared', trusting(`arn:aws:iam::${A}:root`));
    expect((await failure(assume(bob, { RoleArn: r.arn }))).code).toBe('AccessDenied');
    const out = await assume(carol, { RoleArn: r.arn });
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${B}:assumed-role/shared/sess`);
    expect((await principalOf(out.Credentials)).accountId).toBe(B);
    // Trusting another account does not let a third in.
    const other = await role(B, 'closed', trusting(`arn:aws:iam::${B}:root`));
    expect((await failure(assume(carol, { RoleArn: other.arn }))).code).toBe('AccessDenied');
  });

  it('refuses the account root, a role that does not exist and an ARN that is not a role', async () => {
    const alice = await user(A, 'alice');
    const r = await role(A, 'deployer', trusting(`arn:aws:iam::${A}:root`));
    expect(await failure(assume(root(A), { RoleArn: r.arn }))).toEqual({
      code: 'AccessDenied',
      message: 'Roles may not be assumed by root accounts.',
    });
    const missing = `arn:aws:iam::${A}:role/nope`;
    expect(await failure(assume(alice, { RoleArn: missing }))).toEqual({
      code: 'AccessDenied',
      message: `User: ${alice.arn} is not authorized to perform: sts:AssumeRole on resource: ${missing}`,
    });
    // The right name on the wrong path is not the role.
    expect((await failure(assume(alice, { RoleArn: `arn:aws:iam::${A}:role/x/deployer` }))).code).toBe('AccessDenied');
    expect(await failure(assume(alice, { RoleArn: `arn:aws:iam::${A}:user/alice` }))).toEqual({
      code: 'ValidationError',
      message: 'Request ARN is invalid',
    });
  });

  it("limits DurationSeconds to the role's MaxSessionDuration, and to an hour when chaining", async () => {
    const alice = await user(A, 'alice');
    const long = await role(A, 'long', trusting(alice.arn), { maxSessionDuration: 7200 });
    const out = await assume(alice, { RoleArn: long.arn, DurationSeconds: 7200 });
    expect(out.Credentials?.Expiration).toEqual(new Date(NOW.getTime() + 2 * HOUR));
    expect(await failure(assume(alice, { RoleArn: long.arn, DurationSeconds: 7201 }))).toEqual({
      code: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
    const session = await principalOf(out.Credentials);
    const next = await role(A, 'next', trusting(long.arn), { maxSessionDuration: 7200 });
    expect(await failure(assume(session, { RoleArn: next.arn, DurationSeconds: 3601 }))).toEqual({
      code: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
    // The trust policy names the role: its sessions may assume the next one.
    const chained = await assume(session, { RoleArn: next.arn, DurationSeconds: 3600 });
    expect(chained.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${A}:assumed-role/next/sess`);
  });

  it('passes sts:ExternalId to the trust policy', async () => {
    const alice = await user(A, 'alice');
    const r = await role(
      A,
      'vendor',
      trusting(alice.arn, 'sts:AssumeRole', { StringEquals: { 'sts:ExternalId': 'x-123' } }),
    );
    expect((await failure(assume(alice, { RoleArn: r.arn }))).code).toBe('AccessDenied');
    expect((await failure(assume(alice, { RoleArn: r.arn, ExternalId: 'x-999' }))).code).toBe('AccessDenied');
    await expect(assume(alice, { RoleArn: r.arn, ExternalId: 'x-123' })).resolves.toHaveProperty('Credentials');
  });

  it('needs sts:TagSession for session tags, and keeps them as principal tags over the role tags', async () => {
    const alice = await user(A, 'alice');
    const untagged = await role(A, 'plain', trusting(alice.arn));
    const tags = [{ Key: 'team', Value: 'blue' }];
    expect(await failure(assume(alice, { RoleArn: untagged.arn, Tags: tags }))).toEqual({
      code: 'AccessDenied',
      message: `User: ${alice.arn} is not authorized to perform: sts:TagSession on resource: ${untagged.arn}`,
    });
    const r = await role(A, 'tagged', trusting(alice.arn, ['sts:AssumeRole', 'sts:TagSession']), {
      tags: [
        { Key: 'Team', Value: 'red' },
        { Key: 'env', Value: 'prod' },
      ],
    });
    const out = await assume(alice, { RoleArn: r.arn, Tags: tags, TransitiveTagKeys: ['team'] });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect(out.PackedPolicySize).toBeLessThanOrEqual(100);
    const principal = await principalOf(out.Credentials);
    expect(principal.tags).toEqual({ env: 'prod', team: 'blue' });
    expect(principal.session?.transitiveTagKeys).toEqual(['team']);

    expect(await failure(assume(alice, { RoleArn: r.arn, Tags: [...tags, { Key: 'TEAM', Value: 'x' }] }))).toEqual({
      code: 'InvalidParameterValue',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    });
    expect(await failure(assume(alice, { RoleArn: r.arn, Tags: tags, TransitiveTagKeys: ['other'] }))).toEqual({
      code: 'InvalidParameterValue',
      message: 'The specified transitive tag key must be included in the requested tags.',
    });
  });

  it('carries transitive tags along a role chain, where they cannot be set again', async () => {
    const alice = await user(A, 'alice');
    const first = await role(A, 'first', trusting(alice.arn, ['sts:AssumeRole', 'sts:TagSession']));
    const out = await assume(alice, {
      RoleArn: first.arn,
      Tags: [
        { Key: 'team', Value: 'blue' },
        { Key: 'cost', Value: '7' },
      ],
      TransitiveTagKeys: ['team'],
    });
    const session = await principalOf(out.Credentials);
    const second = await role(A, 'second', trusting(first.arn, ['sts:AssumeRole', 'sts:TagSession']));
    const chained = await principalOf((await assume(session, { RoleArn: second.arn })).Credentials);
    expect(chained.tags).toEqual({ team: 'blue' });
    expect(chained.session?.transitiveTagKeys).toEqual(['team']);
    expect((await failure(assume(session, { RoleArn: second.arn, Tags: [{ Key: 'Team', Value: 'red' }] }))).code).toBe(
      'InvalidParameterValue',
    );
  });

  it('validates session policies and keeps them with the session', async () => {
    const alice = await user(A, 'alice');
    const r = await role(A, 'deployer', trusting(alice.arn));
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }],
    });
    const out = await assume(alice, { RoleArn: r.arn, Policy: policy });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect((await principalOf(out.Credentials)).session?.policies).toEqual([policy]);

    expect((await failure(assume(alice, { RoleArn: r.arn, Policy: '{"Version":"2012-10-17"' }))).code).toBe(
      'MalformedPolicyDocument',
    );
    const huge = JSON.stringify({
      Version: '2012-10-17',
      Statement: Array.from({ length: 60 }, (_, i) => ({
        Effect: 'Allow',
        Action: `kms:Decrypt`,
        Resource: `arn:aws:kms:us-east-1:${A}:key/${randomBytes(16).toString('hex')}-${i}`,
      })),
    });
    const tooLarge = await failure(assume(alice, { RoleArn: r.arn, Policy: huge }));
    expect(tooLarge.code).toBe('PackedPolicyTooLarge');
    expect(tooLarge.message).toMatch(/^Packed policy consumes \d+% of allotted space, please use smaller policy\.$/);
  });

  it('accepts PolicyArns of managed policies that exist, AWS managed ones included', async () => {
    const alice = await user(A, 'alice');
    const r = await role(A, 'deployer', trusting(alice.arn));
    const out = await assume(alice, {
      RoleArn: r.arn,
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }],
    });
    expect((await principalOf(out.Credentials)).session?.policyArns).toEqual([
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
    ]);
    expect(
      (await failure(assume(alice, { RoleArn: r.arn, PolicyArns: [{ arn: `arn:aws:iam::${A}:policy/none` }] }))).code,
    ).toBe('ValidationError');
  });

  it('needs sts:SetSourceIdentity for a source identity, which then stays along the chain', async () => {
    const alice = await user(A, 'alice');
    const plain = await role(A, 'plain', trusting(alice.arn));
    expect((await failure(assume(alice, { RoleArn: plain.arn, SourceIdentity: 'alice' }))).message).toContain(
      'sts:SetSourceIdentity',
    );
    const r = await role(A, 'audited', trusting(alice.arn, ['sts:AssumeRole', 'sts:SetSourceIdentity']));
    const out = await assume(alice, { RoleArn: r.arn, SourceIdentity: 'alice' });
    expect(out.SourceIdentity).toBe('alice');
    const session = await principalOf(out.Credentials);
    expect(session.session?.sourceIdentity).toBe('alice');
    const next = await role(A, 'next', trusting(r.arn));
    const chained = await assume(session, { RoleArn: next.arn });
    expect(chained.SourceIdentity).toBe('alice');
  });
});

describe('GetSessionToken', () => {
  it("issues a user's own credentials, 12 hours by default", async () => {
    const alice = await user(A, 'alice');
    const out = await call<sts.GetSessionTokenRequest, sts.GetSessionTokenResponse>('GetSessionToken', alice, {});
    expect(out.Credentials?.Expiration).toEqual(new Date(NOW.getTime() + 12 * HOUR));
    const principal = await principalOf(out.Credentials);
    expect(principal).toMatchObject({
      accountId: A,
      arn: alice.arn,
      type: 'IAMUser',
      principalId: alice.principalId,
      userName: 'alice',
      session: { kind: 'GetSessionToken', mfaAuthenticated: false },
    });
    expect(await call('GetCallerIdentity', principal, {})).toEqual({
      Account: A,
      Arn: alice.arn,
      UserId: alice.principalId,
    });
    // Deleting the user's sessions (as DeleteUser does) ends them.
    expect(await storage.deleteSessionsOf(A, alice.principalId!)).toBe(1);
    expect(await storage.getSession(out.Credentials!.AccessKeyId)).toBeUndefined();
  });

  it('gives the root at most an hour', async () => {
    const out = await call<sts.GetSessionTokenRequest, sts.GetSessionTokenResponse>('GetSessionToken', root(A), {
      DurationSeconds: 129_600,
    });
    expect(out.Credentials?.Expiration).toEqual(new Date(NOW.getTime() + HOUR));
    expect((await principalOf(out.Credentials)).type).toBe('Root');
  });

  it('is refused to temporary credentials, as AWS refuses it', async () => {
    const alice = await user(A, 'alice');
    const out = await call<sts.GetSessionTokenRequest, sts.GetSessionTokenResponse>('GetSessionToken', alice, {});
    expect(await failure(call('GetSessionToken', await principalOf(out.Credentials), {}))).toEqual({
      code: 'AccessDenied',
      message: 'Cannot call GetSessionToken with session credentials',
    });
  });

  it('lets its credentials assume a role, as role chaining', async () => {
    const alice = await user(A, 'alice');
    const out = await call<sts.GetSessionTokenRequest, sts.GetSessionTokenResponse>('GetSessionToken', alice, {});
    const session = await principalOf(out.Credentials);
    const r = await role(A, 'deployer', trusting(alice.arn), { maxSessionDuration: 7200 });
    expect((await failure(assume(session, { RoleArn: r.arn, DurationSeconds: 7200 }))).code).toBe('ValidationError');
    await expect(assume(session, { RoleArn: r.arn })).resolves.toHaveProperty('Credentials');
  });
});
