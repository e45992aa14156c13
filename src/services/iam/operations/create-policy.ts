/** CreatePolicy: a customer managed policy (ANPA...) with version v1 as its default. */
import { DEFAULT_PATH, IamErrors, newIamId } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf, entityArn, iamQuotas } from '../context.js';
import { checkManagedPolicy } from '../documents.js';
import { defineIamOperation } from '../operation.js';
import { expectCreated } from '../results.js';
import { checkTags } from '../tags.js';
import { policyView } from '../views.js';

export const createPolicy = defineIamOperation<iam.CreatePolicyRequest, iam.CreatePolicyResponse>({
  name: 'CreatePolicy',
  readOnly: false,
  resource: (input, caller) => entityArn(caller, 'policy', input.PolicyName, input.Path),
  async run({ input, caller, services, now }) {
    const quotas = iamQuotas(services);
    checkManagedPolicy(input.PolicyDocument, quotas);
    const tags = checkTags(input.Tags);
    const path = input.Path ?? DEFAULT_PATH;
    const arn = entityArn(caller, 'policy', input.PolicyName, path);
    const policy = {
      accountId: accountOf(caller),
      policyName: input.PolicyName,
      policyId: newIamId('policy', services.random),
      path,
      arn,
      description: input.Description,
      defaultVersionId: 'v1',
      createDate: now,
      updateDate: now,
      tags,
    };
    const first = {
      policyArn: arn,
      versionId: 'v1',
      document: input.PolicyDocument,
      isDefaultVersion: true,
      createDate: now,
    };
    expectCreated(await services.storage.createPolicy(policy, first, quotas.managedPoliciesPerAccount), {
      exists: () => IamErrors.policyExists(input.PolicyName),
      limit: () => IamErrors.quotaExceeded('managedPoliciesPerAccount', quotas.managedPoliciesPerAccount),
    });
    return { Policy: policyView({ ...policy, attachmentCount: 0, permissionsBoundaryUsageCount: 0 }) };
  },
});
