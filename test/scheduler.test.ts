/**
 * Scheduled work with a manual clock: deletion after the waiting period and automatic rotation
 * happen when due and not before, and reads never do either.
 */
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, EMPTY_MESSAGE, expectKmsError, followClock, newKey, text } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';

const DAY = 24 * 60 * 60 * 1000;
const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
let t: TestServer;
let kms: KMSClient;

beforeAll(async () => {
  t = await startTestServer({ clock });
  kms = followClock(t.client(), clock);
});
afterAll(async () => {
  await t?.stop();
});

const describeKey = async (KeyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!;

describe('deletion after the waiting period', () => {
  it('deletes nothing before the window ends, then deletes the key, its material and its aliases', async () => {
    const key = await newKey(kms, 'doomed');
    const keep = await newKey(kms, 'kept');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: key.KeyId }));
    const blob = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('last words') })))
      .CiphertextBlob!;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));

    clock.advance(7 * DAY - 1000);
    expect((await t.server.runScheduledWork()).deleted).toEqual([]);
    expect((await describeKey(key.KeyId!)).KeyState).toBe('PendingDeletion');
    // Still recoverable at the last moment: cancel would work, so the material must still be there.
    expect(await t.server.services.storage.listKeyMaterials(key.Arn!)).toHaveLength(1);

    clock.advance(1000);
    // Reads after the deletion date do not delete: only the scheduler does.
    expect((await describeKey(key.KeyId!)).KeyState).toBe('PendingDeletion');
    expect((await t.server.runScheduledWork()).deleted).toEqual([key.Arn]);

    const missing = `Key '${key.Arn}' does not exist`;
    await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: key.KeyId })), 'NotFoundException', missing);
    await expectKmsError(kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })), 'NotFoundException', missing);
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: key.KeyId })),
      'NotFoundException',
      missing,
    );
    await expectKmsError(
      kms.send(new DescribeKeyCommand({ KeyId: 'alias/doomed' })),
      'NotFoundException',
      `Alias arn:aws:kms:us-east-1:${t.server.accountId}:alias/doomed is not found.`,
    );
    const aliases = (await kms.send(new ListAliasesCommand({}))).Aliases ?? [];
    expect(aliases.some((a) => a.AliasName === 'alias/doomed')).toBe(false);
    const keys = (await kms.send(new ListKeysCommand({}))).Keys ?? [];
    expect(keys.some((k) => k.KeyId === key.KeyId)).toBe(false);
    expect(keys.some((k) => k.KeyId === keep.KeyId)).toBe(true);
    expect(await t.server.services.storage.listKeyMaterials(key.Arn!)).toEqual([]);
    // Running again finds nothing more.
    expect((await t.server.runScheduledWork()).deleted).toEqual([]);
  });

  it('honours the default 30-day window', async () => {
    const key = await newKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    clock.advance(29 * DAY);
    expect((await t.server.runScheduledWork()).deleted).not.toContain(key.Arn);
    expect((await describeKey(key.KeyId!)).KeyState).toBe('PendingDeletion');
    clock.advance(DAY);
    expect((await t.server.runScheduledWork()).deleted).toContain(key.Arn);
  });

  it('never deletes a key whose deletion was cancelled', async () => {
    const key = await newKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    clock.advance(3 * DAY);
    await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    clock.advance(30 * DAY);
    expect((await t.server.runScheduledWork()).deleted).not.toContain(key.Arn);
    expect((await describeKey(key.KeyId!)).KeyState).toBe('Disabled');
    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    const blob = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('alive') }))).CiphertextBlob;
    expect(text((await kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext)).toBe('alive');
  });
});

describe('automatic rotation', () => {
  it('rotates when due and not before; old ciphertexts still decrypt', async () => {
    const key = await newKey(kms);
    const blob = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('before') }))).CiphertextBlob;
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    const due = (await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).NextRotationDate!;
    expect(due.getTime()).toBe(clock.now().getTime() + 90 * DAY);

    clock.advance(90 * DAY - 1000);
    expect((await t.server.runScheduledWork()).rotated).not.toContain(key.Arn);
    expect((await describeKey(key.KeyId!)).CurrentKeyMaterialId).toBe(key.CurrentKeyMaterialId);

    clock.advance(1000);
    // GetKeyRotationStatus and DescribeKey past the due date change nothing.
    for (let i = 0; i < 3; i++) {
      const s = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
      expect(s.NextRotationDate?.getTime()).toBe(due.getTime());
    }
    expect((await describeKey(key.KeyId!)).CurrentKeyMaterialId).toBe(key.CurrentKeyMaterialId);
    expect((await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations).toEqual([]);

    const rotatedAt = clock.now();
    expect((await t.server.runScheduledWork()).rotated).toEqual([key.Arn]);
    const after = await describeKey(key.KeyId!);
    expect(after.CurrentKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(after.CurrentKeyMaterialId).not.toBe(key.CurrentKeyMaterialId);
    const s = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    expect(s).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 90 });
    expect(s.NextRotationDate?.getTime()).toBe(rotatedAt.getTime() + 90 * DAY);
    expect((await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations).toEqual([
      {
        KeyId: key.KeyId,
        KeyMaterialId: after.CurrentKeyMaterialId,
        KeyMaterialState: 'CURRENT',
        RotationDate: rotatedAt,
        RotationType: 'AUTOMATIC',
      },
    ]);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: blob }));
    expect(text(dec.Plaintext)).toBe('before');
    expect(dec.KeyMaterialId).toBe(key.CurrentKeyMaterialId);
    const fresh = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('after') }));
    expect((await kms.send(new DecryptCommand({ CiphertextBlob: fresh.CiphertextBlob }))).KeyMaterialId).toBe(
      after.CurrentKeyMaterialId,
    );

    // Not again until the next period has passed.
    expect((await t.server.runScheduledWork()).rotated).toEqual([]);
    clock.advance(90 * DAY);
    expect((await t.server.runScheduledWork()).rotated).toEqual([key.Arn]);
  });

  it('does not rotate keys with rotation disabled, disabled keys, or keys pending deletion', async () => {
    const off = await newKey(kms);
    const disabled = await newKey(kms);
    const deleting = await newKey(kms);
    for (const k of [off, disabled, deleting])
      await kms.send(new EnableKeyRotationCommand({ KeyId: k.KeyId, RotationPeriodInDays: 90 }));
    await kms.send(new DisableKeyRotationCommand({ KeyId: off.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    clock.advance(61 * DAY);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: deleting.KeyId, PendingWindowInDays: 30 }));
    clock.advance(29 * DAY);
    // All three were due for rotation now (day 90); the deletion is not due before day 91.
    const { rotated, deleted } = await t.server.runScheduledWork();
    expect(deleted).not.toContain(deleting.Arn);
    for (const k of [off, disabled, deleting]) {
      expect(rotated).not.toContain(k.Arn);
      expect(await t.server.services.storage.listKeyMaterials(k.Arn!)).toHaveLength(1);
    }
    expect((await describeKey(deleting.KeyId!)).KeyState).toBe('PendingDeletion');

    // A disabled key that missed its rotation rotates once it is enabled again.
    await kms.send(new EnableKeyCommand({ KeyId: disabled.KeyId }));
    expect((await t.server.runScheduledWork()).rotated).toContain(disabled.Arn);
    expect((await describeKey(disabled.KeyId!)).CurrentKeyMaterialId).not.toBe(disabled.CurrentKeyMaterialId);
  });
});
