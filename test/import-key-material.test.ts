/**
 * Imported key material (Origin EXTERNAL) through the real AWS SDK: CreateKey without material,
 * GetParametersForImport, material wrapped locally with node:crypto under each wrapping algorithm,
 * ImportKeyMaterial, the cryptographic operations on imported material (symmetric, RSA, ECC,
 * HMAC), wrong material and tokens, DeleteImportedKeyMaterial and import of the same material
 * again, and expiry at ValidTo by the scheduler with its service event in the audit trail.
 */
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  VerifyCommand,
  type CreateKeyCommandInput,
  type ImportKeyMaterialCommandInput,
  type KMSClient,
  type WrappingKeySpec,
  type AlgorithmSpec,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm2WrapForImport, WRAPPING_ALGORITHMS, wrapForImport } from '../src/crypto/index.js';
import { bytes, expectKmsError, followClock, newKey, text } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
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

async function externalKey(input: Partial<CreateKeyCommandInput> = {}) {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', ...input }));
  return KeyMetadata!;
}

/** GetParametersForImport, then `material` wrapped as a client wraps it. */
async function wrapped(
  keyId: string,
  material: Buffer,
  algorithm: AlgorithmSpec = 'RSAES_OAEP_SHA_256',
  spec: WrappingKeySpec = 'RSA_2048',
) {
  const params = await kms.send(
    new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: spec }),
  );
  const publicKey = createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' });
  const encrypted = wrapForImport(WRAPPING_ALGORITHMS[algorithm]!, publicKey, material);
  return { params, publicKey, ImportToken: params.ImportToken!, EncryptedKeyMaterial: encrypted };
}

async function importMaterial(
  keyId: string,
  material: Buffer,
  extra: Partial<ImportKeyMaterialCommandInput> = { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
  algorithm?: AlgorithmSpec,
  spec?: WrappingKeySpec,
) {
  const { ImportToken, EncryptedKeyMaterial } = await wrapped(keyId, material, algorithm, spec);
  return kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken, EncryptedKeyMaterial, ...extra }));
}

const pkcs8 = (key: KeyObject): Buffer => key.export({ type: 'pkcs8', format: 'der' });

async function roundTrip(keyId: string, message = 'imported'): Promise<void> {
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: bytes(message) }));
  const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob }));
  expect(text(Plaintext)).toBe(message);
}

/** Every audit event of the data directory, from every JSON-lines file under audit/. */
async function auditEvents(): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.jsonl')) {
        for (const line of (await readFile(path, 'utf8')).split('\n')) {
          if (line) events.push(JSON.parse(line) as Record<string, unknown>);
        }
      }
    }
  };
  await walk(join(t.dataDir, 'audit'));
  return events;
}

describe('a key of Origin EXTERNAL before its import', () => {
  it('is created pending import, with no material, and refuses use until imported', async () => {
    const key = await externalKey({ Description: 'byok' });
    expect(key).toMatchObject({
      Origin: 'EXTERNAL',
      KeyState: 'PendingImport',
      Enabled: false,
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    });
    expect(key.CurrentKeyMaterialId).toBeUndefined();
    expect(key.ExpirationModel).toBeUndefined();
    expect(key.ValidTo).toBeUndefined();
    expect(await t.server.services.storage.listKeyMaterials(key.Arn!)).toEqual([]);
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x') })),
      'KMSInvalidStateException',
      `${key.Arn} is pending import.`,
    );
    await expectKmsError(
      kms.send(new EnableKeyCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} is pending import.`,
    );
    await expectKmsError(
      kms.send(new DisableKeyCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} is pending import.`,
    );
    await expectKmsError(
      kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })),
      'UnsupportedOperationException',
      `${key.Arn} origin is EXTERNAL which is not valid for this operation.`,
    );
  });

  it('refuses key specs whose material cannot be imported, and the import operations on AWS_KMS keys', async () => {
    await expectKmsError(
      kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: 'ML_DSA_44', KeyUsage: 'SIGN_VERIFY' })),
      'UnsupportedOperationException',
      'KeySpec ML_DSA_44 is not supported for KMS keys with imported key material (Origin EXTERNAL).',
    );
    const own = await newKey(kms);
    const message = `${own.Arn} origin is AWS_KMS which is not valid for this operation.`;
    await expectKmsError(
      kms.send(
        new GetParametersForImportCommand({
          KeyId: own.KeyId,
          WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
          WrappingKeySpec: 'RSA_2048',
        }),
      ),
      'UnsupportedOperationException',
      message,
    );
    await expectKmsError(
      kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: own.KeyId })),
      'UnsupportedOperationException',
      message,
    );
  });
});

