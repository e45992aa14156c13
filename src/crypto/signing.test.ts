/**
 * The signing-algorithm table against Wycheproof (../shared/wycheproof, beside the repository):
 * every ECDSA, RSASSA-PSS, RSASSA-PKCS1-v1_5, Ed25519 and ML-DSA verification vector runs through
 * the table's own verify functions, RAW on the message and, where the algorithm takes it, DIGEST on
 * the message's hash (the path built here, not OpenSSL's). Decisions on "acceptable" cases and on
 * vectors outside what KMS signs are in docs/wycheproof.md, "## Signatures".
 * Absent vectors skip the suite locally and fail it in CI.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519ph } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import {
  mlDsaKeyPair,
  mlDsaPublicKeyFromSpki,
  mlDsaSpki,
  SIGNING_ALGORITHMS,
  signingPrivateKey,
  signingPublicKey,
  type MessageType,
  type SigningPublicKey,
} from './signing.js';
import { WYCHEPROOF_DIR, wycheproofPresent } from '../../test/helpers/wycheproof.js';

const present = wycheproofPresent('signature', ['ecdsa_secp256r1_sha256_test.json']);

interface SigTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  ctx?: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface SigGroup {
  publicKeyDer?: string;
  publicKey?: string | Record<string, unknown>;
  sha?: string;
  mgfSha?: string;
  sLen?: number;
  tests: SigTest[];
}
const load = (file: string): SigGroup[] =>
  (JSON.parse(readFileSync(join(WYCHEPROOF_DIR, file), 'utf8')) as { testGroups: SigGroup[] }).testGroups;
const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const HASH: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

function nodePublicKey(group: SigGroup): SigningPublicKey {
  return signingPublicKey(createPublicKey({ key: hex(group.publicKeyDer!), format: 'der', type: 'spki' }));
}

/**
 * Runs every test of `file` through `algorithmName`'s verify, RAW and (when the algorithm takes it)
 * DIGEST; `expected` maps a test to what Trent must answer (default: valid -> true, invalid -> false;
 * "acceptable" must be decided by the caller). Returns the number of cases run.
 */
function runVerify(
  file: string,
  algorithmFor: (group: SigGroup) => string,
  expected: (t: SigTest) => boolean = (t) => {
    if (t.result === 'acceptable') throw new Error(`tcId ${t.tcId}: undecided acceptable case`);
    return t.result === 'valid';
  },
): number {
  let count = 0;
  for (const group of load(file)) {
    const algorithm = SIGNING_ALGORITHMS[algorithmFor(group)]!;
    const key = nodePublicKey(group);
    const hash = HASH[group.sha!]!;
    for (const t of group.tests) {
      const want = expected(t);
      const msg = hex(t.msg);
      const sig = hex(t.sig);
      expect(algorithm.verify(key, msg, sig, 'RAW'), `${file} tcId ${t.tcId} RAW (${t.comment})`).toBe(want);
      if (algorithm.messageTypes.includes('DIGEST')) {
        const digest = createHash(hash).update(msg).digest();
        expect(algorithm.verify(key, digest, sig, 'DIGEST'), `${file} tcId ${t.tcId} DIGEST (${t.comment})`).toBe(want);
      }
      count++;
    }
  }
  return count;
}

