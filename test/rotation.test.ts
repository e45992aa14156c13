/** Enable/DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations. */
import {
  CancelKeyDeletionCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, EMPTY_MESSAGE, expectKmsError, followClock, newKey, text } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';

const DAY = 24 * 60 * 60 * 1000;
const clock = new ManualClock(new Date('2026-05-01T00:00:00Z'));
let t: TestServer;
let kms: KMSClient;

beforeAll(async () => {
  t = await startTestServer({ clock });
  kms = followClock(t.client(), clock);
});
afterAll(async () => {
  await t?.stop();
});

const status = (KeyId: string) => kms.send(new GetKeyRotationStatusCommand({ KeyId }));
const currentMaterial = async (KeyId: string) =>
  (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!.CurrentKeyMaterialId!;

describe('automatic rotation settings', () => {
  it('is off for a new key, and the status says only that', async () => {
    const key = await newKey(kms);
    const out = await status(key.KeyId!);
    expect(out.KeyId).toBe(key.Arn);
    expect(out.KeyRotationEnabled).toBe(false);
    expect(out.RotationPeriodInDays).toBeUndefined();
    expect(out.NextRotationDate).toBeUndefined();
    expect(out.OnDemandRotationStartDate).toBeUndefined();
  });

  it('EnableKeyRotation defaults to 365 days and schedules the next rotation', async () => {
    const key = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    const out = await status(key.Arn!);
    expect(out).toMatchObject({ KeyId: key.Arn, KeyRotationEnabled: true, RotationPeriodInDays: 365 });
    expect(out.NextRotationDate?.getTime()).toBe(clock.now().getTime() + 365 * DAY);
  });

  it('accepts periods 90 and 2560, and a new period replaces the old', async () => {
    const key = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 2560 }));
    expect((await status(key.KeyId!)).RotationPeriodInDays).toBe(2560);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    const out = await status(key.KeyId!);
    expect(out.RotationPeriodInDays).toBe(90);
    expect(out.NextRotationDate?.getTime()).toBe(clock.now().getTime() + 90 * DAY);
  });

  it('refuses periods outside 90..2560 with the model messages', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 89 })),
      'ValidationException',
      "1 validation error detected: Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 90",
    );
    await expectKmsError(
      kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 2561 })),
      'ValidationException',
      "1 validation error detected: Value '2561' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value less than or equal to 2560",
    );
    expect((await status(key.KeyId!)).KeyRotationEnabled).toBe(false);
  });

  it('DisableKeyRotation turns it off and drops the period and date', async () => {
    const key = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 180 }));
    await kms.send(new DisableKeyRotationCommand({ KeyId: key.Arn }));
    const out = await status(key.KeyId!);
    expect(out.KeyRotationEnabled).toBe(false);
    expect(out.RotationPeriodInDays).toBeUndefined();
    expect(out.NextRotationDate).toBeUndefined();
  });

  it('needs an enabled key to change the setting; the status is readable in any state', async () => {
    const key = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })),
      'DisabledException',
      `${key.Arn} is disabled.`,
    );
    await expectKmsError(
      kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId })),
      'DisabledException',
      `${key.Arn} is disabled.`,
    );
    expect((await status(key.KeyId!)).KeyRotationEnabled).toBe(true);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} is pending deletion.`,
    );
    await expectKmsError(
      kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} is pending deletion.`,
    );
    // "While a KMS key is pending deletion, its key rotation status is false ... If you cancel the
    // deletion, the original key rotation status returns to true."
    const pending = await status(key.KeyId!);
    expect(pending).toMatchObject({ KeyId: key.Arn, KeyRotationEnabled: false });
    expect(pending.RotationPeriodInDays).toBeUndefined();
    expect(pending.NextRotationDate).toBeUndefined();
    await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    expect(await status(key.KeyId!)).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
  });
});

