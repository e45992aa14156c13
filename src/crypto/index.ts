/** Public surface of crypto/: node:crypto wrappers. Imports nothing else of Trent. */
export { CiphertextError, CryptoInputError, UnwrapError } from './errors.js';
export { encodeEncryptionContext, type EncryptionContext } from './context.js';
export {
  CIPHERTEXT_MAGIC,
  CIPHERTEXT_VERSION,
  MATERIAL_LENGTH,
  MIN_CIPHERTEXT_LENGTH,
  isValidKeyArn,
  openSymmetric,
  parseCiphertext,
  sealSymmetric,
  type ParsedCiphertext,
  type SealSymmetricInput,
} from './ciphertext.js';
export { aesGcmOpen, aesGcmSeal, wrappingAad, type WrappedRecordType } from './wrapping.js';
export { hkdfSha256 } from './hkdf.js';
export { generateRandom, newKeyId, newMaterialId } from './random.js';
export { constantTimeEqual } from './compare.js';
export { generateKeyMaterial, MATERIAL_GENERATORS } from './key-material.js';
