import { verifyMac } from '../../../crypto/index.js';
import { KmsError } from '../../../domain/index.js';
import { checkMacAlgorithm, MAC_KEY_RULE, macKey } from '../mac.js';
import { defineOperation } from '../types.js';

export const VerifyMac = defineOperation({
  name: 'VerifyMac',
  action: 'kms:VerifyMac',
  readOnly: true,
  key: { member: 'KeyId', ...MAC_KEY_RULE },
  dryRun: true,
  async run({ input, key, services }) {
    checkMacAlgorithm(key, input.MacAlgorithm);
    if (!verifyMac(input.MacAlgorithm, await macKey(services, key), input.Message, input.Mac)) {
      // AWS answers a MAC that does not verify with no message (recorded).
      throw new KmsError('KMSInvalidMacException', '');
    }
    return { KeyId: key.arn, MacValid: true, MacAlgorithm: input.MacAlgorithm };
  },
});
