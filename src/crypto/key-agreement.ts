/**
 * The key-agreement table (STYLE rule 3): each KMS KeyAgreementAlgorithmSpec and how it derives a
 * raw shared secret from a KMS private key and a peer's public key. ECDH is the elliptic-curve
 * cofactor Diffie-Hellman primitive of NIST SP 800-56A rev. 3 §5.7.1.2; the shared secret Z is the
 * x-coordinate of the shared point, padded to the field length, as AWS KMS returns it (no KDF).
 */
import { createECDH, createPublicKey, diffieHellman, ECDH, type KeyObject } from 'node:crypto';

/**
 * The peer's public key is unusable: not DER SubjectPublicKeyInfo, not in its one canonical
 * encoding, not on the KMS key's named curve, or not a valid point of it. One class and one fixed
 * message whatever the cause; callers map it to one AWS error.
 */
export class PeerPublicKeyError extends Error {
  constructor() {
    super('Invalid peer public key');
    this.name = 'PeerPublicKeyError';
  }
}

export interface KeyAgreementAlgorithm {
  /** The raw shared secret of `privateKey` and the peer's `peerSpki` (X.509 SPKI DER). */
  derive(privateKey: KeyObject, peerSpki: Buffer): Buffer;
}

export const KEY_AGREEMENT_ALGORITHMS: Readonly<Record<string, KeyAgreementAlgorithm>> = {
  ECDH: { derive: ecdh },
};

function ecdh(privateKey: KeyObject, peerSpki: Buffer): Buffer {
  if (isSm2(privateKey)) return sm2Ecdh(privateKey, peerSpki);
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (privateKey.asymmetricKeyType !== 'ec' || !curve) throw new Error('ECDH needs an elliptic-curve private key');
  const peer = parsePeerKey(peerSpki, curve);
  try {
    return diffieHellman({ privateKey, publicKey: peer });
  } catch {
    throw new PeerPublicKeyError();
  }
}

/**
 * Parses the peer key and accepts it only on `curve`, named by OID (RFC 5480 §2.1.1: PKIX forbids
 * explicit curve parameters), in canonical DER with an uncompressed or compressed point (RFC 5480
 * §2.2). OpenSSL checks that the point lies on the curve, which stops invalid-curve attacks.
 * Requiring the exact canonical bytes refuses BER laxities (long-form lengths, trailing data,
 * unused bits) that some parsers tolerate.
 */
function parsePeerKey(spki: Buffer, curve: string): KeyObject {
  let peer: KeyObject;
  try {
    peer = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new PeerPublicKeyError();
  }
  if (peer.asymmetricKeyType !== 'ec' || peer.asymmetricKeyDetails?.namedCurve !== curve)
    throw new PeerPublicKeyError();
  const uncompressed = peer.export({ format: 'der', type: 'spki' });
  if (!spki.equals(uncompressed) && !spki.equals(compressedSpki(uncompressed, curve))) throw new PeerPublicKeyError();
  return peer;
}

// ---- SM2 ------------------------------------------------------------------------------------
// OpenSSL 3 loads a serialised key on the SM2 curve as its own key type, which node:crypto reports
// as no type at all and will not use in diffieHellman (and whose SEC1 export aborts the process).
// The SM2 curve's ECDH is still reachable through an ECDH object: the private scalar comes from
// the PKCS#8 material, and OpenSSL checks that the peer point lies on the curve.

/** AlgorithmIdentifier { id-ecPublicKey, sm2 (1.2.156.10197.1.301) }, as SM2 SPKI and PKCS#8 carry it. */
const SM2_ALGORITHM = Buffer.from('301306072a8648ce3d020106082a811ccf5501822d', 'hex');

function isSm2(key: KeyObject): boolean {
  // The NIST curves take the fast path; anything else is told apart by its algorithm identifier,
  // whatever type this Node version reports for an OpenSSL-SM2 key.
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve !== 'SM2') return false;
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const outer = derItem(spki, 0);
  return spki.subarray(outer.start, outer.start + SM2_ALGORITHM.length).equals(SM2_ALGORITHM);
}

function sm2Ecdh(privateKey: KeyObject, peerSpki: Buffer): Buffer {
  const point = sm2PeerPoint(peerSpki);
  const scalar = sm2PrivateScalar(privateKey);
  const agreement = createECDH('SM2');
  try {
    agreement.setPrivateKey(scalar);
    return agreement.computeSecret(point);
  } catch {
    throw new PeerPublicKeyError();
  } finally {
    scalar.fill(0);
  }
}

/** The private scalar of a PKCS#8 SM2 key: PrivateKeyInfo → privateKey OCTET STRING → ECPrivateKey → privateKey. */
function sm2PrivateScalar(key: KeyObject): Buffer {
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  const info = derItem(pkcs8, 0);
  const version = derItem(pkcs8, info.start);
  const algorithm = derItem(pkcs8, version.end);
  const wrapped = derItem(pkcs8, algorithm.end);
  const ecPrivateKey = derItem(pkcs8, wrapped.start);
  const ecVersion = derItem(pkcs8, ecPrivateKey.start);
  const scalar = derItem(pkcs8, ecVersion.end);
  const out = Buffer.from(pkcs8.subarray(scalar.start, scalar.end));
  pkcs8.fill(0);
  return out;
}

/**
 * The peer's point from an SM2 SPKI, accepted only in its canonical DER with the SM2 algorithm
 * identifier and an uncompressed (65-byte) or compressed (33-byte) point, as for the NIST curves.
 */
function sm2PeerPoint(spki: Buffer): Buffer {
  for (const [length, prefixes] of [
    [65, [0x04]],
    [33, [0x02, 0x03]],
  ] as const) {
    const point = spki.subarray(Math.max(0, spki.length - length));
    const canonical = derEncode(
      0x30,
      Buffer.concat([SM2_ALGORITHM, derEncode(0x03, Buffer.concat([Buffer.from([0]), point]))]),
    );
    if (point.length === length && (prefixes as readonly number[]).includes(point[0] ?? -1) && spki.equals(canonical)) {
      return Buffer.from(point);
    }
  }
  throw new PeerPublicKeyError();
}

/** The SPKI of the same key with its point compressed (SEC 1 §2.3.3). */
function compressedSpki(uncompressed: Buffer, curve: string): Buffer {
  const outer = derItem(uncompressed, 0);
  const algorithm = derItem(uncompressed, outer.start);
  const bitString = derItem(uncompressed, algorithm.end);
  const point = uncompressed.subarray(bitString.start + 1, bitString.end);
  const compressed = ECDH.convertKey(point, curve, undefined, undefined, 'compressed') as Buffer;
  const algorithmDer = uncompressed.subarray(algorithm.offset, algorithm.end);
  const bitStringDer = derEncode(0x03, Buffer.concat([Buffer.from([0]), compressed]));
  return derEncode(0x30, Buffer.concat([algorithmDer, bitStringDer]));
}

/** One DER item at `offset` of a buffer we produced ourselves: where its contents start and end. */
function derItem(der: Buffer, offset: number): { offset: number; start: number; end: number } {
  let length = der[offset + 1] ?? 0;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] ?? 0);
    start += bytes;
  }
  return { offset, start, end: start + length };
}

function derEncode(tag: number, contents: Buffer): Buffer {
  const n = contents.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), contents]);
}
