/**
 * AWS managed keys through @aws-sdk/client-kms (and Parameter Store, their first user): the
 * predefined alias/aws/* aliases in ListAliases, the key created on first use with KeyManager AWS,
 * AWS's description and policy, yearly rotation, direct use refused, every change refused with
 * AWS's error, and no key-month charge in `trent usage`.
 */
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateGrantCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeyPoliciesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
  type AliasListEntry,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../src/domain/index.js';
import { AWS_MANAGED_KEYS, managedKeyPolicy } from '../src/services/kms/managed-keys.js';
import { bytes, EMPTY_MESSAGE, expectKmsError, followClock, newKey } from './helpers/kms.js';
import { ManualClock, startTestServer, type Credentials, type TestServer } from './helpers/server.js';

const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
const DESCRIPTION = 'Default key that protects my SSM parameters when no other key is defined';
const PREDEFINED = [...AWS_MANAGED_KEYS.keys()];

let t: TestServer;
let account: string;
const clients = new Map<string, KMSClient>();

/** A KMS client of the account's root in `region`. */
function kmsIn(region = 'us-east-1'): KMSClient {
  let c = clients.get(region);
  if (!c) {
    c = followClock(t.client({ region }), clock);
    clients.set(region, c);
  }
  return c;
}

/** Signs with the server's manual clock, as followClock does for KMS clients. */
function onClock<C extends { config: object }>(client: C): C {
  Object.defineProperty(client.config, 'systemClockOffset', {
    get: () => clock.now().getTime() - Date.now(),
    set: () => {},
    configurable: true,
  });
  return client;
}

function ssmIn(region: string, credentials: Credentials = t.credentials): SSMClient {
  return onClock(new SSMClient({ endpoint: t.server.url, region, credentials, maxAttempts: 1 }));
}

/** `trent usage` from the sources (the built CLI may predate them). */
async function trentUsage(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'usage', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((ok) => child.on('exit', ok));
  return { code, stdout, stderr };
}

async function allAliases(kms: KMSClient, limit?: number): Promise<AliasListEntry[]> {
  const out: AliasListEntry[] = [];
  let marker: string | undefined;
  do {
    const page = await kms.send(new ListAliasesCommand({ Limit: limit, Marker: marker }));
    out.push(...(page.Aliases ?? []));
    marker = page.Truncated ? page.NextMarker : undefined;
    if (page.Truncated) expect(page.NextMarker).toBeDefined();
  } while (marker);
  return out;
}

async function managedKeys(kms: KMSClient): Promise<KeyMetadata[]> {
  const keys = (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys ?? [];
  const described = await Promise.all(keys.map((k) => kms.send(new DescribeKeyCommand({ KeyId: k.KeyArn }))));
  return described.map((d) => d.KeyMetadata!).filter((m) => m.KeyManager === 'AWS');
}

const denied = (action: string, resource: string) =>
  new RegExp(
    `^User: arn:aws:iam::${account}:root is not authorized to perform: ${action} on resource: ${resource.replace(/[/.]/g, '\\$&')} because no resource-based policy allows the ${action} action$`,
  );

beforeAll(async () => {
  t = await startTestServer({ clock });
  account = t.server.accountId;
});
afterAll(async () => {
  await t?.stop();
});

describe('ListAliases before any AWS managed key exists', () => {
  it('shows the predefined alias/aws/* aliases without TargetKeyId, and no AWS managed key', async () => {
    const kms = kmsIn('eu-west-1');
    const aliases = await allAliases(kms);
    expect(aliases.map((a) => a.AliasName)).toEqual(PREDEFINED);
    expect(aliases.find((a) => a.AliasName === 'alias/aws/ssm')).toEqual({
      AliasName: 'alias/aws/ssm',
      AliasArn: `arn:aws:kms:eu-west-1:${account}:alias/aws/ssm`,
    });
    expect(await managedKeys(kms)).toEqual([]);
  });

  it('merges them with the account own aliases in name order, page by page', async () => {
    const kms = kmsIn('eu-west-2');
    const key = await newKey(kms);
    for (const name of ['alias/a', 'alias/aws-like', 'alias/zz', 'alias/b'])
      await kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: key.KeyId }));
    const all = await allAliases(kms);
    const names = all.map((a) => a.AliasName!);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual([...PREDEFINED, 'alias/a', 'alias/aws-like', 'alias/b', 'alias/zz'].sort());
    for (const limit of [1, 3, 5]) expect((await allAliases(kms, limit)).map((a) => a.AliasName)).toEqual(names);
    // Filtered by key: only aliases that point at it.
    const byKey = await kms.send(new ListAliasesCommand({ KeyId: key.KeyId }));
    expect(byKey.Aliases?.map((a) => a.AliasName)).toEqual(['alias/a', 'alias/aws-like', 'alias/b', 'alias/zz']);
  });
});

