/** RemoveUserFromGroup. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { entityResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';

export const removeUserFromGroup = defineIamOperation<iam.RemoveUserFromGroupRequest, Record<string, never>>({
  name: 'RemoveUserFromGroup',
  readOnly: false,
  resource: entityResource('group'),
  async run({ input, caller, services }) {
    const result = await services.storage.removeUserFromGroup(accountOf(caller), input.GroupName, input.UserName);
    if (result === 'no-group') throw IamErrors.noSuchEntity('group', input.GroupName);
    if (result === 'no-user') throw IamErrors.noSuchEntity('user', input.UserName);
    if (result === 'not-member') throw IamErrors.notInGroup(input.UserName, input.GroupName);
    return {};
  },
});
