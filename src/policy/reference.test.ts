/**
 * Property test: the evaluator against a deliberately simple reference evaluator written here
 * (naive recursive wildcard matcher, plain loops, String/Numeric/Bool conditions only), on generated
 * policies and requests. Deterministic seed.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compilePolicy } from './compile.js';
import { evaluateAccess } from './evaluate.js';
import type { ConditionValue, Decision, EvaluationMode, PrincipalFacts } from './evaluate-types.js';
import { A, ALICE, B, BOB, CAROL_B, KEY_A, KEY_B, ROOT_B, alice, carolB, rootA, rootB } from './testing/fixtures.js';

// ---- The reference ----

/** Naive recursive glob: `*` any run, `?` one character. Exponential in the worst case; fine here. */
function glob(p: string, v: string): boolean {
  if (p.length === 0) return v.length === 0;
  if (p[0] === '*') return glob(p.slice(1), v) || (v.length > 0 && glob(p, v.slice(1)));
  if (v.length === 0) return false;
  return (p[0] === '?' || p[0] === v[0]) && glob(p.slice(1), v.slice(1));
}

interface RefCondition {
  op: string;
  key: string;
  values: string[];
}
interface RefStatement {
  effect: 'Allow' | 'Deny';
  principal?: string[];
  notAction: boolean;
  actions: string[];
  notResource: boolean;
  resources: string[];
  conditions: RefCondition[];
}

function refCondition(c: RefCondition, ctx: Record<string, string>): boolean {
  let op = c.op;
  const ifExists = op.endsWith('IfExists');
  if (ifExists) op = op.slice(0, -'IfExists'.length);
  const negated = op.includes('Not');
  const value = ctx[c.key.toLowerCase()];
  if (value === undefined) return ifExists || negated;
  let any = false;
  for (const p of c.values) {
    let m = false;
    if (op === 'StringEquals' || op === 'StringNotEquals') m = p === value;
    else if (op === 'StringEqualsIgnoreCase') m = p.toLowerCase() === value.toLowerCase();
    else if (op === 'StringLike' || op === 'StringNotLike') m = glob(p, value);
    else if (op === 'NumericEquals') m = Number(p) === Number(value);
    else if (op === 'NumericLessThan') m = Number(value) < Number(p);
    else if (op === 'NumericGreaterThanEquals') m = Number(value) >= Number(p);
    else if (op === 'Bool') m = p.toLowerCase() === value.toLowerCase();
    if (m) any = true;
  }
  return negated ? !any : any;
}

/** 0: does not apply; 1: applies via the account; 2: applies to the caller itself. */
function refApplies(
  s: RefStatement,
  action: string,
  resource: string,
  who: PrincipalFacts,
  ctx: Record<string, string>,
  asResource: boolean,
): number {
  let a = false;
  for (const p of s.actions) if (glob(p.toLowerCase(), action.toLowerCase())) a = true;
  if (a === s.notAction) return 0;
  let r = false;
  for (const p of s.resources) if (glob(p, resource)) r = true;
  if (r === s.notResource) return 0;
  let how = 2;
  if (asResource) {
    const ps = s.principal ?? [];
    const root = `arn:aws:iam::${who.accountId}:root`;
    if (ps.includes('*') || ps.some((p) => who.arns.includes(p) && p !== root)) how = 2;
    else if (ps.includes(root) || ps.includes(who.accountId)) how = 1;
    else return 0;
  }
  for (const c of s.conditions) if (!refCondition(c, ctx)) return 0;
  return how;
}

