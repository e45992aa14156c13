import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowsUnconditionally } from './lockout.js';
import { validateKeyPolicy } from './parse.js';
import { wildcardMatch, type WorkMeter } from './wildcard.js';

/** The obvious definition, by dynamic programming over (pattern, value) prefixes: the oracle. */
function reference(pattern: string, value: string): boolean {
  let row = new Array<boolean>(value.length + 1).fill(false);
  row[0] = true;
  for (const c of pattern) {
    const next = new Array<boolean>(value.length + 1).fill(false);
    if (c === '*') {
      let seen = false;
      for (let j = 0; j <= value.length; j++) next[j] = seen ||= row[j] === true;
    } else {
      for (let j = 1; j <= value.length; j++) next[j] = row[j - 1] === true && (c === '?' || c === value[j - 1]);
    }
    row = next;
  }
  return row[value.length] === true;
}

/** The bound the module promises: linear, times ⌈s/32⌉ for its longest segment s holding a `?`. */
function workBound(pattern: string, value: string): number {
  const longestWithAny = Math.max(0, ...pattern.split('*').map((s) => (s.includes('?') ? s.length : 0)));
  return 6 * (pattern.length + value.length + 1) * Math.max(1, Math.ceil(longestWithAny / 32));
}

const small = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 12 });
const smallValue = fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 16 });

describe('wildcardMatch', () => {
  it('agrees with the definition on every small pattern and value', () => {
    fc.assert(
      fc.property(small, smallValue, (pattern, value) => {
        expect(wildcardMatch(pattern, value)).toBe(reference(pattern, value));
      }),
      { numRuns: 20_000, seed: 15 },
    );
  });

  it('agrees with the definition on patterns built from pieces of the value', () => {
    const arb = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 60 }).chain((value) =>
      fc
        .array(fc.tuple(fc.nat(value.length), fc.nat(8), fc.constantFrom('*', '?', '*?', '?*', '')), { maxLength: 8 })
        .map((pieces) => ({
          value,
          pattern: pieces.map(([at, len, glue]) => value.slice(at, at + len) + glue).join(''),
        })),
    );
    fc.assert(
      fc.property(arb, ({ pattern, value }) => {
        expect(wildcardMatch(pattern, value)).toBe(reference(pattern, value));
      }),
      { numRuns: 5_000, seed: 16 },
    );
  });

  it('handles the IAM cases: anchors, case folding, multi-character runs', () => {
    expect(wildcardMatch('kms:*', 'kms:PutKeyPolicy')).toBe(true);
    expect(wildcardMatch('kms:put*', 'kms:PutKeyPolicy')).toBe(false);
    expect(wildcardMatch('kms:put*', 'kms:PutKeyPolicy', true)).toBe(true);
    expect(wildcardMatch('kms:?utKeyPolicy', 'kms:PutKeyPolicy')).toBe(true);
    expect(wildcardMatch('kms:Put?', 'kms:PutKeyPolicy')).toBe(false);
    expect(wildcardMatch('*Key*Policy', 'kms:PutKeyPolicy')).toBe(true);
    expect(wildcardMatch('*', '')).toBe(true);
    expect(wildcardMatch('?', '')).toBe(false);
    expect(wildcardMatch('a*a', 'a')).toBe(false);
    expect(wildcardMatch('arn:aws:kms:*:111122223333:key/*', 'arn:aws:kms:us-east-1:111122223333:key/k')).toBe(true);
    expect(wildcardMatch('arn:aws:kms:*:111122223333:key/*', 'arn:aws-cn:kms:cn-north-1:111122223333:key/k')).toBe(
      false,
    );
  });

  it('does work bounded by the length of its inputs, whatever the pattern', () => {
    // Adversarial shapes: long star runs, star-separated near misses, ? runs around stars, long
    // `?` segments, all against values that almost match.
    const unit = fc.constantFrom('a', 'a', 'a', 'b', '*', '*', '?');
    const pattern = fc.oneof(
      fc.string({ unit, maxLength: 400 }),
      fc.tuple(fc.nat(40), fc.nat(40)).map(([stars, tail]) => `kms:${'*'.repeat(stars)}${'a'.repeat(tail)}X`),
      fc.nat(60).map((k) => `${'*a'.repeat(k)}b`),
      fc.nat(60).map((k) => `*${'a?'.repeat(k)}b*`),
    );
    const value = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 2000 }),
      fc.nat(2000).map((n) => `kms:${'a'.repeat(n)}`),
    );
    fc.assert(
      fc.property(pattern, value, fc.boolean(), (p, v, ignoreCase) => {
        const meter: WorkMeter = { steps: 0 };
        wildcardMatch(p, v, ignoreCase, meter);
        expect(meter.steps).toBeLessThanOrEqual(workBound(p, v));
      }),
      { numRuns: 3_000, seed: 17 },
    );
  });

  it('matches the issue 15 pattern against a 1 MB value within a linear bound', () => {
    const meter: WorkMeter = { steps: 0 };
    const value = `kms:${'a'.repeat(1024 * 1024)}`;
    expect(wildcardMatch(`kms:${'*'.repeat(30)}X`, value, true, meter)).toBe(false);
    expect(wildcardMatch(`kms:*${'a*'.repeat(5000)}X`, value, true, meter)).toBe(false);
    expect(meter.steps).toBeLessThan(10 * (value.length + 20_000));
  });
});

describe('the lockout check on adversarial policies', () => {
  it('decides a policy of 32 KB of wildcards without backtracking', () => {
    const statement = (action: string) => ({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: action,
      Resource: '*',
    });
    const actions = [`kms:${'*'.repeat(30)}X`, `kms:${'*?'.repeat(200)}X`, `kms:*${'*a'.repeat(300)}`];
    const statements = [];
    while (JSON.stringify(statements).length < 30_000) {
      statements.push(statement(actions[statements.length % actions.length] as string));
    }
    const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    const checked = validateKeyPolicy(text);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const caller = { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root' };
    // Before the fix, the first of these statements alone kept the event loop for minutes.
    expect(allowsUnconditionally(checked.document, caller, 'kms:PutKeyPolicy')).toBe(false);
  });
});
