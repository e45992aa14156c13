/**
 * The signing-algorithm table (STYLE rule 3): one row per AWS KMS SigningAlgorithmSpec, saying
 * which key specs it fits, which MessageTypes it accepts, its digest and that digest's length, and
 * how it signs and verifies. Operations look a row up and never switch on an algorithm's name.
 *
 * node:crypto (OpenSSL) does every RAW message of RSA, ECDSA and Ed25519. node:crypto has no
 * "sign this digest" entry point, so DIGEST messages take these routes:
 * - RSASSA-PKCS1-v1_5: EMSA-PKCS1-v1_5 (RFC 8017 §9.2) built here, RSA by privateEncrypt's type-1
 *   padding; verification recomputes the encoding and compares it whole (no ASN.1 parsing);
 * - RSASSA-PSS: EMSA-PSS (RFC 8017 §9.1, salt length = digest length) built here, RSA without
 *   padding;
 * - ECDSA: @noble/curves with prehash off (X9.62 on the given digest);
 * - Ed25519ph (RFC 8032 §5.1, empty context): @noble/curves, the 64-byte SHA-512 digest as PH(M).
 * ML-DSA (FIPS 204, pure, empty context) is @noble/post-quantum, on the message (RAW) or on a
 * caller-computed μ (EXTERNAL_MU, FIPS 204 §6.2 / Algorithm 7 line 6).
 * SM2DSA (GB/T 32918.2) is crypto/sm2.ts: RAW and DIGEST share one path, e = SM3(Z ‖ M) with the
 * default distinguishing ID computed here for RAW, given by the caller for DIGEST.
 */
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  sign as nodeSign,
  timingSafeEqual,
  verify as nodeVerify,
  type KeyObject,
  type SignKeyObjectInput,
} from 'node:crypto';
import { promisify } from 'node:util';
import { eddsa } from '@noble/curves/abstract/edwards.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { der, subjectPublicKeyInfo } from './der.js';
import { sm2KeyPairFromPkcs8, sm2MessageDigest, sm2Sign, sm2Verify } from './sm2.js';

export type MessageType = 'RAW' | 'DIGEST' | 'EXTERNAL_MU';
type DigestName = 'sha256' | 'sha384' | 'sha512';

/**
 * The parts of a key pair the algorithms use. `keyObject` is node:crypto's form (RSA, EC,
 * Ed25519); `raw` is the encoding @noble needs (EC and Ed25519 secret scalar/seed, ML-DSA secret key).
 */
export interface SigningPublicKey {
  keyObject?: KeyObject;
  /** EC: uncompressed point; Ed25519: 32-byte point; ML-DSA: the FIPS 204 public key. */
  raw?: Uint8Array;
}
export interface SigningPrivateKey {
  keyObject?: KeyObject;
  raw?: Uint8Array;
  publicKey: SigningPublicKey;
}

export interface SigningAlgorithm {
  name: string;
  /** KeySpecs this algorithm fits. */
  keySpecs: readonly string[];
  /** MessageTypes accepted (AWS API reference, Sign: MessageType). */
  messageTypes: readonly MessageType[];
  /** Digest of RAW messages; its length is what a DIGEST (or EXTERNAL_MU) message must have. */
  digestLength: number;
  /**
   * Signs `message` (already checked against `messageTypes` and `digestLength`). Asynchronous so
   * that slow private-key operations (RSA) can run on libuv's thread pool, off the event loop.
   */
  sign(key: SigningPrivateKey, message: Buffer, messageType: MessageType): Promise<Buffer>;
  /** False for any signature that does not verify, including malformed ones. */
  verify(key: SigningPublicKey, message: Buffer, signature: Buffer, messageType: MessageType): boolean;
}

/** Maximum Message length of Sign and Verify (AWS API reference). */
export const MAX_SIGNING_MESSAGE = 4096;

const DIGEST_LENGTH: Record<DigestName, number> = { sha256: 32, sha384: 48, sha512: 64 };

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`signing key lacks its ${what}`);
  return value;
}

/** Verification never throws on hostile input: any failure is "does not verify". */
function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

// ---- RSA ------------------------------------------------------------------------------------

/** node:crypto's sign with a callback: the work runs on libuv's thread pool (RSA takes ~1 ms). */
const signOffThread = promisify(nodeSign) as (
  algorithm: string,
  data: Buffer,
  key: SignKeyObjectInput,
) => Promise<Buffer>;

/** DER DigestInfo prefixes, RFC 8017 §9.2 note 1. */
const DIGEST_INFO_PREFIX: Record<DigestName, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

