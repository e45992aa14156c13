/**
 * SM2DSA and SM2PKE through Trent's crypto module: the published examples, strict parsing, and
 * interoperability with the OpenSSL 3 command line (an independent implementation).
 *
 * Known answers:
 * - GB/T 32918.2-2016 Annex A (= draft-shen-sm2-ecdsa-02): on the standard's 256-bit *test*
 *   curve, which the library cannot take, so only Z and e (curve parameters passed in) are checked.
 * - GB/T 32918.5-2016 (= GM/T 0003.5-2012) Annex A (signature) and Annex C (encryption), on the
 *   recommended curve, d = 3945208F…: Z, e, the published (r, s) verifying, and the published
 *   C1, C3, C2 (in GM/T 0009's DER form, as OpenSSL's test/sm2_internal_test.c writes it) decrypting.
 * - OpenSSL test/recipes/30-test_evp_data/evppkey_sm2.txt, key SM2_key1: two Verify vectors on a
 *   given e (KMS's DIGEST), and one Decrypt vector.
 * Signing itself draws a random k, so it is checked by verification (ours and OpenSSL's).
 */
import { execFileSync } from 'node:child_process';
import { createECDH, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CiphertextError } from './errors.js';
import { SIGNING_ALGORITHMS, SIGNING_KEY_FROM_MATERIAL } from './signing.js';
import {
  sm2Decrypt,
  sm2Encrypt,
  sm2KeyPairFromPkcs8,
  sm2MessageDigest,
  sm2Sign,
  sm2Verify,
  sm2Z,
  type Sm2KeyPair,
} from './sm2.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const N = BigInt('0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');

/** PKCS#8 of an SM2 private scalar, the form of Trent's SM2 key material. */
function pkcs8Of(d: Buffer): Buffer {
  const ecdh = createECDH('SM2');
  ecdh.setPrivateKey(d);
  const prefix = '308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420';
  return Buffer.concat([hex(prefix), d, hex('a144034200'), ecdh.getPublicKey()]);
}

const STANDARD_D = hex('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8');
const standardKey = sm2KeyPairFromPkcs8(pkcs8Of(STANDARD_D));

const SM2DSA = SIGNING_ALGORITHMS.SM2DSA!;
const signingKeyOf = (pkcs8: Buffer) => SIGNING_KEY_FROM_MATERIAL.SM2!(pkcs8);

