import { newDataKeyPair } from '../data-key-pair.js';
import { refuseRecipient } from '../recipient.js';
import { ENCRYPTION_KEY_RULE } from '../symmetric.js';
import { defineOperation } from '../types.js';

export const GenerateDataKeyPair = defineOperation({
  name: 'GenerateDataKeyPair',
  action: 'kms:GenerateDataKeyPair',
  readOnly: true,
  key: { member: 'KeyId', ...ENCRYPTION_KEY_RULE },
  dryRun: true,
  async run({ input, key, services, caller }) {
    refuseRecipient(input);
    const pair = await newDataKeyPair(services, caller, key, input.KeyPairSpec, input.EncryptionContext);
    return {
      PrivateKeyCiphertextBlob: pair.privateKeyCiphertext,
      PrivateKeyPlaintext: pair.privateKey,
      PublicKey: pair.publicKey,
      KeyId: key.arn,
      KeyPairSpec: input.KeyPairSpec,
      KeyMaterialId: key.currentMaterialId,
    };
  },
});