describe('the AWS managed key aws/ssm', () => {
  let meta: KeyMetadata;
  const created = clock.now();

  beforeAll(async () => {
    meta = (await kmsIn().send(new DescribeKeyCommand({ KeyId: 'alias/aws/ssm' }))).KeyMetadata!;
  });

  it('is created when DescribeKey names its alias, as AWS creates it', () => {
    expect(meta).toEqual({
      AWSAccountId: account,
      KeyId: meta.KeyId,
      Arn: `arn:aws:kms:us-east-1:${account}:key/${meta.KeyId}`,
      CreationDate: created,
      Enabled: true,
      Description: DESCRIPTION,
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'AWS',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
      CurrentKeyMaterialId: meta.CurrentKeyMaterialId,
    });
    expect(meta.KeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('is the same key every time, by alias name, alias ARN, key id or key ARN, and is listed', async () => {
    const kms = kmsIn();
    for (const id of ['alias/aws/ssm', `arn:aws:kms:us-east-1:${account}:alias/aws/ssm`, meta.KeyId, meta.Arn]) {
      expect((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata?.KeyId).toBe(meta.KeyId);
    }
    expect((await managedKeys(kms)).map((k) => k.KeyId)).toEqual([meta.KeyId]);
    const aliases = await allAliases(kms);
    expect(aliases.find((a) => a.AliasName === 'alias/aws/ssm')).toEqual({
      AliasName: 'alias/aws/ssm',
      AliasArn: `arn:aws:kms:us-east-1:${account}:alias/aws/ssm`,
      TargetKeyId: meta.KeyId,
      CreationDate: created,
      LastUpdatedDate: created,
    });
    // The other predefined aliases still have no key.
    expect(aliases.find((a) => a.AliasName === 'alias/aws/s3')?.TargetKeyId).toBeUndefined();
    expect(aliases.map((a) => a.AliasName)).toEqual(PREDEFINED);
  });

  it('has the key policy AWS gives it: use only through Parameter Store, metadata for the account', async () => {
    const kms = kmsIn();
    const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default' }));
    expect(Policy).toBe(managedKeyPolicy(AWS_MANAGED_KEYS.get('alias/aws/ssm')!, account, 'us-east-1'));
    const doc = JSON.parse(Policy!) as { Id: string; Statement: { Condition?: unknown }[] };
    expect(doc.Id).toBe('auto-ssm-1');
    expect(doc.Statement[0]?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 'ssm.us-east-1.amazonaws.com', 'kms:CallerAccount': account },
    });
    expect((await kms.send(new ListKeyPoliciesCommand({ KeyId: meta.KeyId }))).PolicyNames).toEqual(['default']);
    expect((await kms.send(new ListResourceTagsCommand({ KeyId: meta.KeyId }))).Tags).toEqual([]);
  });

  it('rotates every year automatically', async () => {
    const status = await kmsIn().send(new GetKeyRotationStatusCommand({ KeyId: meta.KeyId }));
    expect(status).toMatchObject({
      KeyId: meta.Arn,
      KeyRotationEnabled: true,
      RotationPeriodInDays: 365,
      NextRotationDate: new Date(created.getTime() + 365 * DAY_MS),
    });
  });

  it('refuses direct use by the account: AccessDeniedException from the key policy', async () => {
    const kms = kmsIn();
    for (const id of ['alias/aws/ssm', meta.Arn!]) {
      await expectKmsError(
        kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('direct') })),
        'AccessDeniedException',
        denied('kms:Encrypt', meta.Arn!),
      );
      await expectKmsError(
        kms.send(new GenerateDataKeyCommand({ KeyId: id, KeySpec: 'AES_256' })),
        'AccessDeniedException',
        denied('kms:GenerateDataKey', meta.Arn!),
      );
    }
  });

  it('refuses every change with AWS error, and the key stays as it was', async () => {
    const kms = kmsIn();
    const id = meta.KeyId!;
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      ],
    });
    const refused: [string, Promise<unknown>][] = [
      ['kms:PutKeyPolicy', kms.send(new PutKeyPolicyCommand({ KeyId: id, PolicyName: 'default', Policy: policy }))],
      ['kms:EnableKeyRotation', kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 90 }))],
      ['kms:DisableKeyRotation', kms.send(new DisableKeyRotationCommand({ KeyId: id }))],
      ['kms:RotateKeyOnDemand', kms.send(new RotateKeyOnDemandCommand({ KeyId: id }))],
      ['kms:ScheduleKeyDeletion', kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }))],
      ['kms:CancelKeyDeletion', kms.send(new CancelKeyDeletionCommand({ KeyId: id }))],
      ['kms:DisableKey', kms.send(new DisableKeyCommand({ KeyId: id }))],
      ['kms:EnableKey', kms.send(new EnableKeyCommand({ KeyId: id }))],
      ['kms:UpdateKeyDescription', kms.send(new UpdateKeyDescriptionCommand({ KeyId: id, Description: 'mine' }))],
      ['kms:TagResource', kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'k', TagValue: 'v' }] }))],
      ['kms:UntagResource', kms.send(new UntagResourceCommand({ KeyId: id, TagKeys: ['k'] }))],
      [
        'kms:CreateGrant',
        kms.send(
          new CreateGrantCommand({
            KeyId: id,
            GranteePrincipal: `arn:aws:iam::${account}:root`,
            Operations: ['Decrypt'],
          }),
        ),
      ],
      // "You don't have permission to associate an alias with an AWS managed key."
      ['kms:CreateAlias', kms.send(new CreateAliasCommand({ AliasName: 'alias/my-ssm', TargetKeyId: id }))],
    ];
    for (const [action, call] of refused) {
      await expectKmsError(call, 'AccessDeniedException', denied(action, meta.Arn!));
    }
    const other = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: other.KeyId }));
    await expectKmsError(
      kms.send(new UpdateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: id })),
      'AccessDeniedException',
      denied('kms:UpdateAlias', meta.Arn!),
    );
    // Its alias cannot be created, moved or deleted: the alias/aws/ prefix is AWS's.
    await expectKmsError(
      kms.send(new UpdateAliasCommand({ AliasName: 'alias/aws/ssm', TargetKeyId: other.KeyId })),
      'NotAuthorizedException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      kms.send(new DeleteAliasCommand({ AliasName: 'alias/aws/ssm' })),
      'NotAuthorizedException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/ssm2', TargetKeyId: other.KeyId })),
      'NotAuthorizedException',
      EMPTY_MESSAGE,
    );
    const after = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ssm' }))).KeyMetadata;
    expect(after).toEqual(meta);
    const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId: id, PolicyName: 'default' }));
    expect(Policy).toBe(managedKeyPolicy(AWS_MANAGED_KEYS.get('alias/aws/ssm')!, account, 'us-east-1'));
    expect((await kms.send(new ListAliasesCommand({ KeyId: id }))).Aliases?.map((a) => a.AliasName)).toEqual([
      'alias/aws/ssm',
    ]);
  });

  it('rotates by itself a year after its creation, and again a year later', async () => {
    const kms = kmsIn();
    clock.advance(365 * DAY_MS + 1000);
    await t.server.runScheduledWork();
    const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: meta.KeyId }));
    expect(rotations.Rotations?.map((r) => r.RotationType)).toEqual(['AUTOMATIC']);
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: meta.KeyId }));
    expect(status.NextRotationDate?.getTime()).toBe(clock.now().getTime() + 365 * DAY_MS);
    const described = (await kms.send(new DescribeKeyCommand({ KeyId: meta.KeyId }))).KeyMetadata!;
    expect(described.CurrentKeyMaterialId).not.toBe(meta.CurrentKeyMaterialId);
  });

  it('is created once when first uses race', async () => {
    const kms = kmsIn('ap-southeast-2');
    const ids = await Promise.all(
      Array.from(
        { length: 8 },
        async () => (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ssm' }))).KeyMetadata!.KeyId,
      ),
    );
    expect(new Set(ids).size).toBe(1);
    expect((await managedKeys(kms)).map((k) => k.KeyId)).toEqual([ids[0]]);
  });

  it('is not created for an alias AWS does not predefine, nor for another account', async () => {
    const kms = kmsIn();
    await expectKmsError(
      kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/not-a-service' })),
      'NotFoundException',
      `Alias arn:aws:kms:us-east-1:${account}:alias/aws/not-a-service is not found.`,
    );
    await expectKmsError(
      kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:999988887777:alias/aws/ssm' })),
      'NotFoundException',
      'Alias arn:aws:kms:us-east-1:999988887777:alias/aws/ssm is not found.',
    );
  });
});

