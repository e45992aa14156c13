/** ListEntitiesForPolicy: the caller's users, groups and roles the policy is attached to. */
import { IamErrors, pathMatches } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { findManagedPolicy } from '../lookup.js';
import { defineIamOperation } from '../operation.js';

export const listEntitiesForPolicy = defineIamOperation<
  iam.ListEntitiesForPolicyRequest,
  iam.ListEntitiesForPolicyResponse
>({
  name: 'ListEntitiesForPolicy',
  readOnly: true,
  resource: (input) => input.PolicyArn,
  async run({ input, caller, services }) {
    if (!(await findManagedPolicy(services, input.PolicyArn))) throw IamErrors.noSuchPolicy(input.PolicyArn);
    const account = accountOf(caller);
    const wanted = (kind: string) => input.EntityFilter === undefined || input.EntityFilter.toLowerCase() === kind;
    const answer = { PolicyUsers: [], PolicyGroups: [], PolicyRoles: [], IsTruncated: false } as Required<
      Pick<iam.ListEntitiesForPolicyResponse, 'PolicyUsers' | 'PolicyGroups' | 'PolicyRoles' | 'IsTruncated'>
    >;
    for (const e of await services.storage.listEntitiesForPolicy(input.PolicyArn)) {
      if (e.accountId !== account || !wanted(e.kind)) continue;
      if (e.kind === 'user') {
        const u = await services.storage.getUser(account, e.name);
        if (u && pathMatches(u.path, input.PathPrefix))
          answer.PolicyUsers.push({ UserName: u.userName, UserId: u.userId });
      } else if (e.kind === 'group') {
        const g = await services.storage.getGroup(account, e.name);
        if (g && pathMatches(g.path, input.PathPrefix))
          answer.PolicyGroups.push({ GroupName: g.groupName, GroupId: g.groupId });
      } else {
        const r = await services.storage.getRole(account, e.name);
        if (r && pathMatches(r.path, input.PathPrefix))
          answer.PolicyRoles.push({ RoleName: r.roleName, RoleId: r.roleId });
      }
    }
    return answer;
  },
});
