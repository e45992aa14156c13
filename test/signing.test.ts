/**
 * Signing keys end to end with the AWS SDK: CreateKey for every SIGN_VERIFY spec, DescribeKey and
 * GetPublicKey, Sign with every algorithm and message type, each signature checked by an
 * independent implementation (node:crypto on the GetPublicKey SPKI; @noble for ML-DSA and Ed25519ph),
 * Verify, and the errors AWS answers.
 */
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  GetPublicKeyCommand,
  ScheduleKeyDeletionCommand,
  RotateKeyOnDemandCommand,
  SignCommand,
  VerifyCommand,
  type KeySpec,
  type KMSClient,
  type MessageType,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { ed25519ph } from '@noble/curves/ed25519.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { constants, createHash, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_MESSAGE, expectKmsError, newKey } from './helpers/kms.js';
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

const MESSAGE = Buffer.from('The quick brown fox jumps over the lazy dog');
const digestOf = (name: string, data: Buffer): Buffer => createHash(name).update(data).digest();
const hashOf = (alg: string): 'sha256' | 'sha384' | 'sha512' =>
  alg.endsWith('256') ? 'sha256' : alg.endsWith('384') ? 'sha384' : 'sha512';

const ML_DSA = { ML_DSA_44: ml_dsa44, ML_DSA_65: ml_dsa65, ML_DSA_87: ml_dsa87 } as const;
/** OID content bytes of id-ml-dsa-44/65/87 (RFC 9881). */
const ML_DSA_OID = {
  ML_DSA_44: '608648016503040311',
  ML_DSA_65: '608648016503040312',
  ML_DSA_87: '608648016503040313',
};

interface SpecCase {
  spec: KeySpec;
  algorithms: SigningAlgorithmSpec[];
}
/** Every SIGN_VERIFY spec with the SigningAlgorithms AWS lists for it. RSA_4096 only once (slow keygen). */
const SPECS: SpecCase[] = [
  {
    spec: 'RSA_2048',
    algorithms: [
      'RSASSA_PKCS1_V1_5_SHA_256',
      'RSASSA_PKCS1_V1_5_SHA_384',
      'RSASSA_PKCS1_V1_5_SHA_512',
      'RSASSA_PSS_SHA_256',
      'RSASSA_PSS_SHA_384',
      'RSASSA_PSS_SHA_512',
    ],
  },
  { spec: 'ECC_NIST_P256', algorithms: ['ECDSA_SHA_256'] },
  { spec: 'ECC_NIST_P384', algorithms: ['ECDSA_SHA_384'] },
  { spec: 'ECC_NIST_P521', algorithms: ['ECDSA_SHA_512'] },
  { spec: 'ECC_SECG_P256K1', algorithms: ['ECDSA_SHA_256'] },
  { spec: 'ECC_NIST_EDWARDS25519', algorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] },
  { spec: 'ML_DSA_44', algorithms: ['ML_DSA_SHAKE_256'] },
  { spec: 'ML_DSA_65', algorithms: ['ML_DSA_SHAKE_256'] },
  { spec: 'ML_DSA_87', algorithms: ['ML_DSA_SHAKE_256'] },
];

/** The message types AWS accepts per algorithm (KeySpec and Sign API references). */
function messageTypes(alg: string): MessageType[] {
  if (alg === 'ED25519_SHA_512') return ['RAW'];
  if (alg === 'ED25519_PH_SHA_512') return ['DIGEST'];
  if (alg === 'ML_DSA_SHAKE_256') return ['RAW', 'EXTERNAL_MU'];
  return ['RAW', 'DIGEST'];
}

async function signingKey(spec: KeySpec): Promise<string> {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' }));
  return KeyMetadata!.Arn!;
}

/** Independent check of a Trent signature against the public key from GetPublicKey. */
function independentlyValid(spec: string, alg: string, spki: Buffer, message: Buffer, signature: Uint8Array): boolean {
  const sig = Buffer.from(signature);
  if (spec.startsWith('ML_DSA')) {
    const set = ML_DSA[spec as keyof typeof ML_DSA];
    return set.verify(sig, message, spki.subarray(spki.length - set.lengths.publicKey!));
  }
  const key: KeyObject = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  if (alg === 'ED25519_SHA_512') return nodeVerify(null, message, key, sig);
  if (alg === 'ED25519_PH_SHA_512')
    return ed25519ph.verify(sig, message, spki.subarray(spki.length - 32), { zip215: false });
  const hash = hashOf(alg);
  if (alg.startsWith('RSASSA_PSS')) {
    return nodeVerify(
      hash,
      message,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digestOf(hash, Buffer.alloc(0)).length },
      sig,
    );
  }
  if (alg.startsWith('RSASSA_PKCS1'))
    return nodeVerify(hash, message, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
  return nodeVerify(hash, message, { key, dsaEncoding: 'der' }, sig);
}

