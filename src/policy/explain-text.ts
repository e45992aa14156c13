/** The sentences of explainAccess for a condition that failed. */
import type { CompiledCondition } from './condition-eval.js';
import type { ConditionContext } from './evaluate-types.js';

const quote = (v: string): string => `'${v}'`;

/** e.g. "condition kms:EncryptionContext:purpose StringEquals failed: request has 'x'". */
export function describeConditionFailure(c: CompiledCondition, context: ConditionContext): string {
  const value = context.get(c.key);
  const has =
    value === undefined
      ? 'request has no value'
      : typeof value === 'string'
        ? `request has ${quote(value)}`
        : `request has [${value.map(quote).join(', ')}]`;
  const wanted = c.values.map((v) => quote(v.raw)).join(', ');
  return `condition ${c.keyAsWritten} ${c.operator.name} failed: ${has}, policy wants ${wanted}`;
}
