/** GetPolicy: a customer managed policy, or an AWS managed one Trent knows. */
import type { iam } from '../../../model/index.js';
import { requireManagedPolicy } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { policyView } from '../views.js';

export const getPolicy = defineIamOperation<iam.GetPolicyRequest, iam.GetPolicyResponse>({
  name: 'GetPolicy',
  readOnly: true,
  resource: (input) => input.PolicyArn,
  async run({ input, services }) {
    return { Policy: policyView(await requireManagedPolicy(services, input.PolicyArn)) };
  },
});
