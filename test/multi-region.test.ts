/**
 * Multi-Region keys through the AWS SDK, with clients signed for three Regions of one server and a
 * manual clock: CreateKey MultiRegion, ReplicateKey (Creating, then Enabled or PendingImport),
 * DescribeKey's MultiRegionConfiguration, cross-Region decrypt, verify and MAC, shared rotation,
 * UpdatePrimaryRegion (Updating), and the deletion order (PendingReplicaDeletion).
 */
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetKeyRotationStatusCommand,
  GetPublicKeyCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ReEncryptCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  UpdateKeyDescriptionCommand,
  UpdatePrimaryRegionCommand,
  VerifyCommand,
  VerifyMacCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { createPublicKey, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRAPPING_ALGORITHMS, wrapForImport } from '../src/crypto/index.js';
import { bytes, expectKmsError, followClock, text } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';

const DAY = 24 * 60 * 60 * 1000;
const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
let t: TestServer;
let east: KMSClient;
let west: KMSClient;
let sydney: KMSClient;

beforeAll(async () => {
  t = await startTestServer({ clock });
  east = followClock(t.client({ region: 'us-east-1' }), clock);
  west = followClock(t.client({ region: 'eu-west-1' }), clock);
  sydney = followClock(t.client({ region: 'ap-southeast-2' }), clock);
});
afterAll(async () => {
  await t?.stop();
});

