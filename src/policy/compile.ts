/**
 * A policy parsed once into the form the evaluator walks: action patterns lowercased (IAM action
 * names are case-insensitive), Resource patterns classified (patterns.ts) or kept as templates when
 * they hold policy variables, principals as sets, conditions with keys lowercased and values
 * pre-parsed per operator family (condition-eval.ts).
 */
import { compileCondition, type CompiledCondition } from './condition-eval.js';
import type { StatementRef } from './evaluate-types.js';
import { parseAnyPolicyDocument } from './parse.js';
import { compileWildcard, type StaticPattern } from './patterns.js';
import type { AnyPolicyDocument, AnyPolicyStatement, PolicyVersion } from './types.js';
import { parseTemplate, type Template } from './variables.js';

export interface CompiledPrincipal {
  readonly negated: boolean;
  /** "*" or {"AWS": "*"}. */
  readonly anyone: boolean;
  /** IAM user, role, assumed-role session and federated-user ARNs, exactly as written. */
  readonly arns: ReadonlySet<string>;
  /** Accounts named by a 12-digit id or by their root ARN. */
  readonly accounts: ReadonlySet<string>;
  /** The element as written, for explanations. */
  readonly written: readonly string[];
}

export interface CompiledResource {
  readonly pattern: StaticPattern;
  /** Present when the pattern holds policy variables (Version 2012-10-17 only). */
  readonly template: Template | undefined;
}

export interface CompiledStatement {
  readonly ref: StatementRef;
  readonly effect: 'Allow' | 'Deny';
  readonly principal: CompiledPrincipal | undefined;
  /** Undefined: the statement has no Action/NotAction and matches no request. */
  readonly action: { readonly negated: boolean; readonly patterns: readonly StaticPattern[] } | undefined;
  readonly resource: { readonly negated: boolean; readonly patterns: readonly CompiledResource[] } | undefined;
  readonly conditions: readonly CompiledCondition[];
}

export interface CompiledPolicy {
  /** Names the policy in StatementRefs and explanations ("key policy", a managed policy ARN, ...). */
  readonly label: string;
  readonly version: PolicyVersion | undefined;
  readonly document: AnyPolicyDocument;
  readonly statements: readonly CompiledStatement[];
  readonly hasDeny: boolean;
  /** Every condition key the policy's statements test, lowercased (a caller may skip costly keys no policy reads). */
  readonly conditionKeys: ReadonlySet<string>;
}

const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;
const ACCOUNT_ID = /^\d{12}$/;

/**
 * Parses and compiles a policy of any type. Throws a plain Error when the text is not a policy at
 * all (stored policies were validated when written, so this is corrupt data).
 */
export function compilePolicy(text: string, label = 'policy'): CompiledPolicy {
  const document = parseAnyPolicyDocument(text);
  const variables = document.version === '2012-10-17';
  const statements = document.statements.map((s, index) => compileStatement(s, index, label, variables));
  return {
    label,
    version: document.version,
    document,
    statements,
    hasDeny: statements.some((s) => s.effect === 'Deny'),
    conditionKeys: new Set(document.statements.flatMap((s) => s.conditions.map((c) => c.key.toLowerCase()))),
  };
}

function compileStatement(s: AnyPolicyStatement, index: number, label: string, variables: boolean): CompiledStatement {
  return {
    ref: s.sid === undefined ? { policy: label, index } : { policy: label, index, sid: s.sid },
    effect: s.effect,
    principal: s.principal && compilePrincipal(s.principal.negated, s.principal.principals),
    action: s.action && {
      negated: s.action.negated,
      patterns: s.action.patterns.map((p) => compileWildcard(p.toLowerCase())),
    },
    resource: s.resource && {
      negated: s.resource.negated,
      patterns: s.resource.patterns.map((p) => ({
        pattern: compileWildcard(p),
        template: variables ? parseTemplate(p) : undefined,
      })),
    },
    conditions: s.conditions.map((c) => compileCondition(c, variables)),
  };
}

function compilePrincipal(
  negated: boolean,
  p: NonNullable<AnyPolicyStatement['principal']>['principals'],
): CompiledPrincipal {
  const arns = new Set<string>();
  const accounts = new Set<string>();
  let anyone = p.anyone;
  for (const value of p.aws) {
    if (value === '*') anyone = true;
    else if (ACCOUNT_ID.test(value)) accounts.add(value);
    else {
      const root = ROOT_ARN.exec(value);
      if (root) accounts.add(root[1] as string);
      else arns.add(value);
    }
  }
  const written = p.anyone
    ? ['*']
    : [
        ...p.aws,
        ...p.service.map((s) => `Service:${s}`),
        ...p.federated.map((s) => `Federated:${s}`),
        ...p.canonicalUser.map((s) => `CanonicalUser:${s}`),
      ];
  return { negated, anyone, arns, accounts, written };
}
