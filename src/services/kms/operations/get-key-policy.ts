import { checkPolicyName } from '../policy-name.js';
import { defineOperation } from '../types.js';

export const GetKeyPolicy = defineOperation({
  name: 'GetKeyPolicy',
  action: 'kms:GetKeyPolicy',
  readOnly: true,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key }) {
    checkPolicyName(input.PolicyName);
    return { Policy: key.policy, PolicyName: 'default' };
  },
});