const describeIn = async (client: KMSClient, KeyId: string) =>
  (await client.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!;

/** Moves the clock past the transient states and lets the scheduler end them. */
async function settle(): Promise<void> {
  clock.advance(5000);
  await t.server.runScheduledWork();
}

/** Wraps `material` for `KeyId` in the Region of `client` and imports it there. */
async function importInto(client: KMSClient, KeyId: string, material: Buffer) {
  const params = await client.send(
    new GetParametersForImportCommand({ KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }),
  );
  const publicKey = createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' });
  return client.send(
    new ImportKeyMaterialCommand({
      KeyId,
      ImportToken: params.ImportToken,
      EncryptedKeyMaterial: wrapForImport(WRAPPING_ALGORITHMS.RSAES_OAEP_SHA_256!, publicKey, material),
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    }),
  );
}

async function primaryKey(input: Record<string, unknown> = {}) {
  const { KeyMetadata } = await east.send(new CreateKeyCommand({ MultiRegion: true, ...input }));
  return KeyMetadata!;
}

async function replicate(KeyId: string, ReplicaRegion: string, extra: Record<string, unknown> = {}) {
  return east.send(new ReplicateKeyCommand({ KeyId, ReplicaRegion, ...extra }));
}

describe('CreateKey MultiRegion', () => {
  it('makes a primary key with an mrk- id and its MultiRegionConfiguration', async () => {
    const key = await primaryKey({ Description: 'primary' });
    expect(key.KeyId).toMatch(/^mrk-[0-9a-f]{32}$/);
    expect(key.MultiRegion).toBe(true);
    expect(key.MultiRegionConfiguration).toEqual({
      MultiRegionKeyType: 'PRIMARY',
      PrimaryKey: { Arn: key.Arn, Region: 'us-east-1' },
      ReplicaKeys: [],
    });
    const single = (await east.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(single.MultiRegion).toBe(false);
    expect(single.MultiRegionConfiguration).toBeUndefined();
  });

  it('makes asymmetric, HMAC and imported-material primary keys', async () => {
    for (const input of [
      { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' },
      { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
      { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
      { Origin: 'EXTERNAL' },
    ] as const) {
      const key = await primaryKey(input);
      expect(key.KeyId).toMatch(/^mrk-/);
      expect(key.MultiRegionConfiguration?.MultiRegionKeyType).toBe('PRIMARY');
    }
  });
});

describe('ReplicateKey', () => {
  it('creates a replica with the same id and material, Creating until the scheduler ends it', async () => {
    const key = await primaryKey({ Description: 'to replicate' });
    const blob = (await east.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('from the east') })))
      .CiphertextBlob!;
    const out = await replicate(key.KeyId!, 'eu-west-1', {
      Description: 'the west copy',
      Tags: [{ TagKey: 'site', TagValue: 'dublin' }],
    });
    const replicaArn = `arn:aws:kms:eu-west-1:${key.AWSAccountId}:key/${key.KeyId}`;
    expect(out.ReplicaKeyMetadata).toMatchObject({
      KeyId: key.KeyId,
      Arn: replicaArn,
      KeyState: 'Creating',
      Enabled: false,
      Description: 'the west copy',
      KeySpec: 'SYMMETRIC_DEFAULT',
      Origin: 'AWS_KMS',
      MultiRegion: true,
      MultiRegionConfiguration: {
        MultiRegionKeyType: 'REPLICA',
        PrimaryKey: { Arn: key.Arn, Region: 'us-east-1' },
        ReplicaKeys: [{ Arn: replicaArn, Region: 'eu-west-1' }],
      },
    });
    expect(out.ReplicaTags).toEqual([{ TagKey: 'site', TagValue: 'dublin' }]);
    expect(JSON.parse(out.ReplicaPolicy!).Statement[0].Principal.AWS).toBe(`arn:aws:iam::${key.AWSAccountId}:root`);

    // Creating: manageable, not usable.
    await expectKmsError(
      west.send(new DecryptCommand({ CiphertextBlob: blob })),
      'KMSInvalidStateException',
      `${replicaArn} is creating.`,
    );
    await west.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'renamed while creating' }));
    await west.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'k', TagValue: 'v' }] }));
    await west.send(new CreateAliasCommand({ AliasName: 'alias/west-copy', TargetKeyId: key.KeyId }));
    await expectKmsError(
      west.send(new DisableKeyCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${replicaArn} is creating.`,
    );
    await expectKmsError(
      west.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${replicaArn} is creating.`,
    );
    expect((await describeIn(west, key.KeyId!)).KeyState).toBe('Creating');

    await settle();
    const replica = await describeIn(west, key.KeyId!);
    expect(replica.KeyState).toBe('Enabled');
    expect(replica.Description).toBe('renamed while creating');
    expect(replica.CurrentKeyMaterialId).toBe(key.CurrentKeyMaterialId);
    // Decrypted in the other Region by the related key, the ciphertext's key ARN notwithstanding.
    const decrypted = await west.send(new DecryptCommand({ CiphertextBlob: blob }));
    expect(text(decrypted.Plaintext)).toBe('from the east');
    expect(decrypted.KeyId).toBe(replicaArn);
    // And the other way round, with the key named by its alias in the replica Region.
    const back = (await west.send(new EncryptCommand({ KeyId: 'alias/west-copy', Plaintext: bytes('from the west') })))
      .CiphertextBlob!;
    expect(text((await east.send(new DecryptCommand({ CiphertextBlob: back, KeyId: key.KeyId }))).Plaintext)).toBe(
      'from the west',
    );
    const reEncrypted = await west.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: key.KeyId }));
    expect(reEncrypted.SourceKeyId).toBe(replicaArn);

    // The primary lists it; tags are the replica's own.
    expect((await describeIn(east, key.KeyId!)).MultiRegionConfiguration?.ReplicaKeys).toEqual([
      { Arn: replicaArn, Region: 'eu-west-1' },
    ]);
    expect((await east.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags).toEqual([]);
    const westKeys = (await west.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyArn);
    expect(westKeys).toContain(replicaArn);
  });

  it("answers AWS's errors", async () => {
    const key = await primaryKey();
    const single = (await east.send(new CreateKeyCommand({}))).KeyMetadata!;
    await expectKmsError(
      replicate(single.KeyId!, 'eu-west-1'),
      'UnsupportedOperationException',
      `${single.Arn} is not a multi-Region primary key.`,
    );
    await replicate(key.KeyId!, 'eu-west-1');
    await expectKmsError(
      replicate(key.KeyId!, 'eu-west-1'),
      'AlreadyExistsException',
      `Unable to replicate key ${key.KeyId} to region eu-west-1, as the key already exist there`,
    );
    await settle();
    // Only the primary key is replicated.
    await expectKmsError(
      west.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'ap-southeast-2' })),
      'UnsupportedOperationException',
      `arn:aws:kms:eu-west-1:${key.AWSAccountId}:key/${key.KeyId} is not a multi-Region primary key.`,
    );
    await expectKmsError(replicate(key.KeyId!, 'cn-north-1'), 'UnsupportedOperationException');
    await expectKmsError(replicate(key.KeyId!, 'us-east-1'), 'ValidationException');
    await expectKmsError(replicate('alias/nope', 'eu-west-1'), 'NotFoundException');
    await east.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectKmsError(replicate(key.KeyId!, 'ap-southeast-2'), 'DisabledException', `${key.Arn} is disabled.`);
  });

  it('replicates asymmetric and HMAC keys: signatures and MACs verify in every Region', async () => {
    const signing = await primaryKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const mac = await primaryKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await replicate(signing.KeyId!, 'ap-southeast-2');
    await replicate(mac.KeyId!, 'ap-southeast-2');
    await settle();
    const message = bytes('signed in the east');
    const { Signature } = await east.send(
      new SignCommand({ KeyId: signing.KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    const verified = await sydney.send(
      new VerifyCommand({ KeyId: signing.KeyId, Message: message, Signature, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(verified.SignatureValid).toBe(true);
    const [a, b] = await Promise.all([
      east.send(new GetPublicKeyCommand({ KeyId: signing.KeyId })),
      sydney.send(new GetPublicKeyCommand({ KeyId: signing.KeyId })),
    ]);
    expect(Buffer.from(a.PublicKey!).equals(Buffer.from(b.PublicKey!))).toBe(true);
    const { Mac } = await sydney.send(
      new GenerateMacCommand({ KeyId: mac.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }),
    );
    const ok = await east.send(
      new VerifyMacCommand({ KeyId: mac.KeyId, Message: message, Mac, MacAlgorithm: 'HMAC_SHA_256' }),
    );
    expect(ok.MacValid).toBe(true);
  });

  it('replicates a key with imported material as PendingImport', async () => {
    const key = await primaryKey({ Origin: 'EXTERNAL' });
    const out = await replicate(key.KeyId!, 'eu-west-1');
    expect(out.ReplicaKeyMetadata?.KeyState).toBe('Creating');
    expect(out.ReplicaKeyMetadata?.Origin).toBe('EXTERNAL');
    await settle();
    expect((await describeIn(west, key.KeyId!)).KeyState).toBe('PendingImport');
  });

  it('takes only the material imported into the primary key, then decrypts its ciphertexts', async () => {
    const key = await primaryKey({ Origin: 'EXTERNAL' });
    const material = randomBytes(32);
    const imported = await importInto(east, key.KeyId!, material);
    const blob = (await east.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('bring your own') })))
      .CiphertextBlob!;
    await replicate(key.KeyId!, 'eu-west-1');
    // Before the replica was made, and a replica made before the primary's first import.
    const early = await primaryKey({ Origin: 'EXTERNAL' });
    await replicate(early.KeyId!, 'eu-west-1');
    await settle();
    await expectKmsError(west.send(new DecryptCommand({ CiphertextBlob: blob })), 'KMSInvalidStateException');
    await expectKmsError(importInto(west, key.KeyId!, randomBytes(32)), 'IncorrectKeyMaterialException');
    const again = await importInto(west, key.KeyId!, material);
    expect(again.KeyMaterialId).toBe(imported.KeyMaterialId);
    expect((await describeIn(west, key.KeyId!)).KeyState).toBe('Enabled');
    expect(text((await west.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext)).toBe('bring your own');

    const earlyMaterial = randomBytes(32);
    await importInto(east, early.KeyId!, earlyMaterial);
    await expectKmsError(importInto(west, early.KeyId!, randomBytes(32)), 'IncorrectKeyMaterialException');
    await importInto(west, early.KeyId!, earlyMaterial);
    expect((await describeIn(west, early.KeyId!)).KeyState).toBe('Enabled');
  });
});

describe('shared properties', () => {
  it("keeps rotation in sync: the primary's setting and each new material reach the replicas", async () => {
    const key = await primaryKey();
    await replicate(key.KeyId!, 'eu-west-1');
    await settle();
    await east.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    const status = await west.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    expect(status).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 90 });
    await expectKmsError(
      west.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })),
      'UnsupportedOperationException',
    );
    await expectKmsError(
      west.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })),
      'UnsupportedOperationException',
    );

    await east.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const rotated = await describeIn(east, key.KeyId!);
    expect(rotated.CurrentKeyMaterialId).not.toBe(key.CurrentKeyMaterialId);
    expect((await describeIn(west, key.KeyId!)).CurrentKeyMaterialId).toBe(rotated.CurrentKeyMaterialId);
    const blob = (await west.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('new material') })))
      .CiphertextBlob!;
    const decrypted = await east.send(new DecryptCommand({ CiphertextBlob: blob }));
    expect(decrypted.KeyMaterialId).toBe(rotated.CurrentKeyMaterialId);

    // Automatic rotation of the primary, by the scheduler, reaches the replica too; the replica
    // never rotates on its own.
    clock.advance(91 * DAY);
    const run = await t.server.runScheduledWork();
    expect(run.rotated).toEqual([key.Arn]);
    expect((await describeIn(west, key.KeyId!)).CurrentKeyMaterialId).toBe(
      (await describeIn(east, key.KeyId!)).CurrentKeyMaterialId,
    );
  });

  it('keeps the enabled state, description and policy of each key its own', async () => {
    const key = await primaryKey({ Description: 'east' });
    await replicate(key.KeyId!, 'eu-west-1', { Description: 'west' });
    await settle();
    await west.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    expect((await describeIn(east, key.KeyId!)).KeyState).toBe('Enabled');
    expect((await describeIn(east, key.KeyId!)).Description).toBe('east');
    expect((await describeIn(west, key.KeyId!)).KeyState).toBe('Disabled');
  });
});

