/**
 * The IAM operations through @aws-sdk/client-iam against a real server: ids, ARNs, paging, the
 * errors and messages AWS answers, URL-encoded documents, and access keys that stop working at
 * once when deactivated or deleted.
 */
import {
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  ListEntitiesForPolicyCommand,
  ListInstanceProfilesForRoleCommand,
  ListMFADevicesCommand,
  DeleteGroupCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagRoleCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';

let t: TestServer;
let iam: IAMClient;
let account: string;

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const ALLOW_KMS = doc([{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }]);
const trust = (acct: string) =>
  doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }]);

async function fails(p: Promise<unknown>, name: string, message?: string): Promise<void> {
  const e = (await p.then(
    () => undefined,
    (err: unknown) => err,
  )) as { name?: string; message?: string } | undefined;
  expect(e, `expected ${name}`).toBeDefined();
  expect(e!.name).toBe(name);
  if (message !== undefined) expect(e!.message).toBe(message);
}

beforeAll(async () => {
  t = await startTestServer();
  iam = t.iam();
  const user = await iam.send(new GetUserCommand({}));
  account = user.User!.UserId!;
});

afterAll(async () => {
  await t.stop();
});

describe('users', () => {
  it('creates a user with AWS ids and ARNs, names unique without regard to case', async () => {
    const { User } = await iam.send(
      new CreateUserCommand({ UserName: 'Alice', Path: '/eng/', Tags: [{ Key: 'team', Value: 'kms' }] }),
    );
    expect(User?.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(User?.Arn).toBe(`arn:aws:iam::${account}:user/eng/Alice`);
    expect(User?.Tags).toEqual([{ Key: 'team', Value: 'kms' }]);
    await fails(
      iam.send(new CreateUserCommand({ UserName: 'alice' })),
      'EntityAlreadyExistsException',
      'User with name alice already exists.',
    );
    const got = await iam.send(new GetUserCommand({ UserName: 'ALICE' }));
    expect(got.User?.UserName).toBe('Alice');
    await fails(
      iam.send(new GetUserCommand({ UserName: 'nobody' })),
      'NoSuchEntityException',
      'The user with name nobody cannot be found.',
    );
  });

  it('lists users in pages by PathPrefix', async () => {
    for (const n of ['u-b', 'u-a', 'u-c']) await iam.send(new CreateUserCommand({ UserName: n, Path: '/paged/' }));
    const first = await iam.send(new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
    expect(first.Users?.map((u) => u.UserName)).toEqual(['u-a', 'u-b']);
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(new ListUsersCommand({ PathPrefix: '/paged/', Marker: first.Marker }));
    expect(second.Users?.map((u) => u.UserName)).toEqual(['u-c']);
    expect(second.IsTruncated).toBe(false);
  });

  it('tags and untags', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'tagged' }));
    await iam.send(
      new TagUserCommand({
        UserName: 'tagged',
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['A'] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }))).Tags).toEqual([{ Key: 'b', Value: '2' }]);
    await fails(
      iam.send(
        new TagUserCommand({
          UserName: 'tagged',
          Tags: [
            { Key: 'x', Value: '1' },
            { Key: 'X', Value: '2' },
          ],
        }),
      ),
      'InvalidInputException',
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    );
  });

  it('refuses to delete a user with access keys, policies or groups', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'busy' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'busy' }))).AccessKey!;
    await fails(
      iam.send(new DeleteUserCommand({ UserName: 'busy' })),
      'DeleteConflictException',
      'Cannot delete entity, must delete access keys first.',
    );
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'busy', AccessKeyId: key.AccessKeyId }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'busy', PolicyName: 'p', PolicyDocument: ALLOW_KMS }));
    await fails(
      iam.send(new DeleteUserCommand({ UserName: 'busy' })),
      'DeleteConflictException',
      'Cannot delete entity, must delete policies first.',
    );
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'busy', PolicyName: 'p' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'busy-group' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'busy-group', UserName: 'busy' }));
    await fails(
      iam.send(new DeleteUserCommand({ UserName: 'busy' })),
      'DeleteConflictException',
      'Cannot delete entity, must remove users from group first.',
    );
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'busy-group', UserName: 'busy' }));
    await iam.send(new DeleteUserCommand({ UserName: 'busy' }));
    await fails(iam.send(new GetUserCommand({ UserName: 'busy' })), 'NoSuchEntityException');
  });
});

