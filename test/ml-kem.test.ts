/**
 * ML-KEM keys (FIPS 203) through the real AWS SDK: CreateKey and DescribeKey, Encapsulate and
 * Decapsulate, GetPublicKey, and encapsulation with an independent implementation (@noble) to the
 * key's public key, decapsulated through the API.
 */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecapsulateCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncapsulateCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  type KMSClient,
  type KeyMetadata,
  type KeySpec,
} from '@aws-sdk/client-kms';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, EMPTY_MESSAGE, expectKmsError, newKey } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;
const keys: Partial<Record<string, KeyMetadata>> = {};
let symmetric: KeyMetadata;

/** FIPS 203 Table 3: the independent implementation and sizes per key spec. */
const SPECS = [
  { spec: 'ML_KEM_512', kem: ml_kem512, publicKey: 800, ciphertext: 768 },
  { spec: 'ML_KEM_768', kem: ml_kem768, publicKey: 1184, ciphertext: 1088 },
  { spec: 'ML_KEM_1024', kem: ml_kem1024, publicKey: 1568, ciphertext: 1568 },
] as const;

async function createKemKey(spec: string): Promise<KeyMetadata> {
  const { KeyMetadata } = await kms.send(
    new CreateKeyCommand({ KeySpec: spec as KeySpec, KeyUsage: 'ENCAPSULATE_DECAPSULATE' }),
  );
  return KeyMetadata!;
}

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
  for (const { spec } of SPECS) keys[spec] = await createKemKey(spec);
  symmetric = await newKey(kms);
});
afterAll(async () => {
  await t?.stop();
});

