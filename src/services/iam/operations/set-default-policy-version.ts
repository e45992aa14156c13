/** SetDefaultPolicyVersion: the version that applies from now on. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { checkPolicyArn } from '../lookup.js';
import { defineIamOperation } from '../operation.js';

export const setDefaultPolicyVersion = defineIamOperation<iam.SetDefaultPolicyVersionRequest, Record<string, never>>({
  name: 'SetDefaultPolicyVersion',
  readOnly: false,
  resource: (input) => input.PolicyArn,
  async run({ input, services, now }) {
    checkPolicyArn(input.PolicyArn);
    const result = await services.storage.setDefaultPolicyVersion(input.PolicyArn, input.VersionId, now);
    if (result === 'not-found') throw IamErrors.noSuchPolicyVersion(input.PolicyArn, input.VersionId);
    return {};
  },
});
