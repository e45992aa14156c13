/**
 * Decapsulate: ML-KEM.Decaps with the private key of an ML-KEM KMS key. Only a ciphertext whose
 * length does not fit the key spec fails (InvalidCiphertextException); any other one yields a
 * 32-byte value, FIPS 203's implicit rejection
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_Decapsulate.html).
 */
import { KemCiphertextLengthError, kemDecapsulate } from '../../../crypto/index.js';
import { INVALID_CIPHERTEXT_MESSAGE, KmsError } from '../../../domain/index.js';
import { checkEncapsulationAlgorithm, KEM_KEY_RULE, kemKeyPair } from '../kem-keys.js';
import { defineOperation } from '../types.js';

export const Decapsulate = defineOperation({
  name: 'Decapsulate',
  action: 'kms:Decapsulate',
  readOnly: true,
  key: { member: 'KeyId', ...KEM_KEY_RULE },
  dryRun: true,
  async run({ input, key, services }) {
    checkEncapsulationAlgorithm(key, input.EncapsulationAlgorithm);
    const { secretKey } = await kemKeyPair(services, key);
    let sharedSecret: Buffer;
    try {
      sharedSecret = kemDecapsulate(key.keySpec, secretKey, input.SharedSecretCiphertextBlob);
    } catch (e) {
      if (e instanceof KemCiphertextLengthError)
        throw new KmsError('InvalidCiphertextException', INVALID_CIPHERTEXT_MESSAGE);
      throw e;
    }
    return { KeyId: key.arn, SharedSecret: sharedSecret, EncapsulationAlgorithm: input.EncapsulationAlgorithm };
  },
});
