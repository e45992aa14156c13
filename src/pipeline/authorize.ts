/**
 * Authorization shared by every service: the caller's policies (Services.identity), a resource's
 * own policy if it has one, and the request's condition keys go to policy/'s evaluator, which
 * decides as AWS does. A refusal is the service's access-denied error with AWS's message.
 */
import { KmsError } from '../domain/index.js';
import {
  accessDeniedMessage,
  evaluateAccess,
  type CompiledPolicy,
  type ConditionContext,
  type Decision,
} from '../policy/index.js';
import { principalFacts } from './context.js';
import type { Caller, PrincipalPolicies, Services } from './types.js';

export type AuthorizationMode = 'kms-key' | 'identity-only' | 'trust';

export interface AccessQuestion {
  action: string;
  /** The ARN acted on, or `*`. */
  resource: string;
  /** The resource's account; absent for account-level actions (the caller's own account). */
  resourceAccountId?: string | undefined;
  /** The resource's own policy (a key policy, a role's trust policy). */
  resourcePolicy?: CompiledPolicy | undefined;
  context: ConditionContext;
  mode: AuthorizationMode;
}

/** An account root's long-term credentials carry no identity, session or boundary policy. */
const NO_POLICIES: PrincipalPolicies = Object.freeze({ identityPolicies: [], sessionPolicies: [] });

/** The caller's identity, boundary and session policies (cached by services.identity). */
export function policiesOf(caller: Caller, services: Services): PrincipalPolicies | Promise<PrincipalPolicies> {
  const { principal } = caller;
  // Not a permission: only a shortcut past the cache for the caller that has none.
  return principal.type === 'Root' && !principal.session ? NO_POLICIES : services.identity.policiesFor(principal);
}

/** The evaluator's decision for the caller; `known` when the caller's policies are at hand already. */
export async function decide(
  caller: Caller,
  services: Services,
  q: AccessQuestion,
  known?: PrincipalPolicies,
): Promise<Decision> {
  const policies = known ?? (await policiesOf(caller, services));
  return evaluateAccess(
    {
      resourcePolicy: q.resourcePolicy,
      identityPolicies: policies.identityPolicies,
      permissionsBoundary: policies.permissionsBoundary,
      sessionPolicies: policies.sessionPolicies,
    },
    {
      action: q.action,
      resource: q.resource,
      resourceAccountId: q.resourceAccountId ?? caller.principal.accountId,
      principal: principalFacts(caller.principal),
      context: q.context,
    },
    q.mode,
  );
}

/** The service's access-denied error for a decision that is not Allow. */
export function accessDenied(code: string, caller: Caller, action: string, resource: string, d: Decision): KmsError {
  return new KmsError(code, accessDeniedMessage(caller.principal.arn, action, resource, d));
}

/** Decides and throws the service's access-denied error unless allowed. */
export async function authorize(
  caller: Caller,
  services: Services,
  q: AccessQuestion,
  errorCode: string,
): Promise<void> {
  const d = await decide(caller, services, q);
  if (d.decision !== 'Allow') throw accessDenied(errorCode, caller, q.action, q.resource, d);
}