describe('aws/ssm through Parameter Store', () => {
  const REGION = 'us-west-2';

  it('is created by the first SecureString without KeyId, and Parameter Store may use it', async () => {
    const kms = kmsIn(REGION);
    expect(await managedKeys(kms)).toEqual([]);
    const ssm = ssmIn(REGION);
    await ssm.send(new PutParameterCommand({ Name: '/app/db-password', Type: 'SecureString', Value: 'hunter2' }));
    const [key] = await managedKeys(kms);
    expect(key).toMatchObject({ KeyManager: 'AWS', Description: DESCRIPTION, KeyState: 'Enabled' });
    const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId: key!.KeyId }));
    expect(Policy).toContain('"kms:ViaService" : "ssm.us-west-2.amazonaws.com"');
    const plain = await ssm.send(new GetParameterCommand({ Name: '/app/db-password', WithDecryption: true }));
    expect(plain.Parameter?.Value).toBe('hunter2');
    // The value Parameter Store keeps is a ciphertext of the managed key; the caller cannot decrypt it directly.
    const stored = await ssm.send(new GetParameterCommand({ Name: '/app/db-password' }));
    await expectKmsError(
      kms.send(
        new DecryptCommand({
          CiphertextBlob: Buffer.from(stored.Parameter!.Value!, 'base64'),
          EncryptionContext: { PARAMETER_ARN: `arn:aws:ssm:${REGION}:${account}:parameter/app/db-password` },
        }),
      ),
      'AccessDeniedException',
      denied('kms:Decrypt', key!.Arn!),
    );
  });

  it('lets a user with ssm: permissions and no kms: permission read it: the key policy allows the account', async () => {
    const iam = onClock(t.iam());
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'reader',
        PolicyName: 'ssm-only',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['ssm:PutParameter', 'ssm:GetParameter'], Resource: '*' }],
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    const ssm = ssmIn(REGION, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    await ssm.send(new PutParameterCommand({ Name: '/app/api-key', Type: 'SecureString', Value: 's3cr3t' }));
    const got = await ssm.send(new GetParameterCommand({ Name: '/app/api-key', WithDecryption: true }));
    expect(got.Parameter?.Value).toBe('s3cr3t');
  });
});

describe('trent usage', () => {
  it('charges no key-month for an AWS managed key', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trent-managed-usage-'));
    try {
      const s = await startTestServer({ dataDir });
      let arn: string;
      let period: string;
      try {
        const meta = (await s.client().send(new DescribeKeyCommand({ KeyId: 'alias/aws/ssm' }))).KeyMetadata!;
        arn = meta.Arn!;
        period = meta.CreationDate!.toISOString().slice(0, 7);
        const customer = await newKey(s.client());
        expect(customer.KeyManager).toBe('CUSTOMER');
      } finally {
        await s.stop();
      }
      const run = await trentUsage('--data-dir', dataDir, '--format', 'json', '--month', period);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as { keyMonths: { keyArn: string }[] };
      expect(report.keyMonths).toHaveLength(1);
      expect(report.keyMonths.map((k) => k.keyArn)).not.toContain(arn);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
