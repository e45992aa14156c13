/** CreatePolicyVersion: at most 5 versions; SetAsDefault makes it the one that applies. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { iamQuotas } from '../context.js';
import { checkManagedPolicy } from '../documents.js';
import { checkPolicyArn } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { isLimit } from '../results.js';
import { versionView } from '../views.js';

export const createPolicyVersion = defineIamOperation<iam.CreatePolicyVersionRequest, iam.CreatePolicyVersionResponse>({
  name: 'CreatePolicyVersion',
  readOnly: false,
  resource: (input) => input.PolicyArn,
  async run({ input, services, now }) {
    checkPolicyArn(input.PolicyArn);
    const quotas = iamQuotas(services);
    checkManagedPolicy(input.PolicyDocument, quotas);
    const result = await services.storage.createPolicyVersion(
      input.PolicyArn,
      input.PolicyDocument,
      input.SetAsDefault ?? false,
      now,
      quotas.versionsPerPolicy,
    );
    if (result === 'not-found') throw IamErrors.noSuchPolicy(input.PolicyArn);
    if (isLimit(result)) throw IamErrors.versionsExceeded(quotas.versionsPerPolicy);
    return { PolicyVersion: versionView(result.version, false) };
  },
});
