/**
 * GetAccessKeyLastUsed: the key's user; Trent does not record when a key was last used, so the
 * answer is IAM's for a key never used (ServiceName and Region "N/A", no LastUsedDate).
 */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { defineIamOperation } from '../operation.js';

export const getAccessKeyLastUsed = defineIamOperation<
  iam.GetAccessKeyLastUsedRequest,
  iam.GetAccessKeyLastUsedResponse
>({
  name: 'GetAccessKeyLastUsed',
  readOnly: true,
  async run({ input, caller, services }) {
    const key = await services.storage.getAccessKey(input.AccessKeyId);
    if (!key || key.accountId !== accountOf(caller)) throw IamErrors.noSuchAccessKey(input.AccessKeyId);
    const userName = await services.storage.accessKeyUserName(input.AccessKeyId);
    const answer: iam.GetAccessKeyLastUsedResponse = { AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } };
    if (userName !== undefined) answer.UserName = userName;
    return answer;
  },
});
