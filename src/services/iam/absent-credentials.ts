/**
 * Credentials Trent does not keep (MFA devices, signing certificates, SSH public keys, service
 * specific credentials, instance profiles): the List operations answer an empty list once the user
 * or role exists, so tools that clean up before DeleteUser or DeleteRole (the AWS CLI, Terraform)
 * find nothing to remove.
 */
import type { ServiceOperation } from '../../pipeline/service.js';
import { entityArn } from './context.js';
import { implicitUserName, requireRole, requireUser } from './lookup.js';
import { defineIamOperation } from './operation.js';

type UserInput = { UserName?: string | undefined };

export function emptyUserList(name: string, member: string): ServiceOperation<UserInput, Record<string, unknown>> {
  return defineIamOperation<UserInput, Record<string, unknown>>({
    name,
    readOnly: true,
    resource: (input, caller) =>
      input.UserName === undefined ? caller.principal.arn : entityArn(caller, 'user', input.UserName),
    async run({ input, caller, services }) {
      const userName = implicitUserName(caller, input.UserName);
      if (userName !== undefined) await requireUser(services, caller, userName);
      return { [member]: [], IsTruncated: false };
    },
  });
}

export function emptyRoleList(
  name: string,
  member: string,
): ServiceOperation<{ RoleName: string }, Record<string, unknown>> {
  return defineIamOperation<{ RoleName: string }, Record<string, unknown>>({
    name,
    readOnly: true,
    resource: (input, caller) => entityArn(caller, 'role', input.RoleName),
    async run({ input, caller, services }) {
      await requireRole(services, caller, input.RoleName);
      return { [member]: [], IsTruncated: false };
    },
  });
}
