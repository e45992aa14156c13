/**
 * AWS KMS's resource quotas (keys per account and Region, aliases per key, key policy size, tags
 * per key, on-demand rotations) answered as AWS answers them, each a setting of the server; and
 * CreateKey's refusal of KeySpec together with the deprecated CustomerMasterKeySpec.
 */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  ListAliasesCommand,
  ListKeysCommand,
  PutKeyPolicyCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectKmsError, followClock, newKey, otherAccountClient } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';

const keyQuota = (limit: number, usage: number) =>
  `Key quota for this account in this region is ${limit} but the current usage is ${usage}.`;
const aliasQuota = (limit: number, usage: number) =>
  `Aliases per key quota for this account in this region is ${limit}, current usage is ${usage}.`;
const policySize = (limit: number) => `The key policy exceeds the maximum size of ${limit} bytes.`;

/** A valid key policy of exactly `bytes` bytes: the default-like statement, padded with spaces. */
function policyOfSize(account: string, bytes: number): string {
  const base = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
    ],
  });
  if (bytes < base.length) throw new Error('policy too small for its statement');
  return base.slice(0, -1) + ' '.repeat(bytes - base.length) + '}';
}

describe("AWS's default quotas", () => {
  let t: TestServer;
  let kms: KMSClient;
  let account: string;

  beforeAll(async () => {
    t = await startTestServer();
    kms = t.client();
    account = t.server.accountId;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('allows 50 aliases per key and refuses the 51st, in CreateAlias and UpdateAlias', async () => {
    const key = await newKey(kms);
    for (let i = 1; i <= 50; i++) {
      await kms.send(new CreateAliasCommand({ AliasName: `alias/q50-${i}`, TargetKeyId: key.KeyId }));
    }
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/q50-51', TargetKeyId: key.KeyId })),
      'LimitExceededException',
      aliasQuota(50, 50),
    );
    // The alias was not created; another key is not affected.
    const other = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/q50-other', TargetKeyId: other.KeyId }));
    const names = (await kms.send(new ListAliasesCommand({ KeyId: key.KeyId, Limit: 100 }))).Aliases ?? [];
    expect(names).toHaveLength(50);

    // Moving an alias onto the full key counts too; pointing one of its own at it again does not.
    await expectKmsError(
      kms.send(new UpdateAliasCommand({ AliasName: 'alias/q50-other', TargetKeyId: key.KeyId })),
      'LimitExceededException',
      aliasQuota(50, 50),
    );
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/q50-1', TargetKeyId: key.KeyId }));

    // Deleting an alias makes room.
    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/q50-50' }));
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/q50-other', TargetKeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/q50-51', TargetKeyId: key.KeyId })),
      'LimitExceededException',
      aliasQuota(50, 50),
    );
  });

  it('answers AlreadyExistsException, not the quota, for a taken name on a full key', async () => {
    const key = await newKey(kms);
    for (let i = 1; i <= 50; i++) {
      await kms.send(new CreateAliasCommand({ AliasName: `alias/full-${i}`, TargetKeyId: key.KeyId }));
    }
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/full-1', TargetKeyId: key.KeyId })),
      'AlreadyExistsException',
      `An alias with the name arn:aws:kms:us-east-1:${account}:alias/full-1 already exists`,
    );
  });

  it('accepts a key policy of 32,768 bytes, whitespace included, and refuses one byte more', async () => {
    const atLimit = policyOfSize(account, 32_768);
    const over = policyOfSize(account, 32_769);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Policy: atLimit }));
    await expectKmsError(
      kms.send(new CreateKeyCommand({ Policy: over })),
      'LimitExceededException',
      policySize(32_768),
    );
    await kms.send(new PutKeyPolicyCommand({ KeyId: KeyMetadata!.KeyId, Policy: atLimit }));
    await expectKmsError(
      kms.send(new PutKeyPolicyCommand({ KeyId: KeyMetadata!.KeyId, Policy: over })),
      'LimitExceededException',
      policySize(32_768),
    );
  });

  it('refuses KeySpec with CustomerMasterKeySpec even when they agree', async () => {
    const message =
      'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.';
    const before = (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.length;
    await expectKmsError(
      kms.send(new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT' })),
      'ValidationException',
      message,
    );
    await expectKmsError(
      kms.send(
        new CreateKeyCommand({ KeySpec: 'RSA_2048', CustomerMasterKeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
      ),
      'ValidationException',
      message,
    );
    expect((await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.length).toBe(before);
    // Either member alone still works.
    await kms.send(new CreateKeyCommand({ CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT' }));
    await kms.send(new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT' }));
  });
});

describe('quotas set through ServerOptions', () => {
  const clock = new ManualClock(new Date('2026-05-01T00:00:00Z'));
  let t: TestServer;
  let kms: KMSClient;
  let account: string;

  beforeAll(async () => {
    t = await startTestServer({
      clock,
      quotas: { keysPerRegion: 3, aliasesPerKey: 2, keyPolicyBytes: 2000, tagsPerKey: 2, onDemandRotationsPerKey: 1 },
    });
    kms = followClock(t.client(), clock);
    account = t.server.accountId;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('refuses the 4th key of an account and region; other regions and accounts have their own', async () => {
    const keys = [await newKey(kms), await newKey(kms), await newKey(kms)];
    await expectKmsError(newKey(kms), 'LimitExceededException', keyQuota(3, 3));
    // Refused before anything is stored.
    expect((await kms.send(new ListKeysCommand({}))).Keys).toHaveLength(3);

    const west = followClock(t.client({ region: 'eu-west-1' }), clock);
    for (let i = 0; i < 3; i++) await newKey(west);
    await expectKmsError(newKey(west), 'LimitExceededException', keyQuota(3, 3));
    const otherAccount = followClock(await otherAccountClient(t), clock);
    await newKey(otherAccount);

    // A key pending deletion still counts; once deleted, it frees its place.
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keys[0]!.KeyId, PendingWindowInDays: 7 }));
    await expectKmsError(newKey(kms), 'LimitExceededException', keyQuota(3, 3));
    clock.advance(8 * 24 * 60 * 60 * 1000);
    await t.server.runScheduledWork();
    await newKey(kms);
    await expectKmsError(newKey(kms), 'LimitExceededException', keyQuota(3, 3));
  });

  it('applies the aliases-per-key, policy size, tags and on-demand rotation settings', async () => {
    const key = (await kms.send(new ListKeysCommand({}))).Keys![0]!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/set-1', TargetKeyId: key.KeyId }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/set-2', TargetKeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/set-3', TargetKeyId: key.KeyId })),
      'LimitExceededException',
      aliasQuota(2, 2),
    );

    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policyOfSize(account, 2000) }));
    await expectKmsError(
      kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policyOfSize(account, 2001) })),
      'LimitExceededException',
      policySize(2000),
    );

    const tag = (k: string) => ({ TagKey: k, TagValue: 'v' });
    await kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [tag('a'), tag('b')] }));
    // AWS answers the tags-per-key limit with TagException, not LimitExceededException.
    await expectKmsError(
      kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [tag('c')] })),
      'TagException',
      'Too many tags',
    );

    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })),
      'LimitExceededException',
      `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.KeyArn}`,
    );
  });
});
