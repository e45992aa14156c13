/**
 * Parameter Store through @aws-sdk/client-ssm against a real server: PutParameter, GetParameter(s),
 * DeleteParameter(s), GetParameterHistory, labels and tags, with AWS's errors; SecureString through
 * KMS on the caller's behalf (a customer managed key; the audit trail records the KMS calls with
 * invokedBy ssm.amazonaws.com); identity-policy authorization with ssm: condition keys and
 * aws:ResourceTag.
 */
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DeleteParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersCommand,
  LabelParameterVersionCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
  SSMClient,
  UnlabelParameterVersionCommand,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalEvents } from './helpers/audit.js';
import { kmsSigner, sendRaw, signRequest } from './helpers/sign.js';
import { startTestServer, type Credentials, type TestServer } from './helpers/server.js';
import { failure } from './helpers/kms.js';

const REGION = 'us-east-1';

function ssmClient(t: TestServer, credentials: Credentials = t.credentials, region = REGION): SSMClient {
  return new SSMClient({ endpoint: t.server.url, region, credentials, maxAttempts: 1 });
}

/** A user of the account with one inline policy, and an SSM client as that user. */
async function userWith(t: TestServer, userName: string, statements: object[]): Promise<SSMClient> {
  const iam = t.iam();
  await iam.send(new CreateUserCommand({ UserName: userName }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: userName,
      PolicyName: 'p',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
  return ssmClient(t, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
}

describe('Parameter Store', () => {
  let t: TestServer;
  let ssm: SSMClient;
  let kms: KMSClient;
  let account: string;
  let keyId: string;
  let keyArn: string;

  beforeAll(async () => {
    t = await startTestServer();
    ssm = ssmClient(t);
    kms = t.client();
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    keyId = key.KeyId!;
    keyArn = key.Arn!;
    account = key.AWSAccountId!;
  });
  afterAll(async () => {
    ssm.destroy();
    await t.stop();
  });

  describe('String parameters', () => {
    it('puts, gets and overwrites a parameter, keeping what the overwrite leaves out', async () => {
      const put = await ssm.send(
        new PutParameterCommand({ Name: '/app/url', Value: 'https://a', Type: 'String', Description: 'the url' }),
      );
      expect(put).toMatchObject({ Version: 1, Tier: 'Standard' });
      const got = (await ssm.send(new GetParameterCommand({ Name: '/app/url' }))).Parameter!;
      expect(got).toMatchObject({
        Name: '/app/url',
        Type: 'String',
        Value: 'https://a',
        Version: 1,
        ARN: `arn:aws:ssm:${REGION}:${account}:parameter/app/url`,
        DataType: 'text',
      });
      expect(got.LastModifiedDate).toBeInstanceOf(Date);

      const again = await failure(ssm.send(new PutParameterCommand({ Name: '/app/url', Value: 'x', Type: 'String' })));
      expect(again).toEqual({
        name: 'ParameterAlreadyExists',
        message:
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      });
      // Type left out on overwrite: the newest version's stays.
      expect(
        await ssm.send(new PutParameterCommand({ Name: '/app/url', Value: 'https://b', Overwrite: true })),
      ).toMatchObject({ Version: 2 });
      const history = (await ssm.send(new GetParameterHistoryCommand({ Name: '/app/url' }))).Parameters!;
      expect(history.map((h) => [h.Version, h.Value, h.Type, h.Description])).toEqual([
        [1, 'https://a', 'String', 'the url'],
        [2, 'https://b', 'String', 'the url'],
      ]);
      expect(history[0]!.LastModifiedUser).toBe(`arn:aws:iam::${account}:root`);
    });

    it('answers selectors name:version and name:label', async () => {
      await ssm.send(new PutParameterCommand({ Name: 'plain', Value: 'one', Type: 'StringList' }));
      await ssm.send(new PutParameterCommand({ Name: 'plain', Value: 'two,2', Overwrite: true }));
      const v1 = (await ssm.send(new GetParameterCommand({ Name: 'plain:1' }))).Parameter!;
      expect(v1).toMatchObject({ Name: 'plain', Value: 'one', Version: 1, Selector: ':1', Type: 'StringList' });
      const missing = await failure(ssm.send(new GetParameterCommand({ Name: 'plain:9' })));
      expect(missing).toEqual({
        name: 'ParameterVersionNotFound',
        message: 'Systems Manager could not find version 9 of plain. Verify the version and try again.',
      });
      const labelled = await ssm.send(
        new LabelParameterVersionCommand({ Name: 'plain', ParameterVersion: 1, Labels: ['stable', 'aws-bad', '1x'] }),
      );
      expect(labelled).toMatchObject({ ParameterVersion: 1, InvalidLabels: ['aws-bad', '1x'] });
      expect((await ssm.send(new GetParameterCommand({ Name: 'plain:stable' }))).Parameter).toMatchObject({
        Value: 'one',
        Selector: ':stable',
      });
      // Labelling the newest version moves the label.
      expect(await ssm.send(new LabelParameterVersionCommand({ Name: 'plain', Labels: ['stable'] }))).toMatchObject({
        ParameterVersion: 2,
      });
      const history = (await ssm.send(new GetParameterHistoryCommand({ Name: 'plain' }))).Parameters!;
      expect(history.map((h) => h.Labels)).toEqual([[], ['stable']]);
      const unlabel = await ssm.send(
        new UnlabelParameterVersionCommand({ Name: 'plain', ParameterVersion: 2, Labels: ['stable', 'nope'] }),
      );
      expect(unlabel).toMatchObject({ RemovedLabels: ['stable'], InvalidLabels: ['nope'] });
    });

    it('finds a parameter by its ARN', async () => {
      const arn = `arn:aws:ssm:${REGION}:${account}:parameter/app/url`;
      expect((await ssm.send(new GetParameterCommand({ Name: arn }))).Parameter).toMatchObject({
        Name: '/app/url',
        Version: 2,
      });
      expect((await ssm.send(new GetParameterCommand({ Name: `${arn}:1` }))).Parameter).toMatchObject({
        Name: '/app/url',
        Version: 1,
        Selector: ':1',
      });
      const plain = `arn:aws:ssm:${REGION}:${account}:parameter/plain`;
      expect((await ssm.send(new GetParametersCommand({ Names: [plain] }))).Parameters![0]!.Name).toBe('plain');
      const foreign = `arn:aws:ssm:${REGION}:999999999999:parameter/app/url`;
      expect((await failure(ssm.send(new GetParameterCommand({ Name: foreign })))).name).toBe('ParameterNotFound');
    });

    it('refuses more than 10 labels on a version', async () => {
      await ssm.send(new PutParameterCommand({ Name: '/labels', Value: 'v', Type: 'String' }));
      const ten = Array.from({ length: 10 }, (_, i) => `l${i}`);
      await ssm.send(new LabelParameterVersionCommand({ Name: '/labels', Labels: ten }));
      const e = await failure(ssm.send(new LabelParameterVersionCommand({ Name: '/labels', Labels: ['eleven'] })));
      expect(e.name).toBe('ParameterVersionLabelLimitExceeded');
    });

    it('answers a missing parameter as AWS does', async () => {
      expect(await failure(ssm.send(new GetParameterCommand({ Name: '/nothing' })))).toEqual({
        name: 'ParameterNotFound',
        message: 'UnknownError',
      });
      expect((await failure(ssm.send(new DeleteParameterCommand({ Name: '/nothing' })))).name).toBe(
        'ParameterNotFound',
      );
      const many = await ssm.send(new GetParametersCommand({ Names: ['/app/url', '/nothing', '/app/url:7'] }));
      expect(many.Parameters!.map((p) => p.Name)).toEqual(['/app/url']);
      expect(many.InvalidParameters).toEqual(['/nothing', '/app/url:7']);
    });

    it('requires a type to create, and KeyId only for SecureString', async () => {
      expect(await failure(ssm.send(new PutParameterCommand({ Name: '/typeless', Value: 'v' })))).toEqual({
        name: 'ValidationException',
        message: 'A parameter type is required when you create a parameter.',
      });
      expect(
        await failure(ssm.send(new PutParameterCommand({ Name: '/k', Value: 'v', Type: 'String', KeyId: keyId }))),
      ).toEqual({ name: 'ValidationException', message: 'KeyId is required for SecureString type parameter only.' });
      expect(
        (
          await failure(
            ssm.send(
              new PutParameterCommand({
                Name: '/t',
                Value: 'v',
                Type: 'String',
                Overwrite: true,
                Tags: [{ Key: 'a', Value: 'b' }],
              }),
            ),
          )
        ).message,
      ).toMatch(/^Invalid request: tags and overwrite can't be used together/);
    });

    it('applies the name rules', async () => {
      expect(await failure(ssm.send(new PutParameterCommand({ Name: 'a/b', Value: 'v', Type: 'String' })))).toEqual({
        name: 'ValidationException',
        message: 'Parameter name must be a fully qualified name',
      });
      expect(
        await failure(ssm.send(new PutParameterCommand({ Name: '/aws/x/y', Value: 'v', Type: 'String' }))),
      ).toEqual({ name: 'AccessDeniedException', message: 'No access to reserved parameter name: /aws/x/y.' });
      const deep = `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`;
      expect((await failure(ssm.send(new PutParameterCommand({ Name: deep, Value: 'v', Type: 'String' })))).name).toBe(
        'HierarchyLevelLimitExceededException',
      );
    });

    it('keeps Standard values to 4096 characters and never downgrades an Advanced parameter', async () => {
      const big = 'x'.repeat(4097);
      const e = await failure(ssm.send(new PutParameterCommand({ Name: '/big', Value: big, Type: 'String' })));
      expect(e.name).toBe('ValidationException');
      expect(e.message).toMatch(/^Standard tier parameters support a maximum parameter value of 4096 characters/);
      expect(
        await ssm.send(
          new PutParameterCommand({ Name: '/big', Value: big, Type: 'String', Tier: 'Intelligent-Tiering' }),
        ),
      ).toMatchObject({ Version: 1, Tier: 'Advanced' });
      expect((await ssm.send(new GetParameterCommand({ Name: '/big' }))).Parameter!.Value).toBe(big);
      const down = await failure(
        ssm.send(new PutParameterCommand({ Name: '/big', Value: 'small', Overwrite: true, Tier: 'Standard' })),
      );
      expect(down.message).toMatch(/^This parameter uses the advanced-parameter tier/);
    });

    it('takes parameter policies on Advanced parameters only', async () => {
      const policies = JSON.stringify([
        { Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: '2099-01-01T00:00:00.000Z' } },
      ]);
      const standard = await failure(
        ssm.send(
          new PutParameterCommand({ Name: '/pol', Value: 'v', Type: 'String', Policies: policies, Tier: 'Standard' }),
        ),
      );
      expect(standard.name).toBe('ValidationException');
      expect(standard.message).toMatch(/^Parameter policies are supported only for advanced-tier parameters/);
      // Intelligent-Tiering picks Advanced for a parameter with policies.
      expect(
        await ssm.send(
          new PutParameterCommand({
            Name: '/pol',
            Value: 'v',
            Type: 'String',
            Policies: policies,
            Tier: 'Intelligent-Tiering',
          }),
        ),
      ).toMatchObject({ Tier: 'Advanced' });
      const history = (await ssm.send(new GetParameterHistoryCommand({ Name: '/pol' }))).Parameters!;
      expect(history[0]!.Policies).toEqual([
        {
          PolicyText: expect.stringContaining('Expiration') as unknown,
          PolicyType: 'Expiration',
          PolicyStatus: 'Pending',
        },
      ]);
    });

    it('keeps 100 versions, dropping the oldest unless it has a label', async () => {
      await ssm.send(new PutParameterCommand({ Name: '/many', Value: 'v1', Type: 'String' }));
      for (let i = 2; i <= 100; i++) {
        await ssm.send(new PutParameterCommand({ Name: '/many', Value: `v${i}`, Overwrite: true }));
      }
      await ssm.send(new LabelParameterVersionCommand({ Name: '/many', ParameterVersion: 1, Labels: ['first'] }));
      const e = await failure(ssm.send(new PutParameterCommand({ Name: '/many', Value: 'v101', Overwrite: true })));
      expect(e).toEqual({
        name: 'ParameterMaxVersionLimitExceeded',
        message:
          "You attempted to create a new version of /many by calling the PutParameter API with the overwrite flag. Version 1, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.",
      });
      await ssm.send(new UnlabelParameterVersionCommand({ Name: '/many', ParameterVersion: 1, Labels: ['first'] }));
      expect(await ssm.send(new PutParameterCommand({ Name: '/many', Value: 'v101', Overwrite: true }))).toMatchObject({
        Version: 101,
      });
      const first = await ssm.send(new GetParameterHistoryCommand({ Name: '/many', MaxResults: 50 }));
      expect(first.Parameters!.map((p) => p.Version)[0]).toBe(2);
      expect(first.NextToken).toBeDefined();
      const second = await ssm.send(new GetParameterHistoryCommand({ Name: '/many', NextToken: first.NextToken }));
      expect([...first.Parameters!, ...second.Parameters!].map((p) => p.Version)).toEqual(
        Array.from({ length: 100 }, (_, i) => i + 2),
      );
      expect(second.NextToken).toBeUndefined();
    });

    it('gives concurrent overwrites a version each', async () => {
      await ssm.send(new PutParameterCommand({ Name: '/busy', Value: 'v1', Type: 'String' }));
      const puts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ssm.send(new PutParameterCommand({ Name: '/busy', Value: `w${i}`, Overwrite: true })),
        ),
      );
      expect(puts.map((p) => p.Version).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    });

    it('deletes one or many parameters', async () => {
      await ssm.send(new PutParameterCommand({ Name: '/d/1', Value: 'v', Type: 'String' }));
      await ssm.send(new PutParameterCommand({ Name: '/d/2', Value: 'v', Type: 'String' }));
      await ssm.send(new DeleteParameterCommand({ Name: '/d/1' }));
      expect((await failure(ssm.send(new GetParameterCommand({ Name: '/d/1' })))).name).toBe('ParameterNotFound');
      const r = await ssm.send(new DeleteParametersCommand({ Names: ['/d/1', '/d/2'] }));
      expect(r).toMatchObject({ DeletedParameters: ['/d/2'], InvalidParameters: ['/d/1'] });
    });
  });

  describe('tags', () => {
    it('adds, replaces, lists and removes tags', async () => {
      await ssm.send(
        new PutParameterCommand({ Name: '/tagged', Value: 'v', Type: 'String', Tags: [{ Key: 'team', Value: 'a' }] }),
      );
      await ssm.send(
        new AddTagsToResourceCommand({
          ResourceType: 'Parameter',
          ResourceId: '/tagged',
          Tags: [
            { Key: 'team', Value: 'b' },
            { Key: 'env', Value: 'prod' },
          ],
        }),
      );
      const list = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/tagged' }));
      expect(list.TagList).toEqual([
        { Key: 'team', Value: 'b' },
        { Key: 'env', Value: 'prod' },
      ]);
      await ssm.send(
        new RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: '/tagged', TagKeys: ['team'] }),
      );
      expect(
        (await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/tagged' }))).TagList,
      ).toEqual([{ Key: 'env', Value: 'prod' }]);
      const e = await failure(
        ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/untagged-missing' })),
      );
      expect(e.name).toBe('InvalidResourceId');
      const other = await failure(
        ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: 'doc' })),
      );
      expect(other.name).toBe('InvalidResourceId');
    });
  });

  describe('SecureString', () => {
    it('encrypts through KMS with the parameter ARN as encryption context', async () => {
      await ssm.send(
        new PutParameterCommand({ Name: '/db/password', Value: 's3cr3t!', Type: 'SecureString', KeyId: keyId }),
      );
      const hidden = (await ssm.send(new GetParameterCommand({ Name: '/db/password' }))).Parameter!;
      expect(hidden.Type).toBe('SecureString');
      expect(hidden.Value).not.toContain('s3cr3t!');
      expect(Buffer.from(hidden.Value!, 'base64').length).toBeGreaterThan(16);
      const shown = (await ssm.send(new GetParameterCommand({ Name: '/db/password', WithDecryption: true })))
        .Parameter!;
      expect(shown.Value).toBe('s3cr3t!');
      const history = (await ssm.send(new GetParameterHistoryCommand({ Name: '/db/password', WithDecryption: true })))
        .Parameters!;
      expect(history[0]).toMatchObject({ KeyId: keyId, Value: 's3cr3t!', Tier: 'Standard' });
    });

    it('uses envelope encryption for an Advanced value', async () => {
      const value = 'y'.repeat(6000);
      await ssm.send(
        new PutParameterCommand({
          Name: '/adv/secret',
          Value: value,
          Type: 'SecureString',
          KeyId: keyArn,
          Tier: 'Advanced',
        }),
      );
      const shown = (await ssm.send(new GetParameterCommand({ Name: '/adv/secret', WithDecryption: true }))).Parameter!;
      expect(shown.Value).toBe(value);
      const many = await ssm.send(
        new GetParametersCommand({ Names: ['/adv/secret', '/db/password'], WithDecryption: true }),
      );
      expect(many.Parameters!.map((p) => p.Value!.length)).toEqual([6000, 7]);
    });

    it('uses the AWS managed key alias/aws/ssm by default, usable through Parameter Store only', async (ctx) => {
      // AWS managed keys come with their own part of issue 10; until the alias resolves, skip.
      const managed = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ssm' })).catch(() => undefined);
      if (!managed) ctx.skip();
      expect(managed!.KeyMetadata!.KeyManager).toBe('AWS');
      await ssm.send(new PutParameterCommand({ Name: '/default/key', Value: 'dflt-secret', Type: 'SecureString' }));
      const history = (await ssm.send(new GetParameterHistoryCommand({ Name: '/default/key' }))).Parameters!;
      expect(history[0]!.KeyId).toBe('alias/aws/ssm');
      // The managed key's policy lets the account's principals use it through Parameter Store:
      // ssm: permissions are enough, no kms: statement needed.
      const user = await userWith(t, 'default-key-user', [
        { Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:PutParameter'], Resource: '*' },
      ]);
      await user.send(new PutParameterCommand({ Name: '/default/user', Value: 'mine', Type: 'SecureString' }));
      expect(
        (await user.send(new GetParameterCommand({ Name: '/default/user', WithDecryption: true }))).Parameter!.Value,
      ).toBe('mine');
      expect(
        (await user.send(new GetParameterCommand({ Name: '/default/key', WithDecryption: true }))).Parameter!.Value,
      ).toBe('dflt-secret');
      user.destroy();
    });

    it('answers a key that does not exist, and a disabled key, as InvalidKeyId', async () => {
      const missing = `arn:aws:kms:${REGION}:${account}:key/00000000-0000-0000-0000-000000000000`;
      const e = await failure(
        ssm.send(new PutParameterCommand({ Name: '/nokey', Value: 'v', Type: 'SecureString', KeyId: missing })),
      );
      expect(e.name).toBe('InvalidKeyId');
      expect(e.message).toMatch(
        new RegExp(
          `^Key '${missing}' does not exist \\(Service: AWSKMS; Status Code: 400; Error Code: NotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\\)$`,
        ),
      );
      const disabled = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await ssm.send(
        new PutParameterCommand({ Name: '/dis', Value: 'v', Type: 'SecureString', KeyId: disabled.KeyId }),
      );
      await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
      const d = await failure(ssm.send(new GetParameterCommand({ Name: '/dis', WithDecryption: true })));
      expect(d.name).toBe('InvalidKeyId');
      expect(d.message).toMatch(/Error Code: DisabledException/);
      // Without decryption KMS is not asked.
      expect((await ssm.send(new GetParameterCommand({ Name: '/dis' }))).Parameter!.Type).toBe('SecureString');
      await kms.send(new EnableKeyCommand({ KeyId: disabled.KeyId }));
    });
  });

  describe('the audit trail', () => {
    it('records the Parameter Store call and the KMS calls made for it, never the value', async () => {
      const value = 'audit-me-not-42';
      await ssm.send(new PutParameterCommand({ Name: '/audited', Value: value, Type: 'SecureString', KeyId: keyId }));
      await ssm.send(new GetParameterCommand({ Name: '/audited', WithDecryption: true }));
      type Event = {
        eventSource: string;
        eventName: string;
        requestParameters?: Record<string, unknown>;
        userIdentity: { arn?: string; invokedBy?: string };
        sourceIPAddress: string;
        readOnly: boolean;
      };
      const events = (await journalEvents<Event>(t.dataDir)).filter(
        (e) => JSON.stringify(e.requestParameters ?? {}).includes('audited') || e.userIdentity.invokedBy,
      );
      const text = JSON.stringify(await journalEvents(t.dataDir));
      expect(text).not.toContain(value);
      expect(text).not.toContain(Buffer.from(value).toString('base64'));
      const put = events.find((e) => e.eventSource === 'ssm.amazonaws.com' && e.eventName === 'PutParameter')!;
      expect(put.requestParameters).toMatchObject({ name: '/audited', type: 'SecureString', keyId });
      expect(put.readOnly).toBe(false);
      const decrypt = events.filter((e) => e.eventSource === 'kms.amazonaws.com' && e.eventName === 'Decrypt').at(-1)!;
      expect(decrypt.userIdentity).toMatchObject({
        arn: `arn:aws:iam::${account}:root`,
        invokedBy: 'ssm.amazonaws.com',
      });
      expect(decrypt.sourceIPAddress).toBe('ssm.amazonaws.com');
      expect(JSON.stringify(decrypt.requestParameters)).toContain(`arn:aws:ssm:${REGION}:${account}:parameter/audited`);
      expect(events.some((e) => e.eventSource === 'kms.amazonaws.com' && e.eventName === 'Encrypt')).toBe(true);
    });
  });

  describe('other Systems Manager operations', () => {
    it('answers UnknownOperationException', async () => {
      const host = new URL(t.server.url).host;
      const headers = { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.SendCommand' };
      const signed = await signRequest(kmsSigner(t.credentials, REGION, 'ssm'), { headers, body: '{}' });
      const res = await sendRaw(t.server.url, { headers: signed, body: '{}' });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body.toString('utf8')) as unknown).toEqual({
        __type: 'UnknownOperationException',
        message: 'SendCommand is not offered by this server: its Systems Manager API is Parameter Store only.',
      });
    });
  });

  describe('authorization', () => {
    it('authorizes ssm: actions on the parameter ARN, and KMS as the caller', async () => {
      await ssm.send(
        new PutParameterCommand({ Name: '/team/a/secret', Value: 'pw', Type: 'SecureString', KeyId: keyId }),
      );
      await ssm.send(new PutParameterCommand({ Name: '/team/b/secret', Value: 'pw', Type: 'String' }));
      const reader = await userWith(t, 'reader', [
        {
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: `arn:aws:ssm:${REGION}:${account}:parameter/team/a/*`,
        },
      ]);
      expect((await reader.send(new GetParameterCommand({ Name: '/team/a/secret' }))).Parameter!.Type).toBe(
        'SecureString',
      );
      const denied = await failure(reader.send(new GetParameterCommand({ Name: '/team/b/secret' })));
      expect(denied.name).toBe('AccessDeniedException');
      expect(denied.message).toContain(
        `is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:${REGION}:${account}:parameter/team/b/secret`,
      );
      // No kms:Decrypt on the key: KMS's refusal, relayed.
      const noKms = await failure(
        reader.send(new GetParameterCommand({ Name: '/team/a/secret', WithDecryption: true })),
      );
      expect(noKms.name).toBe('AccessDeniedException');
      expect(noKms.message).toMatch(
        /kms:Decrypt.*\(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; /,
      );
      reader.destroy();

      const decrypter = await userWith(t, 'decrypter', [
        { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: keyArn,
          Condition: { StringEquals: { 'kms:ViaService': `ssm.${REGION}.amazonaws.com` } },
        },
      ]);
      expect(
        (await decrypter.send(new GetParameterCommand({ Name: '/team/a/secret', WithDecryption: true }))).Parameter!
          .Value,
      ).toBe('pw');
      decrypter.destroy();
    });

    it('evaluates ssm:Overwrite and aws:ResourceTag', async () => {
      await ssm.send(
        new PutParameterCommand({ Name: '/cond/x', Value: 'v', Type: 'String', Tags: [{ Key: 'env', Value: 'dev' }] }),
      );
      await ssm.send(
        new PutParameterCommand({ Name: '/cond/y', Value: 'v', Type: 'String', Tags: [{ Key: 'env', Value: 'prod' }] }),
      );
      const writer = await userWith(t, 'writer', [
        {
          Effect: 'Allow',
          Action: ['ssm:PutParameter', 'ssm:GetParameters'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/env': 'dev' } },
        },
        {
          Effect: 'Deny',
          Action: 'ssm:PutParameter',
          Resource: '*',
          Condition: { Bool: { 'ssm:Overwrite': 'false' } },
        },
      ]);
      expect(
        await writer.send(new PutParameterCommand({ Name: '/cond/x', Value: 'w', Overwrite: true })),
      ).toMatchObject({
        Version: 2,
      });
      expect(
        (await failure(writer.send(new PutParameterCommand({ Name: '/cond/y', Value: 'w', Overwrite: true })))).name,
      ).toBe('AccessDeniedException');
      // GetParameters needs every parameter named allowed.
      expect((await failure(writer.send(new GetParametersCommand({ Names: ['/cond/x', '/cond/y'] })))).name).toBe(
        'AccessDeniedException',
      );
      expect((await writer.send(new GetParametersCommand({ Names: ['/cond/x'] }))).Parameters).toHaveLength(1);
      writer.destroy();
    });
  });
});