describe('access keys', () => {
  it('creates at most two, returns the secret once, and an Inactive or deleted key stops at once', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'keyholder' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'keyholder',
        PolicyName: 'self',
        PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }]),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keyholder' }))).AccessKey!;
    expect(key.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(key.SecretAccessKey).toHaveLength(40);
    await iam.send(new CreateAccessKeyCommand({ UserName: 'keyholder' }));
    await fails(
      iam.send(new CreateAccessKeyCommand({ UserName: 'keyholder' })),
      'LimitExceededException',
      'Cannot exceed quota for AccessKeysPerUser: 2',
    );
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'keyholder' }));
    expect(listed.AccessKeyMetadata?.map((k) => [k.UserName, k.Status])).toEqual([
      ['keyholder', 'Active'],
      ['keyholder', 'Active'],
    ]);

    const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const self = await t.iam(credentials).send(new GetUserCommand({}));
    expect(self.User?.UserName).toBe('keyholder');

    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: key.AccessKeyId, Status: 'Inactive' }),
    );
    await fails(t.iam(credentials).send(new GetUserCommand({})), 'InvalidClientTokenId');
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: key.AccessKeyId, Status: 'Active' }),
    );
    expect((await t.iam(credentials).send(new GetUserCommand({}))).User?.UserName).toBe('keyholder');
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: key.AccessKeyId }));
    await fails(t.iam(credentials).send(new GetUserCommand({})), 'InvalidClientTokenId');
    await fails(
      iam.send(new DeleteAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: key.AccessKeyId })),
      'NoSuchEntityException',
      `The Access Key with id ${key.AccessKeyId} cannot be found.`,
    );
  });

  it('lets a user without permissions do nothing in IAM', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'powerless' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'powerless' }))).AccessKey!;
    const as = t.iam({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    await fails(as.send(new ListUsersCommand({})), 'AccessDenied');
  });
});

describe('groups', () => {
  it('creates, lists members both ways, refuses deletion with members', async () => {
    const { Group } = await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
    expect(Group?.GroupId).toMatch(/^AGPA[A-Z2-7]{17}$/);
    await iam.send(new CreateUserCommand({ UserName: 'dev1' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'DEVS', UserName: 'dev1' }));
    expect((await iam.send(new GetGroupCommand({ GroupName: 'devs' }))).Users?.map((u) => u.UserName)).toEqual([
      'dev1',
    ]);
    expect(
      (await iam.send(new ListGroupsForUserCommand({ UserName: 'dev1' }))).Groups?.map((g) => g.GroupName),
    ).toEqual(['devs']);
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'gp', PolicyDocument: ALLOW_KMS }));
    const gp = await iam.send(new GetGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'gp' }));
    expect(decodeURIComponent(gp.PolicyDocument!)).toBe(ALLOW_KMS);
    await fails(iam.send(new DeleteGroupCommand({ GroupName: 'devs' })), 'DeleteConflictException');
    await fails(
      iam.send(new GetGroupCommand({ GroupName: 'nope' })),
      'NoSuchEntityException',
      'The group with name nope cannot be found.',
    );
  });
});

describe('roles', () => {
  it('creates a role whose trust policy GetRole returns URL-encoded', async () => {
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: 'app', Path: '/svc/', AssumeRolePolicyDocument: trust(account) }),
    );
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(created.Role?.Arn).toBe(`arn:aws:iam::${account}:role/svc/app`);
    expect(created.Role?.MaxSessionDuration).toBe(3600);
    const got = await iam.send(new GetRoleCommand({ RoleName: 'APP' }));
    expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toBe(trust(account));
    await fails(
      iam.send(new CreateRoleCommand({ RoleName: 'App', AssumeRolePolicyDocument: trust(account) })),
      'EntityAlreadyExistsException',
      'Role with name App already exists.',
    );
    await fails(
      iam.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: '{' })),
      'MalformedPolicyDocumentException',
    );
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: trust('444455556666') }));
    const updated = await iam.send(new GetRoleCommand({ RoleName: 'app' }));
    expect(decodeURIComponent(updated.Role!.AssumeRolePolicyDocument!)).toBe(trust('444455556666'));
    await iam.send(new TagRoleCommand({ RoleName: 'app', Tags: [{ Key: 'k', Value: 'v' }] }));
    expect((await iam.send(new ListRolesCommand({ PathPrefix: '/svc/' }))).Roles?.map((r) => r.RoleName)).toEqual([
      'app',
    ]);
  });

  it('keeps inline and attached policies and refuses deletion until they are gone', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: trust(account) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'inline', PolicyDocument: ALLOW_KMS }));
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'worker' }))).PolicyNames).toEqual(['inline']);
    const inline = await iam.send(new GetRolePolicyCommand({ RoleName: 'worker', PolicyName: 'inline' }));
    expect(decodeURIComponent(inline.PolicyDocument!)).toBe(ALLOW_KMS);
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'worker', PolicyArn: admin }));
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'worker' }))).AttachedPolicies).toEqual([
      { PolicyName: 'AdministratorAccess', PolicyArn: admin },
    ]);
    await fails(
      iam.send(new DeleteRoleCommand({ RoleName: 'worker' })),
      'DeleteConflictException',
      'Cannot delete entity, must delete policies first.',
    );
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'worker', PolicyName: 'inline' }));
    await fails(
      iam.send(new DeleteRoleCommand({ RoleName: 'worker' })),
      'DeleteConflictException',
      'Cannot delete entity, must detach all policies first.',
    );
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'worker', PolicyArn: admin }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'worker' }));
    await fails(
      iam.send(new GetRoleCommand({ RoleName: 'worker' })),
      'NoSuchEntityException',
      'The role with name worker cannot be found.',
    );
  });
});

