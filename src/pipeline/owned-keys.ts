/**
 * AWS owned keys: keys Trent holds for its own data at rest (Parameter Store's String and
 * StringList values), one per region and purpose, shared by every account and never listed,
 * described, usable through the API or billed (KMS Developer Guide, "AWS owned keys").
 *
 * Each owned key is 32 random bytes, created on first use and kept as a server setting wrapped by
 * the key store (the root key), with associated data naming the region and purpose. A sealed value
 * is AES-256-GCM under a key derived for that one message, as KMS derives its data keys:
 *
 *   sealed = version 0x01 (1) || salt (16, random) || IV (12) || ciphertext || tag (16)
 *   message key = HKDF-SHA256(owned key, salt, "Trent owned key v1")
 *   associated data = fields(region, purpose) || the encryption context, canonically encoded
 *
 * so a value sealed for one parameter does not open as another's (the context names the parameter).
 */
import { randomBytes } from 'node:crypto';
import { aesGcmOpen, aesGcmSeal, encodeEncryptionContext, hkdfSha256, wrappingAad } from '../crypto/index.js';
import type { KeyStore } from '../keystore/types.js';
import type { OwnedKeys } from './types.js';

const VERSION = 1;
const SALT_LENGTH = 16;
const INFO = Buffer.from('Trent owned key v1', 'ascii');
const RECORD = 'owned-key';

/** Where the owned keys live: the server's settings (Storage). */
export interface OwnedKeyStorage {
  getSetting(name: string): Promise<Buffer | undefined>;
  insertSetting(name: string, value: Buffer): Promise<'ok' | 'exists'>;
}

/** An owned key's name; `purpose` and `region` are Trent's own words, never a caller's. */
const PURPOSE = /^[a-z0-9-]{1,64}$/;

export class OwnedKeyRing implements OwnedKeys {
  /** Unwrapped owned keys by setting name; they never change once created. */
  private readonly keys = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly storage: OwnedKeyStorage,
    private readonly keyStore: KeyStore,
  ) {}

  async seal(purpose: string, region: string, plaintext: Buffer, context: Readonly<Record<string, string>>) {
    const key = await this.keyFor(purpose, region);
    const salt = randomBytes(SALT_LENGTH);
    const sealed = aesGcmSeal(hkdfSha256(key, salt, INFO, 32), plaintext, this.aad(purpose, region, context));
    return Buffer.concat([Buffer.of(VERSION), salt, sealed]);
  }

  async open(purpose: string, region: string, sealed: Buffer, context: Readonly<Record<string, string>>) {
    if (sealed.length < 1 + SALT_LENGTH || sealed[0] !== VERSION) throw new Error('not a value sealed by an owned key');
    const key = await this.keyFor(purpose, region);
    const salt = sealed.subarray(1, 1 + SALT_LENGTH);
    return aesGcmOpen(
      hkdfSha256(key, salt, INFO, 32),
      sealed.subarray(1 + SALT_LENGTH),
      this.aad(purpose, region, context),
    );
  }

  /** Forgets the unwrapped keys (after `/_trent/reset` wiped the settings). */
  clear(): void {
    this.keys.clear();
  }

  private aad(purpose: string, region: string, context: Readonly<Record<string, string>>): Buffer {
    return Buffer.concat([wrappingAad(RECORD, region, purpose), encodeEncryptionContext({ ...context })]);
  }

  private keyFor(purpose: string, region: string): Promise<Buffer> {
    if (!PURPOSE.test(purpose) || !PURPOSE.test(region)) throw new Error(`no owned key ${purpose} in ${region}`);
    const name = `${RECORD}/${region}/${purpose}`;
    let key = this.keys.get(name);
    if (!key) {
      key = this.load(name, wrappingAad(RECORD, region, purpose));
      // A failed load is tried again by the next call rather than remembered.
      key.catch(() => this.keys.delete(name));
      this.keys.set(name, key);
    }
    return key;
  }

  /** Reads the owned key, or creates it; of two processes creating it at once, the first insert wins. */
  private async load(name: string, aad: Buffer): Promise<Buffer> {
    let wrapped = await this.storage.getSetting(name);
    if (!wrapped) {
      const mine = await this.keyStore.wrap(randomBytes(32), aad);
      wrapped = (await this.storage.insertSetting(name, mine)) === 'ok' ? mine : await this.storage.getSetting(name);
      if (!wrapped) throw new Error(`owned key ${name} vanished while it was created`);
    }
    return this.keyStore.unwrap(wrapped, aad);
  }
}
