/** Public surface of keystore/: where key material is protected. */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KeyStoreError, MEMORY_KEY_STORE, SoftwareKeyStore } from './software.js';

export type { KeyStore } from './types.js';
export { KeyStoreError, MEMORY_KEY_STORE, SoftwareKeyStore } from './software.js';

/** File name of the default root key inside the data directory. */
export const DEFAULT_ROOT_KEY_FILE = 'root-key';

/**
 * Opens the key store named by `spec`:
 * - undefined or '' : the software root key `<dataDir>/root-key` (dataDir is created, mode 0700);
 * - `file:PATH`     : the software root key at PATH (relative paths resolve against the working
 *                     directory);
 * - `memory:`        : a root key generated now and kept in memory only (`--ephemeral`); nothing
 *                     is written and dataDir is not touched.
 * The result's `created` and `permissionsTooOpen` tell the caller what to report.
 */
export async function openKeyStore(spec: string | undefined, dataDir: string): Promise<SoftwareKeyStore> {
  if (spec === undefined || spec === '') {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    return SoftwareKeyStore.open(join(resolve(dataDir), DEFAULT_ROOT_KEY_FILE));
  }
  if (spec === MEMORY_KEY_STORE) return SoftwareKeyStore.inMemory();
  if (spec.startsWith('file:')) {
    const path = spec.slice('file:'.length);
    if (path === '') throw new KeyStoreError('key store spec file: needs a path');
    return SoftwareKeyStore.open(resolve(path));
  }
  throw new KeyStoreError('unsupported key store spec (expected file:PATH)');
}
