/**
 * AssumeRole's authorization: the role's trust policy (the resource-based policy) with the caller's
 * identity policies, in the evaluator's 'trust' mode (same account: the trust policy naming the
 * caller suffices; naming the account, or another account, also needs the caller's identity
 * policies). Passing session tags also needs sts:TagSession, and a source identity
 * sts:SetSourceIdentity (IAM User Guide, "Passing session tags in AWS STS", "Monitor and control
 * actions taken with assumed roles"). A role that does not exist is refused the same way, so a
 * caller cannot probe for roles.
 */
import { KmsError, type RoleRecord } from '../../domain/index.js';
import type { sts } from '../../model/index.js';
import { decide } from '../../pipeline/authorize.js';
import { globalConditionKeys, type RequestContext } from '../../pipeline/context.js';
import type { Caller, Services } from '../../pipeline/types.js';
import { compilePolicy } from '../../policy/index.js';

/** AWS's refusal names neither the policy nor the reason. */
export function assumeRoleDenied(caller: Caller, action: string, roleArn: string): KmsError {
  return new KmsError(
    'AccessDenied',
    `User: ${caller.principal.arn} is not authorized to perform: ${action} on resource: ${roleArn}`,
  );
}

/** The request's condition keys: the global ones, the session tags asked for and sts:*. */
export function assumeRoleContext(caller: Caller, input: sts.AssumeRoleRequest): RequestContext {
  const requestTags = input.Tags?.map((t) => ({ TagKey: t.Key, TagValue: t.Value }));
  const context = globalConditionKeys(caller, requestTags ? { requestTags } : {});
  context.set('sts:rolesessionname', input.RoleSessionName);
  if (input.ExternalId !== undefined) context.set('sts:externalid', input.ExternalId);
  if (input.SourceIdentity !== undefined) context.set('sts:sourceidentity', input.SourceIdentity);
  if (input.TransitiveTagKeys !== undefined) context.set('sts:transitivetagkeys', input.TransitiveTagKeys);
  return context;
}

/** Throws AccessDenied unless the trust policy and the caller's policies allow every action the request needs. */
export async function authorizeAssumeRole(
  caller: Caller,
  services: Services,
  role: RoleRecord,
  input: sts.AssumeRoleRequest,
): Promise<void> {
  const trustPolicy = compilePolicy(role.assumeRolePolicyDocument, 'trust policy');
  const context = assumeRoleContext(caller, input);
  const actions = ['sts:AssumeRole'];
  if ((input.Tags?.length ?? 0) > 0 || (input.TransitiveTagKeys?.length ?? 0) > 0) actions.push('sts:TagSession');
  if (input.SourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
  for (const action of actions) {
    const decision = await decide(caller, services, {
      action,
      resource: role.arn,
      resourceAccountId: role.accountId,
      resourcePolicy: trustPolicy,
      context,
      mode: 'trust',
    });
    if (decision.decision !== 'Allow') throw assumeRoleDenied(caller, action, role.arn);
  }
}