describe.runIf(present)('Wycheproof signatures through the signing table', () => {
  it.each([
    ['ecdsa_secp256r1_sha256_test.json', 'ECDSA_SHA_256'],
    ['ecdsa_secp384r1_sha384_test.json', 'ECDSA_SHA_384'],
    ['ecdsa_secp521r1_sha512_test.json', 'ECDSA_SHA_512'],
    ['ecdsa_secp256k1_sha256_test.json', 'ECDSA_SHA_256'],
  ])('%s: %s, RAW and DIGEST', (file, algorithm) => {
    expect(runVerify(file, () => algorithm)).toBeGreaterThan(400);
  });

  it('ecdsa_secp256k1_sha256_bitcoin_test.json: Bitcoin low-S rule not applied (decision)', () => {
    // KMS signs and verifies X9.62 ECDSA (ECC_SECG_P256K1 is secp256k1, not Bitcoin's variant), so a
    // signature with s > n/2 is valid for it. Decision: every "valid" case verifies; an "invalid"
    // case may verify only when it is a well-formed DER signature with a high S, and then the same
    // signature with S replaced by n - S must verify too (it is the same signature, malleated).
    const algorithm = SIGNING_ALGORITHMS.ECDSA_SHA_256!;
    let highS = 0;
    for (const group of load('ecdsa_secp256k1_sha256_bitcoin_test.json')) {
      const key = nodePublicKey(group);
      for (const t of group.tests) {
        const msg = hex(t.msg);
        const sig = hex(t.sig);
        const raw = algorithm.verify(key, msg, sig, 'RAW');
        const digest = algorithm.verify(key, createHash('sha256').update(msg).digest(), sig, 'DIGEST');
        expect(digest, `tcId ${t.tcId}: RAW and DIGEST agree`).toBe(raw);
        if (t.result === 'valid') {
          expect(raw, `tcId ${t.tcId} (${t.comment})`).toBe(true);
        } else if (raw) {
          const parsed = secp256k1.Signature.fromBytes(sig, 'der');
          expect(Buffer.from(parsed.toBytes('der')), `tcId ${t.tcId}: strict DER`).toEqual(sig);
          expect(parsed.hasHighS(), `tcId ${t.tcId}: high S`).toBe(true);
          const lowS = Buffer.from(
            new secp256k1.Signature(parsed.r, secp256k1.Point.CURVE().n - parsed.s).toBytes('der'),
          );
          expect(algorithm.verify(key, msg, lowS, 'RAW'), `tcId ${t.tcId}: low-S twin`).toBe(true);
          highS++;
        }
      }
    }
    expect(highS).toBeGreaterThan(0);
  });

  it.each([
    'rsa_pss_2048_sha256_mgf1_32_test.json',
    'rsa_pss_2048_sha384_mgf1_48_test.json',
    'rsa_pss_3072_sha256_mgf1_32_test.json',
    'rsa_pss_4096_sha256_mgf1_32_test.json',
    'rsa_pss_4096_sha384_mgf1_48_test.json',
    'rsa_pss_4096_sha512_mgf1_64_test.json',
  ])('%s: RSASSA_PSS, RAW and DIGEST', (file) => {
    const count = runVerify(file, (g) => {
      // KMS's PSS is MGF1 with the message digest and salt length = digest length.
      expect(g.mgfSha).toBe(g.sha);
      expect(g.sLen).toBe(createHash(HASH[g.sha!]!).digest().length);
      return `RSASSA_PSS_${g.sha!.replace('SHA-', 'SHA_')}`;
    });
    expect(count).toBeGreaterThan(100);
  });

  it.each([
    'rsa_signature_2048_sha256_test.json',
    'rsa_signature_3072_sha256_test.json',
    'rsa_signature_3072_sha384_test.json',
    'rsa_signature_4096_sha256_test.json',
    'rsa_signature_4096_sha384_test.json',
    'rsa_signature_4096_sha512_test.json',
  ])('%s: RSASSA_PKCS1_V1_5, RAW and DIGEST', (file) => {
    // Acceptable "MissingNull" (DigestInfo without the NULL parameters): rejected. KMS always
    // writes the NULL (RFC 8017 §9.2 note 1), and one exact encoding is what we compare against.
    const count = runVerify(
      file,
      (g) => `RSASSA_PKCS1_V1_5_${g.sha!.replace('SHA-', 'SHA_')}`,
      (t) => (t.result === 'acceptable' ? (expect(t.flags).toEqual(['MissingNull']), false) : t.result === 'valid'),
    );
    expect(count).toBeGreaterThan(250);
  });

  it('ed25519_test.json: ED25519_SHA_512 (RAW)', () => {
    expect(runVerify('ed25519_test.json', () => 'ED25519_SHA_512')).toBeGreaterThan(140);
  });

  it.each(['mldsa_44_verify_test.json', 'mldsa_65_verify_test.json', 'mldsa_87_verify_test.json'])(
    '%s: ML_DSA_SHAKE_256 (RAW, empty context)',
    (file) => {
      const algorithm = SIGNING_ALGORITHMS.ML_DSA_SHAKE_256!;
      let count = 0;
      for (const group of load(file)) {
        const key: SigningPublicKey = { raw: hex(group.publicKey as string) };
        for (const t of group.tests) {
          // KMS signs with the empty context and has no context parameter: a signature made with a
          // non-empty context is not a KMS signature, so Trent must reject it (decision).
          const want = t.ctx !== undefined && t.ctx !== '' ? false : t.result === 'valid';
          expect(algorithm.verify(key, hex(t.msg), hex(t.sig), 'RAW'), `${file} tcId ${t.tcId} (${t.comment})`).toBe(
            want,
          );
          count++;
        }
      }
      expect(count).toBeGreaterThan(170);
    },
  );
});

