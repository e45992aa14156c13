/**
 * The conformance suite of IdentityStorage (storage/identity-types.ts), written once for every
 * backend like storage/conformance.ts. `open` returns a fresh, empty, migrated storage each time.
 *
 * Beyond the words of the contract it pins down: names match without regard to case and read
 * back as written, absent optional fields read back absent, listings order by name without regard
 * to case and page with `after`, quotas count inside the write, and every DeleteConflict of AWS.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AccessKeyRecord,
  EntityRef,
  GroupRecord,
  ManagedPolicyRecord,
  PolicyVersionRecord,
  RoleRecord,
  UserRecord,
} from '../domain/index.js';
import type { Storage } from './types.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const T0 = new Date('2026-03-04T05:06:07.891Z');
const T1 = new Date('2026-03-05T00:00:00.001Z');
const DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}';
const TRUST =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}';

let counter = 0;
const id = (prefix: string): string => `${prefix}${String(++counter).padStart(17, 'A')}`;

const user = (name: string, opts: Partial<UserRecord> = {}): UserRecord => ({
  accountId: ACCOUNT,
  userName: name,
  userId: id('AIDA'),
  path: '/',
  arn: `arn:aws:iam::${opts.accountId ?? ACCOUNT}:user${opts.path ?? '/'}${name}`,
  createDate: T0,
  tags: [],
  ...opts,
});
const group = (name: string, opts: Partial<GroupRecord> = {}): GroupRecord => ({
  accountId: ACCOUNT,
  groupName: name,
  groupId: id('AGPA'),
  path: '/',
  arn: `arn:aws:iam::${ACCOUNT}:group/${name}`,
  createDate: T0,
  ...opts,
});
const role = (name: string, opts: Partial<RoleRecord> = {}): RoleRecord => ({
  accountId: ACCOUNT,
  roleName: name,
  roleId: id('AROA'),
  path: '/',
  arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  createDate: T0,
  assumeRolePolicyDocument: TRUST,
  maxSessionDuration: 3600,
  tags: [],
  ...opts,
});
const policyArn = (name: string, path = '/'): string => `arn:aws:iam::${ACCOUNT}:policy${path}${name}`;
function policy(name: string, path = '/'): [ManagedPolicyRecord, PolicyVersionRecord] {
  const arn = policyArn(name, path);
  return [
    {
      accountId: ACCOUNT,
      policyName: name,
      policyId: id('ANPA'),
      path,
      arn,
      defaultVersionId: 'v1',
      createDate: T0,
      updateDate: T0,
      tags: [],
    },
    { policyArn: arn, versionId: 'v1', document: DOC, isDefaultVersion: true, createDate: T0 },
  ];
}
const accessKey = (u: UserRecord, n: number, status: AccessKeyRecord['status'] = 'Active'): AccessKeyRecord => ({
  accessKeyId: `AKIA${String(n).padStart(16, 'Q')}`,
  accountId: u.accountId,
  principalArn: u.arn,
  wrappedSecret: Buffer.from([1, 2, 3, n]),
  status,
  createdAt: new Date(T0.getTime() + n),
});
const ref = (kind: EntityRef['kind'], name: string, accountId = ACCOUNT): EntityRef => ({ accountId, kind, name });

export function describeIdentityConformance(name: string, open: () => Promise<Storage>): void {
  describe(`IdentityStorage conformance: ${name}`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    describe('users', () => {
      it('round-trips a user, absent fields absent, matched without regard to case', async () => {
        const alice = user('Alice', { path: '/eng/', tags: [{ Key: 'team', Value: 'kms' }] });
        expect(await s.createUser(alice)).toBe('ok');
        expect(await s.getUser(ACCOUNT, 'alice')).toStrictEqual(alice);
        expect(await s.getUser(ACCOUNT, 'ALICE')).toStrictEqual(alice);
        expect(await s.getUser(OTHER, 'Alice')).toBeUndefined();
        expect(await s.createUser(user('aLICE'))).toBe('exists');
        expect(await s.createUser(user('Alice', { accountId: OTHER }))).toBe('ok');
      });

      it('counts the quota inside the write', async () => {
        expect(await s.createUser(user('a'), 2)).toBe('ok');
        expect(await s.createUser(user('b'), 2)).toBe('ok');
        expect(await s.createUser(user('c'), 2)).toEqual({ result: 'limit', usage: 2 });
        expect(await s.createUser(user('a'), 2)).toBe('exists');
        expect(await s.createUser(user('c', { accountId: OTHER }), 2)).toBe('ok');
      });

      it('lists by name without regard to case, by path prefix, in pages', async () => {
        for (const n of ['carol', 'Bob', 'alice', 'dave'])
          await s.createUser(user(n, n === 'dave' ? { path: '/ops/' } : {}));
        const first = await s.listUsers(ACCOUNT, { limit: 2 });
        expect(first.items.map((u) => u.userName)).toEqual(['alice', 'Bob']);
        expect(first.more).toBe(true);
        const second = await s.listUsers(ACCOUNT, { limit: 2, after: 'BOB' });
        expect(second.items.map((u) => u.userName)).toEqual(['carol', 'dave']);
        expect(second.more).toBe(false);
        const ops = await s.listUsers(ACCOUNT, { limit: 10, pathPrefix: '/ops' });
        expect(ops.items.map((u) => u.userName)).toEqual(['dave']);
      });

      it('refuses to delete a user with access keys, policies or groups, in that order', async () => {
        const u = user('u');
        await s.createUser(u);
        await s.createGroup(group('g'));
        const [p, v] = policy('p');
        await s.createPolicy(p, v);
        await s.createUserAccessKey('u', accessKey(u, 1));
        await s.putInlinePolicy({ entity: ref('user', 'u'), policyName: 'inline', document: DOC });
        await s.attachPolicy(ref('user', 'u'), p.arn);
        await s.addUserToGroup(ACCOUNT, 'g', 'u');
        expect(await s.deleteUser(ACCOUNT, 'U')).toEqual({ result: 'conflict', reason: 'access-keys' });
        expect(await s.deleteUserAccessKey(ACCOUNT, 'u', accessKey(u, 1).accessKeyId)).toBe('ok');
        expect(await s.deleteUser(ACCOUNT, 'u')).toEqual({ result: 'conflict', reason: 'inline-policies' });
        await s.deleteInlinePolicy(ref('user', 'u'), 'inline');
        expect(await s.deleteUser(ACCOUNT, 'u')).toEqual({ result: 'conflict', reason: 'attached-policies' });
        await s.detachPolicy(ref('user', 'u'), p.arn);
        expect(await s.deleteUser(ACCOUNT, 'u')).toEqual({ result: 'conflict', reason: 'groups' });
        await s.removeUserFromGroup(ACCOUNT, 'g', 'u');
        expect(await s.deleteUser(ACCOUNT, 'u')).toBe('ok');
        expect(await s.getUser(ACCOUNT, 'u')).toBeUndefined();
        expect(await s.deleteUser(ACCOUNT, 'u')).toBe('not-found');
      });

      it('merges and removes tags without regard to key case, within the quota', async () => {
        await s.createUser(user('u', { tags: [{ Key: 'Team', Value: 'a' }] }));
        expect(
          await s.tagEntity(
            ref('user', 'u'),
            [
              { Key: 'team', Value: 'b' },
              { Key: 'x', Value: '' },
            ],
            2,
          ),
        ).toBe('ok');
        expect((await s.getUser(ACCOUNT, 'u'))?.tags).toEqual([
          { Key: 'team', Value: 'b' },
          { Key: 'x', Value: '' },
        ]);
        expect(await s.tagEntity(ref('user', 'u'), [{ Key: 'y', Value: '1' }], 2)).toEqual({
          result: 'limit',
          usage: 2,
        });
        expect(await s.untagEntity(ref('user', 'u'), ['TEAM', 'absent'])).toBe('ok');
        expect((await s.getUser(ACCOUNT, 'u'))?.tags).toEqual([{ Key: 'x', Value: '' }]);
        expect(await s.tagEntity(ref('user', 'nobody'), [])).toBe('not-found');
      });

      it('sets and removes a permissions boundary', async () => {
        await s.createUser(user('u'));
        expect(await s.setPermissionsBoundary(ref('user', 'u'), policyArn('b'))).toBe('ok');
        expect((await s.getUser(ACCOUNT, 'u'))?.permissionsBoundary).toBe(policyArn('b'));
        expect(await s.setPermissionsBoundary(ref('user', 'u'), undefined)).toBe('ok');
        expect(await s.getUser(ACCOUNT, 'u')).not.toHaveProperty('permissionsBoundary');
        expect(await s.setPermissionsBoundary(ref('role', 'u'), undefined)).toBe('not-found');
      });
    });

    describe('groups', () => {
      it('adds members once, lists both ways, limits groups per user', async () => {
        await s.createUser(user('u'));
        for (const g of ['g1', 'G2', 'g3']) expect(await s.createGroup(group(g))).toBe('ok');
        expect(await s.createGroup(group('g2'))).toBe('exists');
        expect(await s.addUserToGroup(ACCOUNT, 'g1', 'U', 2)).toBe('ok');
        expect(await s.addUserToGroup(ACCOUNT, 'g1', 'u', 2)).toBe('ok');
        expect(await s.addUserToGroup(ACCOUNT, 'g2', 'u', 2)).toBe('ok');
        expect(await s.addUserToGroup(ACCOUNT, 'g3', 'u', 2)).toEqual({ result: 'limit', usage: 2 });
        expect(await s.addUserToGroup(ACCOUNT, 'nope', 'u')).toBe('no-group');
        expect(await s.addUserToGroup(ACCOUNT, 'g3', 'nope')).toBe('no-user');
        expect((await s.listGroupsForUser(ACCOUNT, 'u'))?.map((g) => g.groupName)).toEqual(['g1', 'G2']);
        expect((await s.listGroupMembers(ACCOUNT, 'g1'))?.map((u) => u.userName)).toEqual(['u']);
        expect(await s.listGroupMembers(ACCOUNT, 'nope')).toBeUndefined();
        expect(await s.listGroupsForUser(ACCOUNT, 'nope')).toBeUndefined();
        expect(await s.removeUserFromGroup(ACCOUNT, 'g3', 'u')).toBe('not-member');
        expect(await s.removeUserFromGroup(ACCOUNT, 'g1', 'u')).toBe('ok');
        expect((await s.listGroups(ACCOUNT, { limit: 10 })).items.map((g) => g.groupName)).toEqual(['g1', 'G2', 'g3']);
      });

      it('refuses to delete a group with members or policies', async () => {
        await s.createUser(user('u'));
        await s.createGroup(group('g'));
        await s.addUserToGroup(ACCOUNT, 'g', 'u');
        expect(await s.deleteGroup(ACCOUNT, 'g')).toEqual({ result: 'conflict', reason: 'members' });
        await s.removeUserFromGroup(ACCOUNT, 'g', 'u');
        await s.putInlinePolicy({ entity: ref('group', 'g'), policyName: 'p', document: DOC });
        expect(await s.deleteGroup(ACCOUNT, 'g')).toEqual({ result: 'conflict', reason: 'inline-policies' });
        await s.deleteInlinePolicy(ref('group', 'g'), 'P');
        expect(await s.deleteGroup(ACCOUNT, 'g')).toBe('ok');
        expect(await s.deleteGroup(ACCOUNT, 'g')).toBe('not-found');
      });
    });

    describe('roles', () => {
      it('round-trips, updates the trust policy and refuses deletion with policies', async () => {
        const r = role('App', { description: 'd', maxSessionDuration: 7200 });
        expect(await s.createRole(r, 1)).toBe('ok');
        expect(await s.createRole(role('other'), 1)).toEqual({ result: 'limit', usage: 1 });
        expect(await s.getRole(ACCOUNT, 'app')).toStrictEqual(r);
        expect(await s.updateRole(ACCOUNT, 'APP', { assumeRolePolicyDocument: DOC })).toBe('ok');
        expect(await s.getRole(ACCOUNT, 'app')).toStrictEqual({ ...r, assumeRolePolicyDocument: DOC });
        expect(await s.updateRole(ACCOUNT, 'nope', { description: 'x' })).toBe('not-found');
        await s.attachPolicy(ref('role', 'app'), 'arn:aws:iam::aws:policy/AdministratorAccess');
        expect(await s.deleteRole(ACCOUNT, 'app')).toEqual({ result: 'conflict', reason: 'attached-policies' });
        await s.detachPolicy(ref('role', 'app'), 'arn:aws:iam::aws:policy/AdministratorAccess');
        expect(await s.deleteRole(ACCOUNT, 'app')).toBe('ok');
        expect(await s.getRole(ACCOUNT, 'app')).toBeUndefined();
      });

      it('lists roles in pages', async () => {
        for (const n of ['b', 'a', 'c']) await s.createRole(role(n));
        const p = await s.listRoles(ACCOUNT, { limit: 2, after: 'a' });
        expect(p.items.map((r) => r.roleName)).toEqual(['b', 'c']);
        expect(p.more).toBe(false);
      });
    });

    describe('inline policies', () => {
      it('replaces by name without regard to case and bounds the aggregate size', async () => {
        await s.createUser(user('u'));
        const entity = ref('user', 'u');
        const size = DOC.length; // no white space in DOC
        expect(await s.putInlinePolicy({ entity, policyName: 'One', document: DOC }, size * 2)).toBe('ok');
        expect(await s.putInlinePolicy({ entity, policyName: 'one', document: DOC }, size * 2)).toBe('ok');
        expect(await s.putInlinePolicy({ entity, policyName: 'two', document: DOC }, size * 2)).toBe('ok');
        expect(await s.putInlinePolicy({ entity, policyName: 'three', document: DOC }, size * 2)).toEqual({
          result: 'limit',
          usage: size * 3,
        });
        expect((await s.listInlinePolicies(entity))?.map((p) => p.policyName)).toEqual(['one', 'two']);
        expect(await s.getInlinePolicy(entity, 'TWO')).toEqual({ entity, policyName: 'two', document: DOC });
        expect(await s.getInlinePolicy(entity, 'three')).toBeUndefined();
        expect(await s.putInlinePolicy({ entity: ref('role', 'u'), policyName: 'x', document: DOC })).toBe('not-found');
        expect(await s.deleteInlinePolicy(entity, 'three')).toBe('not-found');
        expect(await s.deleteInlinePolicy(ref('group', 'u'), 'one')).toBe('no-entity');
        expect(await s.listInlinePolicies(ref('group', 'u'))).toBeUndefined();
      });
    });

    describe('managed policies', () => {
      it('creates with v1, refuses a duplicate name in any path or case, counts the quota', async () => {
        const [p, v] = policy('Pol', '/a/');
        expect(await s.createPolicy(p, v, 1)).toBe('ok');
        expect(await s.createPolicy(...policy('pol', '/b/'), 5)).toBe('exists');
        expect(await s.createPolicy(...policy('other'), 1)).toEqual({ result: 'limit', usage: 1 });
        expect(await s.getPolicy(p.arn)).toStrictEqual({ ...p, attachmentCount: 0, permissionsBoundaryUsageCount: 0 });
        expect(await s.getPolicyVersion(p.arn, 'v1')).toStrictEqual(v);
      });

      it('adds versions up to the quota, never reuses ids, refuses to delete the default', async () => {
        const [p, v] = policy('p');
        await s.createPolicy(p, v);
        const v2 = await s.createPolicyVersion(p.arn, '{"v":2}', false, T1, 3);
        expect(v2).toMatchObject({ result: 'ok', version: { versionId: 'v2', isDefaultVersion: false } });
        const v3 = await s.createPolicyVersion(p.arn, '{"v":3}', true, T1, 3);
        expect(v3).toMatchObject({ result: 'ok', version: { versionId: 'v3', isDefaultVersion: true } });
        expect(await s.createPolicyVersion(p.arn, '{}', false, T1, 3)).toEqual({ result: 'limit', usage: 3 });
        expect((await s.getPolicy(p.arn))?.defaultVersionId).toBe('v3');
        expect((await s.getPolicy(p.arn))?.updateDate).toEqual(T1);
        expect((await s.listPolicyVersions(p.arn))?.map((x) => [x.versionId, x.isDefaultVersion])).toEqual([
          ['v3', true],
          ['v2', false],
          ['v1', false],
        ]);
        expect(await s.deletePolicyVersion(p.arn, 'v3')).toEqual({ result: 'conflict', reason: 'default-version' });
        expect(await s.deletePolicyVersion(p.arn, 'v2')).toBe('ok');
        expect(await s.deletePolicyVersion(p.arn, 'v2')).toBe('not-found');
        const v4 = await s.createPolicyVersion(p.arn, '{"v":4}', false, T1, 3);
        expect(v4).toMatchObject({ result: 'ok', version: { versionId: 'v4' } });
        expect(await s.setDefaultPolicyVersion(p.arn, 'v1', T1)).toBe('ok');
        expect((await s.getPolicyVersion(p.arn, 'v1'))?.isDefaultVersion).toBe(true);
        expect(await s.setDefaultPolicyVersion(p.arn, 'v9', T1)).toBe('not-found');
        expect(await s.createPolicyVersion(policyArn('nope'), '{}', false, T1)).toBe('not-found');
      });

      it('refuses to delete an attached policy or one with other versions', async () => {
        const [p, v] = policy('p');
        await s.createPolicy(p, v);
        await s.createRole(role('r'));
        await s.attachPolicy(ref('role', 'r'), p.arn);
        expect((await s.getPolicy(p.arn))?.attachmentCount).toBe(1);
        expect(await s.deletePolicy(p.arn)).toEqual({ result: 'conflict', reason: 'policy-attached' });
        await s.detachPolicy(ref('role', 'r'), p.arn);
        await s.createPolicyVersion(p.arn, '{}', false, T1);
        expect(await s.deletePolicy(p.arn)).toEqual({ result: 'conflict', reason: 'policy-versions' });
        await s.deletePolicyVersion(p.arn, 'v2');
        expect(await s.deletePolicy(p.arn)).toBe('ok');
        expect(await s.getPolicy(p.arn)).toBeUndefined();
        expect(await s.getPolicyVersion(p.arn, 'v1')).toBeUndefined();
        expect(await s.deletePolicy(p.arn)).toBe('not-found');
      });

      it('lists by path prefix and only attached, in pages', async () => {
        for (const [n, path] of [
          ['a', '/'],
          ['B', '/x/'],
          ['c', '/x/'],
        ] as const) {
          await s.createPolicy(...policy(n, path));
        }
        await s.createUser(user('u'));
        await s.attachPolicy(ref('user', 'u'), policyArn('c', '/x/'));
        const names = async (q: Parameters<Storage['listPolicies']>[1]) =>
          (await s.listPolicies(ACCOUNT, q)).items.map((p) => p.policyName);
        expect(await names({ limit: 10 })).toEqual(['a', 'B', 'c']);
        expect(await names({ limit: 10, pathPrefix: '/x/' })).toEqual(['B', 'c']);
        expect(await names({ limit: 10, onlyAttached: true })).toEqual(['c']);
        expect(await names({ limit: 1, after: 'a' })).toEqual(['B']);
        expect((await s.listPolicies(ACCOUNT, { limit: 1, after: 'a' })).more).toBe(true);
      });
    });

    describe('attachments', () => {
      it('attaches once, in order, within the quota; AWS managed ARNs are not checked', async () => {
        await s.createUser(user('u'));
        const [p, v] = policy('p');
        await s.createPolicy(p, v);
        const aws = 'arn:aws:iam::aws:policy/AdministratorAccess';
        expect(await s.attachPolicy(ref('user', 'u'), p.arn, 2)).toBe('ok');
        expect(await s.attachPolicy(ref('user', 'u'), p.arn, 2)).toBe('ok');
        expect(await s.attachPolicy(ref('user', 'u'), aws, 2)).toBe('ok');
        expect(await s.attachPolicy(ref('user', 'U'), policyArn('missing'), 5)).toBe('no-policy');
        await s.createPolicy(...policy('q'));
        expect(await s.attachPolicy(ref('user', 'u'), policyArn('q'), 2)).toEqual({ result: 'limit', usage: 2 });
        expect(await s.attachPolicy(ref('group', 'u'), p.arn)).toBe('no-entity');
        expect(await s.listAttachedPolicies(ref('user', 'u'))).toEqual([p.arn, aws]);
        expect(await s.listEntitiesForPolicy(p.arn)).toEqual([{ kind: 'user', accountId: ACCOUNT, name: 'u' }]);
        expect(await s.detachPolicy(ref('user', 'u'), policyArn('q'))).toBe('not-attached');
        expect(await s.detachPolicy(ref('role', 'u'), p.arn)).toBe('no-entity');
      });

      it("gathers a user's own and its groups' policies with the default versions", async () => {
        await s.createUser(user('u', { permissionsBoundary: policyArn('boundary') }));
        await s.createGroup(group('g'));
        await s.addUserToGroup(ACCOUNT, 'g', 'u');
        const [p, v] = policy('p');
        await s.createPolicy(p, v);
        await s.createPolicy(...policy('boundary'));
        await s.createPolicyVersion(p.arn, '{"default":2}', true, T1);
        await s.putInlinePolicy({ entity: ref('user', 'u'), policyName: 'mine', document: DOC });
        await s.putInlinePolicy({ entity: ref('group', 'g'), policyName: 'ours', document: '{"g":1}' });
        await s.attachPolicy(ref('user', 'u'), p.arn);
        await s.attachPolicy(ref('group', 'g'), p.arn);
        await s.attachPolicy(ref('group', 'g'), 'arn:aws:iam::aws:policy/AdministratorAccess');
        const docs = await s.policyDocumentsOf(ACCOUNT, 'user', 'U');
        expect(docs?.inline.map((i) => [i.entity.kind, i.policyName, i.document])).toEqual([
          ['user', 'mine', DOC],
          ['group', 'ours', '{"g":1}'],
        ]);
        expect(docs?.managed).toEqual([
          { arn: p.arn, document: '{"default":2}' },
          { arn: 'arn:aws:iam::aws:policy/AdministratorAccess', document: undefined },
        ]);
        expect(docs?.permissionsBoundary).toEqual({ arn: policyArn('boundary'), document: DOC });
        expect(await s.policyDocumentsOf(ACCOUNT, 'role', 'u')).toBeUndefined();
      });
    });

    describe("IAM users' access keys", () => {
      it('creates up to the quota, lists, updates status and deletes by user', async () => {
        const u = user('Bob');
        await s.createUser(u);
        expect(await s.createUserAccessKey('bob', accessKey(u, 1), 2)).toBe('ok');
        expect(await s.createUserAccessKey('bob', accessKey(u, 2, 'Inactive'), 2)).toBe('ok');
        expect(await s.createUserAccessKey('bob', accessKey(u, 3), 2)).toEqual({ result: 'limit', usage: 2 });
        expect(await s.createUserAccessKey('nobody', accessKey(u, 4))).toBe('not-found');
        expect(await s.listUserAccessKeys(ACCOUNT, 'BOB')).toStrictEqual([
          accessKey(u, 1),
          accessKey(u, 2, 'Inactive'),
        ]);
        expect(await s.getAccessKey(accessKey(u, 1).accessKeyId)).toStrictEqual(accessKey(u, 1));
        expect(await s.accessKeyUserName(accessKey(u, 1).accessKeyId)).toBe('Bob');
        const k1 = accessKey(u, 1).accessKeyId;
        expect(await s.updateAccessKeyStatus(ACCOUNT, 'bob', k1, 'Inactive')).toBe('ok');
        expect((await s.getAccessKey(k1))?.status).toBe('Inactive');
        expect(await s.updateAccessKeyStatus(OTHER, 'bob', k1, 'Active')).toBe('not-found');
        expect(await s.deleteUserAccessKey(ACCOUNT, 'alice', k1)).toBe('not-found');
        expect(await s.deleteUserAccessKey(ACCOUNT, 'bob', k1)).toBe('ok');
        expect(await s.getAccessKey(k1)).toBeUndefined();
        expect(await s.listUserAccessKeys(ACCOUNT, 'nobody')).toBeUndefined();
      });

      it('knows no user for a root access key, and lists and updates root keys by no user name', async () => {
        await s.putAccount({ accountId: ACCOUNT, createdAt: T0 });
        await s.putAccessKey({
          accessKeyId: 'AKIAROOTROOTROOTROOT',
          accountId: ACCOUNT,
          principalArn: `arn:aws:iam::${ACCOUNT}:root`,
          wrappedSecret: Buffer.from([9]),
          status: 'Active',
          createdAt: T0,
        });
        expect(await s.accessKeyUserName('AKIAROOTROOTROOTROOT')).toBeUndefined();
        expect((await s.listUserAccessKeys(ACCOUNT, undefined))?.map((k) => k.accessKeyId)).toEqual([
          'AKIAROOTROOTROOTROOT',
        ]);
        expect(await s.updateAccessKeyStatus(ACCOUNT, undefined, 'AKIAROOTROOTROOTROOT', 'Inactive')).toBe('ok');
        expect(await s.updateAccessKeyStatus(ACCOUNT, 'someone', 'AKIAROOTROOTROOTROOT', 'Active')).toBe('not-found');
        expect((await s.getAccessKey('AKIAROOTROOTROOTROOT'))?.status).toBe('Inactive');
      });
    });

    describe('resetIdentities', () => {
      it('deletes every IAM entity and user key, and keeps the root keys', async () => {
        const u = user('u');
        await s.createUser(u);
        await s.createUserAccessKey('u', accessKey(u, 1));
        await s.createGroup(group('g'));
        await s.addUserToGroup(ACCOUNT, 'g', 'u');
        await s.createRole(role('r'));
        await s.putInlinePolicy({ entity: ref('role', 'r'), policyName: 'p', document: DOC });
        await s.createPolicy(...policy('p'));
        await s.attachPolicy(ref('user', 'u'), policyArn('p'));
        await s.putAccessKey({ ...accessKey(u, 9), principalArn: `arn:aws:iam::${ACCOUNT}:root` });
        await s.resetIdentities();
        expect(await s.getUser(ACCOUNT, 'u')).toBeUndefined();
        expect(await s.getGroup(ACCOUNT, 'g')).toBeUndefined();
        expect(await s.getRole(ACCOUNT, 'r')).toBeUndefined();
        expect(await s.getPolicy(policyArn('p'))).toBeUndefined();
        expect(await s.getAccessKey(accessKey(u, 1).accessKeyId)).toBeUndefined();
        expect(await s.getAccessKey(accessKey(u, 9).accessKeyId)).toBeDefined();
        expect(await s.createUser(u)).toBe('ok');
        expect(await s.listInlinePolicies(ref('user', 'u'))).toEqual([]);
        expect(await s.listAttachedPolicies(ref('user', 'u'))).toEqual([]);
      });
    });
  });
}
