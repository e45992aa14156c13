import { computeMac } from '../../../crypto/index.js';
import { checkMacAlgorithm, MAC_KEY_RULE, macKey } from '../mac.js';
import { defineOperation } from '../types.js';

export const GenerateMac = defineOperation({
  name: 'GenerateMac',
  action: 'kms:GenerateMac',
  readOnly: true,
  key: { member: 'KeyId', ...MAC_KEY_RULE },
  dryRun: true,
  async run({ input, key, services }) {
    checkMacAlgorithm(key, input.MacAlgorithm);
    const mac = computeMac(input.MacAlgorithm, await macKey(services, key), input.Message);
    return { Mac: mac, MacAlgorithm: input.MacAlgorithm, KeyId: key.arn };
  },
});
