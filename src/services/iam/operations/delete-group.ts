/** DeleteGroup: refused (DeleteConflict) while it has members or policies. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { entityResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';
import { expectDeleted } from '../results.js';

export const deleteGroup = defineIamOperation<iam.DeleteGroupRequest, Record<string, never>>({
  name: 'DeleteGroup',
  readOnly: false,
  resource: entityResource('group'),
  async run({ input, caller, services }) {
    const result = await services.storage.deleteGroup(accountOf(caller), input.GroupName);
    expectDeleted(result, () => IamErrors.noSuchEntity('group', input.GroupName));
    return {};
  },
});
