/** HMAC keys end to end: CreateKey, DescribeKey, GenerateMac and VerifyMac with the AWS SDK. */
import { createHmac } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetKeyRotationStatusCommand,
  RotateKeyOnDemandCommand,
  VerifyMacCommand,
  type KMSClient,
  type KeyMetadata,
  type MacAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, EMPTY_MESSAGE, expectKmsError, newKey } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
});
afterAll(async () => {
  await t?.stop();
});

const SPECS = [
  { spec: 'HMAC_224', algorithm: 'HMAC_SHA_224', hash: 'sha224', keyBytes: 28 },
  { spec: 'HMAC_256', algorithm: 'HMAC_SHA_256', hash: 'sha256', keyBytes: 32 },
  { spec: 'HMAC_384', algorithm: 'HMAC_SHA_384', hash: 'sha384', keyBytes: 48 },
  { spec: 'HMAC_512', algorithm: 'HMAC_SHA_512', hash: 'sha512', keyBytes: 64 },
] as const;

async function hmacKey(spec: string): Promise<KeyMetadata> {
  const { KeyMetadata } = await kms.send(
    new CreateKeyCommand({ KeySpec: spec as never, KeyUsage: 'GENERATE_VERIFY_MAC' }),
  );
  if (!KeyMetadata?.Arn) throw new Error('CreateKey returned no metadata');
  return KeyMetadata;
}

/** The key's material, read from the server's own services (the test's independent check). */
async function material(arn: string): Promise<Buffer> {
  const { storage, materials } = t.server.services;
  const [record] = await storage.listKeyMaterials(arn);
  const plaintext = record && (await materials.plaintext(arn, record.materialId));
  if (!plaintext) throw new Error(`no material for ${arn}`);
  return plaintext;
}

describe.each(SPECS)('$spec keys', ({ spec, algorithm, hash, keyBytes }) => {
  let key: KeyMetadata;
  beforeAll(async () => {
    key = await hmacKey(spec);
  });

  it('are described as AWS describes them', async () => {
    const m = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect(m).toMatchObject({
      KeySpec: spec,
      CustomerMasterKeySpec: spec,
      KeyUsage: 'GENERATE_VERIFY_MAC',
      MacAlgorithms: [algorithm],
    });
    expect(m?.EncryptionAlgorithms).toBeUndefined();
    expect(m?.SigningAlgorithms).toBeUndefined();
    expect(m?.KeyAgreementAlgorithms).toBeUndefined();
    // CurrentKeyMaterialId: only symmetric encryption keys of origin AWS_KMS (AWS, 2025 recordings).
    expect(m?.CurrentKeyMaterialId).toBeUndefined();
    expect(key.MacAlgorithms).toEqual([algorithm]);
  });

  it('GenerateMac computes HMAC with the key material, and VerifyMac accepts it', async () => {
    const message = bytes(`a message for ${spec}`);
    const generated = await kms.send(
      new GenerateMacCommand({ KeyId: key.KeyId, Message: message, MacAlgorithm: algorithm }),
    );
    expect(generated.KeyId).toBe(key.Arn);
    expect(generated.MacAlgorithm).toBe(algorithm);
    const secret = await material(key.Arn!);
    expect(secret).toHaveLength(keyBytes);
    expect(Buffer.from(generated.Mac!)).toEqual(createHmac(hash, secret).update(message).digest());

    const verified = await kms.send(
      new VerifyMacCommand({ KeyId: key.KeyId, Message: message, MacAlgorithm: algorithm, Mac: generated.Mac }),
    );
    expect(verified).toMatchObject({ KeyId: key.Arn, MacValid: true, MacAlgorithm: algorithm });
  });

  it('VerifyMac refuses a MAC of another message, a changed, truncated or extended MAC', async () => {
    const message = bytes('original');
    const { Mac } = await kms.send(
      new GenerateMacCommand({ KeyId: key.KeyId, Message: message, MacAlgorithm: algorithm }),
    );
    const mac = Buffer.from(Mac!);
    const flipped = Buffer.from(mac);
    flipped[0] = (flipped[0] ?? 0) ^ 0x80;
    const wrong: Array<[Uint8Array, Uint8Array]> = [
      [bytes('originaL'), mac],
      [message, flipped],
      [message, mac.subarray(0, mac.length / 2)],
      [message, Buffer.concat([mac, Buffer.of(0)])],
    ];
    for (const [m, candidate] of wrong) {
      await expectKmsError(
        kms.send(new VerifyMacCommand({ KeyId: key.KeyId, Message: m, MacAlgorithm: algorithm, Mac: candidate })),
        'KMSInvalidMacException',
        EMPTY_MESSAGE,
      );
    }
  });
});

