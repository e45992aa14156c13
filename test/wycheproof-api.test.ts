/**
 * Wycheproof vectors that carry a private key, end to end through the AWS API: a real server, the
 * AWS SDK, Decrypt (RSA-OAEP) and DeriveSharedSecret (ECDH). The vector's private key is installed
 * as the key's current material directly through storage (Trent has no ImportKeyMaterial yet),
 * wrapped exactly as MaterialService wraps generated material.
 *
 * Decisions (docs/wycheproof.md, "## Through the API"):
 * - RSA-OAEP: valid cases with the empty label decrypt to `msg`; labelled cases are skipped and
 *   counted (KMS has no OAEP label); invalid cases answer InvalidCiphertextException with an empty
 *   message, except the one empty ciphertext per file, which the API's length constraint
 *   (CiphertextBlob: 1..6144 bytes) refuses as ValidationException before any decryption, as AWS
 *   does. The files hold no acceptable case; one appearing fails the test.
 * - ECDH: as src/crypto/key-agreement.test.ts decides: valid and acceptable CompressedPublic give
 *   `shared`; everything else (invalid, acceptable InvalidAsn, UnnamedCurve, UnusedParam, ...) is
 *   ValidationException, with an empty message except for the empty public key, which the API's
 *   length constraint refuses before any parsing.
 * Counts are exact, so a newer copy of the vectors fails here and gets decided.
 * Absent ../shared/wycheproof: skipped with a message locally, a failure with CI=true.
 */
import { createECDH, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeriveSharedSecretCommand,
  GetPublicKeyCommand,
  type EncryptionAlgorithmSpec,
  type KMSClient,
  type KeyMetadata,
  type KeySpec,
  type KeyUsageType,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrappingAad } from '../src/crypto/index.js';
import type { KeyMaterialRecord } from '../src/domain/index.js';
import { EMPTY_MESSAGE } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { WYCHEPROOF_DIR, wycheproofPresent } from './helpers/wycheproof.js';

const CONCURRENCY = 8;

/** Each RSA-OAEP file, its KMS algorithm and key spec, and the exact outcome counts. */
const OAEP_FILES: ReadonlyArray<{
  file: string;
  algorithm: EncryptionAlgorithmSpec;
  keySpec: KeySpec;
  keySize: number;
  expected: OaepCounts;
}> = [
  {
    file: 'rsa_oaep_2048_sha1_mgf1sha1_test.json',
    algorithm: 'RSAES_OAEP_SHA_1',
    keySpec: 'RSA_2048',
    keySize: 2048,
    expected: { decrypted: 10, rejected: 18, rejectedEmpty: 1, skippedLabel: 7 },
  },
  {
    file: 'rsa_oaep_2048_sha256_mgf1sha256_test.json',
    algorithm: 'RSAES_OAEP_SHA_256',
    keySpec: 'RSA_2048',
    keySize: 2048,
    expected: { decrypted: 10, rejected: 18, rejectedEmpty: 1, skippedLabel: 8 },
  },
  {
    file: 'rsa_oaep_3072_sha256_mgf1sha256_test.json',
    algorithm: 'RSAES_OAEP_SHA_256',
    keySpec: 'RSA_3072',
    keySize: 3072,
    expected: { decrypted: 10, rejected: 18, rejectedEmpty: 1, skippedLabel: 8 },
  },
  {
    file: 'rsa_oaep_4096_sha256_mgf1sha256_test.json',
    algorithm: 'RSAES_OAEP_SHA_256',
    keySpec: 'RSA_4096',
    keySize: 4096,
    expected: { decrypted: 10, rejected: 18, rejectedEmpty: 1, skippedLabel: 8 },
  },
];

/** Wycheproof curve -> KMS key spec, node:crypto curve, field length, JWK curve; exact counts per file. */
const ECDH_FILES: ReadonlyArray<{
  file: string;
  curve: string;
  keySpec: KeySpec;
  node: string;
  bytes: number;
  jwk: string;
  expected: EcdhCounts;
}> = [
  {
    file: 'ecdh_secp256r1_test.json',
    curve: 'secp256r1',
    keySpec: 'ECC_NIST_P256',
    node: 'prime256v1',
    bytes: 32,
    jwk: 'P-256',
    expected: { derived: 331, refused: 280, refusedEmpty: 1, installs: 34 },
  },
  {
    file: 'ecdh_secp384r1_test.json',
    curve: 'secp384r1',
    keySpec: 'ECC_NIST_P384',
    node: 'secp384r1',
    bytes: 48,
    jwk: 'P-384',
    expected: { derived: 772, refused: 274, refusedEmpty: 1, installs: 23 },
  },
  {
    file: 'ecdh_secp521r1_test.json',
    curve: 'secp521r1',
    keySpec: 'ECC_NIST_P521',
    node: 'secp521r1',
    bytes: 66,
    jwk: 'P-521',
    expected: { derived: 633, refused: 282, refusedEmpty: 1, installs: 37 },
  },
];

