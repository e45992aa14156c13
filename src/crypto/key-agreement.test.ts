/**
 * The key-agreement table, with the Wycheproof ECDH vectors (../shared/wycheproof) through the
 * ECDH row's `derive`. Absent vectors skip the Wycheproof part locally and fail it in CI.
 *
 * Decisions ("acceptable" cases and applicability; see docs/wycheproof.md, "## ECDH"):
 * - CompressedPublic (acceptable): accepted, with the correct shared secret. RFC 5480 §2.2 allows
 *   compressed points in SPKI; it is the same point.
 * - InvalidAsn (acceptable): refused. Only the canonical DER SPKI is accepted; BER laxities and
 *   trailing bytes are ValidationException, so no two byte strings name the same peer key.
 * - UnnamedCurve/UnusedParam (acceptable: explicit curve parameters equal to, or harmlessly
 *   differing from, the named curve): refused. RFC 5480 §2.1.1: PKIX keys name their curve.
 * - Every "invalid" case is refused (invalid-curve points, other curves, bad encodings), and every
 *   "valid" case gives Wycheproof's shared secret.
 * - ecdh_secp256r1_ecpoint_test.json: KMS takes SPKI only, never a bare point, so the file runs
 *   with each point wrapped in a P-256 SPKI (uncompressed or compressed, by its first byte). That
 *   exercises the same point validation; a point of the wrong length wraps into an SPKI that
 *   OpenSSL refuses, as the vector expects.
 */
import { createECDH, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_AGREEMENT_ALGORITHMS, PeerPublicKeyError } from './key-agreement.js';
import { WYCHEPROOF_DIR, wycheproofPresent } from '../../test/helpers/wycheproof.js';

/** Wycheproof curve name -> node:crypto curve name and field length in bytes. */
const CURVES: Record<string, { node: string; bytes: number; jwk: string }> = {
  secp256r1: { node: 'prime256v1', bytes: 32, jwk: 'P-256' },
  secp384r1: { node: 'secp384r1', bytes: 48, jwk: 'P-384' },
  secp521r1: { node: 'secp521r1', bytes: 66, jwk: 'P-521' },
};
const FILES = ['ecdh_secp256r1_test.json', 'ecdh_secp384r1_test.json', 'ecdh_secp521r1_test.json'];
const ECPOINT_FILE = 'ecdh_secp256r1_ecpoint_test.json';
const present = wycheproofPresent('ECDH', [...FILES, ECPOINT_FILE]);

