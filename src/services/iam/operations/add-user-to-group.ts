/** AddUserToGroup: a user is in at most 10 groups; adding again changes nothing. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf, iamQuotas } from '../context.js';
import { entityResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';
import { isLimit } from '../results.js';

export const addUserToGroup = defineIamOperation<iam.AddUserToGroupRequest, Record<string, never>>({
  name: 'AddUserToGroup',
  readOnly: false,
  resource: entityResource('group'),
  async run({ input, caller, services }) {
    const limit = iamQuotas(services).groupsPerUser;
    const result = await services.storage.addUserToGroup(accountOf(caller), input.GroupName, input.UserName, limit);
    if (result === 'no-group') throw IamErrors.noSuchEntity('group', input.GroupName);
    if (result === 'no-user') throw IamErrors.noSuchEntity('user', input.UserName);
    if (isLimit(result)) throw IamErrors.quotaExceeded('groupsPerUser', limit);
    return {};
  },
});
