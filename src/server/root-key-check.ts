/**
 * Proves at start that the root key is the one this database was created with. A value wrapped
 * under the root key is stored on first start; every later start must unwrap it. Without this a
 * wrong --root-key would only show as internal errors on the first cryptographic request.
 */
import { randomBytes } from 'node:crypto';
import { wrappingAad } from '../crypto/index.js';
import type { KeyStore } from '../keystore/index.js';
import type { Storage } from '../storage/index.js';

const SETTING = 'root-key-check';
const AAD = wrappingAad('root-key-check');

export class RootKeyMismatchError extends Error {
  constructor() {
    super(
      'The root key does not match this database: its keys cannot be unwrapped. Start with the root key ' +
        'this data directory was created with (--root-key file:PATH), or restore it from your backup.',
    );
    this.name = 'RootKeyMismatchError';
  }
}

export async function checkRootKey(storage: Storage, keyStore: KeyStore): Promise<void> {
  const stored = await storage.getSetting(SETTING);
  if (!stored) {
    await storage.insertSetting(SETTING, await keyStore.wrap(randomBytes(32), AAD));
    return;
  }
  try {
    (await keyStore.unwrap(stored, AAD)).fill(0);
  } catch {
    throw new RootKeyMismatchError();
  }
}
