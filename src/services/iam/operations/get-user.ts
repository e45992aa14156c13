/** GetUser: the user named, or without UserName the caller (the root as IAM shows it). */
import { accountRootArn } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { implicitUserName, requireUser } from '../lookup.js';
import { userOrCallerResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';
import { userView } from '../views.js';

export const getUser = defineIamOperation<iam.GetUserRequest, iam.GetUserResponse>({
  name: 'GetUser',
  readOnly: true,
  resource: userOrCallerResource,
  async run({ input, caller, services }) {
    const userName = implicitUserName(caller, input.UserName);
    if (userName === undefined) {
      const account = await services.storage.getAccount(accountOf(caller));
      // The root has no name or path; IAM shows its id (the account) and ARN.
      return {
        User: {
          UserId: accountOf(caller),
          Arn: accountRootArn(accountOf(caller), caller.region),
          CreateDate: account?.createdAt ?? new Date(0),
        } as iam.User,
      };
    }
    return { User: userView(await requireUser(services, caller, userName)) };
  },
});
