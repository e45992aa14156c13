/**
 * KMS decides every request as AWS does, end to end: IAM users and roles made through the IAM API,
 * temporary credentials from STS, key policies, identity policies, explicit denies, conditions,
 * cross-account use and grants, all through the real AWS SDK clients.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetUserCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListKeysCommand,
  PutKeyPolicyCommand,
  ReEncryptCommand,
  RetireGrantCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRootAccessKey } from '../src/server/credentials.js';
import { leaks } from './helpers/log-capture.js';
import { bytes, expectKmsError, text } from './helpers/kms.js';
import { startTestServer, type Credentials, type TestServer } from './helpers/server.js';

let t: TestServer;
let root: KMSClient;
let account: string;
let keyArn: string;

const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const rootStatement = (acct: string) => ({
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${acct}:root` },
  Action: 'kms:*',
  Resource: '*',
});

/** Every secret the suite was given, to look for in the audit trail and the server's log at the end. */
const secrets = new Map<string, Buffer>();

async function newUser(name: string, inline?: object[]): Promise<{ arn: string; credentials: Credentials }> {
  const iam = t.iam();
  const user = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
  if (inline) {
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: policy(inline) }));
  }
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  secrets.set(`secret access key of ${name}`, Buffer.from(key.SecretAccessKey!));
  return { arn: user.Arn!, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
}

const kmsAs = (credentials: Credentials, region = 'us-east-1') => t.client({ credentials, region });

