/**
 * The encryption-algorithm table (STYLE rule 3): each EncryptionAlgorithmSpec Trent offers, how it
 * encrypts and decrypts under a KMS key, and what its ciphertext carries. Encrypt, Decrypt,
 * ReEncrypt and the data-key operations look the algorithm up here; none switches on it.
 * Which key specs accept an algorithm is the key-spec table's ENCRYPT_DECRYPT list.
 */
import {
  oaepMaxPlaintext,
  RSA_OAEP,
  rsaOaepDecrypt,
  rsaOaepEncrypt,
  CiphertextError,
  SM2PKE_MAX_PLAINTEXT,
  sm2Decrypt,
  sm2Encrypt,
  sm2KeyPairFromPkcs8,
  type OaepParameters,
  type Sm2KeyPair,
} from '../../crypto/index.js';
import { KEY_SPECS, KmsError, type KeyRecord } from '../../domain/index.js';
import { privateKeyObject, publicKeyObject } from './asymmetric-keys.js';
import { decryptUnderKey, encryptUnderKey, invalidCiphertext, parseBlob, SYMMETRIC_DEFAULT } from './symmetric.js';
import type { EncryptionAlgorithmSpec } from '../../model/index.js';
import type { Services } from './types.js';

type EncryptionContext = Record<string, string> | undefined;

export interface Decrypted {
  plaintext: Buffer;
  /** The key material that decrypted, when the algorithm's ciphertext names one (symmetric only). */
  materialId?: string;
}

export interface EncryptionAlgorithm {
  name: EncryptionAlgorithmSpec;
  /**
   * The ciphertext names its KMS key and key material (the symmetric format): Decrypt needs no
   * KeyId and responses carry KeyMaterialId. Bare RSA-OAEP output names neither.
   */
  namesKeyMaterial: boolean;
  encrypt(services: Services, key: KeyRecord, plaintext: Buffer, context: EncryptionContext): Promise<Buffer>;
  decrypt(
    services: Services,
    key: KeyRecord,
    blob: Uint8Array | undefined,
    context: EncryptionContext,
  ): Promise<Decrypted>;
}

const symmetricDefault: EncryptionAlgorithm = {
  name: SYMMETRIC_DEFAULT,
  namesKeyMaterial: true,
  encrypt: (services, key, plaintext, context) => encryptUnderKey(services, key, plaintext, context),
  async decrypt(services, key, blob, context) {
    const parsed = parseBlob(blob);
    return { plaintext: await decryptUnderKey(services, key, parsed, context), materialId: parsed.materialId };
  },
};

/**
 * AWS: "An encryption context is supported only on operations with symmetric encryption KMS keys."
 * Refused rather than ignored, so nobody believes an RSA ciphertext is bound to a context.
 */
function refuseContext(context: EncryptionContext): void {
  if (context !== undefined && Object.keys(context).length > 0) {
    throw new KmsError('ValidationException', 'EncryptionContext is not supported with asymmetric KMS keys.');
  }
}

const rsaOaep = (name: EncryptionAlgorithmSpec, params: OaepParameters): EncryptionAlgorithm => ({
  name,
  namesKeyMaterial: false,
  async encrypt(services, key, plaintext, context) {
    refuseContext(context);
    const publicKey = await publicKeyObject(services, key);
    const max = oaepMaxPlaintext(publicKey.asymmetricKeyDetails?.modulusLength ?? 0, params);
    if (plaintext.length > max) {
      throw new KmsError(
        'ValidationException',
        `Algorithm ${name} and key spec ${key.keySpec} cannot encrypt data larger than ${max} bytes.`,
      );
    }
    return rsaOaepEncrypt(publicKey, params, plaintext);
  },
  async decrypt(services, key, blob, context) {
    refuseContext(context);
    if (!blob) throw invalidCiphertext();
    const privateKey = await privateKeyObject(services, key);
    try {
      return {
        plaintext: rsaOaepDecrypt(privateKey, params, Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength)),
      };
    } catch (e) {
      if (e instanceof CiphertextError) throw invalidCiphertext();
      throw e;
    }
  },
});

/** The SM2 key pair of `key`'s material, parsed once and cached beside it. */
const sm2KeyPair = (services: Services, key: KeyRecord): Promise<Sm2KeyPair> =>
  services.materials.derived(key.arn, key.currentMaterialId, 'sm2-key-pair', sm2KeyPairFromPkcs8);

/** SM2PKE (GB/T 32918.4), China regions only: C1C3C2 ciphertext in DER, as AWS returns it. */
const sm2pke: EncryptionAlgorithm = {
  name: 'SM2PKE',
  namesKeyMaterial: false,
  async encrypt(services, key, plaintext, context) {
    refuseContext(context);
    if (plaintext.length > SM2PKE_MAX_PLAINTEXT) {
      throw new KmsError(
        'ValidationException',
        `Algorithm SM2PKE and key spec ${key.keySpec} cannot encrypt data larger than ${SM2PKE_MAX_PLAINTEXT} bytes.`,
      );
    }
    return sm2Encrypt((await sm2KeyPair(services, key)).point, plaintext);
  },
  async decrypt(services, key, blob, context) {
    refuseContext(context);
    if (!blob) throw invalidCiphertext();
    const pair = await sm2KeyPair(services, key);
    try {
      return { plaintext: sm2Decrypt(pair, blob) };
    } catch (e) {
      if (e instanceof CiphertextError) throw invalidCiphertext();
      throw e;
    }
  },
};

export const ENCRYPTION_ALGORITHMS: Readonly<Record<string, EncryptionAlgorithm>> = {
  SYMMETRIC_DEFAULT: symmetricDefault,
  ...Object.fromEntries(
    Object.entries(RSA_OAEP).map(([name, params]) => [name, rsaOaep(name as EncryptionAlgorithmSpec, params)]),
  ),
  SM2PKE: sm2pke,
};

/**
 * The algorithm `requested` (default SYMMETRIC_DEFAULT, as AWS defaults it) for `key`; one the key's
 * spec does not offer is InvalidKeyUsageException, e.g. an RSA key with no EncryptionAlgorithm:
 * `Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_4096.` (AWS's answer).
 */
export function encryptionAlgorithm(key: KeyRecord, requested: string | undefined): EncryptionAlgorithm {
  const name = requested ?? SYMMETRIC_DEFAULT;
  const row = ENCRYPTION_ALGORITHMS[name];
  if (!row || !KEY_SPECS[key.keySpec]?.algorithms.ENCRYPT_DECRYPT?.includes(name)) {
    throw new KmsError('InvalidKeyUsageException', `Algorithm ${name} is incompatible with key spec ${key.keySpec}.`);
  }
  return row;
}
