/** ListPolicies: Scope (All, AWS, Local), OnlyAttached, PathPrefix, Marker and MaxItems. */
import type { iam } from '../../../model/index.js';
import { accountOf, partitionOfCaller } from '../context.js';
import { defineIamOperation } from '../operation.js';
import { listManagedPolicies } from '../policy-listing.js';
import { policyView } from '../views.js';

export const listPolicies = defineIamOperation<iam.ListPoliciesRequest, iam.ListPoliciesResponse>({
  name: 'ListPolicies',
  readOnly: true,
  async run({ input, caller, services }) {
    const { policies, ...answer } = await listManagedPolicies(
      services,
      accountOf(caller),
      partitionOfCaller(caller),
      input,
    );
    return { Policies: policies.map((p) => policyView(p, false)), ...answer };
  },
});
