/**
 * CreateRole: a role (AROA...) with its trust policy (validated as one, within ACLSizePerRole),
 * MaxSessionDuration (default 3600), boundary and tags.
 */
import { DEFAULT_PATH, IamErrors, ROLE_SESSION_DURATION, newIamId } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf, entityArn, iamQuotas } from '../context.js';
import { checkTrustPolicy } from '../documents.js';
import { requireAttachable } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { expectCreated } from '../results.js';
import { checkTags } from '../tags.js';
import { roleView } from '../views.js';

export const createRole = defineIamOperation<iam.CreateRoleRequest, iam.CreateRoleResponse>({
  name: 'CreateRole',
  readOnly: false,
  resource: (input, caller) => entityArn(caller, 'role', input.RoleName, input.Path),
  async run({ input, caller, services, now }) {
    const quotas = iamQuotas(services);
    checkTrustPolicy(input.AssumeRolePolicyDocument, quotas);
    const tags = checkTags(input.Tags);
    if (input.PermissionsBoundary !== undefined) await requireAttachable(services, input.PermissionsBoundary);
    const path = input.Path ?? DEFAULT_PATH;
    const role = {
      accountId: accountOf(caller),
      roleName: input.RoleName,
      roleId: newIamId('role', services.random),
      path,
      arn: entityArn(caller, 'role', input.RoleName, path),
      createDate: now,
      assumeRolePolicyDocument: input.AssumeRolePolicyDocument,
      description: input.Description,
      maxSessionDuration: input.MaxSessionDuration ?? ROLE_SESSION_DURATION.default,
      permissionsBoundary: input.PermissionsBoundary,
      tags,
    };
    expectCreated(await services.storage.createRole(role, quotas.rolesPerAccount), {
      exists: () => IamErrors.entityExists('role', input.RoleName),
      limit: () => IamErrors.quotaExceeded('rolesPerAccount', quotas.rolesPerAccount),
    });
    return { Role: roleView(role) };
  },
});
