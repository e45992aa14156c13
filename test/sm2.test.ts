/**
 * SM2 SIGN_VERIFY (SM2DSA) and ENCRYPT_DECRYPT (SM2PKE) keys end to end in the China regions, with
 * the OpenSSL 3 command line as the independent implementation on the other side.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  ReEncryptCommand,
  SignCommand,
  VerifyCommand,
  type KMSClient,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_MESSAGE, expectKmsError } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;
let china: KMSClient;
const dir = mkdtempSync(join(tmpdir(), 'trent-sm2-bb-'));
const file = (name: string): string => join(dir, name);
const openssl = (...args: string[]): Buffer => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const DISTID = ['-pkeyopt', 'distid:1234567812345678'];

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
  china = t.client({ region: 'cn-north-1' });
});
afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function sm2Key(client: KMSClient, usage: 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT'): Promise<KeyMetadata> {
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: usage }));
  if (!KeyMetadata?.Arn) throw new Error('CreateKey returned no metadata');
  return KeyMetadata;
}

/** GetPublicKey as a PEM file for OpenSSL; checks it is an SM2 SPKI. */
async function publicKeyPem(keyId: string, name: string): Promise<string> {
  const { PublicKey } = await china.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const spki = Buffer.from(PublicKey!);
  // id-ecPublicKey on the SM2 curve (1.2.156.10197.1.301), uncompressed point.
  expect(spki.subarray(0, 26).toString('hex')).toBe('3059301306072a8648ce3d020106082a811ccf5501822d034200');
  const path = file(name);
  writeFileSync(
    path,
    createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }),
  );
  return path;
}

/** e = SM3(Z ‖ M) with the default ID, from the public point: what an offline signer computes. */
function sm2Digest(spki: Uint8Array, message: Buffer): Buffer {
  const point = Buffer.from(spki).subarray(-64);
  const z = createHash('sm3')
    .update(Buffer.from([0x00, 0x80]))
    .update('1234567812345678')
    .update(Buffer.from('fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc', 'hex'))
    .update(Buffer.from('28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93', 'hex'))
    .update(Buffer.from('32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7', 'hex'))
    .update(Buffer.from('bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0', 'hex'))
    .update(point)
    .digest();
  return createHash('sm3').update(z).update(message).digest();
}

