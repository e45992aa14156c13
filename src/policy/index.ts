/** IAM policy language for key policies: default policy, parsing and syntax validation. */
export { defaultKeyPolicy } from './default-policy.js';
export { parsePolicyDocument, validateKeyPolicy, type KeyPolicyValidation } from './parse.js';
export { parseConditionOperator } from './conditions.js';
export { PolicyMessages } from './messages.js';
export type {
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
