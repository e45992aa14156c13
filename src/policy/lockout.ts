/**
 * The key policy lockout safety check of CreateKey and PutKeyPolicy: unless the caller bypasses it,
 * a new key policy must let the calling principal call PutKeyPolicy again, so the key cannot
 * become unmanageable ("Default key policy", KMS Developer Guide).
 *
 * This is a conservative reading of the policy, not the full evaluator (which arrives with IAM):
 * only statements without conditions count, a matching unconditional Deny wins, and the caller
 * matches a principal that is `*`, its own ARN, its account id, or its account's root ARN.
 */
import type { PatternElement, PolicyDocument, PolicyStatement } from './types.js';
import { wildcardMatch } from './wildcard.js';

export interface PolicyCaller {
  accountId: string;
  /** The principal's ARN, e.g. arn:aws:iam::111122223333:root */
  arn: string;
}

export const LOCKOUT_MESSAGE = 'The new key policy will not allow you to update the key policy in the future.';

function matches(element: PatternElement | undefined, value: string, ignoreCase: boolean): boolean {
  if (!element) return false;
  const hit = element.patterns.some((p) => wildcardMatch(p, value, ignoreCase));
  return element.negated ? !hit : hit;
}

function coversCaller(statement: PolicyStatement, caller: PolicyCaller): boolean {
  const { negated, principals } = statement.principal;
  const root = caller.arn.replace(/:(root|user\/.*|role\/.*|assumed-role\/.*)$/, ':root');
  const named =
    principals.anyone ||
    principals.aws.some((p) => p === '*' || p === caller.arn || p === caller.accountId || p === root);
  return negated ? !named : named;
}

function applies(statement: PolicyStatement, caller: PolicyCaller, action: string): boolean {
  return (
    statement.conditions.length === 0 &&
    coversCaller(statement, caller) &&
    matches(statement.action, action, true) &&
    matches(statement.resource, '*', false)
  );
}

/** True when the document certainly allows `caller` to perform `action` on the key. */
export function allowsUnconditionally(doc: PolicyDocument, caller: PolicyCaller, action: string): boolean {
  if (doc.statements.some((s) => s.effect === 'Deny' && applies(s, caller, action))) return false;
  return doc.statements.some((s) => s.effect === 'Allow' && applies(s, caller, action));
}
