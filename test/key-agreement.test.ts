/** Key-agreement keys end to end: CreateKey, DescribeKey, GetPublicKey and DeriveSharedSecret. */
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
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
    expect(m).toMatchObject({ KeySpec: spec, KeyUsage: 'KEY_AGREEMENT', KeyAgreementAlgorithms: ['ECDH'], Origin: 'AWS_KMS' });
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

    const { PublicKey, KeyAgreementAlgorithms, KeyUsage } = await kms.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
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
      kms.send(new DeriveSharedSecretCommand({ KeyId: symmetric.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer })),
      'InvalidKeyUsageException',
      `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for DeriveSharedSecret.`,
    );
    const { KeyMetadata: signing } = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    await expectKmsError(
      kms.send(new DeriveSharedSecretCommand({ KeyId: signing!.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer })),
      'InvalidKeyUsageException',
      `${signing!.Arn} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.`,
    );
  });

  it('refuses an unknown algorithm as the model says', async () => {
    await expectKmsError(
      kms.send(
        new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: 'INVALID' as KeyAgreementAlgorithmSpec, PublicKey: peer }),
      ),
      'ValidationException',
      "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ECDH]",
    );
  });

  it('honours DryRun, refuses Recipient and a disabled key', async () => {
    await expectKmsError(
      kms.send(new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer, DryRun: true })),
      'DryRunOperationException',
      'The request would have succeeded, but the DryRun option is set.',
    );
    await expectKmsError(
      kms.send(
        new DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: bytes('bad'), DryRun: true }),
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
      kms.send(new DeriveSharedSecretCommand({ KeyId: disabled.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer })),
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
    await expectKmsError(kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })), 'UnsupportedOperationException');
    await expectKmsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), 'UnsupportedOperationException', EMPTY_MESSAGE);
  });
});