describe('SM2 SIGN_VERIFY keys', () => {
  let key: KeyMetadata;
  beforeAll(async () => {
    key = await sm2Key(china, 'SIGN_VERIFY');
  });

  it('are created in both China regions and described with SM2DSA', async () => {
    expect(key.Arn).toMatch(/^arn:aws-cn:kms:cn-north-1:\d{12}:key\//);
    const other = await sm2Key(t.client({ region: 'cn-northwest-1' }), 'SIGN_VERIFY');
    expect(other.Arn).toMatch(/^arn:aws-cn:kms:cn-northwest-1:\d{12}:key\//);
    const m = (await china.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect(m).toMatchObject({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['SM2DSA'] });
    expect(m?.EncryptionAlgorithms).toBeUndefined();
    expect(m?.KeyAgreementAlgorithms).toBeUndefined();
    const pub = await china.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    expect(pub).toMatchObject({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['SM2DSA'] });
    expect(pub.EncryptionAlgorithms).toBeUndefined();
  });

  it('Sign RAW: OpenSSL verifies it with SM3 and the default distinguishing ID; Verify accepts it', async () => {
    const pem = await publicKeyPem(key.KeyId!, 'sign-pub.pem');
    for (const [i, message] of [Buffer.from('hello SM2'), Buffer.alloc(4096, 0x61), Buffer.from([0])].entries()) {
      const { Signature, SigningAlgorithm } = await china.send(
        new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: 'SM2DSA' }),
      );
      expect(SigningAlgorithm).toBe('SM2DSA');
      writeFileSync(file(`m${i}`), message);
      writeFileSync(file(`s${i}`), Signature!);
      const out = openssl(
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        pem,
        '-rawin',
        '-digest',
        'sm3',
        ...DISTID,
        '-in',
        file(`m${i}`),
        '-sigfile',
        file(`s${i}`),
      );
      expect(out.toString()).toContain('Signature Verified Successfully');
      const verified = await china.send(
        new VerifyCommand({ KeyId: key.KeyId, Message: message, Signature, SigningAlgorithm: 'SM2DSA' }),
      );
      expect(verified.SignatureValid).toBe(true);
    }
  });

  it('DIGEST is e = SM3(Z ‖ M), computed by the caller, interchangeable with RAW', async () => {
    const { PublicKey } = await china.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    const message = Buffer.from('offline verification');
    const e = sm2Digest(PublicKey!, message);
    const { Signature } = await china.send(
      new SignCommand({ KeyId: key.KeyId, Message: e, MessageType: 'DIGEST', SigningAlgorithm: 'SM2DSA' }),
    );
    const raw = await china.send(
      new VerifyCommand({ KeyId: key.KeyId, Message: message, Signature, SigningAlgorithm: 'SM2DSA' }),
    );
    expect(raw.SignatureValid).toBe(true);
    const pem = await publicKeyPem(key.KeyId!, 'digest-pub.pem');
    writeFileSync(file('dm'), message);
    writeFileSync(file('ds'), Signature!);
    const out = openssl(
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      pem,
      '-rawin',
      '-digest',
      'sm3',
      ...DISTID,
      '-in',
      file('dm'),
      '-sigfile',
      file('ds'),
    );
    expect(out.toString()).toContain('Signature Verified Successfully');
    const { Signature: rawSignature } = await china.send(
      new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: 'SM2DSA' }),
    );
    const digest = await china.send(
      new VerifyCommand({
        KeyId: key.KeyId,
        Message: e,
        MessageType: 'DIGEST',
        Signature: rawSignature,
        SigningAlgorithm: 'SM2DSA',
      }),
    );
    expect(digest.SignatureValid).toBe(true);
  });

  it('tampered signatures and messages are KMSInvalidSignatureException', async () => {
    const message = Buffer.from('tamper');
    const { Signature } = await china.send(
      new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: 'SM2DSA' }),
    );
    const tampered = Buffer.from(Signature!);
    tampered[tampered.length - 1]! ^= 1;
    for (const [m, s] of [
      [message, tampered],
      [Buffer.from('Tamper'), Buffer.from(Signature!)],
      [message, Buffer.concat([Buffer.from(Signature!), Buffer.from([0])])],
    ] as const) {
      await expectKmsError(
        china.send(new VerifyCommand({ KeyId: key.KeyId, Message: m, Signature: s, SigningAlgorithm: 'SM2DSA' })),
        'KMSInvalidSignatureException',
        EMPTY_MESSAGE,
      );
    }
  });

  it('limits messages as AWS does and refuses other algorithms', async () => {
    await expectKmsError(
      china.send(new SignCommand({ KeyId: key.KeyId, Message: Buffer.alloc(4097, 1), SigningAlgorithm: 'SM2DSA' })),
      'ValidationException',
      "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
    for (const length of [31, 33, 64]) {
      await expectKmsError(
        china.send(
          new SignCommand({
            KeyId: key.KeyId,
            Message: Buffer.alloc(length, 1),
            MessageType: 'DIGEST',
            SigningAlgorithm: 'SM2DSA',
          }),
        ),
        'ValidationException',
        'Digest is invalid length for algorithm SM2DSA.',
      );
    }
    await expectKmsError(
      china.send(new SignCommand({ KeyId: key.KeyId, Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_256' })),
      'InvalidKeyUsageException',
      'Algorithm ECDSA_SHA_256 is incompatible with key spec SM2.',
    );
    await expectKmsError(
      china.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'SM2PKE' })),
      'InvalidKeyUsageException',
      `${key.Arn} key usage is SIGN_VERIFY which is not valid for Encrypt.`,
    );
  });
});

