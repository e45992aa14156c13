/**
 * Parameter Store's listings through @aws-sdk/client-ssm against a real server: GetParametersByPath
 * (one level or recursive, ParameterFilters, paging, WithDecryption through KMS, authorization on
 * the path with ssm:Recursive) and DescribeParameters (every ParameterFilters key, the deprecated
 * Filters, paging, metadata without values), with AWS's errors.
 */
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  DescribeParametersCommand,
  GetParametersByPathCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  SSMClient,
  paginateDescribeParameters,
  paginateGetParametersByPath,
  type DescribeParametersCommandInput,
  type ParameterStringFilter,
  type PutParameterCommandInput,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Credentials, type TestServer } from './helpers/server.js';
import { failure } from './helpers/kms.js';

const REGION = 'us-east-1';

describe('Parameter Store listings', () => {
  let t: TestServer;
  let ssm: SSMClient;
  let account: string;

  const client = (credentials: Credentials = t.credentials) =>
    new SSMClient({ endpoint: t.server.url, region: REGION, credentials, maxAttempts: 1 });
  const put = (input: PutParameterCommandInput) => ssm.send(new PutParameterCommand(input));
  const byPath = async (
    path: string,
    more: Partial<{ Recursive: boolean; WithDecryption: boolean; ParameterFilters: ParameterStringFilter[] }> = {},
  ) => {
    const all = [];
    for await (const page of paginateGetParametersByPath({ client: ssm }, { Path: path, ...more })) {
      all.push(...(page.Parameters ?? []));
    }
    return all;
  };
  const described = async (ParameterFilters?: ParameterStringFilter[]) => {
    const names: string[] = [];
    for await (const page of paginateDescribeParameters({ client: ssm, pageSize: 2 }, { ParameterFilters })) {
      names.push(...(page.Parameters ?? []).map((p) => p.Name!));
    }
    return names;
  };

  beforeAll(async () => {
    t = await startTestServer();
    ssm = client();
    await put({ Name: '/app/name', Value: 'trent', Type: 'String', Tags: [{ Key: 'team', Value: 'core' }] });
    await put({ Name: '/app/db/url', Value: 'postgres://db', Type: 'String', Description: 'the database' });
    await put({ Name: '/app/db/password', Value: 'hunter2', Type: 'SecureString' });
    await put({ Name: '/app/deep/a/b', Value: 'b', Type: 'StringList', Tier: 'Advanced' });
    await put({ Name: '/other/x', Value: 'x', Type: 'String' });
    await put({ Name: 'top', Value: 't', Type: 'String' });
    await put({ Name: '/app/db/url', Value: 'postgres://db2', Overwrite: true });
    await ssm.send(new LabelParameterVersionCommand({ Name: '/app/db/url', ParameterVersion: 1, Labels: ['old'] }));
    const arn = (await byPath('/other'))[0]!.ARN!;
    account = arn.split(':')[4]!;
  });
  afterAll(async () => {
    ssm.destroy();
    await t.stop();
  });

  describe('GetParametersByPath', () => {
    it('answers one level, or every level with Recursive', async () => {
      expect((await byPath('/app')).map((p) => p.Name)).toEqual(['/app/name']);
      expect((await byPath('/app/', { Recursive: true })).map((p) => p.Name)).toEqual([
        '/app/db/password',
        '/app/db/url',
        '/app/deep/a/b',
        '/app/name',
      ]);
      expect((await byPath('/')).map((p) => p.Name)).toEqual(['top']);
      expect(await byPath('/nothing', { Recursive: true })).toEqual([]);
    });

    it('answers values, SecureString decrypted only with WithDecryption', async () => {
      const [url, password] = [
        (await byPath('/app/db')).find((p) => p.Name === '/app/db/url')!,
        (await byPath('/app/db')).find((p) => p.Name === '/app/db/password')!,
      ];
      expect(url).toMatchObject({
        Type: 'String',
        Value: 'postgres://db2',
        Version: 2,
        DataType: 'text',
        ARN: `arn:aws:ssm:${REGION}:${account}:parameter/app/db/url`,
      });
      expect(password.Type).toBe('SecureString');
      expect(password.Value).not.toContain('hunter2');
      const decrypted = (await byPath('/app/db', { WithDecryption: true })).find((p) => p.Name === '/app/db/password')!;
      expect(decrypted.Value).toBe('hunter2');
    });

    it('pages by MaxResults and NextToken', async () => {
      const first = await ssm.send(new GetParametersByPathCommand({ Path: '/app', Recursive: true, MaxResults: 3 }));
      expect(first.Parameters).toHaveLength(3);
      expect(first.NextToken).toBeDefined();
      const second = await ssm.send(
        new GetParametersByPathCommand({ Path: '/app', Recursive: true, MaxResults: 3, NextToken: first.NextToken }),
      );
      expect(second.Parameters!.map((p) => p.Name)).toEqual(['/app/name']);
      expect(second.NextToken).toBeUndefined();
      expect(
        await failure(ssm.send(new GetParametersByPathCommand({ Path: '/app', NextToken: 'not-a-token' }))),
      ).toEqual({ name: 'InvalidNextToken', message: 'The specified token is not valid.' });
      expect((await failure(ssm.send(new GetParametersByPathCommand({ Path: '/app', MaxResults: 11 })))).name).toBe(
        'ValidationException',
      );
    });

    it('filters by Type, KeyId and Label (the labelled version)', async () => {
      const names = async (ParameterFilters: ParameterStringFilter[]) =>
        (await byPath('/app', { Recursive: true, ParameterFilters })).map((p) => p.Name);
      expect(await names([{ Key: 'Type', Values: ['SecureString'] }])).toEqual(['/app/db/password']);
      expect(await names([{ Key: 'KeyId', Values: ['alias/aws/ssm'] }])).toEqual(['/app/db/password']);
      expect(await names([{ Key: 'Type', Option: 'BeginsWith', Values: ['String'] }])).toHaveLength(3);
      const labelled = await byPath('/app/db', { ParameterFilters: [{ Key: 'Label', Values: ['old'] }] });
      expect(labelled.map((p) => [p.Name, p.Value, p.Version])).toEqual([['/app/db/url', 'postgres://db', 1]]);
    });

    it("answers AWS's errors for paths and filters", async () => {
      const path = await failure(ssm.send(new GetParametersByPathCommand({ Path: 'app/db' })));
      expect(path.name).toBe('ValidationException');
      expect(path.message).toMatch(
        /^The parameter doesn't meet the parameter name requirements\. The parameter name must begin with a forward slash "\/"\./,
      );
      expect(
        await failure(
          ssm.send(
            new GetParametersByPathCommand({
              Path: '/app',
              ParameterFilters: [{ Key: 'Name', Values: ['/app/name'] }],
            }),
          ),
        ),
      ).toEqual({
        name: 'InvalidFilterKey',
        message: 'The following filter key is not valid: Name. Valid filter keys include: [Type, KeyId].',
      });
      expect(
        await failure(
          ssm.send(
            new GetParametersByPathCommand({
              Path: '/app',
              ParameterFilters: [{ Key: 'Label', Option: 'BeginsWith', Values: ['o'] }],
            }),
          ),
        ),
      ).toEqual({
        name: 'InvalidFilterOption',
        message: 'The following filter option is not valid: BeginsWith. Valid options include: [Equals].',
      });
    });

    it('is authorized on the path, with ssm:Recursive', async () => {
      const iam = t.iam();
      await iam.send(new CreateUserCommand({ UserName: 'lister' }));
      await iam.send(
        new PutUserPolicyCommand({
          UserName: 'lister',
          PolicyName: 'p',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'ssm:GetParametersByPath',
                Resource: `arn:aws:ssm:${REGION}:${account}:parameter/app`,
                Condition: { Bool: { 'ssm:Recursive': 'false' } },
              },
            ],
          }),
        }),
      );
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'lister' }))).AccessKey!;
      const lister = client({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
      try {
        const page = await lister.send(new GetParametersByPathCommand({ Path: '/app' }));
        expect(page.Parameters!.map((p) => p.Name)).toEqual(['/app/name']);
        expect(
          (await failure(lister.send(new GetParametersByPathCommand({ Path: '/app', Recursive: true })))).name,
        ).toBe('AccessDeniedException');
        expect((await failure(lister.send(new GetParametersByPathCommand({ Path: '/other' })))).name).toBe(
          'AccessDeniedException',
        );
      } finally {
        lister.destroy();
      }
    });
  });

  describe('DescribeParameters', () => {
    it('lists metadata of every parameter, never values, in pages', async () => {
      expect(await described()).toEqual([
        '/app/db/password',
        '/app/db/url',
        '/app/deep/a/b',
        '/app/name',
        '/other/x',
        'top',
      ]);
      const all = (await ssm.send(new DescribeParametersCommand({ MaxResults: 50 }))).Parameters!;
      const url = all.find((p) => p.Name === '/app/db/url')!;
      expect(url).toMatchObject({
        ARN: `arn:aws:ssm:${REGION}:${account}:parameter/app/db/url`,
        Type: 'String',
        Description: 'the database',
        Version: 2,
        Tier: 'Standard',
        DataType: 'text',
        Policies: [],
      });
      expect(url.LastModifiedUser).toMatch(/^arn:aws:iam::\d{12}:root$/);
      expect(all.find((p) => p.Name === '/app/db/password')).toMatchObject({ KeyId: 'alias/aws/ssm' });
      expect(JSON.stringify(all)).not.toContain('hunter2');
      expect(JSON.stringify(all)).not.toContain('postgres://');
    });

    it('filters by every key AWS offers', async () => {
      expect(await described([{ Key: 'Name', Values: ['app/name'] }])).toEqual(['/app/name']);
      expect(await described([{ Key: 'Name', Option: 'BeginsWith', Values: ['/app/d'] }])).toEqual([
        '/app/db/password',
        '/app/db/url',
        '/app/deep/a/b',
      ]);
      expect(await described([{ Key: 'Name', Option: 'Contains', Values: ['pass'] }])).toEqual(['/app/db/password']);
      expect(await described([{ Key: 'Path', Values: ['/app'] }])).toEqual(['/app/name']);
      expect(await described([{ Key: 'Path', Option: 'Recursive', Values: ['/app/deep'] }])).toEqual(['/app/deep/a/b']);
      expect(await described([{ Key: 'Type', Values: ['StringList'] }])).toEqual(['/app/deep/a/b']);
      expect(await described([{ Key: 'Tier', Values: ['Advanced'] }])).toEqual(['/app/deep/a/b']);
      expect(await described([{ Key: 'KeyId', Values: ['alias/aws/ssm'] }])).toEqual(['/app/db/password']);
      expect(await described([{ Key: 'DataType', Values: ['text'] }])).toHaveLength(6);
      expect(await described([{ Key: 'tag:team', Values: ['core'] }])).toEqual(['/app/name']);
      expect(await described([{ Key: 'tag:team' }])).toEqual(['/app/name']);
      const legacy = await ssm.send(
        new DescribeParametersCommand({ Filters: [{ Key: 'Type', Values: ['SecureString'] }] }),
      );
      expect(legacy.Parameters!.map((p) => p.Name)).toEqual(['/app/db/password']);
    });

    it("answers AWS's errors", async () => {
      const describe = (input: DescribeParametersCommandInput) =>
        failure(ssm.send(new DescribeParametersCommand(input)));
      expect(await describe({ ParameterFilters: [{ Key: 'Label', Values: ['old'] }] })).toEqual({
        name: 'InvalidFilterKey',
        message:
          'The following filter key is not valid: Label. Valid filter keys include: [Path, Name, Type, KeyId, Tier].',
      });
      expect(await describe({ ParameterFilters: [{ Key: 'Path', Option: 'Equals', Values: ['/app'] }] })).toEqual({
        name: 'InvalidFilterOption',
        message: 'The following filter option is not valid: Equals. Valid options include: [Recursive, OneLevel].',
      });
      expect(await describe({ ParameterFilters: [{ Key: 'Type' }] })).toEqual({
        name: 'InvalidFilterValue',
        message: 'The following filter values are missing : null for filter key Type.',
      });
      expect(
        await describe({
          Filters: [{ Key: 'Name', Values: ['/app'] }],
          ParameterFilters: [{ Key: 'Type', Values: ['String'] }],
        }),
      ).toEqual({
        name: 'ValidationException',
        message: 'You can use either Filters or ParameterFilters in a single request.',
      });
      expect(await describe({ ParameterFilters: [{ Key: 'Path', Values: ['/aws/service'] }] })).toEqual({
        name: 'ValidationException',
        message:
          'Filters for common parameters can\'t be prefixed with "aws" or "ssm" (case-insensitive). When using global parameters, please specify within a global namespace.',
      });
      expect((await describe({ ParameterFilters: [{ Key: 'Colour', Values: ['x'] }] })).name).toBe(
        'ValidationException',
      );
      expect((await describe({ MaxResults: 51 })).name).toBe('ValidationException');
    });
  });
});
