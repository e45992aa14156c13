/** UpdateAssumeRolePolicy: a new trust policy, validated as one. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf, iamQuotas } from '../context.js';
import { checkTrustPolicy } from '../documents.js';
import { entityResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';

export const updateAssumeRolePolicy = defineIamOperation<iam.UpdateAssumeRolePolicyRequest, Record<string, never>>({
  name: 'UpdateAssumeRolePolicy',
  readOnly: false,
  resource: entityResource('role'),
  async run({ input, caller, services }) {
    checkTrustPolicy(input.PolicyDocument, iamQuotas(services));
    const result = await services.storage.updateRole(accountOf(caller), input.RoleName, {
      assumeRolePolicyDocument: input.PolicyDocument,
    });
    if (result === 'not-found') throw IamErrors.noSuchEntity('role', input.RoleName);
    return {};
  },
});
