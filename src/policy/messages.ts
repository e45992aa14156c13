/**
 * Messages of MalformedPolicyDocumentException. Where AWS's text is known it is used verbatim; the
 * rest are Trent's own, written in the same style. docs/policy.md says which is which and where each
 * confirmed text was seen.
 */
export const PolicyMessages = {
  // Confirmed: recorded KMS CreateKey/PutKeyPolicy responses.
  invalidPrincipals: 'Policy contains a statement with one or more invalid principals.',
  noPrincipal: 'Policy contains a statement with no principal.',
  /** For the lockout safety check (not done here). */
  lockout: 'The new key policy will not allow you to update the key policy in the future.',
  conditionKeysNotPermitted:
    'These condition keys are not permitted in a key policy: aws:ResourceTag, kms:ResourceTag, kms:ResourceAliases',

  // IAM's wording for the same faults (confirmed for IAM; KMS's own wording not found).
  missingVendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  actionColons: 'Actions/Condition can contain only one colon.',
  duplicateSid: 'Statement IDs (SID) in a single policy must be unique.',
  resourceFormat: (resource: string) => `Resource ${resource} must be in ARN format or "*".`,

  // Trent's own.
  invalidCharacters: 'Policy contains invalid characters.',
  invalidJson: 'Policy is not valid JSON.',
  duplicateElement: (name: string) => `Policy contains a duplicate element: ${name}.`,
  notAnObject: 'Policy must be a JSON object.',
  unknownElement: (name: string) => `Policy contains an unsupported element: ${name}.`,
  invalidVersion: 'Policy Version must be "2012-10-17" or "2008-10-17".',
  invalidId: 'Policy Id must be a string.',
  missingStatement: 'Policy must contain a Statement.',
  invalidStatement: 'Policy Statement must be an object or a non-empty array of objects.',
  unknownStatementElement: (name: string) => `Policy contains a statement with an unsupported element: ${name}.`,
  invalidSid: 'Policy contains a statement whose Sid is not a string.',
  invalidEffect: 'Policy contains a statement whose Effect is not "Allow" or "Deny".',
  bothElements: (a: string, b: string) => `Policy contains a statement with both ${a} and ${b}.`,
  invalidAction: 'Policy contains a statement with an invalid action.',
  invalidResource: 'Policy contains a statement with an invalid resource.',
  invalidCondition: 'Policy contains a statement with an invalid Condition.',
  invalidConditionOperator: (name: string) => `Invalid Condition type : ${name}.`,
} as const;

/**
 * IAM's MalformedPolicyDocument messages for identity and trust policies (CreatePolicy,
 * Put*Policy, CreateRole, UpdateAssumeRolePolicy). The confirmed ones were seen in recorded IAM
 * responses (quoted in issue threads of terraform-provider-aws, aws-cdk, cfn-lint, localstack and
 * others); docs/policy-evaluation.md lists which are Trent's own.
 */
export const IamPolicyMessages = {
  // Confirmed.
  syntax: 'Syntax errors in policy.',
  invalidJsonTrust: 'This policy contains invalid Json',
  legacyParsing: 'The policy failed legacy parsing',
  principalNotAllowed: 'Policy document should not specify a principal.',
  missingPrincipal: 'Missing required field Principal',
  prohibitedField: (name: string) => `Has prohibited field ${name}`,
  invalidPrincipal: (type: string, value: string) => `Invalid principal in policy: "${type}":"${value}"`,
  missingActions: 'Policy statement must contain actions.',
  missingResources: 'Policy statement must contain resources.',
  missingVendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  actionColons: 'Actions/Condition can contain only one colon.',
  sidNotAlphanumeric:
    'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  duplicateSid: 'Statement IDs (SID) in a single policy must be unique.',
  resourceFormat: (resource: string) => `Resource ${resource} must be in ARN format or "*".`,
  trustActions: 'AssumeRole policy may only specify STS AssumeRole actions.',
  // Trent's own, in the same style.
  invalidAction: (action: string) => `Action ${action} is not valid.`,
  invalidConditionOperator: (name: string) => `Invalid Condition type : ${name}.`,
} as const;
