/**
 * SM2 signatures (SM2DSA, GB/T 32918.2) and public-key encryption (SM2PKE, GB/T 32918.4) on the
 * recommended curve (GB/T 32918.5), as AWS KMS offers them in the China regions. The curve
 * arithmetic is sm-crypto-v2's (the one library allowed for SM2DSA and SM2PKE); SM3, key parsing
 * and every encoding are here, on node:crypto, with strict DER both ways:
 * - signatures are DER SEQUENCE { r INTEGER, s INTEGER } (GM/T 0009 §7.3);
 * - ciphertexts are DER SEQUENCE { x INTEGER, y INTEGER, C3 OCTET STRING (32), C2 OCTET STRING },
 *   the C1C3C2 form of GM/T 0009 §7.2 that AWS KMS returns and OpenSSL reads and writes.
 * The library's own DER parsers and its decryption are not used: they accept malformed input and
 * compare the SM3 check value with `===`. Decryption is its curve multiplication and KDF, the
 * rest (point validation, check value in constant time) done here.
 */
import { createHash, createPrivateKey, createPublicKey, timingSafeEqual } from 'node:crypto';
import { kdf, sm2 } from 'sm-crypto-v2';
import { der, subjectPublicKeyInfo } from './der.js';
import { CiphertextError } from './errors.js';

/** The default distinguishing ID (GM/T 0009 §10), which AWS KMS uses for SM2DSA. */
export const SM2_DEFAULT_ID = Buffer.from('1234567812345678');
/** AWS KMS: "SM2PKE: 1024 bytes (China Regions only)" (Encrypt, API reference). */
export const SM2PKE_MAX_PLAINTEXT = 1024;

/** The curve parameters that enter Z (GB/T 32918.2 §5.5): a, b and the base point. */
export interface Sm2ZCurve {
  a: Buffer;
  b: Buffer;
  gx: Buffer;
  gy: Buffer;
}

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/** The recommended curve, GB/T 32918.5 §4. */
export const SM2_CURVE: Sm2ZCurve = {
  a: hex('fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc'),
  b: hex('28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93'),
  gx: hex('32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7'),
  gy: hex('bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0'),
};
const P = BigInt('0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff');
const N = BigInt('0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');

/** An SM2 key pair: the 32-byte private scalar d and the uncompressed public point 04‖x‖y. */
export interface Sm2KeyPair {
  scalar: Buffer;
  point: Buffer;
}

const sm3 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sm3');
  for (const part of parts) h.update(part);
  return h.digest();
};

/**
 * Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), GB/T 32918.2 §5.5; ENTL is the ID's length in bits.
 * `curve` is only for the standard's examples on its test curve.
 */
export function sm2Z(point: Uint8Array, id: Uint8Array = SM2_DEFAULT_ID, curve: Sm2ZCurve = SM2_CURVE): Buffer {
  if (point.length !== 65 || point[0] !== 0x04) throw new Error('SM2 public key must be an uncompressed point');
  const bits = id.length * 8;
  if (bits > 0xffff) throw new Error('SM2 distinguishing ID too long');
  const entl = Buffer.from([bits >> 8, bits & 0xff]);
  return sm3(entl, id, curve.a, curve.b, curve.gx, curve.gy, point.subarray(1));
}

/** e = SM3(Z ‖ M), GB/T 32918.2 §6.1 steps A1-A2: what SM2DSA signs, and what a DIGEST message is. */
export function sm2MessageDigest(point: Uint8Array, message: Uint8Array, id: Uint8Array = SM2_DEFAULT_ID): Buffer {
  return sm3(sm2Z(point, id), message);
}

/** Signs the 32-byte e (GB/T 32918.2 §6.1 steps A3-A7); returns DER SEQUENCE { r, s }. */
export function sm2Sign(key: Sm2KeyPair, e: Uint8Array): Buffer {
  if (e.length !== 32) throw new Error('SM2 digest must be 32 bytes');
  const rs = sm2.doSignature(e, key.scalar.toString('hex'), { der: false, hash: false });
  return encodeSignature(BigInt(`0x${rs.slice(0, 64)}`), BigInt(`0x${rs.slice(64)}`));
}

