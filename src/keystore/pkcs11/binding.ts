/**
 * The one module that imports the PKCS#11 binding (pkcs11js; ESLint refuses it anywhere else).
 * The rest of keystore/pkcs11 uses these re-exports, so a change of binding stays in one file.
 * keystore/index.ts loads this folder lazily, so a Trent without HSMs never loads the native addon.
 */
import pkcs11js from 'pkcs11js';

export type Handle = pkcs11js.Handle;
export type Template = pkcs11js.Template;
export type Mechanism = pkcs11js.Mechanism;
export type TokenInfo = pkcs11js.TokenInfo;
export type AesGcmParams = pkcs11js.AesGCM;
export type EcdhParams = pkcs11js.ECDH1;
export const PKCS11 = pkcs11js.PKCS11;
export type PKCS11 = pkcs11js.PKCS11;
export const ck = pkcs11js;

/** The CKR_ name of a PKCS#11 error (`CKR_PIN_INCORRECT`), or undefined for any other error. */
export function ckrOf(err: unknown): string | undefined {
  if (!(err instanceof pkcs11js.Pkcs11Error)) return undefined;
  return /^CKR_[A-Z0-9_]+$/.test(err.message) ? err.message : undefined;
}
