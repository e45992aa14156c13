import { KmsError } from '../../../domain/index.js';
import { asBuffer, checkMessage, SIGNING_KEY_RULE, signingAlgorithm, signingKey } from '../signing-keys.js';
import { defineOperation } from '../types.js';

export const Verify = defineOperation({
  name: 'Verify',
  action: 'kms:Verify',
  readOnly: true,
  key: { member: 'KeyId', ...SIGNING_KEY_RULE },
  dryRun: true,
  auditDefaults: () => ({ MessageType: 'RAW' }),
  async run({ input, key, services }) {
    const algorithm = signingAlgorithm(key, input.SigningAlgorithm);
    const messageType = checkMessage(algorithm, input.Message, input.MessageType);
    const { publicKey } = await signingKey(services, key);
    if (!algorithm.verify(publicKey, asBuffer(input.Message), asBuffer(input.Signature), messageType)) {
      // AWS answers with no message (recorded); nothing says why it failed.
      throw new KmsError('KMSInvalidSignatureException', '');
    }
    return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
  },
});