/**
 * Verifies a DER signature over the 32-byte e (GB/T 32918.2 §7.1). False for anything that is not
 * canonical DER with 1 ≤ r, s ≤ n-1 (steps B1-B2, which the library skips), and never throws.
 */
export function sm2Verify(point: Uint8Array, e: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (e.length !== 32) return false;
    const rs = decodeSignature(Buffer.from(signature));
    if (!rs) return false;
    return sm2.doVerifySignature(e, pad64(rs.r) + pad64(rs.s), Buffer.from(point).toString('hex'), {
      der: false,
      hash: false,
    });
  } catch {
    return false;
  }
}

/** SM2PKE encryption (GB/T 32918.4 §6.1), C1C3C2 in DER. */
export function sm2Encrypt(point: Uint8Array, plaintext: Uint8Array): Buffer {
  if (plaintext.length === 0) throw new Error('SM2 plaintext must not be empty');
  const publicKey = Buffer.from(point).toString('hex');
  for (;;) {
    // Hex x ‖ y ‖ C3 ‖ C2 (cipherMode 1 is C1C3C2; the library drops C1's 04 prefix).
    const out = sm2.doEncrypt(plaintext, publicKey, 1);
    const c2 = hex(out.slice(192));
    // Step A5: a KDF output t of all zeros means C2 = M; the standard picks a new k. The library
    // does not check, and for a one-byte message that happens once in 256.
    if (c2.equals(plaintext)) continue;
    return encodeCiphertext(
      BigInt(`0x${out.slice(0, 64)}`),
      BigInt(`0x${out.slice(64, 128)}`),
      hex(out.slice(128, 192)),
      c2,
    );
  }
}

/**
 * SM2PKE decryption (GB/T 32918.4 §7.1). Every failure (not canonical DER, C1 not on the curve,
 * all-zero KDF output, wrong C3) is the same CiphertextError.
 */
export function sm2Decrypt(key: Sm2KeyPair, ciphertext: Uint8Array): Buffer {
  const parsed = decodeCiphertext(Buffer.from(ciphertext));
  if (!parsed) throw new CiphertextError();
  let shared: Uint8Array;
  try {
    // B1: the library's point decoding checks that C1 lies on the curve (h = 1, so B2 holds).
    shared = sm2.ecdh(key.scalar.toString('hex'), `04${pad64(parsed.x)}${pad64(parsed.y)}`, false);
  } catch {
    throw new CiphertextError();
  }
  const x2 = shared.subarray(1, 33);
  const y2 = shared.subarray(33, 65);
  const t = kdf(Buffer.concat([x2, y2]), parsed.c2.length);
  try {
    if (t.every((byte) => byte === 0)) throw new CiphertextError(); // B4
    const message = Buffer.alloc(parsed.c2.length);
    for (let i = 0; i < message.length; i++) message[i] = parsed.c2[i]! ^ t[i]!;
    if (!timingSafeEqual(sm3(x2, message, y2), parsed.c3)) {
      message.fill(0);
      throw new CiphertextError();
    }
    return message;
  } finally {
    t.fill(0);
    shared.fill(0);
  }
}

/**
 * The key pair of PKCS#8 SM2 material (crypto/key-material.ts). The scalar comes from the DER
 * (PrivateKeyInfo → privateKey OCTET STRING → ECPrivateKey → privateKey), never from a SEC1 export,
 * which aborts Node for OpenSSL-SM2 keys; the point from node:crypto's SPKI export.
 */