/**
 * An RSA signature is exactly k octets (RFC 8017 §8.1.2 and §8.2.2 step 1): OpenSSL would read a
 * shorter one as a number with leading zeros and accept it.
 */
function hasModulusLength(publicKey: KeyObject, signature: Buffer): boolean {
  return signature.length === Math.ceil(modulusBits(publicKey) / 8);
}

function modulusBits(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw new Error('not an RSA key');
  return bits;
}

function mgf1(digest: DigestName, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  for (let counter = 0, have = 0; have < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(digest).update(seed).update(c).digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** EMSA-PSS-ENCODE, RFC 8017 §9.1.1, sLen = hLen; returns EM left-padded to the modulus size. */
function pssEncode(digest: DigestName, mHash: Buffer, modBits: number): Buffer {
  const hLen = DIGEST_LENGTH[digest];
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(hLen);
  const h = createHash(digest).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.alloc(emLen - hLen - 1);
  db[db.length - hLen - 1] = 0x01;
  salt.copy(db, db.length - hLen);
  const mask = mgf1(digest, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
  const k = Math.ceil(modBits / 8);
  return k > emLen ? Buffer.concat([Buffer.alloc(k - emLen), em]) : em;
}

/** EMSA-PSS-VERIFY, RFC 8017 §9.1.2, sLen = hLen. `em` is the k-byte RSAVP1 output. */
function pssVerify(digest: DigestName, mHash: Buffer, em: Buffer, modBits: number): boolean {
  const hLen = DIGEST_LENGTH[digest];
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  // When emLen < k, the extra leading byte of the integer must be zero.
  for (let i = 0; i < em.length - emLen; i++) if (em[i] !== 0) return false;
  em = em.subarray(em.length - emLen);
  if (emLen < 2 * hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  if ((maskedDb[0]! & ~(0xff >> (8 * emLen - emBits)) & 0xff) !== 0) return false;
  const db = mgf1(digest, h, maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= maskedDb[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const psLen = emLen - 2 * hLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - hLen);
  const h2 = createHash(digest).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return timingSafeEqual(h, h2);
}

/** RSA public operation without padding; undefined when the signature is not an integer < n. */
function rsaPublic(key: KeyObject, signature: Buffer): Buffer | undefined {
  const k = Math.ceil(modulusBits(key) / 8);
  if (signature.length !== k) return undefined;
  return publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature);
}

function rsaPss(name: string, digest: DigestName): SigningAlgorithm {
  return {
    name,
    keySpecs: RSA_SPECS,
    messageTypes: ['RAW', 'DIGEST'],
    digestLength: DIGEST_LENGTH[digest],
    async sign(key, message, messageType) {
      const privateKey = need(key.keyObject, 'private key');
      if (messageType === 'RAW') {
        return signOffThread(digest, message, {
          key: privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        });
      }
      const em = pssEncode(digest, message, modulusBits(privateKey));
      return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, em);
    },
    verify(key, message, signature, messageType) {
      const publicKey = need(key.keyObject, 'public key');
      if (!hasModulusLength(publicKey, signature)) return false;
      return safely(() => {
        if (messageType === 'RAW') {
          return nodeVerify(
            digest,
            message,
            { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_LENGTH[digest] },
            signature,
          );
        }
        const em = rsaPublic(publicKey, signature);
        return em !== undefined && pssVerify(digest, message, em, modulusBits(publicKey));
      });
    },
  };
}

/** EMSA-PKCS1-v1_5 payload T = DigestInfo || H (the type-1 padding is OpenSSL's). */
function digestInfo(digest: DigestName, hash: Buffer): Buffer {
  return Buffer.concat([DIGEST_INFO_PREFIX[digest], hash]);
}

function rsaPkcs1(name: string, digest: DigestName): SigningAlgorithm {
  return {
    name,
    keySpecs: RSA_SPECS,
    messageTypes: ['RAW', 'DIGEST'],
    digestLength: DIGEST_LENGTH[digest],
    async sign(key, message, messageType) {
      const privateKey = need(key.keyObject, 'private key');
      if (messageType === 'RAW') {
        return signOffThread(digest, message, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
      }
      return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo(digest, message));
    },
    verify(key, message, signature, messageType) {
      const publicKey = need(key.keyObject, 'public key');
      if (!hasModulusLength(publicKey, signature)) return false;
      return safely(() => {
        if (messageType === 'RAW') {
          return nodeVerify(digest, message, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
        }
        // Rebuild the whole encoded message and compare it (RFC 8017 §8.2.2 step 3-4).
        const em = rsaPublic(publicKey, signature);
        if (em === undefined) return false;
        const t = digestInfo(digest, message);
        const expected = Buffer.concat([
          Buffer.from([0x00, 0x01]),
          Buffer.alloc(em.length - t.length - 3, 0xff),
          Buffer.from([0x00]),
          t,
        ]);
        return expected.length === em.length && timingSafeEqual(expected, em);
      });
    },
  };
}

// ---- ECDSA ----------------------------------------------------------------------------------

type NobleEcdsa = typeof p256;
const NOBLE_CURVE: Record<string, NobleEcdsa> = {
  ECC_NIST_P256: p256,
  ECC_NIST_P384: p384,
  ECC_NIST_P521: p521,
  ECC_SECG_P256K1: secp256k1,
};

/**
 * ECDSA with DER signatures (RFC 3279 §2.2.3). High-S signatures are valid: KMS signs X9.62
 * ECDSA, not Bitcoin's low-S form (docs/wycheproof.md).
 */
function ecdsa(name: string, digest: DigestName, keySpecs: readonly string[]): SigningAlgorithm {
  const curveOf = (keySpec: string | undefined): NobleEcdsa =>
    need(keySpec ? NOBLE_CURVE[keySpec] : undefined, 'curve');
  return {
    name,
    keySpecs,
    messageTypes: ['RAW', 'DIGEST'],
    digestLength: DIGEST_LENGTH[digest],
    async sign(key, message, messageType) {
      if (messageType === 'RAW')
        return nodeSign(digest, message, { key: need(key.keyObject, 'private key'), dsaEncoding: 'der' });
      const curve = curveOf(ecKeySpec(need(key.publicKey.keyObject, 'public key')));
      return Buffer.from(
        curve.sign(message, need(key.raw, 'secret scalar'), { prehash: false, lowS: false, format: 'der' }),
      );
    },
    verify(key, message, signature, messageType) {
      const publicKey = need(key.keyObject, 'public key');
      return safely(() => {
        if (messageType === 'RAW')
          return nodeVerify(digest, message, { key: publicKey, dsaEncoding: 'der' }, signature);
        const curve = curveOf(ecKeySpec(publicKey));
        return curve.verify(signature, message, need(key.raw, 'public point'), {
          prehash: false,
          lowS: false,
          format: 'der',
        });
      });
    },
  };
}

const CURVE_SPEC: Record<string, string> = {
  prime256v1: 'ECC_NIST_P256',
  secp384r1: 'ECC_NIST_P384',
  secp521r1: 'ECC_NIST_P521',
  secp256k1: 'ECC_SECG_P256K1',
};

function ecKeySpec(key: KeyObject): string | undefined {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? CURVE_SPEC[curve] : undefined;
}

// ---- Ed25519 --------------------------------------------------------------------------------

/** dom2(1, "") of RFC 8032 §5.1: the Ed25519ph domain separator with an empty context. */
function dom2(data: Uint8Array, ctx: Uint8Array, phflag: boolean): Uint8Array {
  if (ctx.length > 255) throw new Error('context too long');
  const prefix = Buffer.concat([
    Buffer.from('SigEd25519 no Ed25519 collisions'),
    Buffer.from([phflag ? 1 : 0, ctx.length]),
    ctx,
  ]);
  return Buffer.concat([prefix, data]);
}

/** Ed25519ph whose input is already PH(M) = SHA-512(M): the prehash step is the identity. */
const ed25519phOnDigest = eddsa(ed25519.Point, sha512, {
  adjustScalarBytes: (bytes: Uint8Array) => {
    bytes[0]! &= 248;
    bytes[31]! &= 127;
    bytes[31]! |= 64;
    return bytes;
  },
  domain: dom2,
  prehash: (m: Uint8Array) => m,
  zip215: false,
});

const ED25519_SHA_512: SigningAlgorithm = {
  name: 'ED25519_SHA_512',
  keySpecs: ['ECC_NIST_EDWARDS25519'],
  // Pure Ed25519 signs the message itself; AWS accepts RAW only (KeySpec reference).
  messageTypes: ['RAW'],
  digestLength: 64,
  sign: async (key, message) => nodeSign(null, message, need(key.keyObject, 'private key')),
  verify: (key, message, signature) =>
    safely(() => nodeVerify(null, message, need(key.keyObject, 'public key'), signature)),
};

const ED25519_PH_SHA_512: SigningAlgorithm = {
  name: 'ED25519_PH_SHA_512',
  keySpecs: ['ECC_NIST_EDWARDS25519'],
  // Ed25519ph takes the SHA-512 digest; AWS accepts DIGEST only (KeySpec reference).
  messageTypes: ['DIGEST'],
  digestLength: 64,
  sign: async (key, message) => Buffer.from(ed25519phOnDigest.sign(message, need(key.raw, 'seed'))),
  verify: (key, message, signature) =>
    safely(() => ed25519phOnDigest.verify(signature, message, need(key.raw, 'public key'), { zip215: false })),
};

// ---- ML-DSA ---------------------------------------------------------------------------------

export const ML_DSA: Record<string, typeof ml_dsa44> = {
  ML_DSA_44: ml_dsa44,
  ML_DSA_65: ml_dsa65,
  ML_DSA_87: ml_dsa87,
};

/** Which ML-DSA parameter set a raw public or secret key belongs to, by its length. */
function mlDsaOf(key: Uint8Array, which: 'publicKey' | 'secretKey'): typeof ml_dsa44 {
  const set = Object.values(ML_DSA).find((s) => s.lengths[which] === key.length);
  return need(set, 'ML-DSA parameter set');
}

const ML_DSA_SHAKE_256: SigningAlgorithm = {
  name: 'ML_DSA_SHAKE_256',
  keySpecs: ['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'],
  // RAW: pure ML-DSA, empty context. EXTERNAL_MU: the 64-byte μ of FIPS 204 §6.2. No DIGEST.
  messageTypes: ['RAW', 'EXTERNAL_MU'],
  digestLength: 64,
  async sign(key, message, messageType) {
    const secretKey = need(key.raw, 'secret key');
    const set = mlDsaOf(secretKey, 'secretKey');
    return Buffer.from(
      messageType === 'EXTERNAL_MU'
        ? set.internal.sign(message, secretKey, { externalMu: true })
        : set.sign(message, secretKey),
    );
  },
  verify(key, message, signature, messageType) {
    const publicKey = need(key.raw, 'public key');
    return safely(() => {
      const set = mlDsaOf(publicKey, 'publicKey');
      return messageType === 'EXTERNAL_MU'
        ? set.internal.verify(signature, message, publicKey, { externalMu: true })
        : set.verify(signature, message, publicKey);
    });
  },
};

// ---- SM2DSA ---------------------------------------------------------------------------------

/**
 * AWS: for DIGEST the caller computes e = SM3(Z ‖ M) itself, Z with the default distinguishing ID
 * ("Offline verification with SM2 key pairs"); for RAW KMS does. Either way the library signs e.
 */
const SM2DSA: SigningAlgorithm = {
  name: 'SM2DSA',
  keySpecs: ['SM2'],
  messageTypes: ['RAW', 'DIGEST'],
  digestLength: 32,
  async sign(key, message, messageType) {
    const point = need(key.publicKey.raw, 'public point');
    const e = messageType === 'RAW' ? sm2MessageDigest(point, message) : message;
    return sm2Sign({ scalar: Buffer.from(need(key.raw, 'private scalar')), point: Buffer.from(point) }, e);
  },
  verify(key, message, signature, messageType) {
    const point = need(key.raw, 'public point');
    return safely(() =>
      sm2Verify(point, messageType === 'RAW' ? sm2MessageDigest(point, message) : message, signature),
    );
  },
};

// ---- the table ------------------------------------------------------------------------------

const RSA_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const;

export const SIGNING_ALGORITHMS: Readonly<Record<string, SigningAlgorithm>> = Object.fromEntries(
  [
    rsaPss('RSASSA_PSS_SHA_256', 'sha256'),
    rsaPss('RSASSA_PSS_SHA_384', 'sha384'),
    rsaPss('RSASSA_PSS_SHA_512', 'sha512'),
    rsaPkcs1('RSASSA_PKCS1_V1_5_SHA_256', 'sha256'),
    rsaPkcs1('RSASSA_PKCS1_V1_5_SHA_384', 'sha384'),
    rsaPkcs1('RSASSA_PKCS1_V1_5_SHA_512', 'sha512'),
    ecdsa('ECDSA_SHA_256', 'sha256', ['ECC_NIST_P256', 'ECC_SECG_P256K1']),
    ecdsa('ECDSA_SHA_384', 'sha384', ['ECC_NIST_P384']),
    ecdsa('ECDSA_SHA_512', 'sha512', ['ECC_NIST_P521']),
    ED25519_SHA_512,
    ED25519_PH_SHA_512,
    ML_DSA_SHAKE_256,
    SM2DSA,
  ].map((row) => [row.name, row]),
);

// ---- key parts ------------------------------------------------------------------------------

const b64url = (s: string | undefined): Buffer => Buffer.from(need(s, 'JWK member'), 'base64url');

/** The public parts of a node:crypto public key (EC point or Ed25519 point beside the KeyObject). */
export function signingPublicKey(keyObject: KeyObject): SigningPublicKey {
  const type = keyObject.asymmetricKeyType;
  if (type === 'ec') {
    const jwk = keyObject.export({ format: 'jwk' });
    return { keyObject, raw: Buffer.concat([Buffer.from([0x04]), b64url(jwk.x), b64url(jwk.y)]) };
  }
  if (type === 'ed25519') return { keyObject, raw: b64url(keyObject.export({ format: 'jwk' }).x) };
  return { keyObject };
}

/** The parts of a node:crypto private key (RSA, EC, Ed25519). */
export function signingPrivateKey(privateKey: KeyObject): SigningPrivateKey {
  const publicKey = signingPublicKey(createPublicKey(privateKey));
  const type = privateKey.asymmetricKeyType;
  if (type === 'ec' || type === 'ed25519')
    return { keyObject: privateKey, raw: b64url(privateKey.export({ format: 'jwk' }).d), publicKey };
  return { keyObject: privateKey, publicKey };
}

/** ML-DSA key pair from its 32-byte seed ξ (FIPS 204 ML-DSA.KeyGen_internal). */
export function mlDsaKeyPair(keySpec: string, seed: Uint8Array): SigningPrivateKey {
  const set = need(ML_DSA[keySpec], `ML-DSA set for ${keySpec}`);
  const { secretKey, publicKey } = set.keygen(seed);
  return { raw: secretKey, publicKey: { raw: publicKey } };
}

/** OIDs id-ml-dsa-44/65/87 (NIST CSOR, RFC 9881 §2), DER content bytes. */
const ML_DSA_OID: Record<string, string> = {
  ML_DSA_44: '0609608648016503040311',
  ML_DSA_65: '0609608648016503040312',
  ML_DSA_87: '0609608648016503040313',
};

/**
 * SubjectPublicKeyInfo of an ML-DSA public key (RFC 9881 §4): AlgorithmIdentifier with the
 * parameter set's OID and absent parameters, the raw public key as the BIT STRING.
 */
export function mlDsaSpki(keySpec: string, publicKey: Uint8Array): Buffer {
  const oid = Buffer.from(need(ML_DSA_OID[keySpec], `OID for ${keySpec}`), 'hex');
  return subjectPublicKeyInfo(der(0x30, oid), publicKey);
}

/** The raw ML-DSA public key in an ML-DSA SubjectPublicKeyInfo, or undefined when it is not one. */
export function mlDsaPublicKeyFromSpki(keySpec: string, spki: Uint8Array): Uint8Array | undefined {
  const set = ML_DSA[keySpec];
  if (!set) return undefined;
  const raw = spki.subarray(spki.length - set.lengths.publicKey!);
  return Buffer.from(spki).equals(mlDsaSpki(keySpec, raw)) ? raw : undefined;
}

const fromPkcs8 = (material: Buffer): SigningPrivateKey =>
  signingPrivateKey(createPrivateKey({ key: material, format: 'der', type: 'pkcs8' }));
const fromMlDsaSeed =
  (keySpec: string) =>
  (seed: Buffer): SigningPrivateKey =>
    mlDsaKeyPair(keySpec, seed);

/** SM2 keys carry raw parts only: node:crypto cannot sign with them (docs/architecture.md, "SM2"). */
const fromSm2Pkcs8 = (material: Buffer): SigningPrivateKey => {
  const { scalar, point } = sm2KeyPairFromPkcs8(material);
  return { raw: scalar, publicKey: { raw: point } };
};

/**
 * The signing key of a SIGN_VERIFY key spec from its stored material (crypto/key-material.ts:
 * PKCS#8 DER, or the ML-DSA seed).
 */
export const SIGNING_KEY_FROM_MATERIAL: Readonly<Record<string, (material: Buffer) => SigningPrivateKey>> = {
  RSA_2048: fromPkcs8,
  RSA_3072: fromPkcs8,
  RSA_4096: fromPkcs8,
  ECC_NIST_P256: fromPkcs8,
  ECC_NIST_P384: fromPkcs8,
  ECC_NIST_P521: fromPkcs8,
  ECC_SECG_P256K1: fromPkcs8,
  ECC_NIST_EDWARDS25519: fromPkcs8,
  ML_DSA_44: fromMlDsaSeed('ML_DSA_44'),
  ML_DSA_65: fromMlDsaSeed('ML_DSA_65'),
  ML_DSA_87: fromMlDsaSeed('ML_DSA_87'),
  SM2: fromSm2Pkcs8,
};
