/** Key-agreement keys end to end: CreateKey, DescribeKey, GetPublicKey and DeriveSharedSecret. */
import { createECDH, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import {
  CreateKeyCommand,
  DeriveSharedSecretCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  GetPublicKeyCommand,
  RotateKeyOnDemandCommand,
  type KeyAgreementAlgorithmSpec,
  type KMSClient,
  type KeyMetadata,
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

const CURVES = [
  { spec: 'ECC_NIST_P256', curve: 'prime256v1', bytes: 32 },
  { spec: 'ECC_NIST_P384', curve: 'secp384r1', bytes: 48 },
  { spec: 'ECC_NIST_P521', curve: 'secp521r1', bytes: 66 },
] as const;

async function agreementKey(spec: string): Promise<KeyMetadata> {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec: spec as never, KeyUsage: 'KEY_AGREEMENT' }));
  if (!KeyMetadata?.Arn) throw new Error('CreateKey returned no metadata');
  return KeyMetadata;
}

const spkiOf = (curve: string) => {
  const pair = generateKeyPairSync('ec', { namedCurve: curve });
  return { ...pair, spki: pair.publicKey.export({ format: 'der', type: 'spki' }) };
};

describe.each(CURVES)('$spec KEY_AGREEMENT keys', ({ spec, curve, bytes: fieldBytes }) => {
  let key: KeyMetadata;
  beforeAll(async () => {
    key = await agreementKey(spec);
  });

  it('are described as AWS describes them', async () => {
    const m = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect(m).toMatchObject({
      KeySpec: spec,
      KeyUsage: 'KEY_AGREEMENT',
      KeyAgreementAlgorithms: ['ECDH'],
      Origin: 'AWS_KMS',
    });
    expect(m?.SigningAlgorithms).toBeUndefined();
    expect(m?.EncryptionAlgorithms).toBeUndefined();
    expect(m?.MacAlgorithms).toBeUndefined();
    expect(m?.CurrentKeyMaterialId).toBeUndefined();
  });

  it('DeriveSharedSecret equals a local ECDH of the peer private key and the KMS public key', async () => {
    const peer = spkiOf(curve);
    const out = await kms.send(
      new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer.spki }),
    );
    expect(out.KeyId).toBe(key.Arn);
    expect(out.KeyAgreementAlgorithm).toBe('ECDH');
    expect(out.KeyOrigin).toBe('AWS_KMS');

    const { PublicKey, KeyAgreementAlgorithms, KeyUsage } = await kms.send(
      new GetPublicKeyCommand({ KeyId: key.KeyId }),
    );
    expect(KeyUsage).toBe('KEY_AGREEMENT');
    expect(KeyAgreementAlgorithms).toEqual(['ECDH']);
    const kmsPublic = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
    const local = diffieHellman({ privateKey: peer.privateKey, publicKey: kmsPublic });
    expect(local).toHaveLength(fieldBytes);
    expect(Buffer.from(out.SharedSecret!)).toEqual(local);

    // And the public key GetPublicKey returned is the one of the key's own material.
    const { storage, materials } = t.server.services;
    const [record] = await storage.listKeyMaterials(key.Arn!);
    const pkcs8 = await materials.plaintext(key.Arn!, record!.materialId);
    const fromMaterial = createPublicKey(createPrivateKey({ key: pkcs8!, format: 'der', type: 'pkcs8' }));
    expect(fromMaterial.export({ format: 'der', type: 'spki' })).toEqual(Buffer.from(PublicKey!));
  });

  it('refuses a peer key that is garbage, on another curve, or not an EC key, with an empty ValidationException', async () => {
    const other = CURVES.find((c) => c.curve !== curve)!;
    const refused = [
      bytes('not a public key'),
      spkiOf(other.curve).spki,
      spkiOf('secp256k1').spki,
      generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' }),
    ];
    for (const PublicKey of refused) {
      await expectKmsError(
        kms.send(new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey })),
        'ValidationException',
        EMPTY_MESSAGE,
      );
    }
  });
});

