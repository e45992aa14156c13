/**
 * The templates of every object Trent creates in a token, and AES-256-GCM inside it. Every
 * persistent key is sensitive, never extractable, cannot be changed (CKA_MODIFIABLE false, so
 * CKA_WRAP cannot be turned on later) and never both wraps and decrypts.
 */
import { randomBytes } from 'node:crypto';
import { HsmError } from './errors.js';
import { ck, type AesGcmParams, type Handle, type Mechanism, type PKCS11, type Template } from './binding.js';

export const AES_KEY_BYTES = 32;
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;

/** Finds secret keys by label (and id). */
export function secretKeyQuery(label: string, id?: Buffer): Template {
  return [
    { type: ck.CKA_CLASS, value: ck.CKO_SECRET_KEY },
    { type: ck.CKA_TOKEN, value: true },
    { type: ck.CKA_LABEL, value: label },
    ...(id !== undefined ? [{ type: ck.CKA_ID, value: id }] : []),
  ];
}

/**
 * A persistent AES-256 key that encrypts and decrypts inside the token only: CKA_TOKEN,
 * CKA_SENSITIVE and CKA_PRIVATE true; CKA_EXTRACTABLE, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE false;
 * CKA_MODIFIABLE false unless `derived` (SoftHSM2 answers CKR_ATTRIBUTE_READ_ONLY for
 * CKA_MODIFIABLE in C_DeriveKey and C_CopyObject templates, so a derived key's CKA_WRAP could be
 * turned on later by someone with the PIN: checkKeyAttributes refuses such a key at use).
 */
export function aesKeyTemplate(label: string, id: Buffer, derived = false): Template {
  return [
    { type: ck.CKA_CLASS, value: ck.CKO_SECRET_KEY },
    { type: ck.CKA_KEY_TYPE, value: ck.CKK_AES },
    { type: ck.CKA_VALUE_LEN, value: AES_KEY_BYTES },
    { type: ck.CKA_TOKEN, value: true },
    { type: ck.CKA_PRIVATE, value: true },
    { type: ck.CKA_SENSITIVE, value: true },
    { type: ck.CKA_EXTRACTABLE, value: false },
    { type: ck.CKA_ENCRYPT, value: true },
    { type: ck.CKA_DECRYPT, value: true },
    { type: ck.CKA_WRAP, value: false },
    { type: ck.CKA_UNWRAP, value: false },
    { type: ck.CKA_DERIVE, value: false },
    { type: ck.CKA_SIGN, value: false },
    { type: ck.CKA_VERIFY, value: false },
    ...(derived ? [] : [{ type: ck.CKA_MODIFIABLE, value: false }]),
    { type: ck.CKA_LABEL, value: label },
    { type: ck.CKA_ID, value: id },
  ];
}

/** Generates a persistent AES-256 key inside the token (CKM_AES_KEY_GEN). */
export function generateAesKey(lib: PKCS11, session: Handle, label: string, id: Buffer): Handle {
  return lib.C_GenerateKey(session, { mechanism: ck.CKM_AES_KEY_GEN }, aesKeyTemplate(label, id));
}

function gcm(iv: Buffer, aad: Buffer): Mechanism {
  const parameter: AesGcmParams = {
    type: ck.CK_PARAMS_AES_GCM,
    iv,
    aad,
    ivBits: GCM_IV_BYTES * 8,
    tagBits: GCM_TAG_BYTES * 8,
  };
  return { mechanism: ck.CKM_AES_GCM, parameter };
}

/** AES-256-GCM inside the token: a random 96-bit IV, and ciphertext || 128-bit tag. */
export async function gcmEncrypt(
  lib: PKCS11,
  session: Handle,
  key: Handle,
  plaintext: Buffer,
  aad: Buffer,
): Promise<{ iv: Buffer; sealed: Buffer }> {
  const iv = randomBytes(GCM_IV_BYTES);
  lib.C_EncryptInit(session, gcm(iv, aad), key);
  // The binding refuses an empty input buffer (CKR_ARGUMENTS_BAD): the tag alone comes from
  // C_EncryptFinal.
  const sealed =
    plaintext.length === 0
      ? lib.C_EncryptFinal(session, Buffer.alloc(GCM_TAG_BYTES))
      : await lib.C_EncryptAsync(session, plaintext, Buffer.alloc(plaintext.length + GCM_TAG_BYTES));
  return { iv, sealed: Buffer.from(sealed) };
}

/** Opens what gcmEncrypt sealed; throws the token's error when it does not authenticate. */
export async function gcmDecrypt(
  lib: PKCS11,
  session: Handle,
  key: Handle,
  iv: Buffer,
  sealed: Buffer,
  aad: Buffer,
): Promise<Buffer> {
  lib.C_DecryptInit(session, gcm(iv, aad), key);
  // Some modules write the output length before checking the tag: room for the whole input.
  const out = await lib.C_DecryptAsync(session, sealed, Buffer.alloc(sealed.length));
  return Buffer.from(out);
}

/** The attributes the attribute tests and `trent hsm check` read back, as booleans. */
export const SECURITY_ATTRIBUTES = {
  CKA_TOKEN: ck.CKA_TOKEN,
  CKA_SENSITIVE: ck.CKA_SENSITIVE,
  CKA_ALWAYS_SENSITIVE: ck.CKA_ALWAYS_SENSITIVE,
  CKA_EXTRACTABLE: ck.CKA_EXTRACTABLE,
  CKA_NEVER_EXTRACTABLE: ck.CKA_NEVER_EXTRACTABLE,
  CKA_WRAP: ck.CKA_WRAP,
  CKA_UNWRAP: ck.CKA_UNWRAP,
  CKA_ENCRYPT: ck.CKA_ENCRYPT,
  CKA_DECRYPT: ck.CKA_DECRYPT,
  CKA_DERIVE: ck.CKA_DERIVE,
  CKA_MODIFIABLE: ck.CKA_MODIFIABLE,
} as const;

export type SecurityAttributes = Record<keyof typeof SECURITY_ATTRIBUTES, boolean>;

export function readSecurityAttributes(lib: PKCS11, session: Handle, object: Handle): SecurityAttributes {
  const names = Object.keys(SECURITY_ATTRIBUTES) as (keyof typeof SECURITY_ATTRIBUTES)[];
  const values = lib.C_GetAttributeValue(
    session,
    object,
    names.map((name) => ({ type: SECURITY_ATTRIBUTES[name] })),
  );
  const out = {} as SecurityAttributes;
  names.forEach((name, i) => {
    const value = values[i]?.value;
    out[name] = Buffer.isBuffer(value) && value.length > 0 && value[0] !== 0;
  });
  return out;
}

/**
 * Refuses a key that is not what Trent made: it must be sensitive, never extractable and neither
 * wrap nor unwrap (no key both wraps and decrypts). Run once per key, when its handle is found.
 */
export function checkKeyAttributes(
  lib: PKCS11,
  session: Handle,
  key: Handle,
  what: string,
  /** False for a root key imported from a file (`trent root-key import`), which once was outside. */
  neverExtractable = true,
): void {
  const a = readSecurityAttributes(lib, session, key);
  const extractable = a.CKA_EXTRACTABLE || (neverExtractable && !a.CKA_NEVER_EXTRACTABLE);
  if (!a.CKA_SENSITIVE || extractable || a.CKA_WRAP || a.CKA_UNWRAP) {
    throw new HsmError(
      'internal',
      `${what} is not sensitive, never extractable and unable to wrap as Trent made it: refused`,
    );
  }
}
