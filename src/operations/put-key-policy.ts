import { KmsError } from '../domain/index.js';
import { validateKeyPolicy } from '../policy/index.js';
import { checkPolicyName } from './policy-name.js';
import { updateKey } from './update.js';
import { defineOperation } from './types.js';

export const PutKeyPolicy = defineOperation({
  name: 'PutKeyPolicy',
  action: 'kms:PutKeyPolicy',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, services }) {
    checkPolicyName(input.PolicyName);
    const checked = validateKeyPolicy(input.Policy);
    if (!checked.ok) throw new KmsError('MalformedPolicyDocumentException', checked.message);
    await updateKey(services.storage, 'PutKeyPolicy', key, (k) => ({ ...k, policy: input.Policy }));
    return {};
  },
});