describe('GetParametersForImport', () => {
  it('returns the key ARN, an RSA public key of the spec and a token valid 24 hours', async () => {
    const key = await externalKey();
    const { params, publicKey } = await wrapped(key.KeyId!, randomBytes(32), 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_3072');
    expect(params.KeyId).toBe(key.Arn);
    expect(publicKey.asymmetricKeyType).toBe('rsa');
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(params.ParametersValidTo).toEqual(new Date(clock.now().getTime() + DAY));
    expect(params.ImportToken!.length).toBeGreaterThan(16);
    // Each call has its own key pair and token.
    const again = await wrapped(key.KeyId!, randomBytes(32), 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_3072');
    expect(Buffer.from(again.params.PublicKey!)).not.toEqual(Buffer.from(params.PublicKey!));
    expect(Buffer.from(again.params.ImportToken!)).not.toEqual(Buffer.from(params.ImportToken!));
  });

  it('refuses wrapping algorithms that cannot carry the key spec material, SM2 and RSAES_PKCS1_V1_5', async () => {
    const rsa = await externalKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    const p521 = await externalKey({ KeySpec: 'ECC_NIST_P521', KeyUsage: 'SIGN_VERIFY' });
    const get = (KeyId: string, WrappingAlgorithm: AlgorithmSpec, WrappingKeySpec: WrappingKeySpec) =>
      kms.send(new GetParametersForImportCommand({ KeyId, WrappingAlgorithm, WrappingKeySpec }));
    await expectKmsError(
      get(rsa.KeyId!, 'RSAES_OAEP_SHA_256', 'RSA_4096'),
      'ValidationException',
      'The wrapping algorithm RSAES_OAEP_SHA_256 with wrapping key spec RSA_4096 cannot wrap RSA_2048 key material.',
    );
    await expectKmsError(get(p521.KeyId!, 'RSAES_OAEP_SHA_1', 'RSA_2048'), 'ValidationException', /ECC_NIST_P521/);
    await expectKmsError(
      get(p521.KeyId!, 'SM2PKE', 'SM2'),
      'UnsupportedOperationException',
      'SM2 wrapping is not supported in this Region.',
    );
    await expectKmsError(
      get(p521.KeyId!, 'RSAES_PKCS1_V1_5', 'RSA_2048'),
      'ValidationException',
      'The wrapping algorithm RSAES_PKCS1_V1_5 is not supported.',
    );
  });
});

describe('ImportKeyMaterial of symmetric material', () => {
  const cases: [AlgorithmSpec, WrappingKeySpec][] = [
    ['RSAES_OAEP_SHA_1', 'RSA_2048'],
    ['RSAES_OAEP_SHA_256', 'RSA_3072'],
    ['RSA_AES_KEY_WRAP_SHA_1', 'RSA_2048'],
    ['RSA_AES_KEY_WRAP_SHA_256', 'RSA_4096'],
  ];
  for (const [algorithm, spec] of cases) {
    it(`imports 256 bits wrapped with ${algorithm} under ${spec}; the key encrypts and decrypts`, async () => {
      const key = await externalKey();
      const material = randomBytes(32);
      const out = await importMaterial(key.KeyId!, material, undefined, algorithm, spec);
      expect(out.KeyId).toBe(key.Arn);
      expect(out.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      const after = await describeKey(key.KeyId!);
      expect(after).toMatchObject({
        KeyState: 'Enabled',
        Enabled: true,
        Origin: 'EXTERNAL',
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        CurrentKeyMaterialId: out.KeyMaterialId,
      });
      expect(after.ValidTo).toBeUndefined();
      await roundTrip(key.KeyId!);
    });
  }

  it('imports material wrapped by openssl pkeyutl and openssl enc -id-aes256-wrap-pad (RSA_AES_KEY_WRAP_SHA_256)', async () => {
    const key = await externalKey();
    const params = await kms.send(
      new GetParametersForImportCommand({
        KeyId: key.KeyId,
        WrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256',
        WrappingKeySpec: 'RSA_3072',
      }),
    );
    const dir = await mkdtemp(join(tmpdir(), 'trent-import-openssl-'));
    try {
      const file = (name: string) => join(dir, name);
      await writeFile(file('public.der'), params.PublicKey!);
      const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
      openssl('rand', '-out', file('material.bin'), '32');
      openssl('rand', '-out', file('aes.bin'), '32');
      openssl(
        'pkeyutl',
        '-encrypt',
        '-pubin',
        '-keyform',
        'DER',
        '-inkey',
        file('public.der'),
        '-in',
        file('aes.bin'),
        '-out',
        file('aes.wrapped'),
        '-pkeyopt',
        'rsa_padding_mode:oaep',
        '-pkeyopt',
        'rsa_oaep_md:sha256',
        '-pkeyopt',
        'rsa_mgf1_md:sha256',
      );
      const aesHex = (await readFile(file('aes.bin'))).toString('hex');
      openssl(
        'enc',
        '-id-aes256-wrap-pad',
        '-K',
        aesHex,
        '-iv',
        'A65959A6',
        '-in',
        file('material.bin'),
        '-out',
        file('material.wrapped'),
      );
      const EncryptedKeyMaterial = Buffer.concat([
        await readFile(file('aes.wrapped')),
        await readFile(file('material.wrapped')),
      ]);
      await kms.send(
        new ImportKeyMaterialCommand({
          KeyId: key.KeyId,
          ImportToken: params.ImportToken,
          EncryptedKeyMaterial,
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      );
      await roundTrip(key.KeyId!, 'wrapped by openssl');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('imports the same material again (EXISTING_KEY_MATERIAL by default), never other material', async () => {
    const key = await externalKey();
    const material = randomBytes(32);
    const first = await importMaterial(key.KeyId!, material);
    const again = await importMaterial(key.KeyId!, material, {
      ExpirationModel: 'KEY_MATERIAL_EXPIRES',
      ValidTo: new Date(clock.now().getTime() + 30 * DAY),
      KeyMaterialId: first.KeyMaterialId,
    });
    expect(again.KeyMaterialId).toBe(first.KeyMaterialId);
    expect((await describeKey(key.KeyId!)).ValidTo).toEqual(new Date(clock.now().getTime() + 30 * DAY));
    await expectKmsError(
      importMaterial(key.KeyId!, randomBytes(32)),
      'IncorrectKeyMaterialException',
      'The key material in the request is not the key material previously imported into this KMS key.',
    );
    await expectKmsError(
      importMaterial(key.KeyId!, material, {
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        ImportType: 'NEW_KEY_MATERIAL',
      }),
      'IncorrectKeyMaterialException',
      'The key material in the request is already associated with this KMS key.',
    );
    await expectKmsError(
      importMaterial(key.KeyId!, material, {
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        KeyMaterialId: 'f'.repeat(64),
      }),
      'IncorrectKeyMaterialException',
    );
    // A material id derived from the material: the same bytes in another key have another id.
    const other = await externalKey();
    expect((await importMaterial(other.KeyId!, material)).KeyMaterialId).not.toBe(first.KeyMaterialId);
  });

  it('refuses material of the wrong length, EXISTING_KEY_MATERIAL before any import, and bad ValidTo', async () => {
    const key = await externalKey();
    for (const n of [16, 31, 33, 64]) {
      await expectKmsError(
        importMaterial(key.KeyId!, randomBytes(n)),
        'IncorrectKeyMaterialException',
        'The key material in the request is not valid for a KMS key of key spec SYMMETRIC_DEFAULT.',
      );
    }
    await expectKmsError(
      importMaterial(key.KeyId!, randomBytes(32), {
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        ImportType: 'EXISTING_KEY_MATERIAL',
      }),
      'IncorrectKeyMaterialException',
    );
    const now = clock.now().getTime();
    const bad: [Partial<ImportKeyMaterialCommandInput>, string][] = [
      [{}, 'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES'],
      [{ ValidTo: new Date(now - 1000) }, 'ValidTo must be in the future'],
      [{ ValidTo: new Date(now + 366 * DAY) }, 'ValidTo must be no more than 365 days from the request date.'],
      [
        { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ValidTo: new Date(now + DAY) },
        'The parameter ValidTo cannot be specified for a key with an expiration model of KEY_MATERIAL_DOES_NOT_EXPIRE',
      ],
    ];
    for (const [extra, message] of bad) {
      await expectKmsError(importMaterial(key.KeyId!, randomBytes(32), extra), 'ValidationException', message);
    }
    expect((await describeKey(key.KeyId!)).KeyState).toBe('PendingImport');
  });
});

describe('import tokens', () => {
  it('serve one import, of their own key, for 24 hours, and refuse a ciphertext not made for them', async () => {
    const key = await externalKey();
    const other = await externalKey();
    const material = randomBytes(32);
    const invalid = 'The import token is invalid or is associated with a different KMS key.';
    const w = await wrapped(key.KeyId!, material);
    const send = (KeyId: string, ImportToken: Uint8Array, EncryptedKeyMaterial: Uint8Array) =>
      kms.send(
        new ImportKeyMaterialCommand({
          KeyId,
          ImportToken,
          EncryptedKeyMaterial,
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      );
    await expectKmsError(
      send(other.KeyId!, w.ImportToken, w.EncryptedKeyMaterial),
      'InvalidImportTokenException',
      invalid,
    );
    await expectKmsError(
      send(key.KeyId!, randomBytes(37), w.EncryptedKeyMaterial),
      'InvalidImportTokenException',
      invalid,
    );
    await send(key.KeyId!, w.ImportToken, w.EncryptedKeyMaterial);
    await expectKmsError(
      send(key.KeyId!, w.ImportToken, w.EncryptedKeyMaterial),
      'InvalidImportTokenException',
      invalid,
    );

    // Material wrapped under another token's public key does not unwrap (and uses up the token).
    const mine = await wrapped(key.KeyId!, material);
    const theirs = await wrapped(key.KeyId!, material);
    const err = await expectKmsError(
      send(key.KeyId!, mine.ImportToken, theirs.EncryptedKeyMaterial),
      'InvalidCiphertextException',
    );
    expect(err.message).not.toMatch(/padding|oaep|wrap/i);
    await expectKmsError(send(key.KeyId!, mine.ImportToken, mine.EncryptedKeyMaterial), 'InvalidImportTokenException');

    const late = await wrapped(key.KeyId!, material);
    clock.advance(DAY);
    await expectKmsError(
      send(key.KeyId!, late.ImportToken, late.EncryptedKeyMaterial),
      'ExpiredImportTokenException',
      'The import token is expired.',
    );
    // The scheduler drops the expired wrapping keys.
    await t.server.runScheduledWork();
    await expectKmsError(send(key.KeyId!, late.ImportToken, late.EncryptedKeyMaterial), 'InvalidImportTokenException');
  });

  it('never appear in the audit trail, nor does the wrapped material', async () => {
    const key = await externalKey();
    const w = await wrapped(key.KeyId!, randomBytes(32));
    await kms.send(
      new ImportKeyMaterialCommand({
        KeyId: key.KeyId,
        ImportToken: w.ImportToken,
        EncryptedKeyMaterial: w.EncryptedKeyMaterial,
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
    );
    const trail = JSON.stringify(await auditEvents());
    expect(trail).toContain('"eventName":"ImportKeyMaterial"');
    expect(trail).toContain('"eventName":"GetParametersForImport"');
    for (const blob of [w.ImportToken, w.EncryptedKeyMaterial, w.params.PublicKey!]) {
      expect(trail).not.toContain(Buffer.from(blob).toString('base64'));
    }
  });
});

describe('DeleteImportedKeyMaterial and import again', () => {
  it('makes earlier ciphertexts fail until the same material is back, then they decrypt', async () => {
    const key = await externalKey();
    const material = randomBytes(32);
    const { KeyMaterialId } = await importMaterial(key.KeyId!, material);
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('before') }));

    const deleted = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId }));
    expect(deleted).toMatchObject({ KeyId: key.Arn, KeyMaterialId });
    expect((await describeKey(key.KeyId!)).KeyState).toBe('PendingImport');
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob })),
      'KMSInvalidStateException',
      `${key.Arn} is pending import.`,
    );
    expect(await t.server.services.storage.getKeyMaterial(key.Arn!, KeyMaterialId!)).toBeUndefined();
    // No effect on a key pending import.
    await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId }));

    await expectKmsError(importMaterial(key.KeyId!, randomBytes(32)), 'IncorrectKeyMaterialException');
    await importMaterial(
      key.KeyId!,
      material,
      { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
      'RSA_AES_KEY_WRAP_SHA_256',
    );
    const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob }));
    expect(text(Plaintext)).toBe('before');
  });

  it('leaves a key pending deletion so, and its cancellation returns it pending import', async () => {
    const key = await externalKey();
    await importMaterial(key.KeyId!, randomBytes(32));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId }));
    expect((await describeKey(key.KeyId!)).KeyState).toBe('PendingDeletion');
    await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    expect((await describeKey(key.KeyId!)).KeyState).toBe('PendingImport');
  });

  it('refuses a KeyMaterialId the key does not have', async () => {
    const key = await externalKey();
    await importMaterial(key.KeyId!, randomBytes(32));
    await expectKmsError(
      kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId, KeyMaterialId: 'a'.repeat(64) })),
      'NotFoundException',
    );
    expect((await describeKey(key.KeyId!)).KeyState).toBe('Enabled');
  });
});

