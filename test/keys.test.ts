/** Key lifecycle: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, Enable/DisableKey, deletion. */
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  UpdateKeyDescriptionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_MESSAGE, expectKmsError, followClock, newKey } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';

const DAY = 24 * 60 * 60 * 1000;
const START = new Date('2026-03-01T12:00:00Z');
let t: TestServer;
let kms: KMSClient;
const clock = new ManualClock(START);

beforeAll(async () => {
  t = await startTestServer({ clock });
  kms = followClock(t.client(), clock);
});
afterAll(async () => {
  await t?.stop();
});

describe('CreateKey', () => {
  it('creates a symmetric encryption key with AWS defaults', async () => {
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({}));
    expect(m).toBeDefined();
    const account = t.server.accountId;
    expect(m!.KeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(m).toMatchObject({
      AWSAccountId: account,
      Arn: `arn:aws:kms:us-east-1:${account}:key/${m!.KeyId}`,
      Description: '',
      Enabled: true,
      KeyState: 'Enabled',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      KeyManager: 'CUSTOMER',
      Origin: 'AWS_KMS',
      MultiRegion: false,
    });
    expect(m!.CreationDate?.getTime()).toBe(START.getTime());
    expect(m!.CurrentKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(m!.DeletionDate).toBeUndefined();
    expect(m!.MultiRegionConfiguration).toBeUndefined();
    expect(m!.SigningAlgorithms).toBeUndefined();
    expect(m!.MacAlgorithms).toBeUndefined();
  });

  it('keeps the description, explicit usage and spec, and gives each key a new id', async () => {
    const a = await kms.send(
      new CreateKeyCommand({ Description: 'test key 123', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }),
    );
    const b = await kms.send(new CreateKeyCommand({ CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT' }));
    expect(a.KeyMetadata?.Description).toBe('test key 123');
    expect(b.KeyMetadata?.KeySpec).toBe('SYMMETRIC_DEFAULT');
    expect(a.KeyMetadata?.KeyId).not.toBe(b.KeyMetadata?.KeyId);
    expect(a.KeyMetadata?.CurrentKeyMaterialId).not.toBe(b.KeyMetadata?.CurrentKeyMaterialId);
  });

  it('refuses KeySpec and CustomerMasterKeySpec that disagree', async () => {
    await expectKmsError(
      kms.send(new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT', CustomerMasterKeySpec: 'RSA_2048' })),
      'ValidationException',
      'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.',
    );
  });

  it('requires KeyUsage for every spec but SYMMETRIC_DEFAULT', async () => {
    await expectKmsError(
      kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256' })),
      'ValidationException',
      'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.',
    );
  });

  it('refuses a usage the spec does not support', async () => {
    await expectKmsError(
      kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'KEY_AGREEMENT' })),
      'ValidationException',
      'KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048',
    );
    await expectKmsError(
      kms.send(new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'SIGN_VERIFY' })),
      'ValidationException',
      'KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT',
    );
  });

  it('answers ValidationException with the model enum list for an unknown KeySpec and KeyUsage', async () => {
    const err = await expectKmsError(
      kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_random' as never })),
      'ValidationException',
      /^1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: \[.*\]$/,
    );
    expect(err.message).toContain('SYMMETRIC_DEFAULT');
    await expectKmsError(
      kms.send(new CreateKeyCommand({ KeyUsage: 'RANDOM' as never })),
      'ValidationException',
      /^1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: \[.*ENCRYPT_DECRYPT.*\]$/,
    );
  });

  it('refuses a description longer than 8192 characters', async () => {
    await expectKmsError(
      kms.send(new CreateKeyCommand({ Description: 'd'.repeat(8193) })),
      'ValidationException',
      /at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192$/,
    );
  });

  it('answers CustomKeyStoreNotFoundException for an unknown custom key store', async () => {
    await expectKmsError(
      kms.send(new CreateKeyCommand({ CustomKeyStoreId: 'cks-1234567890abcdef0', Origin: 'AWS_CLOUDHSM' })),
      'CustomKeyStoreNotFoundException',
      'Custom key store cks-1234567890abcdef0 does not exist.',
    );
  });

  it('answers UnsupportedOperationException for what this server does not build yet', async () => {
    await expectKmsError(
      kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL_KEY_STORE' })),
      'UnsupportedOperationException',
      'Origin EXTERNAL_KEY_STORE is not supported by this server yet.',
    );
  });

  it('does not create a key when CreateKey fails', async () => {
    const before = (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.length;
    await expectKmsError(
      kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'aws:x', TagValue: 'v' }] })),
      'TagException',
      'Tags beginning with aws: are reserved',
    );
    await expectKmsError(
      kms.send(new CreateKeyCommand({ Policy: '{' })),
      'MalformedPolicyDocumentException',
      'Policy is not valid JSON.',
    );
    const after = (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.length;
    expect(after).toBe(before);
  });
});

