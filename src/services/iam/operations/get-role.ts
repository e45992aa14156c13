/** GetRole: the role with its trust policy URL-encoded, as IAM returns it. */
import type { iam } from '../../../model/index.js';
import { entityResource } from '../entities.js';
import { requireRole } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { roleView } from '../views.js';

export const getRole = defineIamOperation<iam.GetRoleRequest, iam.GetRoleResponse>({
  name: 'GetRole',
  readOnly: true,
  resource: entityResource('role'),
  async run({ input, caller, services }) {
    return { Role: roleView(await requireRole(services, caller, input.RoleName)) };
  },
});