describe('signing table', () => {
  it('Ed25519ph on a digest matches RFC 8032 §7.3 (TEST abc)', async () => {
    const seed = hex('833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42');
    const publicKey = hex('ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf');
    const expected = hex(
      '98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406',
    );
    const pkcs8 = Buffer.concat([hex('302e020100300506032b657004220420'), seed]);
    const key = signingPrivateKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
    expect(Buffer.from(key.publicKey.raw!)).toEqual(publicKey);
    const digest = createHash('sha512').update('abc').digest();
    const algorithm = SIGNING_ALGORITHMS.ED25519_PH_SHA_512!;
    expect(await algorithm.sign(key, digest, 'DIGEST')).toEqual(expected);
    expect(algorithm.verify(key.publicKey, digest, expected, 'DIGEST')).toBe(true);
    expect(ed25519ph.verify(expected, Buffer.from('abc'), publicKey)).toBe(true);
    const flipped = Buffer.from(expected);
    flipped[0]! ^= 1;
    expect(algorithm.verify(key.publicKey, digest, flipped, 'DIGEST')).toBe(false);
  });

  it('refuses an RSA signature shorter than the modulus even when it is the same number (leading zero dropped)', async () => {
    const key = signingPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    for (const name of ['RSASSA_PSS_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_256']) {
      const algorithm = SIGNING_ALGORITHMS[name]!;
      for (const type of ['RAW', 'DIGEST'] as const) {
        let input: Buffer = Buffer.alloc(0);
        let signature: Buffer = Buffer.alloc(0);
        // PKCS#1 v1.5 is deterministic, so vary the input until the signature starts with a zero.
        for (let i = 0; signature[0] !== 0; i++) {
          input = type === 'RAW' ? Buffer.from(`message ${i}`) : createHash('sha256').update(`m${i}`).digest();
          signature = await algorithm.sign(key, input, type);
        }
        expect(algorithm.verify(key.publicKey, input, signature, type), `${name} ${type}`).toBe(true);
        expect(algorithm.verify(key.publicKey, input, signature.subarray(1), type), `${name} ${type} short`).toBe(
          false,
        );
      }
    }
  });

  it('every row signs and verifies on a key of each spec it fits, RAW and DIGEST/EXTERNAL_MU alike', async () => {
    const keys: Record<string, ReturnType<typeof signingPrivateKey>> = {
      RSA_2048: signingPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
      ECC_NIST_P256: signingPrivateKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey),
      ECC_NIST_P384: signingPrivateKey(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey),
      ECC_NIST_P521: signingPrivateKey(generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).privateKey),
      ECC_SECG_P256K1: signingPrivateKey(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey),
      ECC_NIST_EDWARDS25519: signingPrivateKey(generateKeyPairSync('ed25519').privateKey),
      ML_DSA_44: mlDsaKeyPair('ML_DSA_44', Buffer.alloc(32, 1)),
      ML_DSA_65: mlDsaKeyPair('ML_DSA_65', Buffer.alloc(32, 2)),
      ML_DSA_87: mlDsaKeyPair('ML_DSA_87', Buffer.alloc(32, 3)),
    };
    const message = Buffer.from('message');
    for (const algorithm of Object.values(SIGNING_ALGORITHMS)) {
      for (const spec of algorithm.keySpecs) {
        const key = keys[spec];
        if (!key) continue; // RSA_3072/4096: same code as RSA_2048, slow to generate
        for (const type of algorithm.messageTypes) {
          const input: Buffer = type === 'RAW' ? message : Buffer.alloc(algorithm.digestLength, 9);
          const signature = await algorithm.sign(key, input, type as MessageType);
          expect(algorithm.verify(key.publicKey, input, signature, type), `${algorithm.name} ${spec} ${type}`).toBe(
            true,
          );
          const other = Buffer.from(input);
          other[0]! ^= 1;
          expect(
            algorithm.verify(key.publicKey, other, signature, type),
            `${algorithm.name} ${spec} ${type} tampered`,
          ).toBe(false);
          expect(algorithm.verify(key.publicKey, input, signature.subarray(1), type)).toBe(false);
        }
      }
    }
  });

  it('ML-DSA SubjectPublicKeyInfo round-trips (RFC 9881)', () => {
    const { publicKey } = mlDsaKeyPair('ML_DSA_65', Buffer.alloc(32, 5));
    const spki = mlDsaSpki('ML_DSA_65', publicKey.raw!);
    expect(spki.subarray(0, 22).toString('hex')).toBe('308207b2300b0609608648016503040312038207a100');
    expect(Buffer.from(mlDsaPublicKeyFromSpki('ML_DSA_65', spki)!)).toEqual(Buffer.from(publicKey.raw!));
    expect(mlDsaPublicKeyFromSpki('ML_DSA_44', spki)).toBeUndefined();
  });
});