describe('DescribeKey', () => {
  it('returns the same metadata CreateKey returned', async () => {
    const created = await newKey(kms, 'describe me');
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: created.KeyId }));
    expect(KeyMetadata).toEqual(created);
  });

  it('answers NotFoundException with the full key ARN for an unknown key id', async () => {
    const id = '0a1b2c3d-0000-4000-8000-000000000000';
    await expectKmsError(
      kms.send(new DescribeKeyCommand({ KeyId: id })),
      'NotFoundException',
      `Key 'arn:aws:kms:us-east-1:${t.server.accountId}:key/${id}' does not exist`,
    );
  });

  it('answers NotFoundException "Invalid keyId" for malformed identifiers', async () => {
    for (const bad of ['fake-key-id', '134f2428cec14b25a1ae9048164dba47', 'mrk-fake-key-id']) {
      await expectKmsError(
        kms.send(new DescribeKeyCommand({ KeyId: bad })),
        'NotFoundException',
        `Invalid keyId '${bad}'`,
      );
    }
  });

  it('requires KeyId', async () => {
    await expectKmsError(
      kms.send(new DescribeKeyCommand({} as never)),
      'ValidationException',
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('ListKeys', () => {
  let server: TestServer;
  let client: KMSClient;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    client = server.client();
    for (let i = 0; i < 5; i++) ids.push((await newKey(client)).KeyId!);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lists every key with its ARN and Truncated false', async () => {
    const out = await client.send(new ListKeysCommand({}));
    expect(out.Truncated).toBe(false);
    expect(out.NextMarker).toBeUndefined();
    expect(out.Keys?.map((k) => k.KeyId).sort()).toEqual([...ids].sort());
    for (const k of out.Keys ?? []) {
      expect(k.KeyArn).toBe(`arn:aws:kms:us-east-1:${server.server.accountId}:key/${k.KeyId}`);
    }
  });

  it('pages with Limit and Marker, visiting each key exactly once', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await client.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
      pages++;
      expect(out.Keys!.length).toBeLessThanOrEqual(2);
      seen.push(...out.Keys!.map((k) => k.KeyId!));
      expect(out.Truncated).toBe(out.NextMarker !== undefined);
      marker = out.NextMarker;
    } while (marker);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('answers InvalidMarkerException for a marker it did not issue', async () => {
    await expectKmsError(
      client.send(new ListKeysCommand({ Marker: 'not-a-marker' })),
      'InvalidMarkerException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      client.send(new ListKeysCommand({ Marker: 'bm9wZQ' })),
      'InvalidMarkerException',
      EMPTY_MESSAGE,
    );
  });

  it('checks Limit against 1..1000', async () => {
    await expectKmsError(
      client.send(new ListKeysCommand({ Limit: 0 })),
      'ValidationException',
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await expectKmsError(
      client.send(new ListKeysCommand({ Limit: 1001 })),
      'ValidationException',
      "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
  });

  it('still lists keys that are disabled or pending deletion', async () => {
    await client.send(new DisableKeyCommand({ KeyId: ids[0] }));
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: ids[1] }));
    const out = await client.send(new ListKeysCommand({}));
    expect(out.Keys?.map((k) => k.KeyId)).toEqual(expect.arrayContaining([ids[0], ids[1]]));
  });
});

