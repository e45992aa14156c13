/** DeletePolicyVersion: any version but the default. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { checkPolicyArn } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { expectDeleted } from '../results.js';

export const deletePolicyVersion = defineIamOperation<iam.DeletePolicyVersionRequest, Record<string, never>>({
  name: 'DeletePolicyVersion',
  readOnly: false,
  resource: (input) => input.PolicyArn,
  async run({ input, services }) {
    checkPolicyArn(input.PolicyArn);
    const result = await services.storage.deletePolicyVersion(input.PolicyArn, input.VersionId);
    expectDeleted(result, () => IamErrors.noSuchPolicyVersion(input.PolicyArn, input.VersionId));
    return {};
  },
});
