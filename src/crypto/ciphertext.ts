/**
 * Trent's versioned symmetric ciphertext format: what Encrypt, GenerateDataKey and ReEncrypt
 * return and Decrypt accepts. The layout, derivation and parsing rules are documented in
 * docs/ciphertext-format.md; change both together.
 *
 * Version 1, a key whose material Trent holds (wrapped under the root key):
 *
 *   header = magic "TRNT" (4) || version 0x01 (1) || key ARN length (u16 BE) || key ARN (ASCII)
 *            || material id (32, raw bytes of the 64-hex id) || derivation nonce (32)
 *   blob   = header || IV (12) || AES-256-GCM ciphertext (>= 1) || tag (16)
 *
 *   message key = HKDF-SHA256(ikm = key material, salt = nonce, info = LABEL || header, L = 32)
 *   AAD         = header || encodeEncryptionContext(encryptionContext)
 *
 * Deriving a fresh key per message from a 256-bit random nonce, as AWS KMS does, keeps each AES
 * key far below the 2^32 random-IV limit of NIST SP 800-38D §8.3, however many messages one key
 * material encrypts.
 *
 * Version 2, a key of a custom key store (the material never leaves the HSMs, so nothing can be
 * derived from it outside them): the same header without the nonce, and the HSM's own AES-256-GCM
 * blob (keystore/types.ts KeyMaterialStore) under the key itself:
 *
 *   header = magic "TRNT" (4) || version 0x02 (1) || key ARN length (u16 BE) || key ARN (ASCII)
 *            || material id (32)
 *   blob   = header || 0x01 || IV (12) || AES-256-GCM ciphertext (>= 1) || tag (16)
 *   AAD    = header || encodeEncryptionContext(encryptionContext)
 *
 * Without derivation the HSM key itself meets the 2^32 random-IV limit (its CKA_DERIVE is false,
 * so no per-message key can be derived in the token either); docs/ciphertext-format.md says what
 * that budget means for a key that never rotates.
 */
import { randomBytes } from 'node:crypto';
import { encodeEncryptionContext, type EncryptionContext } from './context.js';
import { u16 } from './encoding.js';
import { CiphertextError, CryptoInputError, UnwrapError } from './errors.js';
import { GCM_IV_LENGTH, GCM_TAG_LENGTH, gcmDecrypt, gcmEncrypt } from './gcm.js';
import { hkdfSha256 } from './hkdf.js';

export const CIPHERTEXT_MAGIC: Buffer = Buffer.from('TRNT', 'ascii');
export const CIPHERTEXT_VERSION = 1;
/** The layout of a key in a custom key store (HSM): no derivation nonce, the HSM's own blob. */
export const HSM_CIPHERTEXT_VERSION = 2;
/** The first byte of a KeyMaterialStore blob (keystore/types.ts): 0x01 || IV || ciphertext || tag. */
const HSM_BLOB_VERSION = 1;
export const MATERIAL_LENGTH = 32;
const MATERIAL_ID_LENGTH = 32;
const NONCE_LENGTH = 32;
/** Longest key ARN the format carries; real key ARNs are under 100 characters. */
const MAX_ARN_LENGTH = 256;
/** arn:<partition>:kms:<region>:<12-digit account>:key/<key id> — ASCII only, so one encoding. */
const KEY_ARN = /^arn:[a-z][a-z0-9-]{0,31}:kms:[a-z0-9-]{1,64}:[0-9]{12}:key\/[A-Za-z0-9-]{1,128}$/;
const MATERIAL_ID = /^[0-9a-f]{64}$/;
const DERIVATION_LABEL = Buffer.from('Trent ciphertext v1 AES-256-GCM message key\0', 'ascii');
const FIXED_HEADER = CIPHERTEXT_MAGIC.length + 1 + 2 + MATERIAL_ID_LENGTH + NONCE_LENGTH;
/** Version 2: no nonce; the HSM blob after the header starts with its own version byte. */
const FIXED_HEADER_V2 = CIPHERTEXT_MAGIC.length + 1 + 2 + MATERIAL_ID_LENGTH;
const SHORTEST_ARN = 30;
/** Shortest valid blob: the shortest ARN (arn:a:kms:a:000000000000:key/a, 30 bytes), 1 byte of ciphertext. */
export const MIN_CIPHERTEXT_LENGTH = FIXED_HEADER + SHORTEST_ARN + GCM_IV_LENGTH + 1 + GCM_TAG_LENGTH;
/** Shortest valid version-2 blob (99 bytes). */
export const MIN_HSM_CIPHERTEXT_LENGTH = FIXED_HEADER_V2 + SHORTEST_ARN + 1 + GCM_IV_LENGTH + 1 + GCM_TAG_LENGTH;

