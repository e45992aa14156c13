/**
 * Parameter Store through the real AWS CLI v2: `aws ssm put-parameter --type SecureString`,
 * `get-parameter --with-decryption`, history, labels, tags and deletion, the CLI's wording of
 * errors, and `get-parameters-by-path --recursive`. Skipped with a message when no AWS CLI v2 is
 * installed (failing in CI).
 */
import { CreateKeyCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliOrSkip, cliServiceError, runAws, type CliResult } from './helpers/aws-cli.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const aws = awsCliOrSkip('Parameter Store AWS CLI tests');

/** What the CLI prints, as far as these tests read it. */
interface CliParameter {
  Name: string;
  Type: string;
  Value: string;
  Version: number;
  Labels: string[];
  KeyId?: string;
  LastModifiedDate: unknown;
}
interface CliOutput {
  Parameter: CliParameter;
  Parameters: CliParameter[];
  [member: string]: unknown;
}

describe.skipIf(!aws)('Parameter Store through the AWS CLI', () => {
  let t: TestServer;
  let home: string;
  let keyId: string;
  let account: string;
  const ssm = (...args: string[]): Promise<CliResult> =>
    runAws({ aws: aws!, endpoint: t.server.url, home, ...t.credentials }, 'ssm', args);
  const json = (r: CliResult): CliOutput => {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as CliOutput;
  };

  beforeAll(async () => {
    t = await startTestServer();
    home = await mkdtemp(join(tmpdir(), 'trent-ssm-cli-'));
    const key = (await t.client().send(new CreateKeyCommand({}))).KeyMetadata!;
    keyId = key.KeyId!;
    account = key.AWSAccountId!;
  });
  afterAll(async () => {
    await t?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('puts a SecureString and reads it back with and without decryption', async () => {
    const put = json(
      await ssm(
        'put-parameter',
        '--name',
        '/cli/db/password',
        '--value',
        'pa55 word',
        '--type',
        'SecureString',
        '--key-id',
        keyId,
      ),
    );
    expect(put).toEqual({ Version: 1, Tier: 'Standard' });
    const hidden = json(await ssm('get-parameter', '--name', '/cli/db/password')).Parameter;
    expect(hidden.Type).toBe('SecureString');
    expect(hidden.Value).not.toContain('pa55');
    const shown = json(await ssm('get-parameter', '--name', '/cli/db/password', '--with-decryption')).Parameter;
    expect(shown).toMatchObject({
      Name: '/cli/db/password',
      Type: 'SecureString',
      Value: 'pa55 word',
      Version: 1,
      ARN: `arn:aws:ssm:us-east-1:${account}:parameter/cli/db/password`,
      DataType: 'text',
    });
    expect(typeof shown.LastModifiedDate).toBe('string');
  });

  it('uses alias/aws/ssm when no key is named', async (ctx) => {
    // The AWS managed key comes with AWS managed keys (issue 10); until then the alias names nothing.
    const managed = await t
      .client()
      .send(new DescribeKeyCommand({ KeyId: 'alias/aws/ssm' }))
      .catch(() => undefined);
    if (!managed) ctx.skip();
    json(await ssm('put-parameter', '--name', '/cli/default', '--value', 'dflt', '--type', 'SecureString'));
    expect(json(await ssm('get-parameter', '--name', '/cli/default', '--with-decryption')).Parameter.Value).toBe(
      'dflt',
    );
    const history = json(await ssm('get-parameter-history', '--name', '/cli/default')).Parameters;
    expect(history[0]!.KeyId).toBe('alias/aws/ssm');
  });

  it('overwrites, labels, tags and deletes', async () => {
    json(await ssm('put-parameter', '--name', '/cli/app/mode', '--value', 'blue', '--type', 'String'));
    const exists = await ssm('put-parameter', '--name', '/cli/app/mode', '--value', 'green', '--type', 'String');
    expect(exists.code).toBe(254);
    expect(exists.stderr).toMatch(
      cliServiceError(
        'ParameterAlreadyExists',
        'PutParameter',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      ),
    );
    expect(json(await ssm('put-parameter', '--name', '/cli/app/mode', '--value', 'green', '--overwrite'))).toEqual({
      Version: 2,
      Tier: 'Standard',
    });
    expect(
      json(
        await ssm('label-parameter-version', '--name', '/cli/app/mode', '--parameter-version', '1', '--labels', 'old'),
      ),
    ).toEqual({ InvalidLabels: [], ParameterVersion: 1 });
    expect(json(await ssm('get-parameter', '--name', '/cli/app/mode:old')).Parameter.Value).toBe('blue');
    const history = json(await ssm('get-parameter-history', '--name', '/cli/app/mode')).Parameters;
    expect(history.map((h) => [h.Value, h.Labels])).toEqual([
      ['blue', ['old']],
      ['green', []],
    ]);
    expect(
      (
        await ssm(
          'add-tags-to-resource',
          '--resource-type',
          'Parameter',
          '--resource-id',
          '/cli/app/mode',
          '--tags',
          'Key=env,Value=prod',
        )
      ).code,
    ).toBe(0);
    expect(
      json(await ssm('list-tags-for-resource', '--resource-type', 'Parameter', '--resource-id', '/cli/app/mode')),
    ).toEqual({ TagList: [{ Key: 'env', Value: 'prod' }] });
    expect((await ssm('delete-parameter', '--name', '/cli/app/mode')).code).toBe(0);
    const gone = await ssm('get-parameter', '--name', '/cli/app/mode');
    expect(gone.code).toBe(254);
    expect(gone.stderr).toMatch(/An error occurred \(ParameterNotFound\) when calling the GetParameter operation/);
  });

  it('reads a hierarchy with get-parameters-by-path --recursive', async (ctx) => {
    json(await ssm('put-parameter', '--name', '/tree/a', '--value', '1', '--type', 'String'));
    json(await ssm('put-parameter', '--name', '/tree/b/c', '--value', '2', '--type', 'String'));
    json(
      await ssm('put-parameter', '--name', '/tree/b/d/e', '--value', '3', '--type', 'SecureString', '--key-id', keyId),
    );
    const r = await ssm('get-parameters-by-path', '--path', '/tree', '--recursive', '--with-decryption');
    // GetParametersByPath is built beside these operations (helper SSM-B); skip until it answers.
    if (r.stderr.includes('UnknownOperationException')) ctx.skip();
    const names = json(r).Parameters.map((p) => [p.Name, p.Value]);
    expect(names.sort()).toEqual([
      ['/tree/a', '1'],
      ['/tree/b/c', '2'],
      ['/tree/b/d/e', '3'],
    ]);
    const oneLevel = json(await ssm('get-parameters-by-path', '--path', '/tree'));
    expect(oneLevel.Parameters.map((p) => p.Name)).toEqual(['/tree/a']);
  });
});