describe('SM2 ENCRYPT_DECRYPT keys', () => {
  let key: KeyMetadata;
  beforeAll(async () => {
    key = await sm2Key(china, 'ENCRYPT_DECRYPT');
  });

  it('are created in both China regions and described with SM2PKE', async () => {
    const other = await sm2Key(t.client({ region: 'cn-northwest-1' }), 'ENCRYPT_DECRYPT');
    expect(other.EncryptionAlgorithms).toEqual(['SM2PKE']);
    const m = (await china.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect(m).toMatchObject({ KeySpec: 'SM2', KeyUsage: 'ENCRYPT_DECRYPT', EncryptionAlgorithms: ['SM2PKE'] });
    expect(m?.SigningAlgorithms).toBeUndefined();
    const pub = await china.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    expect(pub).toMatchObject({ KeySpec: 'SM2', KeyUsage: 'ENCRYPT_DECRYPT', EncryptionAlgorithms: ['SM2PKE'] });
    expect(pub.SigningAlgorithms).toBeUndefined();
  });

  it('Encrypt returns C1C3C2 DER; Decrypt round-trips up to 1024 bytes', async () => {
    for (const length of [1, 100, 1024]) {
      const plaintext = Buffer.alloc(length, 0x5a);
      const { CiphertextBlob, EncryptionAlgorithm } = await china.send(
        new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, EncryptionAlgorithm: 'SM2PKE' }),
      );
      expect(EncryptionAlgorithm).toBe('SM2PKE');
      const blob = Buffer.from(CiphertextBlob!);
      // SEQUENCE { x INTEGER, y INTEGER, C3 OCTET STRING (32), C2 OCTET STRING }, read by OpenSSL.
      writeFileSync(file('blob'), blob);
      const fields = openssl('asn1parse', '-inform', 'DER', '-in', file('blob'))
        .toString()
        .split('\n')
        .filter((line) => line.includes('prim:'))
        .map((line) => /l=\s*(\d+) prim: (\w+(?: \w+)?)/.exec(line)!.slice(1));
      expect(fields.map(([, type]) => type)).toEqual(['INTEGER', 'INTEGER', 'OCTET STRING', 'OCTET STRING']);
      expect(fields.slice(2).map(([l]) => Number(l))).toEqual([32, length]);
      const out = await china.send(
        new DecryptCommand({ KeyId: key.KeyId, CiphertextBlob: blob, EncryptionAlgorithm: 'SM2PKE' }),
      );
      expect(Buffer.from(out.Plaintext!).equals(plaintext)).toBe(true);
      expect(out.EncryptionAlgorithm).toBe('SM2PKE');
      expect(out.KeyId).toBe(key.Arn);
    }
  });

  it('decrypts what OpenSSL encrypts to the public key from GetPublicKey', async () => {
    const pem = await publicKeyPem(key.KeyId!, 'enc-pub.pem');
    const plaintext = Buffer.from('encrypted by OpenSSL for Trent');
    writeFileSync(file('pt'), plaintext);
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', pem, '-in', file('pt'), '-out', file('ct'));
    const out = await china.send(
      new DecryptCommand({ KeyId: key.KeyId, CiphertextBlob: readFileSync(file('ct')), EncryptionAlgorithm: 'SM2PKE' }),
    );
    expect(Buffer.from(out.Plaintext!).equals(plaintext)).toBe(true);
  });

  it('ReEncrypt moves an SM2PKE ciphertext to a symmetric key and back', async () => {
    const symmetric = (await china.send(new CreateKeyCommand({}))).KeyMetadata!;
    const plaintext = Buffer.from('re-encrypted');
    const { CiphertextBlob } = await china.send(
      new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, EncryptionAlgorithm: 'SM2PKE' }),
    );
    const toSymmetric = await china.send(
      new ReEncryptCommand({
        CiphertextBlob,
        SourceKeyId: key.KeyId,
        SourceEncryptionAlgorithm: 'SM2PKE',
        DestinationKeyId: symmetric.KeyId,
      }),
    );
    const back = await china.send(
      new ReEncryptCommand({
        CiphertextBlob: toSymmetric.CiphertextBlob,
        DestinationKeyId: key.KeyId,
        DestinationEncryptionAlgorithm: 'SM2PKE',
      }),
    );
    const out = await china.send(
      new DecryptCommand({ KeyId: key.KeyId, CiphertextBlob: back.CiphertextBlob, EncryptionAlgorithm: 'SM2PKE' }),
    );
    expect(Buffer.from(out.Plaintext!).equals(plaintext)).toBe(true);
  });

  it('tampered ciphertexts are InvalidCiphertextException with no message', async () => {
    const { CiphertextBlob } = await china.send(
      new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('secret'), EncryptionAlgorithm: 'SM2PKE' }),
    );
    const blob = Buffer.from(CiphertextBlob!);
    const attempts = [blob.subarray(0, -1), Buffer.concat([blob, Buffer.from([0])])];
    for (const i of [0, 5, 40, 80, blob.length - 1]) {
      const flipped = Buffer.from(blob);
      flipped[i]! ^= 1;
      attempts.push(flipped);
    }
    for (const attempt of attempts) {
      await expectKmsError(
        china.send(new DecryptCommand({ KeyId: key.KeyId, CiphertextBlob: attempt, EncryptionAlgorithm: 'SM2PKE' })),
        'InvalidCiphertextException',
        EMPTY_MESSAGE,
      );
    }
  });

  it('limits plaintext to 1024 bytes and refuses other algorithms and encryption contexts', async () => {
    await expectKmsError(
      china.send(
        new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.alloc(1025, 1), EncryptionAlgorithm: 'SM2PKE' }),
      ),
      'ValidationException',
      'Algorithm SM2PKE and key spec SM2 cannot encrypt data larger than 1024 bytes.',
    );
    await expectKmsError(
      china.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })),
      'InvalidKeyUsageException',
      'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec SM2.',
    );
    await expectKmsError(
      china.send(
        new EncryptCommand({
          KeyId: key.KeyId,
          Plaintext: Buffer.from('x'),
          EncryptionAlgorithm: 'SM2PKE',
          EncryptionContext: { a: 'b' },
        }),
      ),
      'ValidationException',
      'EncryptionContext is not supported with asymmetric KMS keys.',
    );
    await expectKmsError(
      china.send(new SignCommand({ KeyId: key.KeyId, Message: Buffer.from('x'), SigningAlgorithm: 'SM2DSA' })),
      'InvalidKeyUsageException',
      `${key.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`,
    );
  });
});

it('SM2 signing and encryption keys are refused outside the China regions, as AWS does', async () => {
  for (const usage of ['SIGN_VERIFY', 'ENCRYPT_DECRYPT'] as const) {
    await expectKmsError(
      kms.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: usage })),
      'UnsupportedOperationException',
      'KeySpec SM2 is not supported in this Region',
    );
  }
});