describe('CreateKey and DescribeKey', () => {
  it.each(SPECS)('$spec: ENCAPSULATE_DECAPSULATE with EncapsulationAlgorithms [ML_KEM] only', async ({ spec }) => {
    const created = keys[spec]!;
    const { KeyMetadata: described } = await kms.send(new DescribeKeyCommand({ KeyId: created.KeyId }));
    for (const meta of [created, described!]) {
      expect(meta.KeySpec).toBe(spec);
      expect(meta.KeyUsage).toBe('ENCAPSULATE_DECAPSULATE');
      expect(meta.EncapsulationAlgorithms).toEqual(['ML_KEM']);
      expect(meta.EncryptionAlgorithms).toBeUndefined();
      expect(meta.SigningAlgorithms).toBeUndefined();
      expect(meta.KeyAgreementAlgorithms).toBeUndefined();
      expect(meta.MacAlgorithms).toBeUndefined();
      expect(meta.CurrentKeyMaterialId).toBeUndefined();
      expect(meta.Origin).toBe('AWS_KMS');
      expect(meta.KeyState).toBe('Enabled');
    }
  });

  it('requires a KeyUsage, and only ENCAPSULATE_DECAPSULATE fits', async () => {
    await expectKmsError(
      kms.send(new CreateKeyCommand({ KeySpec: 'ML_KEM_768' })),
      'ValidationException',
      'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.',
    );
    for (const usage of ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT', 'GENERATE_VERIFY_MAC'] as const) {
      await expectKmsError(
        kms.send(new CreateKeyCommand({ KeySpec: 'ML_KEM_768', KeyUsage: usage })),
        'ValidationException',
        `KeyUsage ${usage} is not compatible with KeySpec ML_KEM_768`,
      );
    }
    await expectKmsError(
      kms.send(new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCAPSULATE_DECAPSULATE' })),
      'ValidationException',
      'KeyUsage ENCAPSULATE_DECAPSULATE is not compatible with KeySpec SYMMETRIC_DEFAULT',
    );
  });
});

describe('Encapsulate and Decapsulate', () => {
  it.each(SPECS)('$spec: the API decapsulates what the API encapsulated', async ({ spec, ciphertext }) => {
    const key = keys[spec]!;
    const enc = await kms.send(new EncapsulateCommand({ KeyId: key.KeyId, EncapsulationAlgorithm: 'ML_KEM' }));
    expect(enc.KeyId).toBe(key.Arn);
    expect(enc.EncapsulationAlgorithm).toBe('ML_KEM');
    expect(enc.SharedSecret?.length).toBe(32);
    expect(enc.SharedSecretCiphertextBlob?.length).toBe(ciphertext);
    const dec = await kms.send(
      new DecapsulateCommand({
        KeyId: key.Arn,
        SharedSecretCiphertextBlob: enc.SharedSecretCiphertextBlob,
        EncapsulationAlgorithm: 'ML_KEM',
      }),
    );
    expect(dec.KeyId).toBe(key.Arn);
    expect(dec.EncapsulationAlgorithm).toBe('ML_KEM');
    expect(Buffer.from(dec.SharedSecret!).equals(Buffer.from(enc.SharedSecret!))).toBe(true);
  });

  it('answers a changed ciphertext with another 32-byte secret (implicit rejection), not an error', async () => {
    const key = keys.ML_KEM_768!;
    const enc = await kms.send(new EncapsulateCommand({ KeyId: key.KeyId, EncapsulationAlgorithm: 'ML_KEM' }));
    const tampered = Buffer.from(enc.SharedSecretCiphertextBlob!);
    tampered[100]! ^= 0x80;
    const dec = await kms.send(
      new DecapsulateCommand({
        KeyId: key.KeyId,
        SharedSecretCiphertextBlob: tampered,
        EncapsulationAlgorithm: 'ML_KEM',
      }),
    );
    expect(dec.SharedSecret?.length).toBe(32);
    expect(Buffer.from(dec.SharedSecret!).equals(Buffer.from(enc.SharedSecret!))).toBe(false);
    // another ML-KEM key of another size: the length does not fit, so the one error case
    await expectKmsError(
      kms.send(
        new DecapsulateCommand({
          KeyId: keys.ML_KEM_512!.KeyId,
          SharedSecretCiphertextBlob: enc.SharedSecretCiphertextBlob,
          EncapsulationAlgorithm: 'ML_KEM',
        }),
      ),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
  });

  it('refuses a ciphertext whose length does not fit the key spec', async () => {
    for (const length of [1, 1087, 1089, 1568]) {
      await expectKmsError(
        kms.send(
          new DecapsulateCommand({
            KeyId: keys.ML_KEM_768!.KeyId,
            SharedSecretCiphertextBlob: new Uint8Array(length),
            EncapsulationAlgorithm: 'ML_KEM',
          }),
        ),
        'InvalidCiphertextException',
        EMPTY_MESSAGE,
      );
    }
  });

  it('accepts an alias', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/ml-kem', TargetKeyId: keys.ML_KEM_1024!.KeyId }));
    const enc = await kms.send(new EncapsulateCommand({ KeyId: 'alias/ml-kem', EncapsulationAlgorithm: 'ML_KEM' }));
    expect(enc.KeyId).toBe(keys.ML_KEM_1024!.Arn);
  });

  it('refuses a key of another usage, and an ML-KEM key for Encrypt', async () => {
    await expectKmsError(
      kms.send(new EncapsulateCommand({ KeyId: symmetric.KeyId, EncapsulationAlgorithm: 'ML_KEM' })),
      'InvalidKeyUsageException',
      `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Encapsulate.`,
    );
    await expectKmsError(
      kms.send(
        new DecapsulateCommand({
          KeyId: symmetric.KeyId,
          SharedSecretCiphertextBlob: new Uint8Array(1088),
          EncapsulationAlgorithm: 'ML_KEM',
        }),
      ),
      'InvalidKeyUsageException',
      `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Decapsulate.`,
    );
    const kem = keys.ML_KEM_768!;
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: kem.KeyId, Plaintext: bytes('x') })),
      'InvalidKeyUsageException',
      `${kem.Arn} key usage is ENCAPSULATE_DECAPSULATE which is not valid for Encrypt.`,
    );
  });

  it('validates the request against the model', async () => {
    await expectKmsError(
      kms.send(
        new EncapsulateCommand({ KeyId: keys.ML_KEM_768!.KeyId, EncapsulationAlgorithm: 'ML_KEM_768' as 'ML_KEM' }),
      ),
      'ValidationException',
      "1 validation error detected: Value 'ML_KEM_768' at 'encapsulationAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ML_KEM]",
    );
    await expectKmsError(
      kms.send(
        new DecapsulateCommand({
          KeyId: keys.ML_KEM_768!.KeyId,
          SharedSecretCiphertextBlob: undefined as unknown as Uint8Array,
          EncapsulationAlgorithm: 'ML_KEM',
        }),
      ),
      'ValidationException',
      "1 validation error detected: Value null at 'sharedSecretCiphertextBlob' failed to satisfy constraint: Member must not be null",
    );
  });

  it('answers DryRun without a secret, and refuses a disabled key', async () => {
    await expectKmsError(
      kms.send(
        new EncapsulateCommand({ KeyId: keys.ML_KEM_512!.KeyId, EncapsulationAlgorithm: 'ML_KEM', DryRun: true }),
      ),
      'DryRunOperationException',
      'The request would have succeeded, but the DryRun option is set.',
    );
    const disabled = await createKemKey('ML_KEM_512');
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    await expectKmsError(
      kms.send(new EncapsulateCommand({ KeyId: disabled.KeyId, EncapsulationAlgorithm: 'ML_KEM' })),
      'DisabledException',
      `${disabled.Arn} is disabled.`,
    );
    await expectKmsError(
      kms.send(
        new DecapsulateCommand({
          KeyId: disabled.KeyId,
          SharedSecretCiphertextBlob: new Uint8Array(768),
          EncapsulationAlgorithm: 'ML_KEM',
        }),
      ),
      'DisabledException',
      `${disabled.Arn} is disabled.`,
    );
  });
});