describe('UpdateKeyDescription', () => {
  it('replaces the description, including with an empty one', async () => {
    const key = await newKey(kms, 'before');
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'after' }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.Description).toBe('after');
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.Arn, Description: '' }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.Description).toBe('');
  });

  it('works on a disabled key but not on one pending deletion', async () => {
    const key = await newKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'disabled' }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    await expectKmsError(
      kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'x' })),
      'KMSInvalidStateException',
      `${key.Arn} is pending deletion.`,
    );
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.Description).toBe('disabled');
  });

  it('requires Description', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId } as never)),
      'ValidationException',
      "1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('EnableKey and DisableKey', () => {
  it('toggles Enabled and KeyState, idempotently', async () => {
    const key = await newKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    let m = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect([m?.Enabled, m?.KeyState]).toEqual([false, 'Disabled']);
    await kms.send(new EnableKeyCommand({ KeyId: key.Arn }));
    await kms.send(new EnableKeyCommand({ KeyId: key.Arn }));
    m = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect([m?.Enabled, m?.KeyState]).toEqual([true, 'Enabled']);
  });

  it('refuses keys pending deletion', async () => {
    const key = await newKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new EnableKeyCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} is pending deletion.`,
    );
    await expectKmsError(
      kms.send(new DisableKeyCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} is pending deletion.`,
    );
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe(
      'PendingDeletion',
    );
  });
});

describe('ScheduleKeyDeletion and CancelKeyDeletion', () => {
  it('defaults to a 30-day window and reports it', async () => {
    const key = await newKey(kms);
    const out = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    const expected = new Date(clock.now().getTime() + 30 * DAY);
    expect(out).toMatchObject({ KeyId: key.Arn, KeyState: 'PendingDeletion', PendingWindowInDays: 30 });
    expect(out.DeletionDate?.getTime()).toBe(expected.getTime());
    const m = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect(m).toMatchObject({ Enabled: false, KeyState: 'PendingDeletion' });
    expect(m?.DeletionDate?.getTime()).toBe(expected.getTime());
    // AWS shows PendingDeletionWindowInDays only for a multi-Region primary in PendingReplicaDeletion.
    expect(m).not.toHaveProperty('PendingDeletionWindowInDays');
  });

  it('accepts the bounds 7 and 30 and refuses the days outside them', async () => {
    for (const days of [7, 30]) {
      const key = await newKey(kms);
      const out = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: days }));
      expect(out.PendingWindowInDays).toBe(days);
      expect(out.DeletionDate?.getTime()).toBe(clock.now().getTime() + days * DAY);
    }
    const key = await newKey(kms);
    for (const days of [6, 31]) {
      await expectKmsError(
        kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: days })),
        'ValidationException',
        `PendingWindowInDays should be between 7 and 30, but it is ${days}`,
      );
    }
    await expectKmsError(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 0 })),
      'ValidationException',
      "1 validation error detected: Value '0' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe('Enabled');
  });

  it('refuses a key already pending deletion', async () => {
    const key = await newKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    await expectKmsError(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 20 })),
      'KMSInvalidStateException',
      `${key.Arn} is pending deletion.`,
    );
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.DeletionDate?.getTime()).toBe(
      clock.now().getTime() + 7 * DAY,
    );
  });

  it('schedules a disabled key too', async () => {
    const key = await newKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    const out = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.Arn }));
    expect(out.KeyState).toBe('PendingDeletion');
  });

  it('CancelKeyDeletion returns the key to Disabled, without a deletion date', async () => {
    const key = await newKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    const out = await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    expect(out.KeyId).toBe(key.Arn);
    const m = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect(m).toMatchObject({ Enabled: false, KeyState: 'Disabled' });
    expect(m?.DeletionDate).toBeUndefined();
    expect(m?.PendingDeletionWindowInDays).toBeUndefined();
    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe('Enabled');
  });

  it('CancelKeyDeletion refuses a key that is not pending deletion', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} is not pending deletion.`,
    );
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} is not pending deletion.`,
    );
  });

  it('answers NotFoundException for an unknown key', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    const arn = `arn:aws:kms:us-east-1:${t.server.accountId}:key/${id}`;
    await expectKmsError(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: id })),
      'NotFoundException',
      `Key '${arn}' does not exist`,
    );
    await expectKmsError(
      kms.send(new CancelKeyDeletionCommand({ KeyId: arn })),
      'NotFoundException',
      `Key '${arn}' does not exist`,
    );
  });
});
