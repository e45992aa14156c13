import { asBuffer, checkMessage, SIGNING_KEY_RULE, signingAlgorithm, signingKey } from '../signing-keys.js';
import { defineOperation } from '../types.js';

export const Sign = defineOperation({
  name: 'Sign',
  action: 'kms:Sign',
  readOnly: true,
  key: { member: 'KeyId', ...SIGNING_KEY_RULE },
  dryRun: true,
  auditDefaults: () => ({ MessageType: 'RAW' }),
  async run({ input, key, services }) {
    const algorithm = signingAlgorithm(key, input.SigningAlgorithm);
    const messageType = checkMessage(algorithm, input.Message, input.MessageType);
    const signature = await algorithm.sign(await signingKey(services, key), asBuffer(input.Message), messageType);
    return { KeyId: key.arn, Signature: signature, SigningAlgorithm: input.SigningAlgorithm };
  },
});
