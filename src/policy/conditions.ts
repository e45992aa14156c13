/**
 * IAM condition operators as a table (IAM User Guide, "IAM JSON policy elements: Condition
 * operators"). A new operator is one new row.
 */
import type { ConditionFamily, ConditionOperator } from './types.js';

interface OperatorRow {
  family: ConditionFamily;
  negated?: true;
  ignoreCase?: true;
  wildcards?: true;
}

const OPERATORS: Readonly<Record<string, OperatorRow>> = {
  StringEquals: { family: 'String' },
  StringNotEquals: { family: 'String', negated: true },
  StringEqualsIgnoreCase: { family: 'String', ignoreCase: true },
  StringNotEqualsIgnoreCase: { family: 'String', negated: true, ignoreCase: true },
  StringLike: { family: 'String', wildcards: true },
  StringNotLike: { family: 'String', negated: true, wildcards: true },
  NumericEquals: { family: 'Numeric' },
  NumericNotEquals: { family: 'Numeric', negated: true },
  NumericLessThan: { family: 'Numeric' },
  NumericLessThanEquals: { family: 'Numeric' },
  NumericGreaterThan: { family: 'Numeric' },
  NumericGreaterThanEquals: { family: 'Numeric' },
  DateEquals: { family: 'Date' },
  DateNotEquals: { family: 'Date', negated: true },
  DateLessThan: { family: 'Date' },
  DateLessThanEquals: { family: 'Date' },
  DateGreaterThan: { family: 'Date' },
  DateGreaterThanEquals: { family: 'Date' },
  Bool: { family: 'Bool' },
  BinaryEquals: { family: 'Binary' },
  IpAddress: { family: 'IpAddress' },
  NotIpAddress: { family: 'IpAddress', negated: true },
  ArnEquals: { family: 'Arn' },
  ArnLike: { family: 'Arn', wildcards: true },
  ArnNotEquals: { family: 'Arn', negated: true },
  ArnNotLike: { family: 'Arn', negated: true, wildcards: true },
  Null: { family: 'Null' },
};

const SET_PREFIXES = ['ForAllValues', 'ForAnyValue'] as const;
const IF_EXISTS = 'IfExists';

/** Takes an operator name apart; undefined when it is not a known operator. Names are case-sensitive. */
export function parseConditionOperator(name: string): ConditionOperator | undefined {
  let rest = name;
  let setOperator: ConditionOperator['setOperator'];
  for (const prefix of SET_PREFIXES) {
    if (rest.startsWith(`${prefix}:`)) {
      setOperator = prefix;
      rest = rest.slice(prefix.length + 1);
      break;
    }
  }
  let ifExists = false;
  if (rest.endsWith(IF_EXISTS) && rest !== IF_EXISTS) {
    ifExists = true;
    rest = rest.slice(0, -IF_EXISTS.length);
  }
  if (!Object.hasOwn(OPERATORS, rest)) return undefined;
  const row = OPERATORS[rest] as OperatorRow;
  // Null tests whether a key is present, so "NullIfExists" means nothing (IAM User Guide).
  if (ifExists && row.family === 'Null') return undefined;
  return {
    name,
    base: rest,
    family: row.family,
    negated: row.negated ?? false,
    ignoreCase: row.ignoreCase ?? false,
    wildcards: row.wildcards ?? false,
    ifExists,
    setOperator,
  };
}

/**
 * Condition keys KMS refuses in a key policy (they describe the key's tags and aliases, which are
 * meaningful only in IAM policies). Seen in a PutKeyPolicy failure recorded in
 * awsdocs/aws-kms-developer-guide#47; matched case-insensitively, with or without a /tag-key.
 */
export function isKeyPolicyForbiddenConditionKey(key: string): boolean {
  const k = key.toLowerCase();
  return (
    k === 'kms:resourcealiases' ||
    k === 'aws:resourcetag' ||
    k.startsWith('aws:resourcetag/') ||
    k === 'kms:resourcetag' ||
    k.startsWith('kms:resourcetag/')
  );
}