describe('UpdatePrimaryRegion', () => {
  it('swaps primary and replica, both Updating for a moment and still usable', async () => {
    const key = await primaryKey();
    await replicate(key.KeyId!, 'eu-west-1');
    await replicate(key.KeyId!, 'ap-southeast-2');
    await settle();
    await east.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: 'eu-west-1' }));
    const westArn = `arn:aws:kms:eu-west-1:${key.AWSAccountId}:key/${key.KeyId}`;
    const [old, now] = [await describeIn(east, key.KeyId!), await describeIn(west, key.KeyId!)];
    expect(old.KeyState).toBe('Updating');
    expect(old.Enabled).toBe(true);
    expect(now.KeyState).toBe('Updating');
    expect(old.MultiRegionConfiguration?.MultiRegionKeyType).toBe('REPLICA');
    expect(now.MultiRegionConfiguration).toMatchObject({
      MultiRegionKeyType: 'PRIMARY',
      PrimaryKey: { Arn: westArn, Region: 'eu-west-1' },
    });
    expect(now.MultiRegionConfiguration?.ReplicaKeys?.map((r) => r.Region).sort()).toEqual([
      'ap-southeast-2',
      'us-east-1',
    ]);
    // Updating: cryptographic operations work; enabling, disabling, replicating do not.
    const blob = (await east.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('during the move') })))
      .CiphertextBlob!;
    expect(text((await west.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext)).toBe('during the move');
    await expectKmsError(
      west.send(new DisableKeyCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${westArn} is updating.`,
    );
    await expectKmsError(
      west.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'us-west-2' })),
      'KMSInvalidStateException',
      `${westArn} is updating.`,
    );
    await west.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'new primary' }));
    await settle();
    expect((await describeIn(east, key.KeyId!)).KeyState).toBe('Enabled');
    expect((await describeIn(west, key.KeyId!)).KeyState).toBe('Enabled');
    // The old primary is a replica now: it cannot be replicated or moved.
    await expectKmsError(
      east.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: 'ap-southeast-2' })),
      'UnsupportedOperationException',
      `${key.Arn} is not a multi-Region primary key.`,
    );
    await west.send(new ReplicateKeyCommand({ KeyId: key.KeyId, ReplicaRegion: 'us-west-2' }));
  });

  it('needs a replica in PrimaryRegion, and restores a disabled key as Disabled', async () => {
    const key = await primaryKey();
    await expectKmsError(
      east.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: 'eu-west-1' })),
      'NotFoundException',
      `Key 'arn:aws:kms:eu-west-1:${key.AWSAccountId}:key/${key.KeyId}' does not exist`,
    );
    await replicate(key.KeyId!, 'eu-west-1');
    await settle();
    await west.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      east.send(new UpdatePrimaryRegionCommand({ KeyId: key.KeyId, PrimaryRegion: 'eu-west-1' })),
      'DisabledException',
    );
  });
});

describe('deletion', () => {
  it('keeps a primary key with replicas in PendingReplicaDeletion until the last replica is deleted', async () => {
    const key = await primaryKey();
    await replicate(key.KeyId!, 'eu-west-1');
    await replicate(key.KeyId!, 'ap-southeast-2');
    await settle();
    const scheduled = await east.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    expect(scheduled).toMatchObject({ KeyState: 'PendingReplicaDeletion', PendingWindowInDays: 7 });
    expect(scheduled.DeletionDate).toBeUndefined();
    const primary = await describeIn(east, key.KeyId!);
    expect(primary).toMatchObject({ KeyState: 'PendingReplicaDeletion', PendingDeletionWindowInDays: 7 });
    expect(primary.DeletionDate).toBeUndefined();
    await expectKmsError(
      east.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x') })),
      'KMSInvalidStateException',
      `${key.Arn} is pending replica deletion.`,
    );
    await expectKmsError(
      replicate(key.KeyId!, 'us-west-2'),
      'KMSInvalidStateException',
      `${key.Arn} is pending replica deletion.`,
    );

    await west.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    await sydney.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 30 }));
    clock.advance(7 * DAY + 1000);
    await t.server.runScheduledWork();
    // One replica left: the primary still waits.
    expect((await describeIn(east, key.KeyId!)).KeyState).toBe('PendingReplicaDeletion');
    clock.advance(23 * DAY);
    await t.server.runScheduledWork();
    const waiting = await describeIn(east, key.KeyId!);
    expect(waiting.KeyState).toBe('PendingDeletion');
    expect(waiting.DeletionDate).toEqual(new Date(clock.now().getTime() + 7 * DAY));
    clock.advance(7 * DAY);
    expect((await t.server.runScheduledWork()).deleted).toEqual([key.Arn]);
  });

  it('cancels PendingReplicaDeletion to Disabled', async () => {
    const key = await primaryKey();
    await replicate(key.KeyId!, 'eu-west-1');
    await settle();
    await east.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    await east.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    const back = await describeIn(east, key.KeyId!);
    expect(back.KeyState).toBe('Disabled');
    expect(back.PendingDeletionWindowInDays).toBeUndefined();
  });
});
