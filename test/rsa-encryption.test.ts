/**
 * RSA encryption keys and data key pairs, black-box through the AWS SDK: ciphertext made locally
 * with the public key from GetPublicKey decrypts through the API; Encrypt, Decrypt and ReEncrypt
 * with RSAES_OAEP_SHA_1/256 (limits, required algorithm and KeyId); GenerateDataKeyPair(WithoutPlaintext)
 * for every KeyPairSpec, ML-KEM included. RSA_4096 key generation takes seconds, so few such keys are made.
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GetPublicKeyCommand,
  ReEncryptCommand,
  type DataKeyPairSpec,
  type EncryptionAlgorithmSpec,
  type KMSClient,
  type KeyMetadata,
  type KeySpec,
} from '@aws-sdk/client-kms';
import { constants, createPrivateKey, createPublicKey, publicEncrypt, randomBytes, sign, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kemDecapsulate,
  kemEncapsulate,
  kemKeyPairFromSeed,
  kemPublicKeyFromSpki,
  kemPublicKeySpki,
} from '../src/crypto/index.js';
import { bytes, EMPTY_MESSAGE, expectKmsError, newKey, text } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;
let symmetric: KeyMetadata;
const rsaKeys: Partial<Record<string, KeyMetadata>> = {};
const ALGORITHMS: EncryptionAlgorithmSpec[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];
const LIMITS: Record<string, Record<string, number>> = {
  RSA_2048: { RSAES_OAEP_SHA_1: 214, RSAES_OAEP_SHA_256: 190 },
  RSA_3072: { RSAES_OAEP_SHA_1: 342, RSAES_OAEP_SHA_256: 318 },
  RSA_4096: { RSAES_OAEP_SHA_1: 470, RSAES_OAEP_SHA_256: 446 },
};
const OAEP_HASH: Record<string, string> = { RSAES_OAEP_SHA_1: 'sha1', RSAES_OAEP_SHA_256: 'sha256' };

async function rsaKey(client: KMSClient, spec: KeySpec): Promise<KeyMetadata> {
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'ENCRYPT_DECRYPT' }));
  if (!KeyMetadata?.Arn) throw new Error('CreateKey returned no metadata');
  return KeyMetadata;
}

const rsa = (spec: string): KeyMetadata => {
  const key = rsaKeys[spec];
  if (!key) throw new Error(`no ${spec} key`);
  return key;
};

async function publicKeyOf(keyId: string) {
  const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  return createPublicKey({ key: Buffer.from(out.PublicKey!), format: 'der', type: 'spki' });
}

async function localEncrypt(keyId: string, algorithm: string, plaintext: Buffer): Promise<Buffer> {
  const publicKey = await publicKeyOf(keyId);
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[algorithm] },
    plaintext,
  );
}

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
  symmetric = await newKey(kms, 'wraps data key pairs');
  const specs: KeySpec[] = ['RSA_2048', 'RSA_3072', 'RSA_4096'];
  const created = await Promise.all(specs.map((spec) => rsaKey(kms, spec)));
  specs.forEach((spec, i) => (rsaKeys[spec] = created[i]));
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('RSA ENCRYPT_DECRYPT keys', () => {
  it('DescribeKey lists the two OAEP algorithms and nothing for signing', async () => {
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096']) {
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: rsa(spec).KeyId }));
      expect(KeyMetadata?.KeySpec).toBe(spec);
      expect(KeyMetadata?.KeyUsage).toBe('ENCRYPT_DECRYPT');
      expect(KeyMetadata?.EncryptionAlgorithms).toEqual(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
      expect(KeyMetadata?.SigningAlgorithms).toBeUndefined();
    }
  });

  it('decrypts through the API what was encrypted locally to the public key, for every spec and algorithm', async () => {
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096']) {
      const key = rsa(spec);
      for (const algorithm of ALGORITHMS) {
        const message = randomBytes(LIMITS[spec]![algorithm]!);
        const ciphertext = await localEncrypt(key.KeyId!, algorithm, message);
        const out = await kms.send(
          new DecryptCommand({ CiphertextBlob: ciphertext, KeyId: key.KeyId, EncryptionAlgorithm: algorithm }),
        );
        expect(Buffer.from(out.Plaintext!).equals(message), `${spec} ${algorithm}`).toBe(true);
        expect(out.KeyId).toBe(key.Arn);
        expect(out.EncryptionAlgorithm).toBe(algorithm);
        expect(out.KeyMaterialId).toBeUndefined();
      }
    }
  });

  it('Encrypt through the API round-trips through Decrypt, up to the limit and not a byte beyond', async () => {
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096']) {
      const key = rsa(spec);
      for (const algorithm of ALGORITHMS) {
        const limit = LIMITS[spec]![algorithm]!;
        const message = randomBytes(limit);
        const enc = await kms.send(
          new EncryptCommand({ KeyId: key.KeyId, Plaintext: message, EncryptionAlgorithm: algorithm }),
        );
        expect(enc.KeyId).toBe(key.Arn);
        expect(enc.EncryptionAlgorithm).toBe(algorithm);
        expect(enc.CiphertextBlob?.length).toBe(Number(spec.slice(4)) / 8);
        const dec = await kms.send(
          new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, KeyId: key.Arn, EncryptionAlgorithm: algorithm }),
        );
        expect(Buffer.from(dec.Plaintext!).equals(message)).toBe(true);
        await expectKmsError(
          kms.send(
            new EncryptCommand({ KeyId: key.KeyId, Plaintext: randomBytes(limit + 1), EncryptionAlgorithm: algorithm }),
          ),
          'ValidationException',
          `Algorithm ${algorithm} and key spec ${spec} cannot encrypt data larger than ${limit} bytes.`,
        );
      }
    }
  });

  it('Encrypt with an RSA key needs EncryptionAlgorithm (SYMMETRIC_DEFAULT is the default, as in AWS)', async () => {
    const key = rsa('RSA_2048');
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x') })),
      'InvalidKeyUsageException',
      'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.',
    );
    await expectKmsError(
      kms.send(
        new EncryptCommand({
          KeyId: symmetric.KeyId,
          Plaintext: bytes('x'),
          EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
        }),
      ),
      'InvalidKeyUsageException',
      'Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.',
    );
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x'), EncryptionAlgorithm: 'SM2PKE' })),
      'InvalidKeyUsageException',
      'Algorithm SM2PKE is incompatible with key spec RSA_2048.',
    );
  });

  it('Decrypt of RSA ciphertext needs KeyId and EncryptionAlgorithm; failures carry no message', async () => {
    const key = rsa('RSA_2048');
    const ciphertext = await localEncrypt(key.KeyId!, 'RSAES_OAEP_SHA_256', Buffer.from('secret'));
    // Without KeyId the ciphertext names no key.
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, KeyId: key.KeyId })),
      'InvalidKeyUsageException',
      'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.',
    );
    // The wrong OAEP hash, a changed byte, a truncation, garbage, another key: all the same error.
    const changed = Buffer.from(ciphertext);
    changed[7]! ^= 0x10;
    const wrong: Array<[Uint8Array, string, string]> = [
      [ciphertext, 'RSAES_OAEP_SHA_1', key.KeyId!],
      [changed, 'RSAES_OAEP_SHA_256', key.KeyId!],
      [ciphertext.subarray(1), 'RSAES_OAEP_SHA_256', key.KeyId!],
      [randomBytes(256), 'RSAES_OAEP_SHA_256', key.KeyId!],
      [ciphertext, 'RSAES_OAEP_SHA_256', rsa('RSA_3072').KeyId!],
    ];
    for (const [blob, algorithm, keyId] of wrong) {
      await expectKmsError(
        kms.send(
          new DecryptCommand({
            CiphertextBlob: blob,
            KeyId: keyId,
            EncryptionAlgorithm: algorithm as EncryptionAlgorithmSpec,
          }),
        ),
        'InvalidCiphertextException',
        EMPTY_MESSAGE,
      );
    }
    // RSA ciphertext presented to a symmetric key is not Trent's symmetric format.
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, KeyId: symmetric.KeyId })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
  });

  it('a PKCS#1 v1.5 ciphertext never decrypts', async () => {
    const key = rsa('RSA_2048');
    const v15 = publicEncrypt(
      { key: await publicKeyOf(key.KeyId!), padding: constants.RSA_PKCS1_PADDING },
      Buffer.from('x'),
    );
    for (const algorithm of ALGORITHMS) {
      await expectKmsError(
        kms.send(new DecryptCommand({ CiphertextBlob: v15, KeyId: key.KeyId, EncryptionAlgorithm: algorithm })),
        'InvalidCiphertextException',
        EMPTY_MESSAGE,
      );
    }
  });

  it('refuses an encryption context with an RSA key rather than ignore it', async () => {
    const key = rsa('RSA_2048');
    await expectKmsError(
      kms.send(
        new EncryptCommand({
          KeyId: key.KeyId,
          Plaintext: bytes('x'),
          EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
          EncryptionContext: { purpose: 'test' },
        }),
      ),
      'ValidationException',
      'EncryptionContext is not supported with asymmetric KMS keys.',
    );
  });

  it('GenerateDataKey refuses an RSA key', async () => {
    await expectKmsError(
      kms.send(new GenerateDataKeyCommand({ KeyId: rsa('RSA_2048').KeyId, KeySpec: 'AES_256' })),
      'InvalidKeyUsageException',
      'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.',
    );
  });
});

describe('ReEncrypt between symmetric and RSA keys', () => {
  it('symmetric -> RSA: the result decrypts with the RSA key', async () => {
    const key = rsa('RSA_3072');
    const enc = await kms.send(
      new EncryptCommand({ KeyId: symmetric.KeyId, Plaintext: bytes('moving'), EncryptionContext: { a: 'b' } }),
    );
    const re = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: enc.CiphertextBlob,
        SourceEncryptionContext: { a: 'b' },
        DestinationKeyId: key.KeyId,
        DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }),
    );
    expect(re.SourceKeyId).toBe(symmetric.Arn);
    expect(re.KeyId).toBe(key.Arn);
    expect(re.SourceEncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    expect(re.DestinationEncryptionAlgorithm).toBe('RSAES_OAEP_SHA_256');
    expect(re.SourceKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(re.DestinationKeyMaterialId).toBeUndefined();
    const dec = await kms.send(
      new DecryptCommand({
        CiphertextBlob: re.CiphertextBlob,
        KeyId: key.KeyId,
        EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }),
    );
    expect(text(dec.Plaintext)).toBe('moving');
    await expectKmsError(
      kms.send(
        new ReEncryptCommand({
          CiphertextBlob: enc.CiphertextBlob,
          SourceEncryptionContext: { a: 'b' },
          DestinationKeyId: key.KeyId,
        }),
      ),
      'InvalidKeyUsageException',
      'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_3072.',
    );
  });

  it('RSA -> symmetric: needs SourceKeyId and SourceEncryptionAlgorithm', async () => {
    const key = rsa('RSA_2048');
    const ciphertext = await localEncrypt(key.KeyId!, 'RSAES_OAEP_SHA_1', Buffer.from('from outside'));
    const re = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: ciphertext,
        SourceKeyId: key.KeyId,
        SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_1',
        DestinationKeyId: symmetric.KeyId,
        DestinationEncryptionContext: { to: 'symmetric' },
      }),
    );
    expect(re.SourceKeyId).toBe(key.Arn);
    expect(re.SourceEncryptionAlgorithm).toBe('RSAES_OAEP_SHA_1');
    expect(re.DestinationEncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    expect(re.SourceKeyMaterialId).toBeUndefined();
    expect(re.DestinationKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    const dec = await kms.send(
      new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { to: 'symmetric' } }),
    );
    expect(text(dec.Plaintext)).toBe('from outside');
    await expectKmsError(
      kms.send(new ReEncryptCommand({ CiphertextBlob: ciphertext, DestinationKeyId: symmetric.KeyId })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      kms.send(
        new ReEncryptCommand({ CiphertextBlob: ciphertext, SourceKeyId: key.KeyId, DestinationKeyId: symmetric.KeyId }),
      ),
      'InvalidKeyUsageException',
      'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.',
    );
  });
});

describe('GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext', () => {
  /** Signs with the private key and verifies with the public key, locally. */
  function matches(privateDer: Uint8Array, publicDer: Uint8Array, spec: string): void {
    const privateKey = createPrivateKey({ key: Buffer.from(privateDer), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey({ key: Buffer.from(publicDer), format: 'der', type: 'spki' });
    expect(
      createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).equals(Buffer.from(publicDer)),
      spec,
    ).toBe(true);
    const digest = spec === 'ECC_NIST_EDWARDS25519' ? null : 'sha256';
    const signature = sign(digest, Buffer.from('message'), privateKey);
    expect(verify(digest, Buffer.from('message'), publicKey, signature), spec).toBe(true);
  }

  const SPECS: DataKeyPairSpec[] = [
    'RSA_2048',
    'RSA_3072',
    'RSA_4096',
    'ECC_NIST_P256',
    'ECC_NIST_P384',
    'ECC_NIST_P521',
    'ECC_SECG_P256K1',
    'ECC_NIST_EDWARDS25519',
  ];
  const context = { app: 'data-key-pair' };

  // One spec at a time: RSA-4096 takes seconds on a busy 2-core CI machine, and eight at once
  // queue behind one key-generation thread while other suites compete for the cores.
  it('returns PKCS#8 and SPKI DER for every spec; the ciphertext decrypts to the private key with the context', async () => {
    for (const spec of SPECS) {
      const out = await kms.send(
        new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec: spec, EncryptionContext: context }),
      );
      expect(out.KeyId).toBe(symmetric.Arn);
      expect(out.KeyPairSpec).toBe(spec);
      expect(out.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      matches(out.PrivateKeyPlaintext!, out.PublicKey!, spec);
      const dec = await kms.send(
        new DecryptCommand({ CiphertextBlob: out.PrivateKeyCiphertextBlob, EncryptionContext: context }),
      );
      expect(Buffer.from(dec.Plaintext!).equals(Buffer.from(out.PrivateKeyPlaintext!)), spec).toBe(true);
      await expectKmsError(
        kms.send(new DecryptCommand({ CiphertextBlob: out.PrivateKeyCiphertextBlob })),
        'InvalidCiphertextException',
        EMPTY_MESSAGE,
      );
    }
  }, 180_000);

  it('WithoutPlaintext returns no private key; its ciphertext decrypts to one matching the public key', async () => {
    for (const spec of ['RSA_2048', 'ECC_NIST_P256', 'ECC_NIST_EDWARDS25519'] as DataKeyPairSpec[]) {
      const out = await kms.send(
        new GenerateDataKeyPairWithoutPlaintextCommand({
          KeyId: symmetric.KeyId,
          KeyPairSpec: spec,
          EncryptionContext: context,
        }),
      );
      expect((out as { PrivateKeyPlaintext?: unknown }).PrivateKeyPlaintext).toBeUndefined();
      expect(out.KeyId).toBe(symmetric.Arn);
      expect(out.KeyPairSpec).toBe(spec);
      expect(out.KeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
      const dec = await kms.send(
        new DecryptCommand({ CiphertextBlob: out.PrivateKeyCiphertextBlob, EncryptionContext: context }),
      );
      matches(dec.Plaintext!, out.PublicKey!, spec);
    }
  });

  it('refuses an asymmetric KMS key, SM2 outside the China regions, Recipient, and honours DryRun', async () => {
    await expectKmsError(
      kms.send(new GenerateDataKeyPairCommand({ KeyId: rsa('RSA_2048').KeyId, KeyPairSpec: 'ECC_NIST_P256' })),
      'InvalidKeyUsageException',
      'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.',
    );
    await expectKmsError(
      kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: symmetric.KeyId, KeyPairSpec: 'SM2' })),
      'UnsupportedOperationException',
      'KeyPairSpec SM2 is not supported in this Region',
    );
    await expectKmsError(
      kms.send(
        new GenerateDataKeyPairCommand({
          KeyId: symmetric.KeyId,
          KeyPairSpec: 'ECC_NIST_P256',
          Recipient: { KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', AttestationDocument: bytes('doc') },
        }),
      ),
      'UnsupportedOperationException',
      'Recipient is not supported: this server cannot verify Nitro Enclaves attestation documents.',
    );
    for (const command of [
      new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec: 'ECC_NIST_P256', DryRun: true }),
      new GenerateDataKeyPairWithoutPlaintextCommand({
        KeyId: symmetric.KeyId,
        KeyPairSpec: 'ECC_NIST_P256',
        DryRun: true,
      }),
    ]) {
      await expectKmsError(
        kms.send(command as GenerateDataKeyPairCommand),
        'DryRunOperationException',
        'The request would have succeeded, but the DryRun option is set.',
      );
    }
  });

  it('ML-KEM pairs: the seed in the PKCS#8 private key derives the SPKI public key, and both ends agree', async () => {
    for (const spec of ['ML_KEM_512', 'ML_KEM_768', 'ML_KEM_1024'] as DataKeyPairSpec[]) {
      const out = await kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec: spec }));
      const privateKey = Buffer.from(out.PrivateKeyPlaintext!);
      const { publicKey, secretKey } = kemKeyPairFromSeed(spec, privateKey.subarray(-64));
      expect(kemPublicKeySpki(spec, publicKey).equals(Buffer.from(out.PublicKey!)), spec).toBe(true);
      const { ciphertext, sharedSecret } = kemEncapsulate(spec, kemPublicKeyFromSpki(spec, out.PublicKey!));
      expect(kemDecapsulate(spec, secretKey, ciphertext).equals(sharedSecret), spec).toBe(true);
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: out.PrivateKeyCiphertextBlob }));
      expect(Buffer.from(dec.Plaintext!).equals(privateKey), spec).toBe(true);
    }
  });

  it('generates SM2 key pairs in the China regions', async () => {
    const cn = t.client({ region: 'cn-north-1' });
    const key = await newKey(cn, 'cn');
    const out = await cn.send(new GenerateDataKeyPairCommand({ KeyId: key.KeyId, KeyPairSpec: 'SM2' }));
    expect(out.KeyPairSpec).toBe('SM2');
    // SPKI: id-ecPublicKey (1.2.840.10045.2.1) on the SM2 curve (1.2.156.10197.1.301).
    const spki = Buffer.from(out.PublicKey!).toString('hex');
    expect(spki).toContain('06072a8648ce3d0201' + '06082a811ccf5501822d');
    const privateKey = createPrivateKey({ key: Buffer.from(out.PrivateKeyPlaintext!), format: 'der', type: 'pkcs8' });
    expect(
      createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).equals(Buffer.from(out.PublicKey!)),
    ).toBe(true);
    const dec = await cn.send(new DecryptCommand({ CiphertextBlob: out.PrivateKeyCiphertextBlob }));
    expect(Buffer.from(dec.Plaintext!).equals(Buffer.from(out.PrivateKeyPlaintext!))).toBe(true);
  });
});
