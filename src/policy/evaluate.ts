/**
 * The IAM policy evaluator: pure, synchronous, no I/O. Implements IAM User Guide "Policy evaluation
 * logic", "Determining whether a request is allowed or denied within an account" and
 * "Cross-account policy evaluation logic", with the KMS rule that a key policy must allow
 * (KMS Developer Guide, "Key policies in AWS KMS", "Allowing users in other accounts to use a KMS
 * key"). docs/policy-evaluation.md describes the semantics.
 *
 * The hot path (evaluateAccess) allocates nothing beyond the lowercased action and what policy
 * variables and general wildcards need; explainAccess may allocate freely.
 */
import type { CompiledPolicy, CompiledPrincipal, CompiledStatement } from './compile.js';
import { evaluateCondition } from './condition-eval.js';
import type {
  AuthorizationRequest,
  Decision,
  EvaluationMode,
  Explanation,
  PolicyKind,
  PolicySet,
  PrincipalFacts,
  StatementExplanation,
} from './evaluate-types.js';
import { describeConditionFailure } from './explain-text.js';
import { matchStatic } from './patterns.js';
import { mapLiterals, resolvePattern } from './variables.js';
import { wildcardMatch } from './wildcard.js';

/**
 * Which policy a statement is read from: an identity-type policy (no Principal), a key policy
 * (Principal and Resource required; a statement without Resource has no effect), or a role trust
 * policy (no Resource element: the statement is about the role it is attached to).
 */
const Scope = { Identity: 0, KeyPolicy: 1, Trust: 2 } as const;
type Scope = (typeof Scope)[keyof typeof Scope];

/** How a resource-policy statement names the caller; higher is more direct. */
const Named = { No: 0, Account: 1, Role: 2, Direct: 3 } as const;
type Named = (typeof Named)[keyof typeof Named];

const RESOURCE: PolicyKind = 'resource-based policy';
const IDENTITY: PolicyKind = 'identity-based policy';
const BOUNDARY: PolicyKind = 'permissions boundary';
const SESSION: PolicyKind = 'session policy';

export function evaluateAccess(set: PolicySet, request: AuthorizationRequest, mode: EvaluationMode): Decision {
  const action = request.action.toLowerCase();

  // 1. An explicit deny in any policy that applies wins ("Deny evaluation").
  const scope: Scope = mode === 'trust' ? Scope.Trust : Scope.KeyPolicy;
  const deny = findExplicitDeny(set, request, action, scope);
  if (deny !== undefined) return deny;

  const facts = request.principal;
  // 2. Account-level actions: identity policies alone; the account root has full access.
  if (mode === 'identity-only') {
    const ownAccount = request.resourceAccountId === undefined || request.resourceAccountId === facts.accountId;
    if (facts.isRoot && ownAccount) return { decision: 'Allow', by: 'root' };
    return identityChain(set, request, action);
  }

  // 3. Key policies and trust policies must allow, by naming the caller or its account.
  const rp = set.resourcePolicy;
  if (rp === undefined) return { decision: 'ImplicitDeny', missing: RESOURCE };
  let best: CompiledStatement | undefined;
  let named: Named = Named.No;
  for (const s of rp.statements) {
    if (s.effect !== 'Allow') continue;
    const n = applies(s, request, action, scope);
    if (n > named) {
      named = n;
      best = s;
      if (n === Named.Direct) break;
    }
  }
  if (best === undefined) return { decision: 'ImplicitDeny', missing: RESOURCE };

  const crossAccount = request.resourceAccountId !== undefined && request.resourceAccountId !== facts.accountId;
  if (crossAccount) {
    // Both sides must allow; the other account's root needs no identity policy.
    if (facts.isRoot) return { decision: 'Allow', by: 'resource-policy', statement: best.ref };
    return identityChain(set, request, action);
  }
  switch (named) {
    case Named.Direct:
      // Granted to the user or the role session itself: other policy types do not limit it.
      return { decision: 'Allow', by: 'resource-policy', statement: best.ref };
    case Named.Role: {
      // Granted to the role ARN: the session's permissions boundary and session policies still limit it.
      const limit = limits(set, request, action);
      return limit ?? { decision: 'Allow', by: 'resource-policy', statement: best.ref };
    }
    default:
      // The account: the root is allowed; others need their identity policies.
      if (facts.isRoot) return { decision: 'Allow', by: 'resource-policy', statement: best.ref };
      return identityChain(set, request, action);
  }
}