interface EcdhTest {
  tcId: number;
  public: string;
  private: string;
  shared: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface EcdhVectors {
  testGroups: Array<{ curve: string; tests: EcdhTest[] }>;
}
const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const b64url = (b: Buffer): string => b.toString('base64url');

const ecdh = KEY_AGREEMENT_ALGORITHMS['ECDH']!;

/** A private KeyObject from a Wycheproof scalar (big-endian, maybe with a leading zero byte). */
const privateKeys = new Map<string, KeyObject>();
function privateKeyFromScalar(curveName: string, scalarHex: string): KeyObject {
  const cached = privateKeys.get(`${curveName}:${scalarHex}`);
  if (cached) return cached;
  const curve = CURVES[curveName]!;
  const raw = hex(scalarHex);
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  const d = Buffer.concat([Buffer.alloc(Math.max(0, curve.bytes - (raw.length - start))), raw.subarray(start)]);
  const pair = createECDH(curve.node);
  pair.setPrivateKey(d);
  const point = pair.getPublicKey();
  const x = point.subarray(1, 1 + curve.bytes);
  const y = point.subarray(1 + curve.bytes);
  const key = createPrivateKey({
    key: { kty: 'EC', crv: curve.jwk, d: b64url(d), x: b64url(x), y: b64url(y) },
    format: 'jwk',
  });
  privateKeys.set(`${curveName}:${scalarHex}`, key);
  return key;
}

/** Runs one vector; returns what happened so the caller can count it. */
function run(t: EcdhTest, privateKey: KeyObject, spki: Buffer, label: string): 'derived' | 'refused' {
  let secret: Buffer | undefined;
  try {
    secret = ecdh.derive(privateKey, spki);
  } catch (e) {
    expect(e, label).toBeInstanceOf(PeerPublicKeyError);
  }
  const accepted = t.result === 'valid' || (t.result === 'acceptable' && t.flags.includes('CompressedPublic'));
  if (accepted) expect(secret?.toString('hex'), label).toBe(t.shared);
  else expect(secret, `${label} (${t.result} ${t.flags.join(',')}) must be refused`).toBeUndefined();
  return secret ? 'derived' : 'refused';
}

/** A P-256 SPKI around a bare SEC 1 point (the ecpoint file's encoding). */
function p256Spki(point: Buffer): Buffer {
  const algorithm = hex('301306072a8648ce3d020106082a8648ce3d030107');
  const bitString = Buffer.concat([Buffer.from([0x03, point.length + 1, 0]), point]);
  return Buffer.concat([Buffer.from([0x30, algorithm.length + bitString.length]), algorithm, bitString]);
}

describe('KEY_AGREEMENT_ALGORITHMS.ECDH', () => {
  it('derives the same secret on both sides, the x-coordinate padded to the field length', () => {
    for (const { node, bytes } of Object.values(CURVES)) {
      const a = generateKeyPairSync('ec', { namedCurve: node });
      const b = generateKeyPairSync('ec', { namedCurve: node });
      const ab = ecdh.derive(a.privateKey, b.publicKey.export({ format: 'der', type: 'spki' }));
      const ba = ecdh.derive(b.privateKey, a.publicKey.export({ format: 'der', type: 'spki' }));
      expect(ab).toEqual(ba);
      expect(ab).toHaveLength(bytes);
    }
  });

  it('refuses garbage, another curve, other key types and trailing bytes', () => {
    const mine = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const spki = (k: KeyObject): Buffer => k.export({ format: 'der', type: 'spki' });
    const refused = [
      Buffer.from('not a key'),
      Buffer.alloc(0),
      spki(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey),
      spki(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey),
      spki(generateKeyPairSync('ed25519').publicKey),
      spki(generateKeyPairSync('x25519').publicKey),
      Buffer.concat([spki(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey), Buffer.of(0)]),
    ];
    for (const der of refused) expect(() => ecdh.derive(mine, der)).toThrow(PeerPublicKeyError);
  });
});

const load = (file: string): EcdhVectors => JSON.parse(readFileSync(join(WYCHEPROOF_DIR, file), 'utf8')) as EcdhVectors;

describe.runIf(present)('Wycheproof ECDH', () => {
  for (const file of FILES) {
    it(`${file} through ECDH.derive`, () => {
      const counts = { derived: 0, refused: 0 };
      for (const group of load(file).testGroups) {
        for (const t of group.tests) {
          const privateKey = privateKeyFromScalar(group.curve, t.private);
          counts[run(t, privateKey, hex(t.public), `${file} tcId ${t.tcId}`)]++;
        }
      }
      expect(counts.derived).toBeGreaterThan(100);
      expect(counts.refused).toBeGreaterThan(200);
    });
  }

  it(`${ECPOINT_FILE}, each point wrapped in a P-256 SPKI`, () => {
    const counts = { derived: 0, refused: 0 };
    for (const group of load(ECPOINT_FILE).testGroups) {
      for (const t of group.tests) {
        const privateKey = privateKeyFromScalar(group.curve, t.private);
        counts[run(t, privateKey, p256Spki(hex(t.public)), `${ECPOINT_FILE} tcId ${t.tcId}`)]++;
      }
    }
    expect(counts.derived).toBeGreaterThan(300);
    expect(counts.refused).toBeGreaterThan(20);
  });
});
