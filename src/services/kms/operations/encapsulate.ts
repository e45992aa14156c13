/**
 * Encapsulate: ML-KEM.Encaps to the public key of an ML-KEM KMS key, returning the 32-byte shared
 * secret and its ciphertext (https://docs.aws.amazon.com/kms/latest/APIReference/API_Encapsulate.html).
 */
import { kemEncapsulate } from '../../../crypto/index.js';
import { checkEncapsulationAlgorithm, KEM_KEY_RULE, kemKeyPair } from '../kem-keys.js';
import { defineOperation } from '../types.js';

export const Encapsulate = defineOperation({
  name: 'Encapsulate',
  action: 'kms:Encapsulate',
  readOnly: true,
  key: { member: 'KeyId', ...KEM_KEY_RULE },
  dryRun: true,
  async run({ input, key, services }) {
    checkEncapsulationAlgorithm(key, input.EncapsulationAlgorithm);
    const { publicKey } = await kemKeyPair(services, key);
    const { ciphertext, sharedSecret } = kemEncapsulate(key.keySpec, publicKey);
    return {
      KeyId: key.arn,
      SharedSecret: sharedSecret,
      SharedSecretCiphertextBlob: ciphertext,
      EncapsulationAlgorithm: input.EncapsulationAlgorithm,
    };
  },
});
