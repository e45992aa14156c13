/** The evaluator's public types (the session contract, "Policy evaluation"). */
import type { CompiledPolicy } from './compile.js';

/** Every value as a string: booleans 'true'/'false', numbers decimal, dates ISO 8601, binary base64. */
export type ConditionValue = string | readonly string[];

/**
 * A request's condition keys by lowercased name: a Map, or a context that computes each key only
 * when a policy asks for it (pipeline/context.ts), so a request pays only for the keys its
 * policies test.
 */
export interface ConditionContext {
  get(key: string): ConditionValue | undefined;
}

export interface PrincipalFacts {
  accountId: string;
  /**
   * ARNs a Principal element may name for this caller: the root ARN for root; the user ARN; for an
   * assumed-role session both the session ARN (arn:aws:sts::a:assumed-role/r/s) and the role ARN.
   */
  arns: readonly string[];
  isRoot: boolean;
}

export interface AuthorizationRequest {
  /** 'kms:Encrypt', 'iam:CreateUser', 'sts:AssumeRole' */
  action: string;
  /** The ARN acted on, or '*'. */
  resource: string;
  /** Owner of the resource; absent for account-level actions. */
  resourceAccountId?: string | undefined;
  principal: PrincipalFacts;
  /**
   * Every condition key of this request by name, lowercased ('kms:encryptioncontext:purpose',
   * 'aws:sourceip', 'aws:principaltag/team'); policy variables are read here too.
   */
  context: ConditionContext;
}

export interface PolicySet {
  /** The resource-based policy: a key policy, or a role's trust policy for sts:AssumeRole. */
  resourcePolicy?: CompiledPolicy | undefined;
  /** The caller's identity policies: inline + attached managed (+ its groups' for users). */
  identityPolicies: readonly CompiledPolicy[];
  permissionsBoundary?: CompiledPolicy | undefined;
  /** Session policies of temporary credentials (AssumeRole Policy/PolicyArns). */
  sessionPolicies?: readonly CompiledPolicy[] | undefined;
}

export type PolicyKind = 'resource-based policy' | 'identity-based policy' | 'session policy' | 'permissions boundary';

export interface StatementRef {
  /** The label the caller gave the policy at compilePolicy. */
  policy: string;
  index: number;
  sid?: string | undefined;
}

export type Decision =
  | { decision: 'Allow'; by: 'resource-policy' | 'identity-policy' | 'root'; statement?: StatementRef | undefined }
  | { decision: 'ExplicitDeny'; in: PolicyKind; statement: StatementRef }
  | { decision: 'ImplicitDeny'; missing: PolicyKind };

export type EvaluationMode = 'kms-key' | 'identity-only' | 'trust';

export interface StatementExplanation {
  ref: StatementRef;
  /** Which kind of policy the statement is in. */
  kind: PolicyKind;
  effect: 'Allow' | 'Deny';
  matched: boolean;
  why: string;
}

export type Explanation = Decision & { statements: StatementExplanation[] };
