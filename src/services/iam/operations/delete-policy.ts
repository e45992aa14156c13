/** DeletePolicy: refused while attached or while it has versions besides the default. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { checkPolicyArn } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { expectDeleted } from '../results.js';

export const deletePolicy = defineIamOperation<iam.DeletePolicyRequest, Record<string, never>>({
  name: 'DeletePolicy',
  readOnly: false,
  resource: (input) => input.PolicyArn,
  async run({ input, services }) {
    checkPolicyArn(input.PolicyArn);
    expectDeleted(await services.storage.deletePolicy(input.PolicyArn), () => IamErrors.noSuchPolicy(input.PolicyArn));
    return {};
  },
});
