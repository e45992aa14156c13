/** Public surface of crypto/: node:crypto wrappers. Imports nothing else of Trent. */
export { CiphertextError, CryptoInputError, UnwrapError } from './errors.js';
export { encodeEncryptionContext, type EncryptionContext } from './context.js';
export {
  CIPHERTEXT_MAGIC,
  CIPHERTEXT_VERSION,
  HSM_CIPHERTEXT_VERSION,
  MATERIAL_LENGTH,
  MIN_CIPHERTEXT_LENGTH,
  MIN_HSM_CIPHERTEXT_LENGTH,
  isValidKeyArn,
  openHsm,
  openSymmetric,
  parseCiphertext,
  sealHsm,
  sealSymmetric,
  type ParsedCiphertext,
  type ParsedHsmCiphertext,
  type ParsedSoftwareCiphertext,
  type SealHsmInput,
  type SealSymmetricInput,
} from './ciphertext.js';
export { aesGcmOpen, aesGcmSeal, wrappingAad, type WrappedRecordType } from './wrapping.js';
export { hkdfSha256 } from './hkdf.js';
export { generateRandom, newKeyId, newMaterialId } from './random.js';
export { constantTimeEqual } from './compare.js';
export { generateKeyMaterial, MATERIAL_GENERATORS, type GenerationThread } from './key-material.js';
export {
  DEFAULT_KEYGEN_QUEUE,
  defaultKeygenThreads,
  KeyGenerationBusyError,
  KeyGenerationClosedError,
  KeyGenerationPool,
  type KeyGenerationPoolOptions,
  type KeyPairGenerator,
} from './keygen-pool.js';
export type { KeyPairParams } from './keygen-job.js';
export { oaepMaxPlaintext, RSA_OAEP, rsaOaepDecrypt, rsaOaepEncrypt, type OaepParameters } from './rsa-encryption.js';
export { DATA_KEY_PAIR_SPECS, generateDataKeyPair, type DataKeyPair } from './key-pair.js';
export { computeMac, MAC_ALGORITHMS, verifyMac, type MacAlgorithm } from './mac.js';
export { KEY_AGREEMENT_ALGORITHMS, PeerPublicKeyError, type KeyAgreementAlgorithm } from './key-agreement.js';
export {
  KEM_PARAMETER_SETS,
  KEM_SEED_LENGTH,
  KEM_SHARED_SECRET_LENGTH,
  KemCiphertextLengthError,
  kemDecapsulate,
  kemEncapsulate,
  kemKeyPairFromSeed,
  kemPublicKeyFromSpki,
  kemPublicKeySpki,
  type KemKeyPair,
  type KemParameterSet,
} from './kem.js';
export {
  MAX_SIGNING_MESSAGE,
  mlDsaSpki,
  SIGNING_ALGORITHMS,
  SIGNING_KEY_FROM_MATERIAL,
  type MessageType,
  type SigningAlgorithm,
  type SigningPrivateKey,
  type SigningPublicKey,
} from './signing.js';
export {
  SM2_DEFAULT_ID,
  SM2PKE_MAX_PLAINTEXT,
  sm2Decrypt,
  sm2Encrypt,
  sm2KeyPairFromPkcs8,
  type Sm2KeyPair,
} from './sm2.js';
export {
  aesKeyWrapPadUnwrap,
  IMPORTABLE_KEY_SPECS,
  importedMaterialId,
  SM2_WRAPPING,
  sm2UnwrapImportedMaterial,
  sm2WrapForImport,
  unwrapImportedMaterial,
  wrapForImport,
  WRAPPING_ALGORITHMS,
  WRAPPING_KEY_SPECS,
  wrappingPrivateKey,
  wrappingPublicKeySpki,
  type ImportableKeySpec,
  type WrappingAlgorithm,
} from './key-import.js';
