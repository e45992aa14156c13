import { newDataKeyPair } from '../data-key-pair.js';
import { ENCRYPTION_KEY_RULE } from '../symmetric.js';
import { defineOperation } from '../types.js';

export const GenerateDataKeyPairWithoutPlaintext = defineOperation({
  name: 'GenerateDataKeyPairWithoutPlaintext',
  action: 'kms:GenerateDataKeyPairWithoutPlaintext',
  readOnly: true,
  key: { member: 'KeyId', ...ENCRYPTION_KEY_RULE },
  dryRun: true,
  async run({ input, key, services, caller }) {
    const pair = await newDataKeyPair(services, caller, key, input.KeyPairSpec, input.EncryptionContext);
    pair.privateKey.fill(0);
    return {
      PrivateKeyCiphertextBlob: pair.privateKeyCiphertext,
      PublicKey: pair.publicKey,
      KeyId: key.arn,
      KeyPairSpec: input.KeyPairSpec,
      KeyMaterialId: key.currentMaterialId,
    };
  },
});