describe('inline policies', () => {
  it('validates documents and bounds the aggregate size of a user', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'writer' }));
    await fails(
      iam.send(new PutUserPolicyCommand({ UserName: 'writer', PolicyName: 'p', PolicyDocument: '{"Statement":' })),
      'MalformedPolicyDocumentException',
    );
    const big = doc([
      { Effect: 'Allow', Action: Array.from({ length: 200 }, (_, i) => `kms:Action${i}`), Resource: '*' },
    ]);
    await fails(
      iam.send(new PutUserPolicyCommand({ UserName: 'writer', PolicyName: 'big', PolicyDocument: big })),
      'LimitExceededException',
      'Maximum policy size of 2048 bytes exceeded for user writer',
    );
    await iam.send(new PutUserPolicyCommand({ UserName: 'writer', PolicyName: 'p', PolicyDocument: ALLOW_KMS }));
    const got = await iam.send(new GetUserPolicyCommand({ UserName: 'WRITER', PolicyName: 'p' }));
    expect(got.UserName).toBe('writer');
    expect(got.PolicyDocument).toBe(encodeURIComponent(ALLOW_KMS));
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'writer' }))).PolicyNames).toEqual(['p']);
    await fails(
      iam.send(new GetUserPolicyCommand({ UserName: 'writer', PolicyName: 'q' })),
      'NoSuchEntityException',
      'The user policy with name q cannot be found.',
    );
  });
});