describe('GenerateMac and VerifyMac errors', () => {
  let k224: KeyMetadata;
  let k256: KeyMetadata;
  beforeAll(async () => {
    [k224, k256] = await Promise.all([hmacKey('HMAC_224'), hmacKey('HMAC_256')]);
  });

  it('refuse an algorithm the key spec does not offer', async () => {
    await expectKmsError(
      kms.send(new GenerateMacCommand({ KeyId: k224.KeyId, Message: bytes('m'), MacAlgorithm: 'HMAC_SHA_256' })),
      'InvalidKeyUsageException',
      'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.',
    );
    await expectKmsError(
      kms.send(
        new VerifyMacCommand({
          KeyId: k256.KeyId,
          Message: bytes('m'),
          MacAlgorithm: 'HMAC_SHA_512',
          Mac: Buffer.alloc(64),
        }),
      ),
      'InvalidKeyUsageException',
      'Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.',
    );
  });

  it('refuse keys of another usage, and HMAC keys refuse other operations', async () => {
    const symmetric = await newKey(kms);
    await expectKmsError(
      kms.send(new GenerateMacCommand({ KeyId: symmetric.KeyId, Message: bytes('m'), MacAlgorithm: 'HMAC_SHA_256' })),
      'InvalidKeyUsageException',
      `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.`,
    );
    await expectKmsError(
      kms.send(
        new VerifyMacCommand({
          KeyId: symmetric.KeyId,
          Message: bytes('m'),
          MacAlgorithm: 'HMAC_SHA_256',
          Mac: Buffer.alloc(32),
        }),
      ),
      'InvalidKeyUsageException',
      `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for VerifyMac.`,
    );
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: k256.KeyId, Plaintext: bytes('m') })),
      'InvalidKeyUsageException',
      `${k256.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.`,
    );
  });

  it('refuse an unknown algorithm and a message over 4096 bytes, as the model says', async () => {
    await expectKmsError(
      kms.send(
        new GenerateMacCommand({ KeyId: k256.KeyId, Message: bytes('m'), MacAlgorithm: 'INVALID' as MacAlgorithmSpec }),
      ),
      'ValidationException',
      "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]",
    );
    await expectKmsError(
      kms.send(
        new GenerateMacCommand({ KeyId: k256.KeyId, Message: Buffer.alloc(4097), MacAlgorithm: 'HMAC_SHA_256' }),
      ),
      'ValidationException',
      "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
    const { Mac } = await kms.send(
      new GenerateMacCommand({ KeyId: k256.KeyId, Message: Buffer.alloc(4096, 1), MacAlgorithm: 'HMAC_SHA_256' }),
    );
    expect(Mac).toHaveLength(32);
  });

  it('honour DryRun: the checks run, nothing is returned', async () => {
    const message = bytes('dry');
    const { Mac } = await kms.send(
      new GenerateMacCommand({ KeyId: k256.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }),
    );
    const dryRun = 'The request would have succeeded, but the DryRun option is set.';
    await expectKmsError(
      kms.send(
        new GenerateMacCommand({ KeyId: k256.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256', DryRun: true }),
      ),
      'DryRunOperationException',
      dryRun,
    );
    await expectKmsError(
      kms.send(
        new VerifyMacCommand({ KeyId: k256.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256', Mac, DryRun: true }),
      ),
      'DryRunOperationException',
      dryRun,
    );
    await expectKmsError(
      kms.send(
        new GenerateMacCommand({ KeyId: k224.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256', DryRun: true }),
      ),
      'InvalidKeyUsageException',
      'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.',
    );
  });

  it('accept an alias, and refuse a disabled key', async () => {
    const key = await hmacKey('HMAC_384');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/mac-test', TargetKeyId: key.KeyId }));
    const viaAlias = await kms.send(
      new GenerateMacCommand({ KeyId: 'alias/mac-test', Message: bytes('m'), MacAlgorithm: 'HMAC_SHA_384' }),
    );
    expect(viaAlias.KeyId).toBe(key.Arn);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new GenerateMacCommand({ KeyId: key.KeyId, Message: bytes('m'), MacAlgorithm: 'HMAC_SHA_384' })),
      'DisabledException',
      `${key.Arn} is disabled.`,
    );
  });
});

describe('HMAC keys and rotation', () => {
  it('do not rotate: EnableKeyRotation and RotateKeyOnDemand are UnsupportedOperationException', async () => {
    const key = await hmacKey('HMAC_512');
    await expectKmsError(
      kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })),
      'UnsupportedOperationException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })),
      'UnsupportedOperationException',
      EMPTY_MESSAGE,
    );
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    expect(status.KeyRotationEnabled).toBe(false);
  });
});