function refEvaluate(
  keyPolicy: RefStatement[] | undefined,
  identity: RefStatement[][],
  boundary: RefStatement[] | undefined,
  action: string,
  resource: string,
  who: PrincipalFacts,
  ctx: Record<string, string>,
  mode: EvaluationMode,
): string {
  const applies = (s: RefStatement, asResource: boolean): number =>
    refApplies(s, action, resource, who, ctx, asResource);
  if (keyPolicy?.some((s) => s.effect === 'Deny' && applies(s, true) > 0)) return 'XD:rbp';
  for (const p of identity) if (p.some((s) => s.effect === 'Deny' && applies(s, false) > 0)) return 'XD:ibp';
  if (boundary?.some((s) => s.effect === 'Deny' && applies(s, false) > 0)) return 'XD:pb';
  const identityChain = (): string => {
    if (!identity.some((p) => p.some((s) => s.effect === 'Allow' && applies(s, false) > 0))) return 'ID:ibp';
    if (boundary && !boundary.some((s) => s.effect === 'Allow' && applies(s, false) > 0)) return 'ID:pb';
    return 'Allow';
  };
  const sameAccount = who.accountId === A;
  if (mode === 'identity-only') return who.isRoot && sameAccount ? 'Allow' : identityChain();
  let best = 0;
  for (const s of keyPolicy ?? []) if (s.effect === 'Allow') best = Math.max(best, applies(s, true));
  if (best === 0) return 'ID:rbp';
  if (who.isRoot) return 'Allow';
  if (!sameAccount) return identityChain();
  return best === 2 ? 'Allow' : identityChain();
}

// ---- Generators ----

const actionPattern = fc.constantFrom(
  'kms:Encrypt',
  'kms:encrypt',
  'KMS:Decrypt',
  'kms:*',
  'kms:*crypt',
  'kms:?ncrypt',
  'kms:Generate*',
  '*',
  's3:*',
  'kms:Re*t',
);
const resourcePattern = fc.constantFrom(
  '*',
  KEY_A,
  KEY_B,
  `arn:aws:kms:*:${A}:key/*`,
  'arn:aws:kms:us-east-1:*:key/1234*',
  'arn:aws:kms:us-?ast-1:*:*',
  'arn:aws:kms:*:*:key/????????-*',
);
const principal = fc.constantFrom('*', ALICE, BOB, `arn:aws:iam::${A}:root`, A, CAROL_B, ROOT_B, B);
const conditionKey = fc.constantFrom('test:a', 'Test:B', 'test:n', 'test:flag');
const stringValue = fc.constantFrom('x', 'y', 'xy', 'X', 'x*', '?y', '*');
const condition: fc.Arbitrary<RefCondition> = fc.oneof(
  fc.record({
    op: fc.constantFrom(
      'StringEquals',
      'StringNotEquals',
      'StringEqualsIgnoreCase',
      'StringLike',
      'StringNotLike',
      'StringEqualsIfExists',
      'StringNotLikeIfExists',
    ),
    key: conditionKey,
    values: fc.array(stringValue, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    op: fc.constantFrom('NumericEquals', 'NumericLessThan', 'NumericGreaterThanEquals', 'NumericLessThanIfExists'),
    key: fc.constant('test:n'),
    values: fc.array(fc.integer({ min: -3, max: 3 }).map(String), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    op: fc.constantFrom('Bool', 'BoolIfExists'),
    key: fc.constant('test:flag'),
    values: fc.tuple(fc.constantFrom('true', 'false', 'TRUE')).map((v) => [...v]),
  }),
);
const statement = (withPrincipal: boolean): fc.Arbitrary<RefStatement> =>
  fc.record({
    effect: fc.constantFrom('Allow' as const, 'Allow' as const, 'Deny' as const),
    principal: withPrincipal ? fc.array(principal, { minLength: 1, maxLength: 2 }) : fc.constant(undefined),
    notAction: fc.boolean(),
    actions: fc.array(actionPattern, { minLength: 1, maxLength: 3 }),
    notResource: fc.boolean(),
    resources: fc.array(resourcePattern, { minLength: 1, maxLength: 2 }),
    conditions: fc.array(condition, { maxLength: 2 }),
  });

const context = fc.record(
  {
    'test:a': stringValue,
    'test:b': stringValue,
    'test:n': fc.integer({ min: -3, max: 3 }).map(String),
    'test:flag': fc.constantFrom('true', 'false', 'True'),
  },
  { requiredKeys: [] },
);

function toJson(statements: RefStatement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const out: Record<string, unknown> = { Effect: s.effect };
      if (s.principal) out.Principal = { AWS: s.principal };
      out[s.notAction ? 'NotAction' : 'Action'] = s.actions;
      out[s.notResource ? 'NotResource' : 'Resource'] = s.resources;
      if (s.conditions.length > 0) {
        const block: Record<string, Record<string, string[]>> = {};
        for (const c of s.conditions) {
          // One test per operator and key; a repeated pair would be a duplicate JSON member.
          block[c.op] ??= {};
          (block[c.op] as Record<string, string[]>)[c.key] ??= c.values;
        }
        out.Condition = block;
      }
      return out;
    }),
  });
}

