/** DeleteRole: refused (DeleteConflict) while it has policies; its sessions stop working with it. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { entityResource } from '../entities.js';
import { requireRole } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { expectDeleted } from '../results.js';

export const deleteRole = defineIamOperation<iam.DeleteRoleRequest, Record<string, never>>({
  name: 'DeleteRole',
  readOnly: false,
  resource: entityResource('role'),
  async run({ input, caller, services }) {
    const role = await requireRole(services, caller, input.RoleName);
    const result = await services.storage.deleteRole(accountOf(caller), input.RoleName);
    expectDeleted(result, () => IamErrors.noSuchEntity('role', input.RoleName));
    await services.storage.deleteSessionsOf(accountOf(caller), role.roleId);
    return {};
  },
});
