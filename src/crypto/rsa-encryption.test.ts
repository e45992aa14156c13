/**
 * RSA-OAEP through Trent's own decrypt (rsaOaepDecrypt), with the Wycheproof vectors in
 * ../shared/wycheproof (absent: skipped locally, a failure in CI), plus the plaintext limits.
 *
 * Acceptable cases: the four RSA-OAEP files Trent runs contain none (results are only "valid" and
 * "invalid"); the suite fails if a future copy adds one, so it gets decided then, not ignored.
 * Labelled vectors ("EncryptionWithLabel"): valid, and decrypted with their label. KMS itself
 * always uses the empty label; the label parameter exists for these vectors only.
 * Invalid vectors ("InvalidOaepPadding", "InvalidCiphertext"): every one must fail with the same
 * CiphertextError, whatever the cause, so no padding oracle exists (Manger's attack).
 * See docs/wycheproof.md, "RSA-OAEP".
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CiphertextError } from './errors.js';
import { oaepMaxPlaintext, RSA_OAEP, rsaOaepDecrypt, rsaOaepEncrypt, type OaepParameters } from './rsa-encryption.js';
import { WYCHEPROOF_DIR, wycheproofPresent } from '../../test/helpers/wycheproof.js';

/** Each Wycheproof file and the KMS algorithm whose OAEP parameters it exercises. */
const FILES: ReadonlyArray<{ file: string; algorithm: string; keySize: number }> = [
  { file: 'rsa_oaep_2048_sha1_mgf1sha1_test.json', algorithm: 'RSAES_OAEP_SHA_1', keySize: 2048 },
  { file: 'rsa_oaep_2048_sha256_mgf1sha256_test.json', algorithm: 'RSAES_OAEP_SHA_256', keySize: 2048 },
  { file: 'rsa_oaep_3072_sha256_mgf1sha256_test.json', algorithm: 'RSAES_OAEP_SHA_256', keySize: 3072 },
  { file: 'rsa_oaep_4096_sha256_mgf1sha256_test.json', algorithm: 'RSAES_OAEP_SHA_256', keySize: 4096 },
];
const present = wycheproofPresent(
  'RSA-OAEP',
  FILES.map(({ file }) => file),
);

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
  sha: string;
  mgf: string;
  mgfSha: string;
  privateKeyPkcs8: string;
  tests: OaepTest[];
}

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const WYCHEPROOF_HASH: Record<string, OaepParameters['hash']> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256' };

describe.runIf(present)('Wycheproof RSA-OAEP decrypt', () => {
  for (const { file, algorithm, keySize } of FILES) {
    it(`${file} through rsaOaepDecrypt as ${algorithm}: zero failures`, () => {
      const params = RSA_OAEP[algorithm];
      if (!params) throw new Error(`no OAEP parameters for ${algorithm}`);
      const groups = (JSON.parse(readFileSync(join(WYCHEPROOF_DIR, file), 'utf8')) as { testGroups: OaepGroup[] })
        .testGroups;
      let valid = 0;
      let invalid = 0;
      for (const g of groups) {
        // The file's parameters are the table row's: same hash for OAEP and MGF1.
        expect(g.keySize).toBe(keySize);
        expect(g.mgf).toBe('MGF1');
        expect(WYCHEPROOF_HASH[g.sha]).toBe(params.hash);
        expect(WYCHEPROOF_HASH[g.mgfSha]).toBe(params.hash);
        const key = createPrivateKey({ key: hex(g.privateKeyPkcs8), format: 'der', type: 'pkcs8' });
        for (const t of g.tests) {
          const decrypt = (): Buffer => rsaOaepDecrypt(key, params, hex(t.ct), hex(t.label));
          if (t.result === 'valid') {
            expect(decrypt().toString('hex'), `tcId ${t.tcId}`).toBe(t.msg);
            valid++;
          } else if (t.result === 'invalid') {
            expect(decrypt, `tcId ${t.tcId}`).toThrow(CiphertextError);
            invalid++;
          } else {
            throw new Error(`tcId ${t.tcId}: an acceptable case appeared; decide it in docs/wycheproof.md`);
          }
        }
      }
      expect(valid).toBeGreaterThan(10);
      expect(invalid).toBeGreaterThan(10);
    });
  }

  it('a labelled vector does not decrypt without its label (KMS uses the empty label)', () => {
    const g = (JSON.parse(readFileSync(join(WYCHEPROOF_DIR, FILES[1]!.file), 'utf8')) as { testGroups: OaepGroup[] })
      .testGroups[0]!;
    const t = g.tests.find((x) => x.result === 'valid' && x.label.length > 0)!;
    const key = createPrivateKey({ key: hex(g.privateKeyPkcs8), format: 'der', type: 'pkcs8' });
    expect(() => rsaOaepDecrypt(key, RSA_OAEP.RSAES_OAEP_SHA_256!, hex(t.ct))).toThrow(CiphertextError);
  });
});

