/**
 * The policy grammar shared by every validator (key policies: parse.ts; identity and trust
 * policies: identity-validate.ts): the characters allowed, the element names, and the forms of
 * actions and resource ARNs.
 */

/** The characters the AWS models allow in a policy (PolicyType pattern in service-2.json). */
export const OUTSIDE_POLICY_CHARACTERS = /[^\t\n\r\u0020-\u00FF]/;
export const DOCUMENT_ELEMENTS: ReadonlySet<string> = new Set(['Version', 'Id', 'Statement']);
export const STATEMENT_ELEMENTS: ReadonlySet<string> = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
/** "service:Action" with * and ? wildcards in the action part. */
export const ACTION_VENDOR = /^[A-Za-z0-9-]+$/;
export const ACTION_NAME = /^[A-Za-z0-9*?]+$/;
/** arn:partition:service:region:account:resource, any part but the first may hold wildcards. */
export const RESOURCE_ARN = /^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+$/;
