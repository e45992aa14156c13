/** UpdateRole: the description and the maximum session duration. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { entityResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';

export const updateRole = defineIamOperation<iam.UpdateRoleRequest, iam.UpdateRoleResponse>({
  name: 'UpdateRole',
  readOnly: false,
  resource: entityResource('role'),
  async run({ input, caller, services }) {
    const result = await services.storage.updateRole(accountOf(caller), input.RoleName, {
      description: input.Description,
      maxSessionDuration: input.MaxSessionDuration,
    });
    if (result === 'not-found') throw IamErrors.noSuchEntity('role', input.RoleName);
    return {};
  },
});
