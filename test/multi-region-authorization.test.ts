/**
 * Who may replicate a multi-Region key and move its primary Region: kms:ReplicateKey on the
 * primary key, kms:CreateKey (and kms:TagResource with Tags) by IAM policy in the replica Region,
 * kms:UpdatePrimaryRegion on both keys (ReplicateKey and UpdatePrimaryRegion, "Required permissions").
 */
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateKeyCommand,
  PutKeyPolicyCommand,
  ReplicateKeyCommand,
  UpdatePrimaryRegionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectKmsError } from './helpers/kms.js';
import { startTestServer, type Credentials, type TestServer } from './helpers/server.js';

let t: TestServer;
let root: KMSClient;
let account: string;

const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

async function newUser(name: string, statements: object[]): Promise<{ arn: string; credentials: Credentials }> {
  const iam = t.iam();
  const user = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
  await iam.send(
    new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: policy(statements) }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { arn: user.Arn!, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
}

const denied = (arn: string, action: string, resource: string, why: string) =>
  `User: ${arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;

beforeAll(async () => {
  t = await startTestServer();
  root = t.client();
  account = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.AWSAccountId!;
});
afterAll(async () => {
  await t?.stop();
});

const newPrimary = async () => (await root.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!;

describe('ReplicateKey authorization', () => {
  it('needs kms:CreateKey in the replica Region, and kms:TagResource for Tags', async () => {
    const key = await newPrimary();
    const onlyReplicate = await newUser('replicator', [{ Effect: 'Allow', Action: 'kms:ReplicateKey', Resource: '*' }]);
    const kms = t.client({ credentials: onlyReplicate.credentials });
    await expectKmsError(
      kms.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'eu-west-1' })),
      'AccessDeniedException',
      denied(
        onlyReplicate.arn,
        'kms:CreateKey',
        '*',
        'because no identity-based policy allows the kms:CreateKey action',
      ),
    );

    // kms:CreateKey allowed only in eu-west-1: the replica Region is the one the request creates in.
    const westOnly = await newUser('west-creator', [
      { Effect: 'Allow', Action: 'kms:ReplicateKey', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'kms:CreateKey',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      },
    ]);
    const west = t.client({ credentials: westOnly.credentials });
    await expectKmsError(
      west.send(
        new ReplicateKeyCommand({
          KeyId: key.KeyId,
          ReplicaRegion: 'eu-west-1',
          Tags: [{ TagKey: 'a', TagValue: 'b' }],
        }),
      ),
      'AccessDeniedException',
      denied(
        westOnly.arn,
        'kms:TagResource',
        '*',
        'because no identity-based policy allows the kms:TagResource action',
      ),
    );
    await expectKmsError(
      west.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'ap-southeast-2' })),
      'AccessDeniedException',
    );
    const out = await west.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'eu-west-1' }));
    expect(out.ReplicaKeyMetadata?.KeyState).toBe('Creating');
  });
});

describe('UpdatePrimaryRegion authorization', () => {
  it("needs kms:UpdatePrimaryRegion by the replica's own key policy too", async () => {
    const key = await newPrimary();
    const west = t.client({ region: 'eu-west-1' });
    await root.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'eu-west-1' }));
    await t.server.runScheduledWork();
    const mover = await newUser(`mover`, [{ Effect: 'Allow', Action: 'kms:UpdatePrimaryRegion', Resource: '*' }]);
    const replicaArn = `arn:aws:kms:eu-west-1:${account}:key/${key.KeyId}`;
    // The replica's policy denies the mover explicitly; the primary's default policy leaves it to IAM.
    await west.send(
      new PutKeyPolicyCommand({
        KeyId: key.KeyId,
        PolicyName: 'default',
        Policy: policy([
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Deny', Principal: { AWS: mover.arn }, Action: 'kms:UpdatePrimaryRegion', Resource: '*' },
        ]),
      }),
    );
    const kms = t.client({ credentials: mover.credentials });
    await expectKmsError(
      kms.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: 'eu-west-1' })),
      'AccessDeniedException',
      new RegExp(
        `^User: ${mover.arn} is not authorized to perform: kms:UpdatePrimaryRegion on resource: ${replicaArn} `,
      ),
    );
  });
});