describe('expiry at ValidTo', () => {
  it('is done by the scheduler, recorded as DeleteExpiredKeyMaterial, and undone by the same material', async () => {
    const key = await externalKey();
    const material = randomBytes(32);
    const validTo = new Date(clock.now().getTime() + 2 * HOUR);
    const { KeyMaterialId: keyMaterialId } = await importMaterial(key.KeyId!, material, {
      ExpirationModel: 'KEY_MATERIAL_EXPIRES',
      ValidTo: validTo,
    });
    expect(await describeKey(key.KeyId!)).toMatchObject({ ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo });
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('expiring') }));

    clock.advance(2 * HOUR - 1000);
    expect((await t.server.runScheduledWork()).expired).toEqual([]);
    // Reads after ValidTo do not delete: only the scheduler does.
    clock.advance(1000);
    expect((await describeKey(key.KeyId!)).KeyState).toBe('Enabled');
    expect((await t.server.runScheduledWork()).expired).toEqual([key.Arn]);
    const after = await describeKey(key.KeyId!);
    expect(after.KeyState).toBe('PendingImport');
    expect(after.ValidTo).toBeUndefined();
    await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob })), 'KMSInvalidStateException');
    expect((await t.server.runScheduledWork()).expired).toEqual([]);

    const events = (await auditEvents()).filter(
      (e) => e.eventType === 'AwsServiceEvent' && e.eventName === 'DeleteExpiredKeyMaterial',
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventSource: 'kms.amazonaws.com',
      eventTime: clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      resources: [{ ARN: key.Arn }],
      serviceEventDetails: { keyId: key.KeyId, keyMaterialId },
    });

    await importMaterial(key.KeyId!, material);
    expect(text((await kms.send(new DecryptCommand({ CiphertextBlob }))).Plaintext)).toBe('expiring');
  });
});

