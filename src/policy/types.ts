/**
 * A policy document after validation, normalised for the evaluator: every element that may be a
 * string or a list is a list, and each "X or NotX" pair is one field with a `negated` flag, so the
 * evaluator cannot forget the Not form. Values are kept as written (no case folding, no rewriting of
 * an account id into a root ARN); matching rules belong to the evaluator.
 */

export type PolicyVersion = '2012-10-17' | '2008-10-17';

export type PolicyEffect = 'Allow' | 'Deny';

export interface PolicyDocument {
  /** Absent when the document has no Version; IAM then applies 2008-10-17 rules (no ${} variables). */
  version?: PolicyVersion | undefined;
  id?: string | undefined;
  /** At least one. */
  statements: PolicyStatement[];
}

/** Who a statement is about. `"Principal": "*"` sets `anyone`; `{"AWS": "*"}` lists "*" under aws. */
export interface PrincipalSet {
  anyone: boolean;
  /** "*", 12-digit account ids, or arn:<partition>:iam::/arn:<partition>:sts:: principal ARNs. */
  aws: string[];
  /** Service principals, e.g. "logs.us-east-1.amazonaws.com". */
  service: string[];
  /** Identity providers: ARNs of SAML/OIDC providers or names such as "cognito-identity.amazonaws.com". */
  federated: string[];
  canonicalUser: string[];
}

export interface PrincipalElement {
  /** true for NotPrincipal. */
  negated: boolean;
  principals: PrincipalSet;
}

/** Action/NotAction or Resource/NotResource. */
export interface PatternElement {
  /** true for NotAction / NotResource. */
  negated: boolean;
  /** Patterns as written; `*` and `?` are wildcards. */
  patterns: string[];
}

export type ConditionFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

/** One condition operator name, taken apart. */
export interface ConditionOperator {
  /** As written, e.g. "ForAnyValue:StringLikeIfExists". */
  name: string;
  /** The operator without prefix or IfExists, e.g. "StringLike". */
  base: string;
  family: ConditionFamily;
  /** e.g. StringNotEquals, NotIpAddress, ArnNotLike. */
  negated: boolean;
  /** String*IgnoreCase. */
  ignoreCase: boolean;
  /** StringLike, StringNotLike, ArnLike, ArnNotLike: `*` and `?` are wildcards. */
  wildcards: boolean;
  ifExists: boolean;
  setOperator?: 'ForAllValues' | 'ForAnyValue' | undefined;
}

/** One key test inside a Condition block: all tests of a statement must hold (AND). */
export interface ConditionTest {
  operator: ConditionOperator;
  /** Condition key as written (keys are matched case-insensitively by IAM; the evaluator folds). */
  key: string;
  /** Any of these may match (OR). Booleans and numbers as written in the document, e.g. "true", "300". */
  values: string[];
}

export interface PolicyStatement {
  sid?: string | undefined;
  effect: PolicyEffect;
  /** Key policies require one of Principal/NotPrincipal, so this is always present. */
  principal: PrincipalElement;
  /**
   * Absent when the statement has neither Action nor NotAction. AWS accepts such a statement and it
   * has no effect (KMS API reference, CreateKey/PutKeyPolicy "Policy").
   */
  action?: PatternElement | undefined;
  /** Absent when the statement has neither Resource nor NotResource: the statement has no effect. */
  resource?: PatternElement | undefined;
  /** Empty when there is no Condition. */
  conditions: ConditionTest[];
}

/**
 * A statement of any policy type. Identity policies (IAM User Guide, "Identity-based policies and
 * resource-based policies") have no Principal: the principal is the identity the policy is attached
 * to, so `principal` is absent there.
 */
export interface AnyPolicyStatement extends Omit<PolicyStatement, 'principal'> {
  principal?: PrincipalElement | undefined;
}

/** A policy document of any type: key policy, trust policy, identity policy, boundary, session policy. */
export interface AnyPolicyDocument {
  version?: PolicyVersion | undefined;
  id?: string | undefined;
  statements: AnyPolicyStatement[];
}
