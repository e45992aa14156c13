/**
 * The conformance suites every key store passes (STYLE rule 9): the root key stores (KeyStore:
 * the software root key file, the root key in a PKCS#11 token) and the stores of KMS key
 * material (KeyMaterialStore: software, an HSM cluster). An implementation's test file calls
 * describeKeyStoreConformance / describeMaterialStoreConformance with a factory; the suite
 * closes what it opens after each test.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { UnwrapError, wrappingAad } from '../crypto/index.js';
import type { KeyMaterialStore, KeyStore, MaterialName } from './types.js';

export interface KeyStoreFixture {
  store: KeyStore;
  /** The same root key opened again (a restart). */
  reopen(): Promise<KeyStore>;
  /** Another root key (another file, another token). */
  other(): Promise<KeyStore>;
  cleanup(): Promise<void>;
}

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER_ARN = 'arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321';

/** Every blob is 0x01 || IV (12) || ciphertext || tag (16). */
function expectLayout(blob: Buffer, plaintextLength: number): void {
  expect(blob[0]).toBe(1);
  expect(blob.length).toBe(1 + 12 + plaintextLength + 16);
}

/** Changes of a blob that must not open: every byte flipped in turn, truncations, extensions. */
function tampered(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < blob.length; i++) {
    const b = Buffer.from(blob);
    b[i] = b[i]! ^ 0x01;
    out.push(b);
  }
  out.push(
    blob.subarray(0, blob.length - 1),
    blob.subarray(0, 28),
    Buffer.alloc(0),
    Buffer.concat([blob, Buffer.of(0)]),
  );
  return out;
}

export function describeKeyStoreConformance(name: string, open: () => Promise<KeyStoreFixture>): void {
  describe(`KeyStore conformance: ${name}`, () => {
    const fixtures: KeyStoreFixture[] = [];
    const extra: KeyStore[] = [];
    const start = async () => {
      const f = await open();
      fixtures.push(f);
      return f;
    };
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      for (const f of fixtures.splice(0)) {
        await f.store.close();
        await f.cleanup();
      }
    });

    it('unwraps what it wrapped, for empty and 4 KB secrets, in the shared layout', async () => {
      const { store } = await start();
      const aad = wrappingAad('key-material', ARN, 'm1');
      for (const secret of [Buffer.alloc(0), randomBytes(32), randomBytes(4096)]) {
        const wrapped = await store.wrap(secret, aad);
        expectLayout(wrapped, secret.length);
        expect(await store.unwrap(wrapped, aad)).toEqual(secret);
      }
    });

    it('wraps the same secret differently each time (random IV)', async () => {
      const { store } = await start();
      const aad = wrappingAad('t');
      const secret = randomBytes(32);
      const a = await store.wrap(secret, aad);
      const b = await store.wrap(secret, aad);
      expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
      expect(a.equals(b)).toBe(false);
    });

    it('refuses other associated data and every changed, truncated or extended blob with UnwrapError', async () => {
      const { store } = await start();
      const aad = wrappingAad('key-material', ARN, 'm1');
      const wrapped = await store.wrap(randomBytes(32), aad);
      await expect(store.unwrap(wrapped, wrappingAad('key-material', ARN, 'm2'))).rejects.toBeInstanceOf(UnwrapError);
      await expect(store.unwrap(wrapped, wrappingAad('access-key-secret', 'AKIA'))).rejects.toBeInstanceOf(UnwrapError);
      await expect(store.unwrap(wrapped, Buffer.alloc(0))).rejects.toBeInstanceOf(UnwrapError);
      for (const bad of tampered(wrapped)) await expect(store.unwrap(bad, aad)).rejects.toBeInstanceOf(UnwrapError);
    });

    it('keeps its root key across a restart; another root key does not unwrap', async () => {
      const f = await start();
      const aad = wrappingAad('key-material', ARN, 'm1');
      const secret = randomBytes(32);
      const wrapped = await f.store.wrap(secret, aad);
      const again = await f.reopen();
      extra.push(again);
      expect(await again.unwrap(wrapped, aad)).toEqual(secret);
      const other = await f.other();
      extra.push(other);
      await expect(other.unwrap(wrapped, aad)).rejects.toBeInstanceOf(UnwrapError);
    });

    it('serves concurrent wraps and unwraps', async () => {
      const { store } = await start();
      const secrets = Array.from({ length: 32 }, () => randomBytes(32));
      const wrapped = await Promise.all(secrets.map((s, i) => store.wrap(s, wrappingAad('t', String(i)))));
      const opened = await Promise.all(wrapped.map((w, i) => store.unwrap(w, wrappingAad('t', String(i)))));
      expect(opened).toEqual(secrets);
    });
  });
}

export interface MaterialStoreFixture {
  store: KeyMaterialStore;
  /** The same store opened again (a restart: no cached handle or material survives). */
  reopen(): Promise<KeyMaterialStore>;
  /** Closes what `store` and the reopened stores hold. */
  cleanup(): Promise<void>;
}

