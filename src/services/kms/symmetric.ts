/**
 * Symmetric encryption under a KMS key, shared by Encrypt, Decrypt, ReEncrypt and the data-key
 * operations. Every failure to decrypt is the same InvalidCiphertextException (DESIGN: no oracle).
 * A key of a custom key store encrypts and decrypts inside its HSMs (ciphertext version 2); an
 * HSM that fails meanwhile makes the key unavailable, never a software fallback.
 */
import {
  CiphertextError,
  openHsm,
  openSymmetric,
  parseCiphertext,
  sealHsm,
  sealSymmetric,
  type ParsedCiphertext,
} from '../../crypto/index.js';
import { INVALID_CIPHERTEXT_MESSAGE, KmsError, type KeyRecord } from '../../domain/index.js';
import { HsmError, type KeyMaterialStore } from '../../keystore/index.js';
import { KeyStoreUnavailableError } from './custom-key-stores.js';
import { isRelatedArn } from './multi-region.js';
import { resolveKey } from './resolve.js';
import type { Caller, Services } from './types.js';

export const SYMMETRIC_DEFAULT = 'SYMMETRIC_DEFAULT';

export const invalidCiphertext = (): KmsError => new KmsError('InvalidCiphertextException', INVALID_CIPHERTEXT_MESSAGE);

/**
 * The symmetric format is only ever sealed or opened with a SYMMETRIC_DEFAULT key's 32-byte
 * material; any other key (an RSA key given to GenerateDataKey, say) is refused as AWS refuses it.
 */
function requireSymmetric(key: KeyRecord): void {
  if (key.keySpec !== SYMMETRIC_DEFAULT) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `Algorithm ${SYMMETRIC_DEFAULT} is incompatible with key spec ${key.keySpec}.`,
    );
  }
}

export async function encryptUnderKey(
  services: Services,
  key: KeyRecord,
  plaintext: Uint8Array,
  encryptionContext: Record<string, string> | undefined,
): Promise<Buffer> {
  requireSymmetric(key);
  const bytes = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  if (key.customKeyStoreId !== undefined) {
    const name = { keyArn: key.arn, materialId: key.currentMaterialId };
    return inKeyStore(services, key, key.customKeyStoreId, (store) =>
      sealHsm({
        ...name,
        plaintext: bytes,
        encryptionContext: encryptionContext ?? {},
        encrypt: (p, aad) => store.encrypt(name, {}, p, aad),
      }),
    );
  }
  // Strings with lone surrogates never get here: protocol/decode.ts refuses them.
  const material = await services.materials.plaintext(key.arn, key.currentMaterialId);
  if (!material) throw new Error(`current material of ${key.arn} is missing`);
  return sealSymmetric({
    keyArn: key.arn,
    materialId: key.currentMaterialId,
    material,
    plaintext: bytes,
    encryptionContext: encryptionContext ?? {},
  });
}

/**
 * "<key ARN> is unavailable.": the key-state table's answer for a key whose custom key store is
 * not connected (key-state.html, note 11), also when it stops being usable during the request.
 */
const unavailable = (key: KeyRecord): KmsError =>
  new KmsError('KMSInvalidStateException', `${key.arn} is unavailable.`);

/**
 * Runs `op` with the key material store of the key's custom key store. A store that is not
 * connected, or an HSM error during the operation (the store is told, and fails when its cluster
 * has), answers that the key is unavailable.
 */
async function inKeyStore<T>(
  services: Services,
  key: KeyRecord,
  customKeyStoreId: string,
  op: (store: KeyMaterialStore) => Promise<T>,
): Promise<T> {
  let store: KeyMaterialStore;
  try {
    store = services.customKeyStores.materials(customKeyStoreId);
  } catch (e) {
    if (e instanceof KeyStoreUnavailableError) throw unavailable(key);
    throw e;
  }
  try {
    return await op(store);
  } catch (e) {
    if (!(e instanceof HsmError)) throw e;
    services.customKeyStores.noteFailure(customKeyStoreId, e);
    services.logger.warn(
      { keyArn: key.arn, customKeyStoreId, hsmErrorCode: e.code, reason: e.message },
      'HSM operation of a custom key store key failed',
    );
    throw unavailable(key);
  }
}