describe('SM2 known answers', () => {
  it('GB/T 32918.2 Annex A (test curve): Z and e for ALICE123@YAHOO.COM', () => {
    const testCurve = {
      a: hex('787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498'),
      b: hex('63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A'),
      gx: hex('421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D'),
      gy: hex('0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2'),
    };
    const publicKey = hex(
      '04 0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A' +
        '7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857',
    );
    const z = sm2Z(publicKey, Buffer.from('ALICE123@YAHOO.COM'), testCurve);
    expect(z.toString('hex').toUpperCase()).toBe('F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A');
  });

  it('GB/T 32918.5 Annex A (recommended curve): public key, Z, e and the published signature', () => {
    expect(standardKey.point.toString('hex').toUpperCase()).toBe(
      '04' +
        '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020' +
        'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
    );
    expect(sm2Z(standardKey.point).toString('hex').toUpperCase()).toBe(
      'B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3',
    );
    const e = sm2MessageDigest(standardKey.point, Buffer.from('message digest'));
    expect(e.toString('hex').toUpperCase()).toBe('F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640');
    const signature = hex(
      '3046 022100 F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3' +
        '022100 B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
    );
    const { publicKey } = signingKeyOf(pkcs8Of(STANDARD_D));
    expect(SM2DSA.verify(publicKey, Buffer.from('message digest'), signature, 'RAW')).toBe(true);
    expect(SM2DSA.verify(publicKey, e, signature, 'DIGEST')).toBe(true);
    expect(SM2DSA.verify(publicKey, Buffer.from('message digesT'), signature, 'RAW')).toBe(false);
  });

  it('GB/T 32918.5 Annex C (recommended curve): the published ciphertext decrypts', () => {
    const ciphertext = hex(
      '307C 0220 04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73' +
        '0221 00E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0' +
        '0420 59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766' +
        '0413 21886CA989CA9C7D58087307CA93092D651EFA',
    );
    expect(sm2Decrypt(standardKey, ciphertext).toString()).toBe('encryption standard');
  });

  describe('OpenSSL evppkey_sm2.txt, SM2_key1', () => {
    const pkcs8 = createPrivateKey(
      [
        '-----BEGIN PRIVATE KEY-----',
        'MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQg0JFWczAXva2An9m7',
        '2MaT9gIwWTFptvlKrxyO4TjMmbWhRANCAAQ5OirZ4n5DrKqrhaGdO4VZHhRAYVcX',
        'Wt3Te/d/8Mr57Tf886i09VwDhSMmH8pmNq/mp6+ioUgqYG9cs6GLLioe',
        '-----END PRIVATE KEY-----',
      ].join('\n'),
    ).export({ format: 'der', type: 'pkcs8' });

    it.each([
      [
        'D7AD397F6FFA5D4F7F11E7217F241607DC30618C236D2C09C1B9EA8FDADEE2E8',
        '3046022100AB1DB64DE7C40EDBDE6651C9B8EBDB804673DB836E5D5C7FE15DCF9ED2725037022100EBA714451FF69B0BB930B379E192E7CD5FA6E3C41C7FBD8303B799AB54A54621',
      ],
      [
        'B1139602C6ECC9E15E2F3F9C635A1AFE737058BC15387479C1EA0D0B3D90E9E5',
        '3045022100E6E0414EBD3A656C35602AF14AB20287DBF30D57AF75C49A188ED4B42391F22402202F54F277C606F4605E1CE9514947FFDDF94C67A539804A4ED17F852288BDBE2E',
      ],
    ])('verifies the signature on e = %s as a DIGEST', (e, signature) => {
      const { publicKey } = signingKeyOf(pkcs8);
      expect(SM2DSA.verify(publicKey, hex(e), hex(signature), 'DIGEST')).toBe(true);
      const wrong = hex(e);
      wrong[0]! ^= 1;
      expect(SM2DSA.verify(publicKey, wrong, hex(signature), 'DIGEST')).toBe(false);
    });

    it('decrypts the Decrypt vector', () => {
      const ciphertext = hex(
        '30818A0220466BE2EF5C11782EC77864A0055417F407A5AFC11D653C6BCE69E417BB1D05B6022062B572E21FF0DDF5C726BD3F9FF2EAE56E6294713A607E9B9525628965F62CC804203C1B5713B5DB2728EB7BF775E44F4689FC32668BDC564F52EA45B09E8DF2A5F40422084A9D0CC2997092B7D3C404FCE95956EB604D732B2307A8E5B8900ED6608CA5B197',
      );
      expect(sm2Decrypt(sm2KeyPairFromPkcs8(pkcs8), ciphertext).toString()).toBe('The floofy bunnies hop at midnight');
    });
  });
});

describe('SM2 signatures', () => {
  const fresh = (): Buffer =>
    generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey.export({ format: 'der', type: 'pkcs8' });

  it('sign RAW and DIGEST on one path: a RAW signature verifies as the DIGEST of SM3(Z ‖ M)', async () => {
    const key = signingKeyOf(fresh());
    const message = Buffer.from('a message');
    const signature = await SM2DSA.sign(key, message, 'RAW');
    const e = sm2MessageDigest(key.publicKey.raw!, message);
    expect(SM2DSA.verify(key.publicKey, e, signature, 'DIGEST')).toBe(true);
    const fromDigest = await SM2DSA.sign(key, e, 'DIGEST');
    expect(SM2DSA.verify(key.publicKey, message, fromDigest, 'RAW')).toBe(true);
  });

  it('accept only canonical DER with 1 ≤ r, s < n', () => {
    const e = sm2MessageDigest(standardKey.point, Buffer.from('x'));
    const good = sm2Sign(standardKey, e);
    expect(sm2Verify(standardKey.point, e, good)).toBe(true);
    const int = (n: bigint): Buffer => {
      let h = n.toString(16);
      if (h.length % 2) h = `0${h}`;
      if (parseInt(h.slice(0, 2), 16) & 0x80) h = `00${h}`;
      return Buffer.concat([Buffer.from([0x02, h.length / 2]), hex(h)]);
    };
    const seq = (...items: Buffer[]): Buffer => {
      const body = Buffer.concat(items);
      return Buffer.concat([Buffer.from([0x30, body.length]), body]);
    };
    const [r, s] = [1n, 1n]; // small but valid
    for (const bad of [
      seq(int(0n), int(s)),
      seq(int(r), int(0n)),
      seq(int(N), int(s)),
      seq(int(r), int(N + 1n)),
      Buffer.concat([good, Buffer.from([0])]), // trailing byte
      good.subarray(0, -1), // truncated
      Buffer.concat([Buffer.from([0x30, 0x81, good[1]!]), good.subarray(2)]), // long-form length
      Buffer.alloc(0),
    ]) {
      expect(sm2Verify(standardKey.point, e, bad)).toBe(false);
    }
    for (let i = 0; i < good.length; i++) {
      const flipped = Buffer.from(good);
      flipped[i]! ^= 0x01;
      expect(sm2Verify(standardKey.point, e, flipped), `byte ${i}`).toBe(false);
    }
  });
});