describe('several materials and on-demand rotation (symmetric keys)', () => {
  const rotations = async (KeyId: string, all = true) =>
    (await kms.send(new ListKeyRotationsCommand({ KeyId, IncludeKeyMaterial: all ? 'ALL_KEY_MATERIAL' : undefined })))
      .Rotations!;

  it('imports new material pending rotation, rotates to it, and needs every material to be Enabled', async () => {
    const key = await externalKey();
    const first = randomBytes(32);
    const second = randomBytes(32);
    const { KeyMaterialId: id1 } = await importMaterial(key.KeyId!, first);
    const { CiphertextBlob: c1 } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('one') }));
    await expectKmsError(
      kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} has no imported key material pending rotation. Import new key material first.`,
    );

    const validTo = new Date(clock.now().getTime() + 10 * DAY);
    const { KeyMaterialId: id2 } = await importMaterial(key.KeyId!, second, {
      ImportType: 'NEW_KEY_MATERIAL',
      ExpirationModel: 'KEY_MATERIAL_EXPIRES',
      ValidTo: validTo,
      KeyMaterialDescription: 'second material',
    });
    expect(id2).not.toBe(id1);
    expect(await describeKey(key.KeyId!)).toMatchObject({
      KeyState: 'Enabled',
      CurrentKeyMaterialId: id1,
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });
    expect(await rotations(key.KeyId!)).toEqual([
      {
        KeyId: key.KeyId,
        KeyMaterialId: id1,
        ImportState: 'IMPORTED',
        KeyMaterialState: 'CURRENT',
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      },
      {
        KeyId: key.KeyId,
        KeyMaterialId: id2,
        KeyMaterialDescription: 'second material',
        ImportState: 'IMPORTED',
        KeyMaterialState: 'PENDING_ROTATION',
        ExpirationModel: 'KEY_MATERIAL_EXPIRES',
        ValidTo: validTo,
      },
    ]);
    expect(await rotations(key.KeyId!, false)).toEqual([]);
    await expectKmsError(
      importMaterial(key.KeyId!, randomBytes(32), {
        ImportType: 'NEW_KEY_MATERIAL',
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
      'KMSInvalidStateException',
      new RegExp(
        `^New key material \\(id: [0-9a-f]{64}\\) cannot be imported into KMS key ${key.Arn}, because another key material \\(id: ${id2}\\) is pending rotation\\.$`,
      ),
    );

    expect((await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }))).KeyId).toBe(key.Arn);
    expect(await describeKey(key.KeyId!)).toMatchObject({
      CurrentKeyMaterialId: id2,
      ExpirationModel: 'KEY_MATERIAL_EXPIRES',
      ValidTo: validTo,
    });
    expect(await rotations(key.KeyId!, false)).toEqual([
      {
        KeyId: key.KeyId,
        KeyMaterialId: id2,
        KeyMaterialDescription: 'second material',
        ImportState: 'IMPORTED',
        KeyMaterialState: 'CURRENT',
        ExpirationModel: 'KEY_MATERIAL_EXPIRES',
        ValidTo: validTo,
        RotationDate: clock.now(),
        RotationType: 'ON_DEMAND',
      },
    ]);
    const rotateEvents = (await auditEvents()).filter(
      (e) =>
        e.eventName === 'RotateKey' &&
        (e.serviceEventDetails as Record<string, string> | undefined)?.keyId === key.KeyId,
    );
    expect(rotateEvents.map((e) => e.serviceEventDetails)).toEqual([
      {
        rotationType: 'ON_DEMAND',
        keyOrigin: 'EXTERNAL',
        previousKeyMaterialId: id1,
        currentKeyMaterialId: id2,
        keyId: key.KeyId,
      },
    ]);
    const { CiphertextBlob: c2 } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('two') }));

    // Deleting the older material: the key needs it back before anything works again.
    const deleted = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId, KeyMaterialId: id1 }));
    expect(deleted.KeyMaterialId).toBe(id1);
    expect((await describeKey(key.KeyId!)).KeyState).toBe('PendingImport');
    expect((await rotations(key.KeyId!)).map((r) => [r.KeyMaterialId, r.ImportState, r.KeyMaterialState])).toEqual([
      [id1, 'PENDING_IMPORT', 'NON_CURRENT'],
      [id2, 'IMPORTED', 'CURRENT'],
    ]);
    await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob: c2 })), 'KMSInvalidStateException');
    await importMaterial(key.KeyId!, first, {
      ImportType: 'EXISTING_KEY_MATERIAL',
      KeyMaterialId: id1,
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });
    expect(await describeKey(key.KeyId!)).toMatchObject({ KeyState: 'Enabled', CurrentKeyMaterialId: id2 });
    expect(text((await kms.send(new DecryptCommand({ CiphertextBlob: c1 }))).Plaintext)).toBe('one');
    expect(text((await kms.send(new DecryptCommand({ CiphertextBlob: c2 }))).Plaintext)).toBe('two');
  });

  it('expires a material that is not current: the key waits for it, DescribeKey keeps the current one', async () => {
    const key = await externalKey();
    const { KeyMaterialId: id1 } = await importMaterial(key.KeyId!, randomBytes(32));
    const validTo = new Date(clock.now().getTime() + HOUR);
    const { KeyMaterialId: id2 } = await importMaterial(key.KeyId!, randomBytes(32), {
      ImportType: 'NEW_KEY_MATERIAL',
      ExpirationModel: 'KEY_MATERIAL_EXPIRES',
      ValidTo: validTo,
    });
    clock.advance(HOUR);
    expect((await t.server.runScheduledWork()).expired).toEqual([key.Arn]);
    const after = await describeKey(key.KeyId!);
    expect(after).toMatchObject({
      KeyState: 'PendingImport',
      CurrentKeyMaterialId: id1,
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });
    expect((await rotations(key.KeyId!)).map((r) => [r.KeyMaterialId, r.ImportState, r.ValidTo])).toEqual([
      [id1, 'IMPORTED', undefined],
      [id2, 'PENDING_IMPORT', undefined],
    ]);
  });
});

describe('asymmetric and HMAC material', () => {
  it('imports an RSA private key (RSA_AES_KEY_WRAP only) that signs what its public key verifies', async () => {
    const key = await externalKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectKmsError(
      importMaterial(
        key.KeyId!,
        pkcs8(generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey),
        undefined,
        'RSA_AES_KEY_WRAP_SHA_256',
        'RSA_4096',
      ),
      'IncorrectKeyMaterialException',
    );
    await importMaterial(key.KeyId!, pkcs8(pair.privateKey), undefined, 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_4096');
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    expect(Buffer.from(PublicKey!)).toEqual(pair.publicKey.export({ type: 'spki', format: 'der' }));
    const message = bytes('signed by imported material');
    const { Signature } = await kms.send(
      new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }),
    );
    expect(verify('sha256', message, pair.publicKey, Signature!)).toBe(true);
    // Asymmetric material cannot change after its first import.
    const other = pkcs8(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    await expectKmsError(
      importMaterial(
        key.KeyId!,
        other,
        { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ImportType: 'NEW_KEY_MATERIAL' },
        'RSA_AES_KEY_WRAP_SHA_1',
      ),
      'IncorrectKeyMaterialException',
    );
  });

  it('imports ECC private keys of the right curve only', async () => {
    const key = await externalKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    await expectKmsError(
      importMaterial(key.KeyId!, pkcs8(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey)),
      'IncorrectKeyMaterialException',
      'The key material in the request is not valid for a KMS key of key spec ECC_NIST_P256.',
    );
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await importMaterial(key.KeyId!, pkcs8(pair.privateKey), undefined, 'RSAES_OAEP_SHA_1');
    const message = bytes('ecdsa');
    const { Signature } = await kms.send(
      new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(verify('sha256', message, pair.publicKey, Signature!)).toBe(true);
    expect(await describeKey(key.KeyId!)).toMatchObject({
      KeyState: 'Enabled',
      Origin: 'EXTERNAL',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    expect((await describeKey(key.KeyId!)).CurrentKeyMaterialId).toBeUndefined();

    const p521 = await externalKey({ KeySpec: 'ECC_NIST_P521', KeyUsage: 'SIGN_VERIFY' });
    const p521Pair = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
    await importMaterial(p521.KeyId!, pkcs8(p521Pair.privateKey), undefined, 'RSAES_OAEP_SHA_256', 'RSA_3072');
    const sig = await kms.send(
      new SignCommand({ KeyId: p521.KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_512' }),
    );
    expect(verify('sha512', message, p521Pair.publicKey, sig.Signature!)).toBe(true);
  });

  it('imports HMAC keys of the lengths the spec allows; the MAC is the one of that key', async () => {
    const key = await externalKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await expectKmsError(importMaterial(key.KeyId!, randomBytes(31)), 'IncorrectKeyMaterialException');
    await expectKmsError(importMaterial(key.KeyId!, randomBytes(65)), 'IncorrectKeyMaterialException');
    const material = randomBytes(48);
    await importMaterial(key.KeyId!, material);
    const message = bytes('mac me');
    const { Mac } = await kms.send(
      new GenerateMacCommand({ KeyId: key.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }),
    );
    expect(Buffer.from(Mac!)).toEqual(createHmac('sha256', material).update(message).digest());
    await expectKmsError(
      importMaterial(key.KeyId!, material, {
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        KeyMaterialDescription: 'not for HMAC',
      }),
      'ValidationException',
      'KeyMaterialId and KeyMaterialDescription are only valid for symmetric encryption KMS keys.',
    );
  });
});

describe('SM2 wrapping and SM2 material (China Regions)', () => {
  const china = () => followClock(t.client({ region: 'cn-north-1' }), clock);

  async function sm2Import(client: KMSClient, keyId: string, material: Buffer) {
    const params = await client.send(
      new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'SM2PKE', WrappingKeySpec: 'SM2' }),
    );
    // The wrapping key is an SM2 public key: a SubjectPublicKeyInfo naming the SM2 curve (1.2.156.10197.1.301).
    expect(Buffer.from(params.PublicKey!).includes(Buffer.from('06082a811ccf5501822d', 'hex'))).toBe(true);
    return client.send(
      new ImportKeyMaterialCommand({
        KeyId: keyId,
        ImportToken: params.ImportToken,
        EncryptedKeyMaterial: sm2WrapForImport(Buffer.from(params.PublicKey!), material),
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
    );
  }

  it('imports 256 symmetric bits wrapped with SM2PKE under an SM2 wrapping key', async () => {
    const client = china();
    const { KeyMetadata } = await client.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await sm2Import(client, KeyMetadata!.KeyId!, randomBytes(32));
    const { CiphertextBlob } = await client.send(
      new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: bytes('cn') }),
    );
    expect(text((await client.send(new DecryptCommand({ CiphertextBlob }))).Plaintext)).toBe('cn');
  });

  it('imports an SM2 private key that signs what its public key verifies, and refuses a P-256 key', async () => {
    const client = china();
    const { KeyMetadata } = await client.send(
      new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' }),
    );
    expect(KeyMetadata).toMatchObject({ KeyState: 'PendingImport', Origin: 'EXTERNAL', KeySpec: 'SM2' });
    const keyId = KeyMetadata!.KeyId!;
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await expectKmsError(sm2Import(client, keyId, pkcs8(p256.privateKey)), 'IncorrectKeyMaterialException');
    const sm2 = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    await sm2Import(client, keyId, pkcs8(sm2.privateKey));
    const { PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
    expect(Buffer.from(PublicKey!)).toEqual(sm2.publicKey.export({ type: 'spki', format: 'der' }));
    const signed = await client.send(
      new SignCommand({ KeyId: keyId, Message: bytes('signed in cn'), SigningAlgorithm: 'SM2DSA' }),
    );
    const verified = await client.send(
      new VerifyCommand({
        KeyId: keyId,
        Message: bytes('signed in cn'),
        Signature: signed.Signature,
        SigningAlgorithm: 'SM2DSA',
      }),
    );
    expect(verified.SignatureValid).toBe(true);
  });

  it('pairs SM2PKE with the SM2 wrapping key spec only, never for RSA material, and refuses a garbled blob', async () => {
    const client = china();
    const get = (KeyId: string, WrappingAlgorithm: AlgorithmSpec, WrappingKeySpec: WrappingKeySpec) =>
      client.send(new GetParametersForImportCommand({ KeyId, WrappingAlgorithm, WrappingKeySpec }));
    const symmetric = (await client.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    await expectKmsError(get(symmetric, 'SM2PKE', 'RSA_2048'), 'ValidationException');
    await expectKmsError(get(symmetric, 'RSAES_OAEP_SHA_256', 'SM2'), 'ValidationException');
    const rsa = (
      await client.send(new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))
    ).KeyMetadata!.KeyId!;
    await expectKmsError(get(rsa, 'SM2PKE', 'SM2'), 'ValidationException', /cannot wrap RSA_2048 key material/);

    const params = await get(symmetric, 'SM2PKE', 'SM2');
    const blob = sm2WrapForImport(Buffer.from(params.PublicKey!), randomBytes(32));
    blob[blob.length - 1]! ^= 1;
    await expectKmsError(
      client.send(
        new ImportKeyMaterialCommand({
          KeyId: symmetric,
          ImportToken: params.ImportToken,
          EncryptedKeyMaterial: blob,
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      ),
      'InvalidCiphertextException',
    );
    expect((await client.send(new DescribeKeyCommand({ KeyId: symmetric }))).KeyMetadata!.KeyState).toBe(
      'PendingImport',
    );
  });
});