function findExplicitDeny(
  set: PolicySet,
  request: AuthorizationRequest,
  action: string,
  scope: Scope,
): Decision | undefined {
  const rp = set.resourcePolicy;
  if (rp !== undefined && rp.hasDeny) {
    const s = firstDeny(rp, request, action, scope);
    if (s) return { decision: 'ExplicitDeny', in: RESOURCE, statement: s.ref };
  }
  for (const p of set.identityPolicies) {
    if (!p.hasDeny) continue;
    const s = firstDeny(p, request, action, Scope.Identity);
    if (s) return { decision: 'ExplicitDeny', in: IDENTITY, statement: s.ref };
  }
  const pb = set.permissionsBoundary;
  if (pb !== undefined && pb.hasDeny) {
    const s = firstDeny(pb, request, action, Scope.Identity);
    if (s) return { decision: 'ExplicitDeny', in: BOUNDARY, statement: s.ref };
  }
  if (set.sessionPolicies !== undefined) {
    for (const p of set.sessionPolicies) {
      if (!p.hasDeny) continue;
      const s = firstDeny(p, request, action, Scope.Identity);
      if (s) return { decision: 'ExplicitDeny', in: SESSION, statement: s.ref };
    }
  }
  return undefined;
}

function firstDeny(
  p: CompiledPolicy,
  request: AuthorizationRequest,
  action: string,
  scope: Scope,
): CompiledStatement | undefined {
  for (const s of p.statements) {
    if (s.effect === 'Deny' && applies(s, request, action, scope) !== Named.No) return s;
  }
  return undefined;
}

function firstAllow(p: CompiledPolicy, request: AuthorizationRequest, action: string): CompiledStatement | undefined {
  for (const s of p.statements) {
    if (s.effect === 'Allow' && applies(s, request, action, Scope.Identity) !== Named.No) return s;
  }
  return undefined;
}

/** An identity-policy allow, limited by the permissions boundary and the session policies. */
function identityChain(set: PolicySet, request: AuthorizationRequest, action: string): Decision {
  let allow: CompiledStatement | undefined;
  for (const p of set.identityPolicies) {
    allow = firstAllow(p, request, action);
    if (allow) break;
  }
  if (allow === undefined) return { decision: 'ImplicitDeny', missing: IDENTITY };
  return limits(set, request, action) ?? { decision: 'Allow', by: 'identity-policy', statement: allow.ref };
}

/** The implicit deny of a permissions boundary or of the session policies, if any. */
function limits(set: PolicySet, request: AuthorizationRequest, action: string): Decision | undefined {
  const pb = set.permissionsBoundary;
  if (pb !== undefined && firstAllow(pb, request, action) === undefined) {
    return { decision: 'ImplicitDeny', missing: BOUNDARY };
  }
  const sessions = set.sessionPolicies;
  if (sessions !== undefined && sessions.length > 0) {
    // Several session policies (Policy and PolicyArns) together form the session's one limit.
    for (const p of sessions) if (firstAllow(p, request, action) !== undefined) return undefined;
    return { decision: 'ImplicitDeny', missing: SESSION };
  }
  return undefined;
}

/**
 * Whether a statement applies to the request, and how it names the caller. Identity statements
 * have no principal: they apply to the identity they are attached to (Named.Direct). A statement
 * without Action or Resource applies to nothing.
 */
function applies(s: CompiledStatement, request: AuthorizationRequest, action: string, scope: Scope): Named {
  if (!actionMatches(s, action)) return Named.No;
  if (!(s.resource === undefined && scope === Scope.Trust) && !resourceMatches(s, request)) return Named.No;
  let named: Named = Named.Direct;
  if (scope !== Scope.Identity) {
    if (s.principal === undefined) return Named.No;
    named = principalNamed(s.principal, request.principal);
    if (named === Named.No) return Named.No;
  }
  for (const c of s.conditions) if (!evaluateCondition(c, request.context)) return Named.No;
  return named;
}

function actionMatches(s: CompiledStatement, action: string): boolean {
  const a = s.action;
  if (a === undefined) return false;
  let hit = false;
  for (const p of a.patterns) {
    if (matchStatic(p, action)) {
      hit = true;
      break;
    }
  }
  return hit !== a.negated;
}

function resourceMatches(s: CompiledStatement, request: AuthorizationRequest): boolean {
  const r = s.resource;
  if (r === undefined) return false;
  const resource = request.resource;
  let hit = false;
  for (const p of r.patterns) {
    if (p.template === undefined) {
      if (matchStatic(p.pattern, resource)) {
        hit = true;
        break;
      }
      continue;
    }
    const resolved = resolvePattern(p.template, request.context);
    if (resolved === undefined) continue;
    if (wildcardMatch(resolved.pattern, resolved.mapped ? mapLiterals(resource) : resource)) {
      hit = true;
      break;
    }
  }
  return hit !== r.negated;
}

