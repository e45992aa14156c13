/** CreateUser: a new IAM user with its id (AIDA...), ARN (with its path), boundary and tags. */
import { DEFAULT_PATH, IamErrors, newIamId } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf, entityArn, iamQuotas } from '../context.js';
import { requireAttachable } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { expectCreated } from '../results.js';
import { checkTags } from '../tags.js';
import { userView } from '../views.js';

export const createUser = defineIamOperation<iam.CreateUserRequest, iam.CreateUserResponse>({
  name: 'CreateUser',
  readOnly: false,
  resource: (input, caller) => entityArn(caller, 'user', input.UserName, input.Path),
  async run({ input, caller, services, now }) {
    const tags = checkTags(input.Tags);
    if (input.PermissionsBoundary !== undefined) await requireAttachable(services, input.PermissionsBoundary);
    const path = input.Path ?? DEFAULT_PATH;
    const user = {
      accountId: accountOf(caller),
      userName: input.UserName,
      userId: newIamId('user', services.random),
      path,
      arn: entityArn(caller, 'user', input.UserName, path),
      createDate: now,
      permissionsBoundary: input.PermissionsBoundary,
      tags,
    };
    const quotas = iamQuotas(services);
    expectCreated(await services.storage.createUser(user, quotas.usersPerAccount), {
      exists: () => IamErrors.entityExists('user', input.UserName),
      limit: () => IamErrors.quotaExceeded('usersPerAccount', quotas.usersPerAccount),
    });
    return { User: userView(user) };
  },
});
