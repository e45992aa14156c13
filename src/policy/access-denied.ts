/**
 * AccessDenied messages in AWS's words (IAM User Guide, "Troubleshoot access denied error
 * messages"): they name the principal, the action, the resource and the policy type that decided.
 */
import type { Decision } from './evaluate-types.js';

export function accessDeniedMessage(principalArn: string, action: string, resource: string, d: Decision): string {
  const head = `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}`;
  switch (d.decision) {
    case 'ExplicitDeny':
      return `${head} with an explicit deny in ${article(d.in)} ${d.in}`;
    case 'ImplicitDeny':
      return `${head} because no ${d.missing} allows the ${action} action`;
    default:
      return head;
  }
}

const article = (kind: string): string => (/^[aeiou]/.test(kind) ? 'an' : 'a');
