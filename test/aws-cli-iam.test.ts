/**
 * The real AWS CLI v2 with IAM, STS and KMS grants against a real Trent: `aws iam`, `aws sts` and
 * `aws kms create-grant` as a user would run them. Skipped with a message when no AWS CLI v2 is
 * installed, except in CI, where its absence fails the suite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliOrSkip, cliServiceError, runAws, type CliResult } from './helpers/aws-cli.js';
import { startTestServer, type Credentials, type TestServer } from './helpers/server.js';

const AWS = awsCliOrSkip('test/aws-cli-iam.test.ts');

describe.skipIf(!AWS)('AWS CLI v2: IAM, STS and grants', () => {
  let t: TestServer;
  let home: string;
  let account: string;

  const aws = (service: string, args: string[], creds: Credentials = t.credentials): Promise<CliResult> =>
    runAws({ aws: AWS!, endpoint: t.server.url, home, ...creds }, service, args);

  async function ok<T = Record<string, unknown>>(service: string, args: string[], creds?: Credentials): Promise<T> {
    const r = await aws(service, args, creds);
    expect(r, `aws ${service} ${args.join(' ')}: ${r.stderr}`).toMatchObject({ code: 0 });
    return (r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)) as T;
  }

  beforeAll(async () => {
    t = await startTestServer();
    home = await mkdtemp(join(tmpdir(), 'trent-aws-cli-iam-'));
    account = (await ok<{ Account: string }>('sts', ['get-caller-identity'])).Account;
  });

  afterAll(async () => {
    await t.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('creates a user with a policy and an access key, and that key is the user', async () => {
    const user = await ok<{ User: { Arn: string; UserId: string } }>('iam', ['create-user', '--user-name', 'cli-user']);
    expect(user.User.Arn).toBe(`arn:aws:iam::${account}:user/cli-user`);
    expect(user.User.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/);
    await ok('iam', [
      'put-user-policy',
      '--user-name',
      'cli-user',
      '--policy-name',
      'kms-list',
      '--policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'kms:ListKeys', Resource: '*' }],
      }),
    ]);
    const policy = await ok<{ PolicyDocument: unknown }>('iam', [
      'get-user-policy',
      '--user-name',
      'cli-user',
      '--policy-name',
      'kms-list',
    ]);
    // The CLI decodes IAM's URL-encoded document into JSON.
    expect(policy.PolicyDocument).toMatchObject({ Statement: [{ Action: 'kms:ListKeys' }] });
    const key = await ok<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>('iam', [
      'create-access-key',
      '--user-name',
      'cli-user',
    ]);
    const creds = { accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey };
    const me = await ok<{ Arn: string }>('sts', ['get-caller-identity'], creds);
    expect(me.Arn).toBe(`arn:aws:iam::${account}:user/cli-user`);
    await ok('kms', ['list-keys'], creds);
    const refused = await aws('kms', ['create-key'], creds);
    expect(refused.code).toBe(254);
    expect(refused.stderr).toMatch(
      cliServiceError(
        'AccessDeniedException',
        'CreateKey',
        `User: arn:aws:iam::${account}:user/cli-user is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action`,
      ),
    );
    const listed = await ok<{ Users: { UserName: string }[] }>('iam', ['list-users']);
    expect(listed.Users.map((u) => u.UserName)).toContain('cli-user');
  });

  it('answers IAM errors as the CLI expects them', async () => {
    const r = await aws('iam', ['get-user', '--user-name', 'nobody']);
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(cliServiceError('NoSuchEntity', 'GetUser', 'The user with name nobody cannot be found.'));
  });

  it('creates a role, assumes it and works with its session', async () => {
    await ok('iam', [
      'create-role',
      '--role-name',
      'cli-role',
      '--assume-role-policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
      }),
    ]);
    // As in AWS, the account root may not assume roles; a user allowed sts:AssumeRole may.
    const byRoot = await aws('sts', [
      'assume-role',
      '--role-arn',
      `arn:aws:iam::${account}:role/cli-role`,
      '--role-session-name',
      'cli',
    ]);
    expect(byRoot.stderr).toMatch(
      cliServiceError('AccessDenied', 'AssumeRole', 'Roles may not be assumed by root accounts.'),
    );
    await ok('iam', ['create-user', '--user-name', 'cli-assumer']);
    await ok('iam', [
      'put-user-policy',
      '--user-name',
      'cli-assumer',
      '--policy-name',
      'assume',
      '--policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
      }),
    ]);
    const key = await ok<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>('iam', [
      'create-access-key',
      '--user-name',
      'cli-assumer',
    ]);
    const assumer = { accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey };
    const assumed = await ok<{ Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }>(
      'sts',
      ['assume-role', '--role-arn', `arn:aws:iam::${account}:role/cli-role`, '--role-session-name', 'cli'],
      assumer,
    );
    const session = {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    };
    const me = await ok<{ Arn: string }>('sts', ['get-caller-identity'], session);
    expect(me.Arn).toBe(`arn:aws:sts::${account}:assumed-role/cli-role/cli`);
  });

  it('creates, lists and revokes a grant with aws kms', async () => {
    const key = await ok<{ KeyMetadata: { KeyId: string } }>('kms', ['create-key']);
    const grantee = `arn:aws:iam::${account}:user/cli-user`;
    const grant = await ok<{ GrantId: string; GrantToken: string }>('kms', [
      'create-grant',
      '--key-id',
      key.KeyMetadata.KeyId,
      '--grantee-principal',
      grantee,
      '--operations',
      'Encrypt',
      'Decrypt',
      '--constraints',
      'EncryptionContextSubset={app=cli}',
    ]);
    expect(grant.GrantId).toMatch(/^[0-9a-f]{64}$/);
    const listed = await ok<{ Grants: { GrantId: string; GranteePrincipal: string; Operations: string[] }[] }>('kms', [
      'list-grants',
      '--key-id',
      key.KeyMetadata.KeyId,
    ]);
    expect(listed.Grants).toEqual([
      expect.objectContaining({
        GrantId: grant.GrantId,
        GranteePrincipal: grantee,
        Operations: ['Encrypt', 'Decrypt'],
      }),
    ]);
    await ok('kms', ['revoke-grant', '--key-id', key.KeyMetadata.KeyId, '--grant-id', grant.GrantId]);
    expect((await ok<{ Grants: unknown[] }>('kms', ['list-grants', '--key-id', key.KeyMetadata.KeyId])).Grants).toEqual(
      [],
    );
  });
});
