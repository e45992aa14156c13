/** GetPolicyVersion: the version with its document URL-encoded, as IAM returns it. */
import { AWS_MANAGED_DATE, IamErrors, awsManagedPolicy } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { checkPolicyArn } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { versionView } from '../views.js';

export const getPolicyVersion = defineIamOperation<iam.GetPolicyVersionRequest, iam.GetPolicyVersionResponse>({
  name: 'GetPolicyVersion',
  readOnly: true,
  resource: (input) => input.PolicyArn,
  async run({ input, services }) {
    checkPolicyArn(input.PolicyArn);
    const aws = awsManagedPolicy(input.PolicyArn);
    const version =
      aws && input.VersionId === 'v1'
        ? {
            policyArn: input.PolicyArn,
            versionId: 'v1',
            document: aws.document,
            isDefaultVersion: true,
            createDate: AWS_MANAGED_DATE,
          }
        : await services.storage.getPolicyVersion(input.PolicyArn, input.VersionId);
    if (!version) throw IamErrors.noSuchPolicyVersion(input.PolicyArn, input.VersionId);
    return { PolicyVersion: versionView(version) };
  },
});
