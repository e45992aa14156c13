import { checkKeyPolicy } from '../key-policy.js';
import { checkPolicyName } from '../policy-name.js';
import { updateKey } from '../update.js';
import { defineOperation } from '../types.js';

export const PutKeyPolicy = defineOperation({
  name: 'PutKeyPolicy',
  action: 'kms:PutKeyPolicy',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, caller, services }) {
    checkPolicyName(input.PolicyName);
    checkKeyPolicy(input.Policy, caller, services, input.BypassPolicyLockoutSafetyCheck);
    await updateKey(services.storage, 'PutKeyPolicy', key, (k) => ({ ...k, policy: input.Policy }));
    return {};
  },
});