describe('DeriveSharedSecret errors', () => {
  let key: KeyMetadata;
  let peer: Buffer;
  beforeAll(async () => {
    key = await agreementKey('ECC_NIST_P256');
    peer = spkiOf('prime256v1').spki;
  });

  it('refuses keys of another usage', async () => {
    const symmetric = await newKey(kms);
    await expectKmsError(
      kms.send(
        new DeriveSharedSecretCommand({ KeyId: symmetric.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer }),
      ),
      'InvalidKeyUsageException',
      `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for DeriveSharedSecret.`,
    );
    const { KeyMetadata: signing } = await kms.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    );
    await expectKmsError(
      kms.send(
        new DeriveSharedSecretCommand({ KeyId: signing!.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer }),
      ),
      'InvalidKeyUsageException',
      `${signing!.Arn} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.`,
    );
  });

  it('refuses an unknown algorithm as the model says', async () => {
    await expectKmsError(
      kms.send(
        new DeriveSharedSecretCommand({
          KeyId: key.KeyId,
          KeyAgreementAlgorithm: 'INVALID' as KeyAgreementAlgorithmSpec,
          PublicKey: peer,
        }),
      ),
      'ValidationException',
      "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ECDH]",
    );
  });

  it('honours DryRun, refuses Recipient and a disabled key', async () => {
    await expectKmsError(
      kms.send(
        new DeriveSharedSecretCommand({
          KeyId: key.KeyId,
          KeyAgreementAlgorithm: 'ECDH',
          PublicKey: peer,
          DryRun: true,
        }),
      ),
      'DryRunOperationException',
      'The request would have succeeded, but the DryRun option is set.',
    );
    await expectKmsError(
      kms.send(
        new DeriveSharedSecretCommand({
          KeyId: key.KeyId,
          KeyAgreementAlgorithm: 'ECDH',
          PublicKey: bytes('bad'),
          DryRun: true,
        }),
      ),
      'ValidationException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      kms.send(
        new DeriveSharedSecretCommand({
          KeyId: key.KeyId,
          KeyAgreementAlgorithm: 'ECDH',
          PublicKey: peer,
          Recipient: { KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', AttestationDocument: bytes('doc') },
        }),
      ),
      'UnsupportedOperationException',
      'Recipient is not supported: this server cannot verify Nitro Enclaves attestation documents.',
    );
    const disabled = await agreementKey('ECC_NIST_P384');
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    await expectKmsError(
      kms.send(
        new DeriveSharedSecretCommand({ KeyId: disabled.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer }),
      ),
      'DisabledException',
      `${disabled.Arn} is disabled.`,
    );
  });

  it('CreateKey refuses KEY_AGREEMENT for specs without it', async () => {
    for (const spec of ['RSA_2048', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519'] as const) {
      await expectKmsError(
        kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'KEY_AGREEMENT' })),
        'ValidationException',
        `KeyUsage KEY_AGREEMENT is not compatible with KeySpec ${spec}`,
      );
    }
  });

  it('key-agreement keys do not rotate', async () => {
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
  });
});

describe('SM2 KEY_AGREEMENT keys in the China regions', () => {
  let china: KMSClient;
  let key: KeyMetadata;
  beforeAll(async () => {
    china = t.client({ region: 'cn-north-1' });
    const { KeyMetadata } = await china.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: 'KEY_AGREEMENT' }));
    key = KeyMetadata!;
  });

  it('are created and described with ECDH', async () => {
    expect(key.Arn).toMatch(/^arn:aws-cn:kms:cn-north-1:\d{12}:key\//);
    expect(key).toMatchObject({ KeySpec: 'SM2', KeyUsage: 'KEY_AGREEMENT', KeyAgreementAlgorithms: ['ECDH'] });
  });

  it('derive the ECDH shared secret on the SM2 curve, as a local ECDH does', async () => {
    // node:crypto will not diffieHellman keys it loads on the SM2 curve; an ECDH object will.
    const peer = createECDH('SM2');
    const SM2_SPKI_PREFIX = '3059301306072a8648ce3d020106082a811ccf5501822d034200';
    const peerSpki = Buffer.from(SM2_SPKI_PREFIX + peer.generateKeys('hex'), 'hex');
    const out = await china.send(
      new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peerSpki }),
    );
    const { PublicKey } = await china.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    // SPKI: id-ecPublicKey (1.2.840.10045.2.1) on the SM2 curve (1.2.156.10197.1.301).
    const spki = Buffer.from(PublicKey!);
    expect(spki.subarray(0, 26).toString('hex')).toBe(SM2_SPKI_PREFIX);
    const local = peer.computeSecret(spki.subarray(26));
    expect(local).toHaveLength(32);
    expect(Buffer.from(out.SharedSecret!)).toEqual(local);

    const compressed = Buffer.from(
      '3039301306072a8648ce3d020106082a811ccf5501822d032200' + peer.getPublicKey('hex', 'compressed'),
      'hex',
    );
    const again = await china.send(
      new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: compressed }),
    );
    expect(Buffer.from(again.SharedSecret!)).toEqual(local);

    const offCurve = Buffer.from(peerSpki);
    offCurve[offCurve.length - 1]! ^= 1;
    for (const PublicKey of [
      spkiOf('prime256v1').spki,
      offCurve,
      peerSpki.subarray(0, -1),
      Buffer.concat([peerSpki, Buffer.from([0])]),
    ]) {
      await expectKmsError(
        china.send(new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey })),
        'ValidationException',
        EMPTY_MESSAGE,
      );
    }
  });

  it('are refused outside China (SM2 signing and encryption keys: test/sm2.test.ts)', async () => {
    await expectKmsError(
      kms.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: 'KEY_AGREEMENT' })),
      'UnsupportedOperationException',
      'KeySpec SM2 is not supported in this Region',
    );
  });
});