/** μ of FIPS 204 §6.2 for pure ML-DSA with an empty context: SHAKE256(SHAKE256(pk, 64) || 0 || 0 || M, 64). */
function externalMu(publicKey: Uint8Array, message: Buffer): Buffer {
  const tr = shake256(publicKey, { dkLen: 64 });
  return Buffer.from(shake256(Buffer.concat([tr, Buffer.from([0, 0]), message]), { dkLen: 64 }));
}

describe.each(SPECS)('$spec signing key', ({ spec, algorithms }) => {
  let arn: string;
  let spki: Buffer;
  beforeAll(async () => {
    arn = await signingKey(spec);
    const res = await kms.send(new GetPublicKeyCommand({ KeyId: arn }));
    spki = Buffer.from(res.PublicKey!);
  });

  it('DescribeKey lists its SigningAlgorithms and no key material id', async () => {
    const { KeyMetadata: m } = await kms.send(new DescribeKeyCommand({ KeyId: arn }));
    expect(m).toMatchObject({
      KeySpec: spec,
      CustomerMasterKeySpec: spec,
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
    });
    expect(m!.SigningAlgorithms).toEqual(algorithms);
    expect(m!.EncryptionAlgorithms).toBeUndefined();
    expect(m!.CurrentKeyMaterialId).toBeUndefined();
  });

  it('GetPublicKey returns the SPKI and every field AWS returns', async () => {
    const res = await kms.send(new GetPublicKeyCommand({ KeyId: arn }));
    expect(res).toMatchObject({
      KeyId: arn,
      KeySpec: spec,
      CustomerMasterKeySpec: spec,
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: algorithms,
    });
    expect(res.EncryptionAlgorithms).toBeUndefined();
    expect(res.KeyAgreementAlgorithms).toBeUndefined();
    if (spec.startsWith('ML_DSA')) {
      const set = ML_DSA[spec as keyof typeof ML_DSA];
      expect(spki.toString('hex')).toContain(ML_DSA_OID[spec as keyof typeof ML_DSA_OID]);
      expect(spki.length).toBe(set.lengths.publicKey! + 22);
    } else {
      const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      expect(key.export({ format: 'der', type: 'spki' })).toEqual(spki);
    }
  });

  for (const alg of algorithms) {
    for (const type of messageTypes(alg)) {
      it(`Sign ${alg} ${type}: verifies independently, with Verify, and not when tampered`, async () => {
        const message =
          type === 'RAW'
            ? MESSAGE
            : type === 'DIGEST'
              ? digestOf(hashOf(alg), MESSAGE)
              : externalMu(mlDsaPublicKey(spec, spki), MESSAGE);
        const signed = await kms.send(
          new SignCommand({ KeyId: arn, Message: message, MessageType: type, SigningAlgorithm: alg }),
        );
        expect(signed).toMatchObject({ KeyId: arn, SigningAlgorithm: alg });
        // RAW, DIGEST of the message and μ of the message all sign the same message.
        expect(independentlyValid(spec, alg, spki, MESSAGE, signed.Signature!)).toBe(true);

        const verified = await kms.send(
          new VerifyCommand({
            KeyId: arn,
            Message: message,
            MessageType: type,
            Signature: signed.Signature,
            SigningAlgorithm: alg,
          }),
        );
        expect(verified).toMatchObject({ KeyId: arn, SignatureValid: true, SigningAlgorithm: alg });

        const tampered = Buffer.from(signed.Signature!);
        tampered[tampered.length >> 1]! ^= 0x01;
        await expectKmsError(
          kms.send(
            new VerifyCommand({
              KeyId: arn,
              Message: message,
              MessageType: type,
              Signature: tampered,
              SigningAlgorithm: alg,
            }),
          ),
          'KMSInvalidSignatureException',
          EMPTY_MESSAGE,
        );
        const otherMessage = Buffer.from(message);
        otherMessage[0]! ^= 0x80;
        await expectKmsError(
          kms.send(
            new VerifyCommand({
              KeyId: arn,
              Message: otherMessage,
              MessageType: type,
              Signature: signed.Signature,
              SigningAlgorithm: alg,
            }),
          ),
          'KMSInvalidSignatureException',
          EMPTY_MESSAGE,
        );
      });
    }
  }

  it('refuses an algorithm of another key spec', async () => {
    const foreign: SigningAlgorithmSpec = spec === 'ECC_NIST_P384' ? 'ECDSA_SHA_256' : 'ECDSA_SHA_384';
    await expectKmsError(
      kms.send(new SignCommand({ KeyId: arn, Message: MESSAGE, SigningAlgorithm: foreign })),
      'InvalidKeyUsageException',
      `Algorithm ${foreign} is incompatible with key spec ${spec}.`,
    );
  });

  it('does not rotate', async () => {
    await expectKmsError(
      kms.send(new RotateKeyOnDemandCommand({ KeyId: arn })),
      'UnsupportedOperationException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      kms.send(new EnableKeyRotationCommand({ KeyId: arn })),
      'UnsupportedOperationException',
      EMPTY_MESSAGE,
    );
  });
});