export function sm2KeyPairFromPkcs8(pkcs8: Buffer): Sm2KeyPair {
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const point = sm2PointFromSpki(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
  const info = tlv(pkcs8, 0, 0x30);
  const version = tlv(pkcs8, info.start, 0x02);
  const algorithm = tlv(pkcs8, version.end, 0x30);
  const wrapped = tlv(pkcs8, algorithm.end, 0x04);
  const ecPrivateKey = tlv(pkcs8, wrapped.start, 0x30);
  const ecVersion = tlv(pkcs8, ecPrivateKey.start, 0x02);
  const d = tlv(pkcs8, ecVersion.end, 0x04);
  const scalar = Buffer.alloc(32);
  pkcs8.subarray(d.start, d.end).copy(scalar, 32 - (d.end - d.start));
  // The point the library derives from the scalar must be node:crypto's: a parse error shows here.
  if (sm2.getPublicKeyFromPrivateKey(scalar.toString('hex')) !== point.toString('hex')) {
    throw new Error('SM2 private key does not match its public key');
  }
  return { scalar, point };
}

/** AlgorithmIdentifier { id-ecPublicKey, sm2 (1.2.156.10197.1.301) } of SM2 SPKI. */
const SM2_ALGORITHM = hex('301306072a8648ce3d020106082a811ccf5501822d');

/** The uncompressed point of an SM2 SubjectPublicKeyInfo as node:crypto exports it. */
export function sm2PointFromSpki(spki: Buffer): Buffer {
  const point = spki.subarray(spki.length - 65);
  const expected = subjectPublicKeyInfo(SM2_ALGORITHM, point);
  if (point[0] !== 0x04 || !spki.equals(expected)) throw new Error('not an SM2 SubjectPublicKeyInfo');
  return Buffer.from(point);
}

// ---- DER ------------------------------------------------------------------------------------
// Decoding reads lengths leniently and then re-encodes what it read: only the one canonical
// encoding is accepted (no long-form short lengths, no padded integers, no trailing bytes).

const pad64 = (n: bigint): string => n.toString(16).padStart(64, '0');

function derInteger(n: bigint): Buffer {
  let h = n.toString(16);
  if (h.length % 2) h = `0${h}`;
  let bytes = hex(h);
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return der(0x02, bytes);
}

interface Tlv {
  start: number;
  end: number;
}

/** One TLV of `tag` at `offset`, bounds-checked; throws on anything else. */
function tlv(buf: Buffer, offset: number, tag: number): Tlv {
  if (buf[offset] !== tag) throw new Error('unexpected DER tag');
  let length = buf[offset + 1];
  if (length === undefined) throw new Error('truncated DER');
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) throw new Error('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buf[start + i] ?? 0);
    start += count;
  }
  if (start + length > buf.length) throw new Error('truncated DER');
  return { start, end: start + length };
}

const toBigInt = (bytes: Buffer): bigint => (bytes.length === 0 ? -1n : BigInt(`0x${bytes.toString('hex')}`));

function encodeSignature(r: bigint, s: bigint): Buffer {
  return der(0x30, Buffer.concat([derInteger(r), derInteger(s)]));
}

function decodeSignature(sig: Buffer): { r: bigint; s: bigint } | undefined {
  try {
    const seq = tlv(sig, 0, 0x30);
    const rItem = tlv(sig, seq.start, 0x02);
    const sItem = tlv(sig, rItem.end, 0x02);
    const r = toBigInt(sig.subarray(rItem.start, rItem.end));
    const s = toBigInt(sig.subarray(sItem.start, sItem.end));
    if (r < 1n || r >= N || s < 1n || s >= N) return undefined;
    return encodeSignature(r, s).equals(sig) ? { r, s } : undefined;
  } catch {
    return undefined;
  }
}

function encodeCiphertext(x: bigint, y: bigint, c3: Buffer, c2: Buffer): Buffer {
  return der(0x30, Buffer.concat([derInteger(x), derInteger(y), der(0x04, c3), der(0x04, c2)]));
}

function decodeCiphertext(ct: Buffer): { x: bigint; y: bigint; c3: Buffer; c2: Buffer } | undefined {
  try {
    const seq = tlv(ct, 0, 0x30);
    const xItem = tlv(ct, seq.start, 0x02);
    const yItem = tlv(ct, xItem.end, 0x02);
    const c3Item = tlv(ct, yItem.end, 0x04);
    const c2Item = tlv(ct, c3Item.end, 0x04);
    const x = toBigInt(ct.subarray(xItem.start, xItem.end));
    const y = toBigInt(ct.subarray(yItem.start, yItem.end));
    const c3 = ct.subarray(c3Item.start, c3Item.end);
    const c2 = ct.subarray(c2Item.start, c2Item.end);
    if (x < 0n || x >= P || y < 0n || y >= P || c3.length !== 32 || c2.length === 0) return undefined;
    return encodeCiphertext(x, y, c3, c2).equals(ct) ? { x, y, c3, c2 } : undefined;
  } catch {
    return undefined;
  }
}
