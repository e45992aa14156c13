/** ListPolicyVersions: newest first, without documents. */
import { AWS_MANAGED_DATE, IamErrors, awsManagedPolicy } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { checkPolicyArn } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { pageOf } from '../paging.js';
import { versionView } from '../views.js';

export const listPolicyVersions = defineIamOperation<iam.ListPolicyVersionsRequest, iam.ListPolicyVersionsResponse>({
  name: 'ListPolicyVersions',
  readOnly: true,
  resource: (input) => input.PolicyArn,
  async run({ input, services }) {
    checkPolicyArn(input.PolicyArn);
    const aws = awsManagedPolicy(input.PolicyArn);
    const versions = aws
      ? [
          {
            policyArn: input.PolicyArn,
            versionId: 'v1',
            document: aws.document,
            isDefaultVersion: true,
            createDate: AWS_MANAGED_DATE,
          },
        ]
      : await services.storage.listPolicyVersions(input.PolicyArn);
    if (!versions) throw IamErrors.noSuchPolicy(input.PolicyArn);
    // Newest first: the marker is the position reached.
    const indexed = versions.map((v, i) => ({ v, key: String(i).padStart(6, '0') }));
    const { items, ...answer } = pageOf(indexed, (e) => e.key, input);
    return { Versions: items.map((e) => versionView(e.v, false)), ...answer };
  },
});