const isSessionArn = (arn: string): boolean => arn.includes(':assumed-role/');
const isRoleArn = (arn: string): boolean => arn.includes(':role/');

function isSession(facts: PrincipalFacts): boolean {
  for (const arn of facts.arns) if (isSessionArn(arn)) return true;
  return false;
}

/**
 * How a Principal/NotPrincipal element names the caller (IAM User Guide, "AWS JSON policy elements:
 * Principal" and "NotPrincipal"). The account (id or root ARN) names every principal of it; "*"
 * names everyone; a role ARN names the role's sessions.
 *
 * NotPrincipal applies unless every identity of the caller is listed: the caller's own ARNs and its
 * account ("When you use NotPrincipal with Deny, you must also specify the account ARN of the
 * not-denied principal"), so listing only a user leaves the Deny applying to that user.
 */
function principalNamed(p: CompiledPrincipal, facts: PrincipalFacts): Named {
  if (p.negated) {
    if (p.anyone) return Named.No;
    let uncovered = !p.accounts.has(facts.accountId);
    for (const arn of facts.arns) if (!isRootArn(arn) && !p.arns.has(arn)) uncovered = true;
    if (!uncovered) return Named.No;
    return isSession(facts) ? Named.Role : Named.Direct;
  }
  if (p.anyone) return isSession(facts) ? Named.Role : Named.Direct;
  let named: Named = Named.No;
  for (const arn of facts.arns) {
    if (!p.arns.has(arn)) continue;
    const n = isRoleArn(arn) && !isSessionArn(arn) ? Named.Role : Named.Direct;
    if (n > named) named = n;
  }
  if (named === Named.No && p.accounts.has(facts.accountId)) named = Named.Account;
  return named;
}

function isRootArn(arn: string): boolean {
  return arn.endsWith(':root');
}

// ---- Explanations ----

/** The same decision as evaluateAccess, and for every statement whether it applied and why. */
export function explainAccess(set: PolicySet, request: AuthorizationRequest, mode: EvaluationMode): Explanation {
  const decision = evaluateAccess(set, request, mode);
  const action = request.action.toLowerCase();
  const statements: StatementExplanation[] = [];
  const add = (p: CompiledPolicy, kind: PolicyKind, scope: Scope): void => {
    for (const s of p.statements) {
      const why = whyNot(s, request, action, scope);
      statements.push({
        ref: s.ref,
        kind,
        effect: s.effect,
        matched: why === undefined,
        why: why ?? appliesText(s, request, scope),
      });
    }
  };
  if (set.resourcePolicy) add(set.resourcePolicy, RESOURCE, mode === 'trust' ? Scope.Trust : Scope.KeyPolicy);
  for (const p of set.identityPolicies) add(p, IDENTITY, Scope.Identity);
  if (set.permissionsBoundary) add(set.permissionsBoundary, BOUNDARY, Scope.Identity);
  for (const p of set.sessionPolicies ?? []) add(p, SESSION, Scope.Identity);
  return { ...decision, statements };
}

function whyNot(s: CompiledStatement, request: AuthorizationRequest, action: string, scope: Scope): string | undefined {
  if (s.action === undefined) return 'statement has no Action or NotAction';
  if (!actionMatches(s, action)) return s.action.negated ? 'action is excluded by NotAction' : 'action does not match';
  if (s.resource === undefined) {
    if (scope !== Scope.Trust) return 'statement has no Resource or NotResource';
  } else if (!resourceMatches(s, request)) {
    return s.resource.negated ? 'resource is excluded by NotResource' : 'resource does not match';
  }
  if (scope !== Scope.Identity) {
    if (s.principal === undefined) return 'statement has no Principal';
    if (principalNamed(s.principal, request.principal) === Named.No) {
      return s.principal.negated ? 'principal is excluded by NotPrincipal' : 'principal does not match';
    }
  }
  for (const c of s.conditions) {
    if (!evaluateCondition(c, request.context)) return describeConditionFailure(c, request.context);
  }
  return undefined;
}

function appliesText(s: CompiledStatement, request: AuthorizationRequest, scope: Scope): string {
  if (scope === Scope.Identity || s.principal === undefined) return 'statement applies';
  const named = principalNamed(s.principal, request.principal);
  if (named === Named.Account && !request.principal.isRoot) {
    return `statement applies to the caller's account ${request.principal.accountId}: its identity policies decide`;
  }
  if (named === Named.Role) return 'statement applies (names the role or everyone: session limits apply)';
  return 'statement applies';
}