describe('RotateKeyOnDemand', () => {
  it('adds new current material; old ciphertexts still decrypt with their own material', async () => {
    const key = await newKey(kms);
    const m0 = key.CurrentKeyMaterialId!;
    const blobs: Uint8Array[] = [];
    const materials = [m0];
    blobs.push(
      (
        await kms.send(
          new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('gen 0'), EncryptionContext: { g: '0' } }),
        )
      ).CiphertextBlob!,
    );
    for (let i = 1; i <= 3; i++) {
      clock.advance(DAY);
      const out = await kms.send(new RotateKeyOnDemandCommand({ KeyId: i % 2 ? key.KeyId : key.Arn }));
      expect(out.KeyId).toBe(key.Arn);
      const current = await currentMaterial(key.KeyId!);
      expect(current).toMatch(/^[0-9a-f]{64}$/);
      expect(materials).not.toContain(current);
      materials.push(current);
      const enc = await kms.send(
        new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes(`gen ${i}`), EncryptionContext: { g: String(i) } }),
      );
      blobs.push(enc.CiphertextBlob!);
    }
    for (let i = 0; i < blobs.length; i++) {
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: blobs[i], EncryptionContext: { g: String(i) } }));
      expect(text(dec.Plaintext)).toBe(`gen ${i}`);
      expect(dec.KeyMaterialId).toBe(materials[i]);
    }
  });

  it('does not change the automatic rotation schedule', async () => {
    const key = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    const before = await status(key.KeyId!);
    clock.advance(DAY);
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const after = await status(key.KeyId!);
    expect(after.NextRotationDate?.getTime()).toBe(before.NextRotationDate?.getTime());
    expect(after.RotationPeriodInDays).toBe(90);
  });

  it('allows 25 on-demand rotations per key, then LimitExceededException', async () => {
    const key = await newKey(kms);
    for (let i = 0; i < 25; i++) await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const current = await currentMaterial(key.KeyId!);
    await expectKmsError(
      kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })),
      'LimitExceededException',
      `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.Arn}`,
    );
    expect(await currentMaterial(key.KeyId!)).toBe(current);
    const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 1000 }));
    expect(rotations.Rotations).toHaveLength(25);
  });

  it('needs an enabled key', async () => {
    const key = await newKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })),
      'DisabledException',
      `${key.Arn} is disabled.`,
    );
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} is pending deletion.`,
    );
    expect(await currentMaterial(key.KeyId!)).toBe(key.CurrentKeyMaterialId);
  });

  it('answers NotFoundException for an unknown key', async () => {
    const id = '00000000-0000-4000-8000-00000000abcd';
    await expectKmsError(
      kms.send(new RotateKeyOnDemandCommand({ KeyId: id })),
      'NotFoundException',
      `Key 'arn:aws:kms:us-east-1:${t.server.accountId}:key/${id}' does not exist`,
    );
  });
});

describe('ListKeyRotations', () => {
  it('lists nothing before the first rotation, unless asked for all key material', async () => {
    const key = await newKey(kms);
    const only = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }));
    expect(only).toMatchObject({ Rotations: [], Truncated: false });
    const all = await kms.send(
      new ListKeyRotationsCommand({ KeyId: key.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }),
    );
    expect(all.Rotations).toEqual([
      { KeyId: key.KeyId, KeyMaterialId: key.CurrentKeyMaterialId, KeyMaterialState: 'CURRENT' },
    ]);
  });

  it('lists each rotation with its date, type and material state, in order', async () => {
    const key = await newKey(kms);
    clock.advance(DAY);
    const first = clock.now();
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const m1 = await currentMaterial(key.KeyId!);
    clock.advance(DAY);
    const second = clock.now();
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const m2 = await currentMaterial(key.KeyId!);
    const out = await kms.send(new ListKeyRotationsCommand({ KeyId: key.Arn, IncludeKeyMaterial: 'ROTATIONS_ONLY' }));
    expect(out.Truncated).toBe(false);
    expect(out.Rotations).toEqual([
      {
        KeyId: key.KeyId,
        KeyMaterialId: m1,
        KeyMaterialState: 'NON_CURRENT',
        RotationDate: first,
        RotationType: 'ON_DEMAND',
      },
      {
        KeyId: key.KeyId,
        KeyMaterialId: m2,
        KeyMaterialState: 'CURRENT',
        RotationDate: second,
        RotationType: 'ON_DEMAND',
      },
    ]);
    const all = await kms.send(
      new ListKeyRotationsCommand({ KeyId: key.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }),
    );
    expect(all.Rotations?.map((r) => [r.KeyMaterialId, r.KeyMaterialState])).toEqual([
      [key.CurrentKeyMaterialId, 'NON_CURRENT'],
      [m1, 'NON_CURRENT'],
      [m2, 'CURRENT'],
    ]);
  });

  it('pages with Limit and Marker', async () => {
    const key = await newKey(kms);
    for (let i = 0; i < 5; i++) await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 2, Marker: marker }));
      pages++;
      expect(out.Truncated).toBe(out.NextMarker !== undefined);
      seen.push(...out.Rotations!.map((r) => r.KeyMaterialId!));
      marker = out.NextMarker;
    } while (marker);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    await expectKmsError(
      kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Marker: 'bogus' })),
      'InvalidMarkerException',
      EMPTY_MESSAGE,
    );
  });

  it('works on a disabled key', async () => {
    const key = await newKey(kms);
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    expect((await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations).toHaveLength(1);
  });
});