const denied = (arn: string, action: string, resource: string, why: string) =>
  `User: ${arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;

beforeAll(async () => {
  t = await startTestServer();
  root = t.client();
  keyArn = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  account = keyArn.split(':')[4]!;
});

afterAll(async () => {
  await t.stop();
});

describe('IAM users and the default key policy', () => {
  it('denies a user without identity policies: the default key policy leaves the decision to IAM', async () => {
    const alice = await newUser('alice');
    await expectKmsError(
      kmsAs(alice.credentials).send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x') })),
      'AccessDeniedException',
      denied(alice.arn, 'kms:Encrypt', keyArn, 'because no identity-based policy allows the kms:Encrypt action'),
    );
    await expectKmsError(
      kmsAs(alice.credentials).send(new CreateKeyCommand({})),
      'AccessDeniedException',
      denied(alice.arn, 'kms:CreateKey', '*', 'because no identity-based policy allows the kms:CreateKey action'),
    );
  });

  it('allows exactly what an inline identity policy allows', async () => {
    const bob = await newUser('bob', [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:ListKeys'], Resource: '*' }]);
    const kms = kmsAs(bob.credentials);
    const blob = (await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('hello') }))).CiphertextBlob!;
    expect((await kms.send(new ListKeysCommand({}))).Keys?.some((k) => k.KeyArn === keyArn)).toBe(true);
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob })),
      'AccessDeniedException',
      denied(bob.arn, 'kms:Decrypt', keyArn, 'because no identity-based policy allows the kms:Decrypt action'),
    );
    expect(text((await root.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext)).toBe('hello');
  });

  it('allows through an attached managed policy', async () => {
    const carol = await newUser('carol');
    const managed = await t.iam().send(
      new CreatePolicyCommand({
        PolicyName: 'describe-keys',
        PolicyDocument: policy([{ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: keyArn }]),
      }),
    );
    await t.iam().send(new AttachUserPolicyCommand({ UserName: 'carol', PolicyArn: managed.Policy!.Arn! }));
    const described = await kmsAs(carol.credentials).send(new DescribeKeyCommand({ KeyId: keyArn }));
    expect(described.KeyMetadata?.Arn).toBe(keyArn);
  });

  it('applies conditions on the encryption context', async () => {
    const dave = await newUser('dave', [
      {
        Effect: 'Allow',
        Action: 'kms:Encrypt',
        Resource: keyArn,
        Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'backup' } },
      },
    ]);
    const kms = kmsAs(dave.credentials);
    await kms.send(
      new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x'), EncryptionContext: { purpose: 'backup' } }),
    );
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x'), EncryptionContext: { purpose: 'other' } })),
      'AccessDeniedException',
    );
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x') })),
      'AccessDeniedException',
    );
  });

  it('evaluates kms:ResourceAliases from the aliases the key has now', async () => {
    const mia = await newUser('mia', [
      {
        Effect: 'Allow',
        Action: 'kms:Encrypt',
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/finance' } },
      },
    ]);
    const key = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const kms = kmsAs(mia.credentials);
    await expectKmsError(kms.send(new EncryptCommand({ KeyId: key, Plaintext: bytes('x') })), 'AccessDeniedException');
    await root.send(new CreateAliasCommand({ AliasName: 'alias/finance', TargetKeyId: key }));
    await kms.send(new EncryptCommand({ KeyId: key, Plaintext: bytes('x') }));
  });

  it('evaluates kms:ReEncryptOnSameKey for both sides of ReEncrypt', async () => {
    const quinn = await newUser('quinn', [
      { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'kms:ReEncrypt*',
        Resource: '*',
        Condition: { Bool: { 'kms:ReEncryptOnSameKey': 'true' } },
      },
    ]);
    const other = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const kms = kmsAs(quinn.credentials);
    const blob = (await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('again') }))).CiphertextBlob!;
    await kms.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: keyArn }));
    await expectKmsError(
      kms.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: other })),
      'AccessDeniedException',
      denied(
        quinn.arn,
        'kms:ReEncryptFrom',
        keyArn,
        'because no identity-based policy allows the kms:ReEncryptFrom action',
      ),
    );
  });

  it('authorizes alias operations on the alias ARN as well as on the key', async () => {
    const key = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const aliasArn = `arn:aws:kms:us-east-1:${account}:alias/ops-team`;
    const nina = await newUser('nina', [{ Effect: 'Allow', Action: 'kms:CreateAlias', Resource: key }]);
    await expectKmsError(
      kmsAs(nina.credentials).send(new CreateAliasCommand({ AliasName: 'alias/ops-team', TargetKeyId: key })),
      'AccessDeniedException',
      denied(
        nina.arn,
        'kms:CreateAlias',
        aliasArn,
        'because no identity-based policy allows the kms:CreateAlias action',
      ),
    );
    const omar = await newUser('omar', [
      { Effect: 'Allow', Action: ['kms:CreateAlias', 'kms:DeleteAlias'], Resource: [key, aliasArn] },
    ]);
    await kmsAs(omar.credentials).send(new CreateAliasCommand({ AliasName: 'alias/ops-team', TargetKeyId: key }));
    await kmsAs(omar.credentials).send(new DeleteAliasCommand({ AliasName: 'alias/ops-team' }));
  });

  it('lets an explicit deny in the key policy win over an identity-policy allow', async () => {
    const erin = await newUser('erin', [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }]);
    const key = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    await root.send(
      new PutKeyPolicyCommand({
        KeyId: key,
        Policy: policy([
          rootStatement(account),
          { Sid: 'NoErin', Effect: 'Deny', Principal: { AWS: erin.arn }, Action: 'kms:Encrypt', Resource: '*' },
        ]),
      }),
    );
    await expectKmsError(
      kmsAs(erin.credentials).send(new EncryptCommand({ KeyId: key, Plaintext: bytes('x') })),
      'AccessDeniedException',
      denied(erin.arn, 'kms:Encrypt', key, 'with an explicit deny in a resource-based policy'),
    );
    await kmsAs(erin.credentials).send(new DescribeKeyCommand({ KeyId: key }));
  });

  it('allows a user the key policy names, with no identity policy, and denies one the policy does not enable IAM for', async () => {
    const frank = await newUser('frank');
    const key = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    await root.send(
      new PutKeyPolicyCommand({
        KeyId: key,
        Policy: policy([
          rootStatement(account),
          { Effect: 'Allow', Principal: { AWS: frank.arn }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' },
        ]),
      }),
    );
    const blob = (await kmsAs(frank.credentials).send(new EncryptCommand({ KeyId: key, Plaintext: bytes('f') })))
      .CiphertextBlob!;
    expect(text((await kmsAs(frank.credentials).send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext)).toBe(
      'f',
    );
  });

  it('stops honouring an access key as soon as it is made Inactive or deleted', async () => {
    const gina = await newUser('gina', [{ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }]);
    const kms = kmsAs(gina.credentials);
    await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    await t
      .iam()
      .send(
        new UpdateAccessKeyCommand({ UserName: 'gina', AccessKeyId: gina.credentials.accessKeyId, Status: 'Inactive' }),
      );
    await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: keyArn })), 'UnrecognizedClientException');
    await t
      .iam()
      .send(
        new UpdateAccessKeyCommand({ UserName: 'gina', AccessKeyId: gina.credentials.accessKeyId, Status: 'Active' }),
      );
    await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    await t.iam().send(new DeleteAccessKeyCommand({ UserName: 'gina', AccessKeyId: gina.credentials.accessKeyId }));
    await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: keyArn })), 'UnrecognizedClientException');
  });
});

describe('IAM actions by identity policies', () => {
  it('authorizes on the entity ARN with its path, and denies what the policy does not name', async () => {
    await t.iam().send(new CreateUserCommand({ UserName: 'pathed', Path: '/eng/' }));
    const lee = await newUser('lee', [
      { Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${account}:user/eng/*` },
    ]);
    const iam = t.iam(lee.credentials);
    const got = await iam.send(new GetUserCommand({ UserName: 'pathed' }));
    expect(got.User?.Arn).toBe(`arn:aws:iam::${account}:user/eng/pathed`);
    await expect(iam.send(new GetUserCommand({ UserName: 'alice' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: ${lee.arn} is not authorized to perform: iam:GetUser on resource: arn:aws:iam::${account}:user/alice because no identity-based policy allows the iam:GetUser action`,
    });
    await expect(iam.send(new CreateUserCommand({ UserName: 'nope' }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('roles and temporary credentials', () => {
  it('assumes a role whose trust policy names the user, and uses its permissions', async () => {
    const hal = await newUser('hal');
    await t.iam().send(
      new CreateRoleCommand({
        RoleName: 'encryptor',
        AssumeRolePolicyDocument: policy([{ Effect: 'Allow', Principal: { AWS: hal.arn }, Action: 'sts:AssumeRole' }]),
      }),
    );
    await t.iam().send(
      new PutRolePolicyCommand({
        RoleName: 'encryptor',
        PolicyName: 'encrypt',
        PolicyDocument: policy([{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: keyArn }]),
      }),
    );
    const assumed = await t
      .sts(hal.credentials)
      .send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/encryptor`, RoleSessionName: 'job-1' }));
    const session: Credentials = {
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    };
    expect(session.accessKeyId).toMatch(/^ASIA/);
    secrets.set('session secret', Buffer.from(session.secretAccessKey));
    secrets.set('session token', Buffer.from(session.sessionToken!));
    const sessionArn = `arn:aws:sts::${account}:assumed-role/encryptor/job-1`;
    expect(assumed.AssumedRoleUser?.Arn).toBe(sessionArn);
    const me = await t.sts(session).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: account, Arn: sessionArn });
    expect(me.UserId).toMatch(/^AROA[A-Z0-9]+:job-1$/);
    await kmsAs(session).send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x') }));
    await expectKmsError(
      kmsAs(session).send(new DescribeKeyCommand({ KeyId: keyArn })),
      'AccessDeniedException',
      denied(
        sessionArn,
        'kms:DescribeKey',
        keyArn,
        'because no identity-based policy allows the kms:DescribeKey action',
      ),
    );
    // Without its session token the temporary key is not recognised.
    await expectKmsError(
      kmsAs({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).send(
        new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x') }),
      ),
      'UnrecognizedClientException',
    );
  });

  it('limits a session by managed policies given as session policies (PolicyArns)', async () => {
    const pat = await newUser('pat');
    await t.iam().send(
      new CreateRoleCommand({
        RoleName: 'broad',
        AssumeRolePolicyDocument: policy([{ Effect: 'Allow', Principal: { AWS: pat.arn }, Action: 'sts:AssumeRole' }]),
      }),
    );
    await t.iam().send(
      new PutRolePolicyCommand({
        RoleName: 'broad',
        PolicyName: 'all-kms',
        PolicyDocument: policy([{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }]),
      }),
    );
    const describeOnly = await t.iam().send(
      new CreatePolicyCommand({
        PolicyName: 'describe-only',
        PolicyDocument: policy([{ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }]),
      }),
    );
    const assumed = await t.sts(pat.credentials).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${account}:role/broad`,
        RoleSessionName: 'narrow',
        PolicyArns: [{ arn: describeOnly.Policy!.Arn! }],
      }),
    );
    const session = kmsAs({
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    });
    await session.send(new DescribeKeyCommand({ KeyId: keyArn }));
    await expectKmsError(
      session.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x') })),
      'AccessDeniedException',
      denied(
        `arn:aws:sts::${account}:assumed-role/broad/narrow`,
        'kms:Encrypt',
        keyArn,
        'because no session policy allows the kms:Encrypt action',
      ),
    );
  });

  it('refuses AssumeRole to a user the trust policy does not name', async () => {
    const ivan = await newUser('ivan', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    await expect(
      t
        .sts(ivan.credentials)
        .send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/encryptor`, RoleSessionName: 'ivan-session' }),
        ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('another account', () => {
  it('needs an allow in the key policy for its account and in its own identity policy', async () => {
    const other = '444455556666';
    const { storage, keyStore, clock } = t.server.services;
    const b = await createRootAccessKey(storage, keyStore, other, clock.now());
    const bRoot = kmsAs({ accessKeyId: b.accessKeyId, secretAccessKey: b.secretAccessKey });
    const key = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const bRootArn = `arn:aws:iam::${other}:root`;
    await expectKmsError(
      bRoot.send(new EncryptCommand({ KeyId: key, Plaintext: bytes('x') })),
      'AccessDeniedException',
      denied(bRootArn, 'kms:Encrypt', key, 'because no resource-based policy allows the kms:Encrypt action'),
    );
    await root.send(
      new PutKeyPolicyCommand({
        KeyId: key,
        Policy: policy([
          rootStatement(account),
          { Effect: 'Allow', Principal: { AWS: bRootArn }, Action: 'kms:Encrypt', Resource: '*' },
        ]),
      }),
    );
    // The other account's root needs no identity policy of its own.
    await bRoot.send(new EncryptCommand({ KeyId: key, Plaintext: bytes('x') }));
    // Its users do.
    const bIam = t.iam({ accessKeyId: b.accessKeyId, secretAccessKey: b.secretAccessKey });
    const user = (await bIam.send(new CreateUserCommand({ UserName: 'partner' }))).User!;
    const ak = (await bIam.send(new CreateAccessKeyCommand({ UserName: 'partner' }))).AccessKey!;
    const partner = kmsAs({ accessKeyId: ak.AccessKeyId!, secretAccessKey: ak.SecretAccessKey! });
    await expectKmsError(
      partner.send(new EncryptCommand({ KeyId: key, Plaintext: bytes('x') })),
      'AccessDeniedException',
      denied(user.Arn!, 'kms:Encrypt', key, 'because no identity-based policy allows the kms:Encrypt action'),
    );
    await bIam.send(
      new PutUserPolicyCommand({
        UserName: 'partner',
        PolicyName: 'use-partner-key',
        PolicyDocument: policy([{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: key }]),
      }),
    );
    await partner.send(new EncryptCommand({ KeyId: key, Plaintext: bytes('x') }));
  });
});