describe('RSA-OAEP limits and round trip', () => {
  it("the plaintext limits are AWS's for every spec and algorithm", () => {
    const limit = (bits: number, alg: string): number => oaepMaxPlaintext(bits, RSA_OAEP[alg]!);
    expect([limit(2048, 'RSAES_OAEP_SHA_1'), limit(2048, 'RSAES_OAEP_SHA_256')]).toEqual([214, 190]);
    expect([limit(3072, 'RSAES_OAEP_SHA_1'), limit(3072, 'RSAES_OAEP_SHA_256')]).toEqual([342, 318]);
    expect([limit(4096, 'RSAES_OAEP_SHA_1'), limit(4096, 'RSAES_OAEP_SHA_256')]).toEqual([470, 446]);
  });

  it('encrypts to the limit, decrypts, and a wrong hash or a changed byte fails the same way', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicKey = createPublicKey(privateKey);
    for (const [name, params] of Object.entries(RSA_OAEP)) {
      const message = Buffer.alloc(oaepMaxPlaintext(2048, params), 7);
      const ct = rsaOaepEncrypt(publicKey, params, message);
      expect(ct.length, name).toBe(256);
      expect(rsaOaepDecrypt(privateKey, params, ct)).toEqual(message);
      expect(() => rsaOaepEncrypt(publicKey, params, Buffer.concat([message, Buffer.of(0)]))).toThrow();
      const other = name === 'RSAES_OAEP_SHA_1' ? RSA_OAEP.RSAES_OAEP_SHA_256! : RSA_OAEP.RSAES_OAEP_SHA_1!;
      expect(() => rsaOaepDecrypt(privateKey, other, ct)).toThrow(CiphertextError);
      const changed = Buffer.from(ct);
      changed[100]! ^= 1;
      expect(() => rsaOaepDecrypt(privateKey, params, changed)).toThrow(CiphertextError);
      expect(() => rsaOaepDecrypt(privateKey, params, ct.subarray(1))).toThrow(CiphertextError);
    }
    // A PKCS#1 v1.5 ciphertext is never decrypted (no v1.5 path exists; the Marvin attack).
    const v15 = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('secret'));
    expect(() => rsaOaepDecrypt(privateKey, RSA_OAEP.RSAES_OAEP_SHA_256!, v15)).toThrow(CiphertextError);
  });

  it('refuses a ciphertext shorter than the modulus even when it is the same number (leading zero dropped)', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicKey = createPublicKey(privateKey);
    const params = RSA_OAEP.RSAES_OAEP_SHA_256!;
    let ct: Buffer;
    do ct = rsaOaepEncrypt(publicKey, params, Buffer.from('x'));
    while (ct[0] !== 0);
    expect(rsaOaepDecrypt(privateKey, params, ct).toString()).toBe('x');
    expect(() => rsaOaepDecrypt(privateKey, params, ct.subarray(1))).toThrow(CiphertextError);
  });
});
