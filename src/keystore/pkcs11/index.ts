/**
 * keystore/pkcs11: keys inside PKCS#11 tokens. Loaded lazily by keystore/index.ts (it loads the
 * native binding); spec.ts, which only parses, is exported from keystore/index.ts directly.
 */
export { HsmError, type HsmErrorCode, type HsmFailure } from './errors.js';
export { acquireModule, finalizeModule, type Pkcs11Module } from './module.js';
export { Token, type TokenOptions, type TokenState } from './token.js';
export { Pkcs11RootKeyStore, ROOT_KEY_LABEL, type Pkcs11RootKeyOptions } from './root-key.js';
export { HsmCluster, MIN_HSMS, type HsmKeyName, type HsmStatus } from './cluster.js';
export { loadTrustAnchor, sameCertificate } from './trust-anchor.js';
export { HsmMaterialStore } from './materials.js';
export { readSecurityAttributes, type SecurityAttributes } from './objects.js';
