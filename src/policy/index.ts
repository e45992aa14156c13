/** IAM policy language: default key policy, parsing, validation, compilation and evaluation. */
export { defaultKeyPolicy } from './default-policy.js';
export { parseAnyPolicyDocument, parsePolicyDocument, validateKeyPolicy, type KeyPolicyValidation } from './parse.js';
export { parseConditionOperator } from './conditions.js';
export { IamPolicyMessages, PolicyMessages } from './messages.js';
export type {
  AnyPolicyDocument,
  AnyPolicyStatement,
  ConditionFamily,
  ConditionOperator,
  ConditionTest,
  PatternElement,
  PolicyDocument,
  PolicyEffect,
  PolicyStatement,
  PolicyVersion,
  PrincipalElement,
  PrincipalSet,
} from './types.js';
export { allowsUnconditionally, LOCKOUT_MESSAGE, type PolicyCaller } from './lockout.js';
export { compilePolicy, type CompiledPolicy } from './compile.js';
export { evaluateAccess, explainAccess } from './evaluate.js';
export { accessDeniedMessage } from './access-denied.js';
export { validateIdentityPolicy, validateTrustPolicy, type IamPolicyValidation } from './identity-validate.js';
export type {
  AuthorizationRequest,
  ConditionContext,
  ConditionValue,
  Decision,
  EvaluationMode,
  Explanation,
  PolicyKind,
  PolicySet,
  PrincipalFacts,
  StatementExplanation,
  StatementRef,
} from './evaluate-types.js';
export {
  grantAllows,
  grantsAllowing,
  isEqualOrNarrower,
  mayRetire,
  validateCreateGrant,
  type GrantRequest,
} from './grants.js';