function mlDsaPublicKey(spec: string, spki: Buffer): Uint8Array {
  const set = ML_DSA[spec as keyof typeof ML_DSA];
  return spki.subarray(spki.length - set.lengths.publicKey!);
}

describe('Sign and Verify errors', () => {
  let p256: string;
  let ed: string;
  let mldsa: string;
  beforeAll(async () => {
    [p256, ed, mldsa] = await Promise.all([
      signingKey('ECC_NIST_P256'),
      signingKey('ECC_NIST_EDWARDS25519'),
      signingKey('ML_DSA_44'),
    ]);
  });

  it('checks the digest length per algorithm', async () => {
    await expectKmsError(
      kms.send(
        new SignCommand({
          KeyId: p256,
          Message: Buffer.alloc(48),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
      'ValidationException',
      'Digest is invalid length for algorithm ECDSA_SHA_256.',
    );
    await expectKmsError(
      kms.send(
        new VerifyCommand({
          KeyId: p256,
          Message: Buffer.alloc(31),
          MessageType: 'DIGEST',
          Signature: Buffer.alloc(70),
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
      'ValidationException',
      'Digest is invalid length for algorithm ECDSA_SHA_256.',
    );
    await expectKmsError(
      kms.send(
        new SignCommand({
          KeyId: ed,
          Message: Buffer.alloc(32),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ED25519_PH_SHA_512',
        }),
      ),
      'ValidationException',
      'Digest is invalid length for algorithm ED25519_PH_SHA_512.',
    );
    await expectKmsError(
      kms.send(
        new SignCommand({
          KeyId: mldsa,
          Message: Buffer.alloc(32),
          MessageType: 'EXTERNAL_MU',
          SigningAlgorithm: 'ML_DSA_SHAKE_256',
        }),
      ),
      'ValidationException',
      'Digest is invalid length for algorithm ML_DSA_SHAKE_256.',
    );
  });

  it('refuses message types an algorithm does not take', async () => {
    const cases: Array<[string, MessageType, SigningAlgorithmSpec, number]> = [
      [ed, 'DIGEST', 'ED25519_SHA_512', 64],
      [ed, 'RAW', 'ED25519_PH_SHA_512', 64],
      [mldsa, 'DIGEST', 'ML_DSA_SHAKE_256', 64],
      [p256, 'EXTERNAL_MU', 'ECDSA_SHA_256', 64],
    ];
    for (const [KeyId, MessageType, SigningAlgorithm, length] of cases) {
      await expectKmsError(
        kms.send(new SignCommand({ KeyId, Message: Buffer.alloc(length, 1), MessageType, SigningAlgorithm })),
        'ValidationException',
        `MessageType ${MessageType} is not supported for algorithm ${SigningAlgorithm}.`,
      );
    }
  });

  it('signs a message of 4096 bytes and refuses 4097', async () => {
    const ok = await kms.send(
      new SignCommand({ KeyId: p256, Message: Buffer.alloc(4096, 7), SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(ok.Signature!.length).toBeGreaterThan(60);
    await expectKmsError(
      kms.send(new SignCommand({ KeyId: p256, Message: Buffer.alloc(4097, 7), SigningAlgorithm: 'ECDSA_SHA_256' })),
      'ValidationException',
      "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
  });

  it('refuses keys of another usage with AWS message', async () => {
    const symmetric = await newKey(kms);
    await expectKmsError(
      kms.send(new SignCommand({ KeyId: symmetric.Arn, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' })),
      'InvalidKeyUsageException',
      `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`,
    );
    await expectKmsError(
      kms.send(
        new VerifyCommand({
          KeyId: symmetric.Arn,
          Message: MESSAGE,
          Signature: Buffer.alloc(64),
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
      'InvalidKeyUsageException',
      `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Verify.`,
    );
  });

  it('honours DryRun after every check', async () => {
    await expectKmsError(
      kms.send(new SignCommand({ KeyId: p256, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256', DryRun: true })),
      'DryRunOperationException',
      'The request would have succeeded, but the DryRun option is set.',
    );
    const { Signature } = await kms.send(
      new SignCommand({ KeyId: p256, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    await expectKmsError(
      kms.send(
        new VerifyCommand({
          KeyId: p256,
          Message: MESSAGE,
          Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
          DryRun: true,
        }),
      ),
      'DryRunOperationException',
      'The request would have succeeded, but the DryRun option is set.',
    );
    // A DryRun that would fail reports the failure, not DryRunOperationException.
    await expectKmsError(
      kms.send(new SignCommand({ KeyId: p256, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_384', DryRun: true })),
      'InvalidKeyUsageException',
      'Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.',
    );
  });

  it('refuses a disabled key', async () => {
    const arn = await signingKey('ECC_NIST_P256');
    const { Signature } = await kms.send(
      new SignCommand({ KeyId: arn, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    await kms.send(new DisableKeyCommand({ KeyId: arn }));
    await expectKmsError(
      kms.send(new SignCommand({ KeyId: arn, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' })),
      'DisabledException',
      `${arn} is disabled.`,
    );
    await expectKmsError(
      kms.send(new VerifyCommand({ KeyId: arn, Message: MESSAGE, Signature, SigningAlgorithm: 'ECDSA_SHA_256' })),
      'DisabledException',
      `${arn} is disabled.`,
    );
    // GetPublicKey still answers for a disabled key, as AWS does.
    const pub = await kms.send(new GetPublicKeyCommand({ KeyId: arn }));
    expect(pub.KeyId).toBe(arn);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: arn, PendingWindowInDays: 7 }));
    await expectKmsError(
      kms.send(new GetPublicKeyCommand({ KeyId: arn })),
      'KMSInvalidStateException',
      `${arn} is pending deletion.`,
    );
  });

  it('GetPublicKey refuses a symmetric key', async () => {
    const symmetric = await newKey(kms);
    await expectKmsError(
      kms.send(new GetPublicKeyCommand({ KeyId: symmetric.Arn })),
      'UnsupportedOperationException',
      `${symmetric.Arn} key spec SYMMETRIC_DEFAULT is not valid for GetPublicKey.`,
    );
  });
});

describe('GetPublicKey of keys of other usages', () => {
  it('answers for RSA ENCRYPT_DECRYPT and ECC KEY_AGREEMENT keys with their algorithms', async () => {
    const cases = [
      {
        KeySpec: 'RSA_2048',
        KeyUsage: 'ENCRYPT_DECRYPT',
        field: 'EncryptionAlgorithms',
        algorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'],
      },
      { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT', field: 'KeyAgreementAlgorithms', algorithms: ['ECDH'] },
    ] as const;
    for (const { KeySpec, KeyUsage, field, algorithms } of cases) {
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }));
      const res = await kms.send(new GetPublicKeyCommand({ KeyId: KeyMetadata!.KeyId }));
      expect(res).toMatchObject({
        KeyId: KeyMetadata!.Arn,
        KeySpec,
        CustomerMasterKeySpec: KeySpec,
        KeyUsage,
        [field]: algorithms,
      });
      expect(res.SigningAlgorithms).toBeUndefined();
      const key = createPublicKey({ key: Buffer.from(res.PublicKey!), format: 'der', type: 'spki' });
      expect(key.asymmetricKeyType).toBe(KeySpec === 'RSA_2048' ? 'rsa' : 'ec');
      await expectKmsError(
        kms.send(new SignCommand({ KeyId: KeyMetadata!.Arn, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' })),
        'InvalidKeyUsageException',
        `${KeyMetadata!.Arn} key usage is ${KeyUsage} which is not valid for Sign.`,
      );
    }
  });
});

describe('RSA_4096', () => {
  it('signs PSS SHA-512 on a digest, verified independently', async () => {
    const arn = await signingKey('RSA_4096');
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: arn }));
    const digest = digestOf('sha512', MESSAGE);
    const { Signature } = await kms.send(
      new SignCommand({ KeyId: arn, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'RSASSA_PSS_SHA_512' }),
    );
    expect(Signature!.length).toBe(512);
    expect(independentlyValid('RSA_4096', 'RSASSA_PSS_SHA_512', Buffer.from(PublicKey!), MESSAGE, Signature!)).toBe(
      true,
    );
  });
});
