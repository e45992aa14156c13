/** Public surface of keystore/: where key material is protected. */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KeyStoreError, MEMORY_KEY_STORE, SoftwareKeyStore } from './software.js';
import { PKCS11_PREFIX, parseRootKeySpec } from './pkcs11/spec.js';
import type { OpenedKeyStore } from './types.js';

export type { KeyMaterialStore, KeyStore, MaterialName, OpenedKeyStore, StoredMaterial } from './types.js';
export { KeyStoreError, MEMORY_KEY_STORE, SoftwareKeyStore, readRootKeyFile } from './software.js';
export { SoftwareMaterialStore } from './software-materials.js';
export {
  CLUSTER_ID_PATTERN,
  PKCS11_PREFIX,
  formatClusterSpec,
  parseClusterSpec,
  parseRootKeySpec,
  type HsmClusterSpec,
  type Pkcs11RootKeySpec,
} from './pkcs11/spec.js';
export { HsmError, type HsmErrorCode } from './pkcs11/errors.js';
export { loadTrustAnchor, sameCertificate } from './pkcs11/trust-anchor.js';

/** File name of the default root key inside the data directory. */
export const DEFAULT_ROOT_KEY_FILE = 'root-key';

export interface OpenKeyStoreOptions {
  /** The user PIN of the token of a `pkcs11:` root key (`rootKeyPin`); never logged. */
  pin?: string | undefined;
}

/**
 * The PKCS#11 part of keystore/ (HsmCluster, Pkcs11RootKeyStore, ...), loaded on first use: it
 * loads the native binding, which a Trent without HSMs never needs.
 */
export const loadPkcs11 = () => import('./pkcs11/index.js');

/**
 * Opens the key store named by `spec`:
 * - undefined or '' : the software root key `<dataDir>/root-key` (dataDir is created, mode 0700);
 * - `file:PATH`     : the software root key at PATH (relative paths resolve against the working
 *                     directory);
 * - `memory:`        : a root key generated now and kept in memory only (`--ephemeral`); nothing
 *                     is written and dataDir is not touched;
 * - `pkcs11:MODULE:LABEL` : the root key inside the PKCS#11 token LABEL of module MODULE,
 *                     generated there on first start; `options.pin` is its user PIN (docs/hsm.md).
 *                     A wrong PIN, a missing token or module fail here, having changed nothing.
 * The result's `created` and `permissionsTooOpen` tell the caller what to report.
 */
export async function openKeyStore(
  spec: string | undefined,
  dataDir: string,
  options: OpenKeyStoreOptions = {},
): Promise<OpenedKeyStore> {
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
  if (spec.startsWith(PKCS11_PREFIX)) return openTokenRootKey(spec, options);
  throw new KeyStoreError('unsupported key store spec (expected file:PATH or pkcs11:MODULE:LABEL)');
}

async function openTokenRootKey(spec: string, options: OpenKeyStoreOptions): Promise<OpenedKeyStore> {
  const parsed = parseRootKeySpec(spec);
  if (!parsed.ok) throw new KeyStoreError(`root key ${spec}: ${parsed.problem}`);
  const { tokenLabel } = parsed.value;
  if (options.pin === undefined || options.pin === '') {
    throw new KeyStoreError(
      `the root key in token ${tokenLabel} needs the token's user PIN: set rootKeyPin (TRENT_ROOT_KEY_PIN)`,
    );
  }
  const { HsmError, Pkcs11RootKeyStore } = await loadPkcs11();
  try {
    return await Pkcs11RootKeyStore.open({
      modulePath: resolve(parsed.value.modulePath),
      tokenLabel,
      pin: options.pin,
    });
  } catch (err) {
    if (!(err instanceof HsmError)) throw err;
    throw new KeyStoreError(`cannot open the root key in token ${tokenLabel}: ${err.message}; nothing was changed`, {
      cause: err,
    });
  }
}