describe('SM2 encryption', () => {
  it('round-trips and writes C1C3C2 DER', () => {
    for (const length of [1, 32, 1024]) {
      const plaintext = Buffer.alloc(length, 0xa5);
      const ciphertext = sm2Encrypt(standardKey.point, plaintext);
      expect(ciphertext[0]).toBe(0x30);
      expect(sm2Decrypt(standardKey, ciphertext).equals(plaintext)).toBe(true);
    }
  });

  it('refuses every changed byte, truncation, trailing data and a C1 off the curve with one error', () => {
    const ciphertext = sm2Encrypt(standardKey.point, Buffer.from('secret'));
    const attempts: Buffer[] = [ciphertext.subarray(0, -1), Buffer.concat([ciphertext, Buffer.from([0])])];
    for (let i = 0; i < ciphertext.length; i++) {
      const flipped = Buffer.from(ciphertext);
      flipped[i]! ^= 0x01;
      attempts.push(flipped);
    }
    // C1 = (1, 1) is not on the curve.
    attempts.push(hex(`3046 020101 020101 0420${'00'.repeat(32)} 041c${'00'.repeat(28)}`));
    for (const attempt of attempts) {
      expect(() => sm2Decrypt(standardKey, attempt)).toThrow(CiphertextError);
    }
  });

  it('another key cannot decrypt', () => {
    const other = sm2KeyPairFromPkcs8(
      generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey.export({ format: 'der', type: 'pkcs8' }),
    );
    expect(() => sm2Decrypt(other, sm2Encrypt(standardKey.point, Buffer.from('secret')))).toThrow(CiphertextError);
  });
});

describe('SM2 interoperability with the OpenSSL 3 command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trent-sm2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): Buffer => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

  openssl('genpkey', '-algorithm', 'SM2', '-out', file('key.pem'));
  openssl('pkey', '-in', file('key.pem'), '-pubout', '-out', file('pub.pem'));
  const pkcs8 = createPrivateKey(readFileSync(file('key.pem'))).export({ format: 'der', type: 'pkcs8' });
  const key = signingKeyOf(pkcs8);
  const pair: Sm2KeyPair = sm2KeyPairFromPkcs8(pkcs8);
  const DISTID = ['-pkeyopt', 'distid:1234567812345678'];

  it('OpenSSL verifies what Trent signs (RAW, SM3, default distinguishing ID)', async () => {
    const message = Buffer.from('signed by Trent');
    writeFileSync(file('msg'), message);
    writeFileSync(file('sig'), await SM2DSA.sign(key, message, 'RAW'));
    const out = openssl(
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      file('pub.pem'),
      '-rawin',
      '-digest',
      'sm3',
      ...DISTID,
      '-in',
      file('msg'),
      '-sigfile',
      file('sig'),
    );
    expect(out.toString()).toContain('Signature Verified Successfully');
  });

  it('Trent verifies what OpenSSL signs, and not a tampered copy', () => {
    const message = Buffer.from('signed by OpenSSL');
    writeFileSync(file('msg2'), message);
    openssl(
      'pkeyutl',
      '-sign',
      '-inkey',
      file('key.pem'),
      '-rawin',
      '-digest',
      'sm3',
      ...DISTID,
      '-in',
      file('msg2'),
      '-out',
      file('sig2'),
    );
    const signature = readFileSync(file('sig2'));
    expect(SM2DSA.verify(key.publicKey, message, signature, 'RAW')).toBe(true);
    expect(SM2DSA.verify(key.publicKey, sm2MessageDigest(key.publicKey.raw!, message), signature, 'DIGEST')).toBe(true);
    const tampered = Buffer.from(signature);
    tampered[tampered.length - 1]! ^= 1;
    expect(SM2DSA.verify(key.publicKey, message, tampered, 'RAW')).toBe(false);
  });

  it('OpenSSL decrypts what Trent encrypts, and Trent decrypts what OpenSSL encrypts', () => {
    const plaintext = Buffer.from('encrypted across implementations');
    writeFileSync(file('ct'), sm2Encrypt(pair.point, plaintext));
    expect(openssl('pkeyutl', '-decrypt', '-inkey', file('key.pem'), '-in', file('ct')).equals(plaintext)).toBe(true);

    writeFileSync(file('pt'), plaintext);
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', file('pub.pem'), '-in', file('pt'), '-out', file('ct2'));
    expect(sm2Decrypt(pair, readFileSync(file('ct2'))).equals(plaintext)).toBe(true);
  });
});