export function describeMaterialStoreConformance(name: string, open: () => Promise<MaterialStoreFixture>): void {
  describe(`KeyMaterialStore conformance: ${name}`, () => {
    const fixtures: MaterialStoreFixture[] = [];
    const start = async () => {
      const f = await open();
      fixtures.push(f);
      return f;
    };
    afterEach(async () => {
      for (const f of fixtures.splice(0)) await f.cleanup();
    });
    const m1: MaterialName = { keyArn: ARN, materialId: 'a'.repeat(64) };
    const m2: MaterialName = { keyArn: OTHER_ARN, materialId: 'b'.repeat(64) };

    it('decrypts what it encrypted under a material, with the aad, in the shared layout', async () => {
      const { store } = await start();
      const stored = await store.create(m1);
      const aad = Buffer.from('header and encryption context');
      for (const plaintext of [Buffer.alloc(0), Buffer.from('hello'), randomBytes(4096)]) {
        const blob = await store.encrypt(m1, stored, plaintext, aad);
        expectLayout(blob, plaintext.length);
        expect(await store.decrypt(m1, stored, blob, aad)).toEqual(plaintext);
      }
    });

    it('never shows the plaintext in the blob or the stored form', async () => {
      const { store } = await start();
      const stored = await store.create(m1);
      const plaintext = Buffer.from('a secret that must not be seen in the ciphertext');
      const blob = await store.encrypt(m1, stored, plaintext, Buffer.alloc(0));
      expect(blob.includes(plaintext)).toBe(false);
      expect(stored.wrapped?.includes(plaintext) ?? false).toBe(false);
    });

    it('refuses other aad, another material and every changed blob with UnwrapError', async () => {
      const { store } = await start();
      const s1 = await store.create(m1);
      const s2 = await store.create(m2);
      const aad = Buffer.from('aad');
      const blob = await store.encrypt(m1, s1, Buffer.from('plaintext'), aad);
      await expect(store.decrypt(m1, s1, blob, Buffer.from('aae'))).rejects.toBeInstanceOf(UnwrapError);
      await expect(store.decrypt(m2, s2, blob, aad)).rejects.toBeInstanceOf(UnwrapError);
      for (const bad of tampered(blob))
        await expect(store.decrypt(m1, s1, bad, aad)).rejects.toBeInstanceOf(UnwrapError);
    });

    it('two materials are different keys', async () => {
      const { store } = await start();
      const s1 = await store.create(m1);
      const s2 = await store.create(m2);
      const aad = Buffer.from('aad');
      const b1 = await store.encrypt(m1, s1, Buffer.from('x'), aad);
      const b2 = await store.encrypt(m2, s2, Buffer.from('x'), aad);
      expect(await store.decrypt(m1, s1, b1, aad)).toEqual(Buffer.from('x'));
      expect(await store.decrypt(m2, s2, b2, aad)).toEqual(Buffer.from('x'));
      await expect(store.decrypt(m2, s2, b1, aad)).rejects.toBeInstanceOf(UnwrapError);
    });

    it('keeps materials across a restart', async () => {
      const f = await start();
      const stored = await f.store.create(m1);
      const aad = Buffer.from('aad');
      const blob = await f.store.encrypt(m1, stored, Buffer.from('kept'), aad);
      const again = await f.reopen();
      expect((await again.decrypt(m1, stored, blob, aad)).toString()).toBe('kept');
      expect(
        (await again.decrypt(m1, stored, await again.encrypt(m1, stored, Buffer.from('y'), aad), aad)).toString(),
      ).toBe('y');
    });

    it('after destroy, the material decrypts nothing (and destroying again is harmless)', async () => {
      const { store } = await start();
      const s1 = await store.create(m1);
      const s2 = await store.create(m2);
      const aad = Buffer.from('aad');
      const blob = await store.encrypt(m1, s1, Buffer.from('gone'), aad);
      const kept = await store.encrypt(m2, s2, Buffer.from('kept'), aad);
      await store.destroy(m1, s1);
      await store.destroy(m1, s1);
      // The software store's material is its stored form: destroying it is dropping the row.
      const afterwards = s1.wrapped === undefined ? s1 : {};
      await expect(store.decrypt(m1, afterwards, blob, aad)).rejects.toThrow();
      expect((await store.decrypt(m2, s2, kept, aad)).toString()).toBe('kept');
    });

    it('serves concurrent encryptions', async () => {
      const { store } = await start();
      const stored = await store.create(m1);
      const plaintexts = Array.from({ length: 24 }, (_, i) => Buffer.from(`message ${i}`));
      const blobs = await Promise.all(plaintexts.map((p) => store.encrypt(m1, stored, p, Buffer.from('a'))));
      const opened = await Promise.all(blobs.map((b) => store.decrypt(m1, stored, b, Buffer.from('a'))));
      expect(opened).toEqual(plaintexts);
    });
  });
}