/** Parses a ciphertext blob's header; any malformation is InvalidCiphertextException. */
export function parseBlob(blob: Uint8Array | undefined): ParsedCiphertext {
  if (!blob) throw invalidCiphertext();
  try {
    return parseCiphertext(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  } catch (e) {
    if (e instanceof CiphertextError) throw invalidCiphertext();
    throw e;
  }
}

function tryParseBlob(blob: Uint8Array | undefined): ParsedCiphertext | undefined {
  try {
    return parseBlob(blob);
  } catch (e) {
    if (e instanceof KmsError) return undefined;
    throw e;
  }
}

export async function decryptUnderKey(
  services: Services,
  key: KeyRecord,
  parsed: ParsedCiphertext,
  encryptionContext: Record<string, string> | undefined,
): Promise<Buffer> {
  requireSymmetric(key);
  if (key.customKeyStoreId !== undefined) {
    // Version 2 only, made by this very key: a key of a custom key store is never multi-Region and
    // never rotates, so its one material is its current one. Anything else names no HSM key and
    // is refused before the HSM is asked.
    if (parsed.version !== 2 || parsed.keyArn !== key.arn || parsed.materialId !== key.currentMaterialId) {
      throw invalidCiphertext();
    }
    const name = { keyArn: key.arn, materialId: parsed.materialId };
    try {
      return await inKeyStore(services, key, key.customKeyStoreId, (store) =>
        openHsm(parsed, encryptionContext ?? {}, (sealed, aad) => store.decrypt(name, {}, sealed, aad)),
      );
    } catch (e) {
      if (e instanceof CiphertextError) throw invalidCiphertext();
      throw e;
    }
  }
  // A related multi-Region key decrypts what its peers encrypted: the header keeps the ARN it was
  // made with, which derivation and AAD authenticate, and the material id, copied to every peer.
  if (!isRelatedArn(parsed.keyArn, key)) throw invalidCiphertext();
  const material = await services.materials.plaintext(key.arn, parsed.materialId);
  if (!material) throw invalidCiphertext();
  try {
    return openSymmetric(parsed, material, encryptionContext ?? {});
  } catch (e) {
    if (e instanceof CiphertextError) throw invalidCiphertext();
    throw e;
  }
}

/** How Encrypt, Decrypt, ReEncrypt and the data-key operations accept their key. */
export const ENCRYPTION_KEY_RULE = { aliases: true, crossAccount: true, usage: 'ENCRYPT_DECRYPT' } as const;

/**
 * The key a ciphertext names, for Decrypt and ReEncrypt: when the caller also names a key
 * (`namedKeyId`), it must be that key (IncorrectKeyException otherwise). A ciphertext naming a key
 * that is not in this region or does not exist cannot be decrypted.
 */
export async function ciphertextKeyArn(
  blob: Uint8Array | undefined,
  namedKeyId: string | undefined,
  caller: Caller,
  services: Services,
): Promise<string> {
  const parsed = tryParseBlob(blob);
  if (!parsed) {
    // Not Trent's symmetric format: an asymmetric (RSA-OAEP) ciphertext names no key, so the
    // caller must (AWS: KeyId is required to decrypt with an asymmetric key). Without one the
    // ciphertext cannot be decrypted; with one, the key's algorithm decides (and fails on garbage).
    if (namedKeyId === undefined) throw invalidCiphertext();
    return (await resolveKey(namedKeyId, ENCRYPTION_KEY_RULE, caller, services)).arn;
  }
  if (namedKeyId !== undefined) {
    const named = await resolveKey(namedKeyId, ENCRYPTION_KEY_RULE, caller, services);
    if (!isRelatedArn(parsed.keyArn, named)) {
      throw new KmsError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a CMK that can perform this operation.',
      );
    }
  }
  const [, , , arnRegion, accountId, resource] = parsed.keyArn.split(':');
  if (!arnRegion || !accountId || !resource?.startsWith('key/')) throw invalidCiphertext();
  // A ciphertext of a multi-Region key made in another Region is decrypted by the related key in
  // this one (same account and key id); any other key must be in this Region.
  if (arnRegion !== caller.region && !resource.startsWith('key/mrk-')) throw invalidCiphertext();
  const key = await services.storage.getKey(caller.region, accountId, resource.slice(4));
  // The exact ARN, or a related one: a header whose ARN differs anywhere else (say, the
  // partition) names no key.
  if (!key || !isRelatedArn(parsed.keyArn, key)) throw invalidCiphertext();
  return key.arn;
}
