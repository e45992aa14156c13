/**
 * userIdentity in the trail for each kind of caller (CloudTrail userIdentity element): the root,
 * an IAM user, a role session with its sessionContext, and a GetSessionToken session.
 */
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, ListKeysCommand, PutKeyPolicyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalEvents } from './helpers/audit.js';
import { startTestServer, type Credentials, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;
let account: string;

const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allowAll = { Effect: 'Allow', Action: ['kms:*', 'sts:*'], Resource: '*' };

async function eventsOf(accessKeyId: string): Promise<Record<string, unknown>[]> {
  const events = await journalEvents<Record<string, unknown> & { userIdentity?: { accessKeyId?: string } }>(t.dataDir);
  return events.filter((e) => e.userIdentity?.accessKeyId === accessKeyId);
}

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
  account = t.server.accountId;
});
afterAll(async () => t.stop());

describe('userIdentity', () => {
  it('of the root', async () => {
    await kms.send(new ListKeysCommand({}));
    const [event] = (await eventsOf(t.credentials.accessKeyId)).filter((e) => e.eventName === 'ListKeys');
    expect(event!.userIdentity).toEqual({
      type: 'Root',
      principalId: account,
      arn: `arn:aws:iam::${account}:root`,
      accountId: account,
      accessKeyId: t.credentials.accessKeyId,
    });
  });

  it('of a failed authentication whose access key is known: the key’s owner, in its account', async () => {
    const forged = t.client({ credentials: { ...t.credentials, secretAccessKey: 'not-the-secret' } });
    await expect(forged.send(new ListKeysCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    const failed = (await eventsOf(t.credentials.accessKeyId)).filter(
      (e) => e.errorCode === 'InvalidSignatureException',
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      userIdentity: { type: 'Root', accountId: account, accessKeyId: t.credentials.accessKeyId },
      recipientAccountId: account,
      awsRegion: 'us-east-1',
    });
    expect(JSON.stringify(failed[0])).not.toContain('not-the-secret');
  });

  it('of an IAM user, of its GetSessionToken session, and of a role session', async () => {
    const iam = t.iam();
    const user = (await iam.send(new CreateUserCommand({ UserName: 'auditor' }))).User!;
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'auditor', PolicyName: 'all', PolicyDocument: policy([allowAll]) }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey!;
    const userCredentials: Credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const kmsKey = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(
      new PutKeyPolicyCommand({
        KeyId: kmsKey.KeyId,
        Policy: policy([{ ...allowAll, Principal: { AWS: `arn:aws:iam::${account}:root` } }]),
      }),
    );

    await t.client({ credentials: userCredentials }).send(new ListKeysCommand({}));
    const [asUser] = await eventsOf(userCredentials.accessKeyId);
    expect(asUser!.userIdentity).toEqual({
      type: 'IAMUser',
      principalId: user.UserId,
      arn: user.Arn,
      accountId: account,
      accessKeyId: userCredentials.accessKeyId,
      userName: 'auditor',
    });

    const token = (await t.sts(userCredentials).send(new GetSessionTokenCommand({}))).Credentials!;
    const session: Credentials = {
      accessKeyId: token.AccessKeyId!,
      secretAccessKey: token.SecretAccessKey!,
      sessionToken: token.SessionToken!,
    };
    await t.client({ credentials: session }).send(new ListKeysCommand({}));
    const [asSession] = await eventsOf(session.accessKeyId);
    expect(asSession!.userIdentity).toMatchObject({
      type: 'IAMUser',
      principalId: user.UserId,
      arn: user.Arn,
      accountId: account,
      accessKeyId: session.accessKeyId,
      userName: 'auditor',
      sessionContext: { attributes: { mfaAuthenticated: 'false' } },
    });

    const role = (
      await iam.send(
        new CreateRoleCommand({
          RoleName: 'reader',
          AssumeRolePolicyDocument: policy([
            { Effect: 'Allow', Principal: { AWS: user.Arn }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] },
          ]),
        }),
      )
    ).Role!;
    const assumed = await t
      .sts(userCredentials)
      .send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'nightly', SourceIdentity: 'ops-alice' }));
    const roleCredentials: Credentials = {
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    };
    // The role has no identity policy: the call is denied, and the denial names the session.
    await expect(t.client({ credentials: roleCredentials }).send(new ListKeysCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    const [asRole] = await eventsOf(roleCredentials.accessKeyId);
    expect(asRole!.errorCode).toBe('AccessDeniedException');
    const identity = asRole!.userIdentity as { sessionContext: { attributes: { creationDate: string } } };
    expect(identity).toEqual({
      type: 'AssumedRole',
      principalId: `${role.RoleId}:nightly`,
      arn: `arn:aws:sts::${account}:assumed-role/reader/nightly`,
      accountId: account,
      accessKeyId: roleCredentials.accessKeyId,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: role.RoleId,
          arn: role.Arn,
          accountId: account,
          userName: 'reader',
        },
        webIdFederationData: {},
        attributes: { creationDate: identity.sessionContext.attributes.creationDate, mfaAuthenticated: 'false' },
        sourceIdentity: 'ops-alice',
      },
    });
    expect(identity.sessionContext.attributes.creationDate).toMatch(ISO_SECONDS);
  });
});