/** A version-1 ciphertext: a key whose material Trent holds. */
export interface ParsedSoftwareCiphertext {
  readonly version: 1;
  readonly keyArn: string;
  /** 64 lowercase hex characters. */
  readonly materialId: string;
  readonly nonce: Buffer;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** A version-2 ciphertext: a key of a custom key store, encrypted in the HSM under the key itself. */
export interface ParsedHsmCiphertext {
  readonly version: 2;
  readonly keyArn: string;
  /** 64 lowercase hex characters. */
  readonly materialId: string;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

export type ParsedCiphertext = ParsedSoftwareCiphertext | ParsedHsmCiphertext;

export interface SealSymmetricInput {
  keyArn: string;
  materialId: string;
  /** The 32-byte key material, unwrapped. */
  material: Buffer;
  plaintext: Buffer;
  encryptionContext?: EncryptionContext | undefined;
  /** Source of the nonce and IV; tests inject it. Defaults to node:crypto randomBytes. */
  random?: ((n: number) => Buffer) | undefined;
}

export function isValidKeyArn(keyArn: unknown): keyArn is string {
  return typeof keyArn === 'string' && keyArn.length <= MAX_ARN_LENGTH && KEY_ARN.test(keyArn);
}

/**
 * Encodes the header: version 1 with its nonce, version 2 without. Inputs are validated; the
 * result is the only encoding of these fields.
 */
function encodeHeader(keyArn: string, materialId: string, nonce: Buffer | undefined): Buffer {
  if (!isValidKeyArn(keyArn)) throw new CryptoInputError('keyArn is not a valid key ARN');
  if (typeof materialId !== 'string' || !MATERIAL_ID.test(materialId)) {
    throw new CryptoInputError('materialId must be 64 lowercase hex characters');
  }
  if (nonce !== undefined && (!Buffer.isBuffer(nonce) || nonce.length !== NONCE_LENGTH)) {
    throw new CryptoInputError('nonce must be 32 bytes');
  }
  const arn = Buffer.from(keyArn, 'ascii');
  return Buffer.concat([
    CIPHERTEXT_MAGIC,
    Buffer.of(nonce === undefined ? HSM_CIPHERTEXT_VERSION : CIPHERTEXT_VERSION),
    u16(arn.length),
    arn,
    Buffer.from(materialId, 'hex'),
    ...(nonce === undefined ? [] : [nonce]),
  ]);
}

function messageKey(material: Buffer, nonce: Buffer, header: Buffer): Buffer {
  if (!Buffer.isBuffer(material) || material.length !== MATERIAL_LENGTH) {
    throw new CryptoInputError('key material must be 32 bytes');
  }
  return hkdfSha256(material, nonce, Buffer.concat([DERIVATION_LABEL, header]), 32);
}

function draw(random: (n: number) => Buffer, n: number): Buffer {
  const b = random(n);
  if (!Buffer.isBuffer(b) || b.length !== n) throw new CryptoInputError('random source returned wrong length');
  return b;
}

export function sealSymmetric(input: SealSymmetricInput): Buffer {
  const random = input.random ?? randomBytes;
  if (!Buffer.isBuffer(input.plaintext) || input.plaintext.length === 0) {
    throw new CryptoInputError('plaintext must be a non-empty Buffer');
  }
  const nonce = draw(random, NONCE_LENGTH);
  const header = encodeHeader(input.keyArn, input.materialId, nonce);
  const aad = Buffer.concat([header, encodeEncryptionContext(input.encryptionContext)]);
  const iv = draw(random, GCM_IV_LENGTH);
  const key = messageKey(input.material, nonce, header);
  try {
    const { ciphertext, tag } = gcmEncrypt(key, iv, input.plaintext, aad);
    return Buffer.concat([header, iv, ciphertext, tag]);
  } finally {
    key.fill(0);
  }
}

/**
 * Strict parse: known magic and version, a well-formed key ARN, exact field lengths, at least one
 * byte of ciphertext; for version 2 the HSM blob's own version byte. Anything else is a
 * CiphertextError. Decodes only; nothing is authenticated until openSymmetric or openHsm.
 */
export function parseCiphertext(blob: Buffer): ParsedCiphertext {
  if (!Buffer.isBuffer(blob) || blob.length < MIN_HSM_CIPHERTEXT_LENGTH) throw new CiphertextError();
  if (!blob.subarray(0, CIPHERTEXT_MAGIC.length).equals(CIPHERTEXT_MAGIC)) throw new CiphertextError();
  let at = CIPHERTEXT_MAGIC.length;
  const version = blob[at];
  if (version !== CIPHERTEXT_VERSION && version !== HSM_CIPHERTEXT_VERSION) throw new CiphertextError();
  const hsm = version === HSM_CIPHERTEXT_VERSION;
  if (!hsm && blob.length < MIN_CIPHERTEXT_LENGTH) throw new CiphertextError();
  at += 1;
  const arnLength = blob.readUInt16BE(at);
  at += 2;
  // After the header: version 1 has IV, ciphertext and tag; version 2 the HSM blob (0x01 first).
  const minimum = hsm
    ? FIXED_HEADER_V2 + arnLength + 1 + GCM_IV_LENGTH + 1 + GCM_TAG_LENGTH
    : FIXED_HEADER + arnLength + GCM_IV_LENGTH + 1 + GCM_TAG_LENGTH;
  if (arnLength > MAX_ARN_LENGTH || blob.length < minimum) throw new CiphertextError();
  const arnBytes = blob.subarray(at, at + arnLength);
  at += arnLength;
  // latin1 maps each byte to one code unit, so a non-ASCII byte survives to fail the pattern.
  const keyArn = arnBytes.toString('latin1');
  if (!isValidKeyArn(keyArn)) throw new CiphertextError();
  const materialId = blob.subarray(at, at + MATERIAL_ID_LENGTH).toString('hex');
  at += MATERIAL_ID_LENGTH;
  let nonce: Buffer | undefined;
  if (hsm) {
    if (blob[at] !== HSM_BLOB_VERSION) throw new CiphertextError();
    at += 1;
  } else {
    nonce = Buffer.from(blob.subarray(at, at + NONCE_LENGTH));
    at += NONCE_LENGTH;
  }
  const iv = Buffer.from(blob.subarray(at, at + GCM_IV_LENGTH));
  at += GCM_IV_LENGTH;
  const ciphertext = Buffer.from(blob.subarray(at, blob.length - GCM_TAG_LENGTH));
  const tag = Buffer.from(blob.subarray(blob.length - GCM_TAG_LENGTH));
  if (nonce === undefined) {
    return Object.freeze({ version: HSM_CIPHERTEXT_VERSION, keyArn, materialId, iv, ciphertext, tag });
  }
  return Object.freeze({ version: CIPHERTEXT_VERSION, keyArn, materialId, nonce, iv, ciphertext, tag });
}

/**
 * Authenticates and decrypts. The header is re-encoded from the parsed fields, so the key ARN and
 * material id a caller used to find `material` are exactly the ones authenticated. Every failure,
 * whatever its cause, is the same CiphertextError; a version-2 (HSM) ciphertext is one of them.
 */
export function openSymmetric(
  parsed: ParsedCiphertext,
  material: Buffer,
  encryptionContext: EncryptionContext | undefined,
): Buffer {
  let key: Buffer | undefined;
  try {
    // A version-2 blob is never opened with material held outside an HSM.
    if (parsed.version !== CIPHERTEXT_VERSION || parsed.ciphertext.length === 0) throw new CiphertextError();
    const header = encodeHeader(parsed.keyArn, parsed.materialId, parsed.nonce);
    const aad = Buffer.concat([header, encodeEncryptionContext(encryptionContext)]);
    key = messageKey(material, parsed.nonce, header);
    return gcmDecrypt(key, parsed.iv, parsed.ciphertext, parsed.tag, aad);
  } catch {
    throw new CiphertextError();
  } finally {
    key?.fill(0);
  }
}

export interface SealHsmInput {
  keyArn: string;
  materialId: string;
  plaintext: Buffer;
  encryptionContext?: EncryptionContext | undefined;
  /**
   * AES-256-GCM of `plaintext` with `aad` under the key in the HSM (KeyMaterialStore.encrypt):
   * 0x01 || IV (12) || ciphertext || tag (16).
   */
  encrypt(plaintext: Buffer, aad: Buffer): Promise<Buffer>;
}

/**
 * A version-2 ciphertext: the header and encryption context are the AAD of the HSM's encryption
 * under the key itself. Errors of `encrypt` (an HSM that is unavailable) pass through; a blob of
 * another layout from it is a CryptoInputError.
 */
export async function sealHsm(input: SealHsmInput): Promise<Buffer> {
  if (!Buffer.isBuffer(input.plaintext) || input.plaintext.length === 0) {
    throw new CryptoInputError('plaintext must be a non-empty Buffer');
  }
  const header = encodeHeader(input.keyArn, input.materialId, undefined);
  const aad = Buffer.concat([header, encodeEncryptionContext(input.encryptionContext)]);
  const sealed = await input.encrypt(input.plaintext, aad);
  if (
    !Buffer.isBuffer(sealed) ||
    sealed.length !== 1 + GCM_IV_LENGTH + input.plaintext.length + GCM_TAG_LENGTH ||
    sealed[0] !== HSM_BLOB_VERSION
  ) {
    throw new CryptoInputError('the HSM blob does not have the KeyMaterialStore layout');
  }
  return Buffer.concat([header, sealed]);
}

/**
 * Decrypts a version-2 ciphertext through `decrypt` (KeyMaterialStore.decrypt: the HSM blob and
 * the AAD rebuilt from the parsed header and `encryptionContext`). Every failure to open (a
 * version-1 blob, the HSM's UnwrapError) is the same CiphertextError; any other error of
 * `decrypt` (an HSM that is unavailable) passes through.
 */
export async function openHsm(
  parsed: ParsedCiphertext,
  encryptionContext: EncryptionContext | undefined,
  decrypt: (sealed: Buffer, aad: Buffer) => Promise<Buffer>,
): Promise<Buffer> {
  let sealed: Buffer;
  let aad: Buffer;
  try {
    if (
      parsed.version !== HSM_CIPHERTEXT_VERSION ||
      parsed.ciphertext.length === 0 ||
      parsed.iv.length !== GCM_IV_LENGTH ||
      parsed.tag.length !== GCM_TAG_LENGTH
    ) {
      throw new CiphertextError();
    }
    const header = encodeHeader(parsed.keyArn, parsed.materialId, undefined);
    aad = Buffer.concat([header, encodeEncryptionContext(encryptionContext)]);
    sealed = Buffer.concat([Buffer.of(HSM_BLOB_VERSION), parsed.iv, parsed.ciphertext, parsed.tag]);
  } catch {
    throw new CiphertextError();
  }
  try {
    return await decrypt(sealed, aad);
  } catch (e) {
    if (e instanceof UnwrapError || e instanceof CiphertextError) throw new CiphertextError();
    throw e;
  }
}