describe('managed policies', () => {
  it('creates versions up to five, sets the default, refuses deletion while attached or versioned', async () => {
    const { Policy } = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'kms-use', Path: '/team/', PolicyDocument: ALLOW_KMS }),
    );
    const arn = Policy!.Arn!;
    expect(arn).toBe(`arn:aws:iam::${account}:policy/team/kms-use`);
    expect(Policy?.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    expect(Policy?.DefaultVersionId).toBe('v1');
    await fails(
      iam.send(new CreatePolicyCommand({ PolicyName: 'KMS-USE', PolicyDocument: ALLOW_KMS })),
      'EntityAlreadyExistsException',
      'A policy called KMS-USE already exists. Duplicate names are not allowed.',
    );
    for (let i = 2; i <= 5; i++) {
      const v = await iam.send(
        new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: ALLOW_KMS, SetAsDefault: i === 3 }),
      );
      expect(v.PolicyVersion?.VersionId).toBe(`v${i}`);
    }
    await fails(
      iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: ALLOW_KMS })),
      'LimitExceededException',
    );
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId).toBe('v3');
    const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(versions.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ['v5', false],
      ['v4', false],
      ['v3', true],
      ['v2', false],
      ['v1', false],
    ]);
    const v1 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(decodeURIComponent(v1.PolicyVersion!.Document!)).toBe(ALLOW_KMS);
    await fails(
      iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' })),
      'DeleteConflictException',
      'Cannot delete the default version of a policy.',
    );

    await iam.send(new CreateUserCommand({ UserName: 'attached' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'attached', PolicyArn: arn }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).toBe(1);
    expect(
      (await iam.send(new ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true }))).Policies?.map((p) => p.Arn),
    ).toEqual([arn]);
    await fails(
      iam.send(new DeletePolicyCommand({ PolicyArn: arn })),
      'DeleteConflictException',
      'Cannot delete a policy attached to entities.',
    );
    await iam.send(new DetachUserPolicyCommand({ UserName: 'attached', PolicyArn: arn }));
    await fails(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), 'DeleteConflictException');
    for (const v of ['v1', 'v2', 'v4', 'v5']) {
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
    }
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    await fails(
      iam.send(new GetPolicyCommand({ PolicyArn: arn })),
      'NoSuchEntityException',
      `Policy ${arn} was not found.`,
    );
  });

  it('attaches AWS managed policies, refuses unknown ones, limits ten per user, sets boundaries', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'many' }));
    const missing = `arn:aws:iam::${account}:policy/missing`;
    await fails(
      iam.send(new AttachUserPolicyCommand({ UserName: 'many', PolicyArn: missing })),
      'NoSuchEntityException',
      `Policy ${missing} does not exist or is not attachable.`,
    );
    const arns: string[] = [];
    for (let i = 0; i < 11; i++) {
      arns.push(
        (await iam.send(new CreatePolicyCommand({ PolicyName: `many-${i}`, PolicyDocument: ALLOW_KMS }))).Policy!.Arn!,
      );
    }
    for (const arn of arns.slice(0, 10))
      await iam.send(new AttachUserPolicyCommand({ UserName: 'many', PolicyArn: arn }));
    await fails(
      iam.send(new AttachUserPolicyCommand({ UserName: 'many', PolicyArn: arns[10] })),
      'LimitExceededException',
      'Cannot exceed quota for PoliciesPerUser: 10',
    );
    const page = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'many', MaxItems: 4 }));
    expect(page.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['many-0', 'many-1', 'many-2', 'many-3']);
    expect(page.IsTruncated).toBe(true);
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'many', PermissionsBoundary: arns[10] }));
    expect((await iam.send(new GetUserCommand({ UserName: 'many' }))).User?.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: arns[10],
    });
    const aws = await iam.send(new ListPoliciesCommand({ Scope: 'AWS' }));
    expect(aws.Policies?.map((p) => p.Arn)).toContain('arn:aws:iam::aws:policy/AdministratorAccess');
  });
});

describe('what tools call around deletion', () => {
  it('answers empty lists for credentials Trent does not keep, and who uses a policy', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'tidy' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'tidy-role', AssumeRolePolicyDocument: trust(account) }));
    expect((await iam.send(new ListMFADevicesCommand({ UserName: 'tidy' }))).MFADevices).toEqual([]);
    expect(
      (await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'tidy-role' }))).InstanceProfiles,
    ).toEqual([]);
    await fails(iam.send(new ListMFADevicesCommand({ UserName: 'untidy' })), 'NoSuchEntityException');
    await fails(
      iam.send(new GetLoginProfileCommand({ UserName: 'tidy' })),
      'NoSuchEntityException',
      'Login Profile for User tidy cannot be found.',
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'tidy' }))).AccessKey!;
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }));
    expect(used.UserName).toBe('tidy');
    expect(used.AccessKeyLastUsed).toMatchObject({ ServiceName: 'N/A', Region: 'N/A' });
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    await iam.send(new AttachUserPolicyCommand({ UserName: 'tidy', PolicyArn: admin }));
    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: admin }));
    expect(entities.PolicyUsers?.map((u) => u.UserName)).toContain('tidy');
  });
});

describe('policies decide at once', () => {
  it("allows through a group's policy, and stops when the user leaves the group or the boundary says no", async () => {
    await iam.send(new CreateUserCommand({ UserName: 'member' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'listers' }));
    await iam.send(
      new PutGroupPolicyCommand({
        GroupName: 'listers',
        PolicyName: 'list',
        PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }]),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'member' }))).AccessKey!;
    const as = t.iam({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    await fails(as.send(new ListRolesCommand({})), 'AccessDenied');
    await iam.send(new AddUserToGroupCommand({ GroupName: 'listers', UserName: 'member' }));
    await as.send(new ListRolesCommand({}));
    const boundary = (
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: 'only-users',
          PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }]),
        }),
      )
    ).Policy!.Arn!;
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'member', PermissionsBoundary: boundary }));
    await fails(as.send(new ListRolesCommand({})), 'AccessDenied');
    await as.send(new ListUsersCommand({}));
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'listers', UserName: 'member' }));
    await fails(as.send(new ListUsersCommand({})), 'AccessDenied');
  });
});