/** The reference reads conditions as toJson wrote them (first test per operator and key wins). */
function dedupe(s: RefStatement): RefStatement {
  const seen = new Set<string>();
  return {
    ...s,
    conditions: s.conditions.filter((c) => !seen.has(`${c.op}|${c.key}`) && seen.add(`${c.op}|${c.key}`) !== undefined),
  };
}

function summary(d: Decision): string {
  if (d.decision === 'Allow') return 'Allow';
  const k = d.decision === 'ExplicitDeny' ? d.in : d.missing;
  const code = {
    'resource-based policy': 'rbp',
    'identity-based policy': 'ibp',
    'permissions boundary': 'pb',
    'session policy': 'sp',
  }[k];
  return `${d.decision === 'ExplicitDeny' ? 'XD' : 'ID'}:${code}`;
}

describe('evaluator agrees with the reference evaluator', () => {
  test('generated policies and requests', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.option(fc.array(statement(true), { minLength: 1, maxLength: 4 }), { nil: undefined }),
        fc.array(fc.array(statement(false), { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
        fc.option(fc.array(statement(false), { minLength: 1, maxLength: 3 }), { nil: undefined, freq: 3 }),
        fc.constantFrom('kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt', 's3:GetObject'),
        fc.constantFrom(KEY_A, KEY_B),
        fc.constantFrom(alice, rootA, carolB, rootB),
        context,
        fc.constantFrom<EvaluationMode>('kms-key', 'identity-only'),
        (keyPolicy, identity, boundaryStatements, action, resource, who, ctx, mode) => {
          const kp = keyPolicy?.map(dedupe);
          const ids = identity.map((p) => p.map(dedupe));
          // Root has no identity policies or boundary.
          const pb = who.isRoot ? undefined : boundaryStatements?.map(dedupe);
          if (who.isRoot) ids.length = 0;
          // Every request is against a resource of account A (KEY_B only exercises Resource patterns).
          const owner = A;
          const expected = refEvaluate(kp, ids, pb, action, resource, who, ctx as Record<string, string>, mode);
          const ctxMap = new Map<string, ConditionValue>(Object.entries(ctx));
          const decision = evaluateAccess(
            {
              resourcePolicy: kp && compilePolicy(toJson(kp), 'key policy'),
              identityPolicies: ids.map((p, i) => compilePolicy(toJson(p), `identity-${i}`)),
              permissionsBoundary: pb && compilePolicy(toJson(pb), 'boundary'),
            },
            { action, resource, resourceAccountId: owner, principal: who, context: ctxMap },
            mode,
          );
          expect(summary(decision)).toBe(expected);
          seen.set(expected, (seen.get(expected) ?? 0) + 1);
        },
      ),
      { numRuns: 6000, seed: 20261202 },
    );
    // The generators reach every outcome often enough for the comparison to mean something.
    for (const outcome of ['Allow', 'XD:rbp', 'XD:ibp', 'ID:rbp', 'ID:ibp', 'XD:pb', 'ID:pb']) {
      expect(seen.get(outcome) ?? 0).toBeGreaterThan(50);
    }
  });

  test('the wildcard fast paths agree with the naive matcher', () => {
    const chars = fc.constantFrom('a', 'b', '*', '?', ':');
    fc.assert(
      fc.property(
        fc.string({ unit: chars, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', ':'), maxLength: 8 }),
        (p, v) => {
          const policy = compilePolicy(
            JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: `arn:aws:kms:r:1:key/${p}` }],
            }),
          );
          const d = evaluateAccess(
            { identityPolicies: [policy] },
            { action: 'kms:Encrypt', resource: `arn:aws:kms:r:1:key/${v}`, principal: alice, context: new Map() },
            'identity-only',
          );
          expect(d.decision === 'Allow').toBe(glob(p, v));
        },
      ),
      { numRuns: 3000, seed: 7 },
    );
  });
});