describe('grants', () => {
  it('lets a grantee use the key for the granted operations until the grant is retired', async () => {
    const judy = await newUser('judy');
    const kms = kmsAs(judy.credentials);
    const blob = (await root.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('granted') }))).CiphertextBlob!;
    await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob: blob })), 'AccessDeniedException');
    const grant = await root.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: judy.arn,
        RetiringPrincipal: judy.arn,
        Operations: ['Decrypt', 'RetireGrant'],
      }),
    );
    expect(grant.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(text((await kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext)).toBe('granted');
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x') })),
      'AccessDeniedException',
    );
    await kms.send(new RetireGrantCommand({ GrantToken: grant.GrantToken! }));
    await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob: blob })), 'AccessDeniedException');
  });

  it('honours encryption-context constraints', async () => {
    const kate = await newUser('kate');
    const kms = kmsAs(kate.credentials);
    await root.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: kate.arn,
        Operations: ['Encrypt'],
        Constraints: { EncryptionContextSubset: { tenant: 'k' } },
      }),
    );
    await kms.send(
      new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x'), EncryptionContext: { tenant: 'k', extra: '1' } }),
    );
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x'), EncryptionContext: { tenant: 'z' } })),
      'AccessDeniedException',
    );
  });
});

describe('secrets', () => {
  it('never writes an issued secret access key, session secret or session token to the audit trail or the log', async () => {
    expect(secrets.size).toBeGreaterThan(5);
    const dir = join(t.dataDir, 'audit');
    const trail = Buffer.concat(await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f)))));
    expect(trail.length).toBeGreaterThan(0);
    expect(leaks(trail, secrets)).toEqual([]);
    expect(leaks(Buffer.from(t.logs.text()), secrets)).toEqual([]);
  });
});