describe('GetPublicKey and an independent encapsulation', () => {
  it.each(SPECS)(
    '$spec: @noble encapsulates to the public key, the API decapsulates',
    async ({ spec, kem, publicKey: publicKeyLength }) => {
      const key = keys[spec]!;
      const out = await kms.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
      expect(out.KeyId).toBe(key.Arn);
      expect(out.KeySpec).toBe(spec);
      expect(out.KeyUsage).toBe('ENCAPSULATE_DECAPSULATE');
      expect(out.EncapsulationAlgorithms).toEqual(['ML_KEM']);
      const spki = Buffer.from(out.PublicKey!);
      // SubjectPublicKeyInfo with id-alg-ml-kem-* and no parameters, then the raw key
      expect(spki.length).toBe(publicKeyLength + 22);
      const raw = spki.subarray(22);
      const { cipherText, sharedSecret } = kem.encapsulate(raw);
      const dec = await kms.send(
        new DecapsulateCommand({
          KeyId: key.KeyId,
          SharedSecretCiphertextBlob: cipherText,
          EncapsulationAlgorithm: 'ML_KEM',
        }),
      );
      expect(Buffer.from(dec.SharedSecret!).equals(Buffer.from(sharedSecret))).toBe(true);
    },
  );
});

describe('audit', () => {
  it('records Encapsulate and Decapsulate with the key, and neither the secret nor the ciphertext', async () => {
    const key = keys.ML_KEM_768!;
    const enc = await kms.send(new EncapsulateCommand({ KeyId: key.KeyId, EncapsulationAlgorithm: 'ML_KEM' }));
    const dec = await kms.send(
      new DecapsulateCommand({
        KeyId: key.KeyId,
        SharedSecretCiphertextBlob: enc.SharedSecretCiphertextBlob,
        EncapsulationAlgorithm: 'ML_KEM',
      }),
    );
    const dir = join(t.dataDir, 'audit');
    let log = '';
    for (const f of (await readdir(dir)).sort()) log += await readFile(join(dir, f), 'utf8');
    const events = log
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { eventName: string; requestID: string; resources?: { ARN: string }[] });
    for (const [name, meta] of [
      ['Encapsulate', enc.$metadata],
      ['Decapsulate', dec.$metadata],
    ] as const) {
      const event = events.find((e) => e.requestID === meta.requestId);
      expect(event?.eventName).toBe(name);
      expect(event?.resources?.map((r) => r.ARN)).toEqual([key.Arn]);
    }
    for (const secret of [enc.SharedSecret!, enc.SharedSecretCiphertextBlob!]) {
      const b64 = Buffer.from(secret).toString('base64');
      expect(log).not.toContain(b64.slice(0, 24));
      expect(log).not.toContain(Buffer.from(secret).toString('hex').slice(0, 32));
    }
  });
});