const present = wycheproofPresent(
  'API',
  [...OAEP_FILES, ...ECDH_FILES].map(({ file }) => file),
);

interface OaepCounts {
  decrypted: number;
  rejected: number;
  rejectedEmpty: number;
  skippedLabel: number;
}
interface EcdhCounts {
  derived: number;
  refused: number;
  refusedEmpty: number;
  /** Distinct private keys, each installed once as the key's current material. */
  installs: number;
}
interface OaepTest {
  tcId: number;
  msg: string;
  ct: string;
  label: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface OaepGroup {
  keySize: number;
  privateKeyPkcs8: string;
  tests: OaepTest[];
}
interface EcdhTest {
  tcId: number;
  public: string;
  private: string;
  shared: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface EcdhGroup {
  curve: string;
  tests: EcdhTest[];
}

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const b64url = (b: Buffer): string => b.toString('base64url');
const load = <G>(file: string): G[] =>
  (JSON.parse(readFileSync(join(WYCHEPROOF_DIR, file), 'utf8')) as { testGroups: G[] }).testGroups;

/** AWS's message for an empty blob member (minimum length 1), refused before any cryptography. */
const lengthConstraint = (member: string): RegExp =>
  new RegExp(`at '${member}' failed to satisfy constraint: Member must have length greater than or equal to 1$`);

/** Runs `fn` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The AWS error name and message of a failed call, or undefined when it succeeded. */
async function failure(call: Promise<unknown>): Promise<{ name: string; message: string } | undefined> {
  try {
    await call;
    return undefined;
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return { name: e.name, message: e.message };
  }
}

describe.runIf(present)('Wycheproof vectors through the AWS API', () => {
  let t: TestServer;
  let kms: KMSClient;

  beforeAll(async () => {
    t = await startTestServer();
    kms = t.client();
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function createKey(keySpec: KeySpec, keyUsage: KeyUsageType): Promise<KeyMetadata> {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: keyUsage }));
    if (!KeyMetadata?.Arn || !KeyMetadata.KeyId || !KeyMetadata.AWSAccountId)
      throw new Error('CreateKey returned no metadata');
    return KeyMetadata;
  }

  /**
   * Makes `pkcs8` (PKCS#8 DER) the key's current material, through storage as ImportKeyMaterial
   * would, and checks GetPublicKey now answers the public key of that private key.
   */
  async function install(key: KeyMetadata, pkcs8: Buffer): Promise<void> {
    const { storage, keyStore, clock } = t.server.services;
    const keyArn = key.Arn!;
    const materialId = randomBytes(32).toString('hex');
    const material: KeyMaterialRecord = {
      keyArn,
      materialId,
      wrapped: await keyStore.wrap(pkcs8, wrappingAad('key-material', keyArn, materialId)),
      createdAt: clock.now(),
      rotationType: 'ON_DEMAND',
    };
    const record = await storage.getKey('us-east-1', key.AWSAccountId!, key.KeyId!);
    if (!record) throw new Error(`key ${keyArn} not in storage`);
    expect(await storage.addKeyMaterial({ ...record, currentMaterialId: materialId }, material)).toBe('ok');
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    const expected = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
    expect(Buffer.from(PublicKey!)).toEqual(expected.export({ format: 'der', type: 'spki' }));
  }

  describe('RSA-OAEP through Decrypt', () => {
    for (const { file, algorithm, keySpec, keySize, expected } of OAEP_FILES) {
      it(`${file} as ${algorithm} on a ${keySpec} key`, async () => {
        const counts: OaepCounts = { decrypted: 0, rejected: 0, rejectedEmpty: 0, skippedLabel: 0 };
        const wrong: string[] = [];
        for (const group of load<OaepGroup>(file)) {
          expect(group.keySize).toBe(keySize);
          const key = await createKey(keySpec, 'ENCRYPT_DECRYPT');
          const privateKey = createPrivateKey({ key: hex(group.privateKeyPkcs8), format: 'der', type: 'pkcs8' });
          expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(keySize);
          await install(key, privateKey.export({ format: 'der', type: 'pkcs8' }));

          await pool(group.tests, CONCURRENCY, async (test) => {
            const id = `tcId ${test.tcId} (${test.result} ${test.flags.join(',')})`;
            if (test.result === 'acceptable') {
              wrong.push(`${id}: an acceptable case appeared; decide it in docs/wycheproof.md`);
              return;
            }
            if (test.label.length > 0) {
              counts.skippedLabel++;
              return;
            }
            let plaintext: Buffer | undefined;
            const error = await failure(
              kms
                .send(
                  new DecryptCommand({
                    KeyId: key.KeyId,
                    CiphertextBlob: hex(test.ct),
                    EncryptionAlgorithm: algorithm,
                  }),
                )
                .then((out) => {
                  plaintext = Buffer.from(out.Plaintext!);
                  if (out.KeyId !== key.Arn || out.EncryptionAlgorithm !== algorithm) {
                    wrong.push(`${id}: answered KeyId ${out.KeyId}, ${out.EncryptionAlgorithm}`);
                  }
                }),
            );
            if (test.result === 'valid') {
              if (plaintext?.toString('hex') === test.msg) counts.decrypted++;
              else wrong.push(`${id}: expected ${test.msg}, got ${plaintext?.toString('hex') ?? error?.name}`);
            } else if (test.ct.length === 0) {
              if (error?.name === 'ValidationException' && lengthConstraint('ciphertextBlob').test(error.message))
                counts.rejectedEmpty++;
              else
                wrong.push(
                  `${id}: empty ciphertext answered ${error ? `${error.name}: ${error.message}` : 'a plaintext'}`,
                );
            } else if (error?.name === 'InvalidCiphertextException' && EMPTY_MESSAGE.test(error.message)) {
              counts.rejected++;
            } else {
              wrong.push(
                `${id}: expected an empty InvalidCiphertextException, got ${error ? `${error.name}: ${error.message}` : 'a plaintext'}`,
              );
            }
          });
        }
        expect(wrong).toEqual([]);
        expect(counts).toEqual(expected);
      });
    }
  });

  describe('ECDH through DeriveSharedSecret', () => {
    for (const { file, curve, keySpec, node, bytes, jwk, expected } of ECDH_FILES) {
      it(`${file} on an ${keySpec} key`, async () => {
        /** PKCS#8 DER of a Wycheproof scalar (big-endian, maybe with a leading zero byte). */
        const pkcs8 = (scalarHex: string): Buffer => {
          const raw = hex(scalarHex);
          let start = 0;
          while (start < raw.length - 1 && raw[start] === 0) start++;
          const d = Buffer.concat([Buffer.alloc(Math.max(0, bytes - (raw.length - start))), raw.subarray(start)]);
          expect(d).toHaveLength(bytes);
          const pair = createECDH(node);
          pair.setPrivateKey(d);
          const point = pair.getPublicKey(); // uncompressed: 04 || x || y
          const x = point.subarray(1, 1 + bytes);
          const y = point.subarray(1 + bytes);
          return createPrivateKey({
            key: { kty: 'EC', crv: jwk, d: b64url(d), x: b64url(x), y: b64url(y) },
            format: 'jwk',
          }).export({
            format: 'der',
            type: 'pkcs8',
          });
        };

        // Cases grouped by private key, in file order: one install per distinct key, then its
        // cases run concurrently (the key has one current material at a time).
        const byPrivate = new Map<string, EcdhTest[]>();
        for (const group of load<EcdhGroup>(file)) {
          expect(group.curve).toBe(curve);
          for (const test of group.tests) {
            const list = byPrivate.get(test.private) ?? [];
            list.push(test);
            byPrivate.set(test.private, list);
          }
        }

        const key = await createKey(keySpec, 'KEY_AGREEMENT');
        const counts: EcdhCounts = { derived: 0, refused: 0, refusedEmpty: 0, installs: 0 };
        const wrong: string[] = [];
        for (const [scalar, tests] of byPrivate) {
          await install(key, pkcs8(scalar));
          counts.installs++;
          await pool(tests, CONCURRENCY, async (test) => {
            const id = `tcId ${test.tcId} (${test.result} ${test.flags.join(',')})`;
            let secret: string | undefined;
            const error = await failure(
              kms
                .send(
                  new DeriveSharedSecretCommand({
                    KeyId: key.KeyId,
                    KeyAgreementAlgorithm: 'ECDH',
                    PublicKey: hex(test.public),
                  }),
                )
                .then((out) => {
                  secret = Buffer.from(out.SharedSecret!).toString('hex');
                }),
            );
            const accepted =
              test.result === 'valid' || (test.result === 'acceptable' && test.flags.includes('CompressedPublic'));
            if (accepted) {
              if (secret === test.shared) counts.derived++;
              else wrong.push(`${id}: expected ${test.shared}, got ${secret ?? `${error?.name}: ${error?.message}`}`);
            } else if (error?.name !== 'ValidationException') {
              wrong.push(
                `${id}: must be refused with ValidationException, got ${error?.name ?? `shared secret ${secret}`}`,
              );
            } else if (test.public.length === 0) {
              if (lengthConstraint('publicKey').test(error.message)) counts.refusedEmpty++;
              else wrong.push(`${id}: empty public key answered "${error.message}"`);
            } else if (EMPTY_MESSAGE.test(error.message)) {
              counts.refused++;
            } else {
              wrong.push(`${id}: ValidationException must have an empty message, got "${error.message}"`);
            }
          });
        }
        expect(wrong).toEqual([]);
        expect(counts).toEqual(expected);
      });
    }
  });
});
