/** CreateGroup: a new group (AGPA...), at most 300 per account. */
import { DEFAULT_PATH, IamErrors, newIamId } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf, entityArn, iamQuotas } from '../context.js';
import { defineIamOperation } from '../operation.js';
import { expectCreated } from '../results.js';
import { groupView } from '../views.js';

export const createGroup = defineIamOperation<iam.CreateGroupRequest, iam.CreateGroupResponse>({
  name: 'CreateGroup',
  readOnly: false,
  resource: (input, caller) => entityArn(caller, 'group', input.GroupName, input.Path),
  async run({ input, caller, services, now }) {
    const path = input.Path ?? DEFAULT_PATH;
    const group = {
      accountId: accountOf(caller),
      groupName: input.GroupName,
      groupId: newIamId('group', services.random),
      path,
      arn: entityArn(caller, 'group', input.GroupName, path),
      createDate: now,
    };
    const limit = iamQuotas(services).groupsPerAccount;
    expectCreated(await services.storage.createGroup(group, limit), {
      exists: () => IamErrors.entityExists('group', input.GroupName),
      limit: () => IamErrors.quotaExceeded('groupsPerAccount', limit),
    });
    return { Group: groupView(group) };
  },
});
