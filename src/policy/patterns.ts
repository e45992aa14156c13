/**
 * Wildcard patterns compiled once (Action, Resource, StringLike, ArnLike). The common shapes are
 * answered without a general match: an exact string, `*` alone, a single trailing `*`
 * ("kms:*", "arn:aws:kms:us-east-1:111122223333:key/*") or a single leading `*`. Everything else
 * goes to wildcardMatch (wildcard.ts), the linear matcher; no RegExp is ever built from a pattern.
 *
 * A general pattern remembers its last answer: an authorization cache serves the same key ARN to
 * the same compiled statements over and over, so this saves the general match on the hot path
 * without allocating. It is a pure function's memo, so it cannot change an answer.
 */
import { wildcardMatch } from './wildcard.js';

const ANY = 0;
const EXACT = 1;
const PREFIX = 2;
const SUFFIX = 3;
const GENERAL = 4;

export type PatternKind = typeof ANY | typeof EXACT | typeof PREFIX | typeof SUFFIX | typeof GENERAL;

export interface StaticPattern {
  readonly kind: PatternKind;
  /** The pattern as compiled (lowercased for actions). */
  readonly text: string;
  /** Exact: the text; Prefix/Suffix: the text without its `*`. */
  readonly literal: string;
  /** General patterns: the last value matched and its answer. */
  lastValue: string | undefined;
  lastResult: boolean;
}

export function compileWildcard(text: string): StaticPattern {
  const stars = countOf(text, 0x2a);
  const hasAny = text.includes('?');
  const make = (kind: PatternKind, literal: string): StaticPattern => ({
    kind,
    text,
    literal,
    lastValue: undefined,
    lastResult: false,
  });
  if (stars === 0 && !hasAny) return make(EXACT, text);
  if (stars === text.length) return make(ANY, '');
  if (!hasAny && stars === 1 && text.endsWith('*')) return make(PREFIX, text.slice(0, -1));
  if (!hasAny && stars === 1 && text.startsWith('*')) return make(SUFFIX, text.slice(1));
  return make(GENERAL, '');
}

export function matchStatic(p: StaticPattern, value: string): boolean {
  switch (p.kind) {
    case EXACT:
      return value === p.literal;
    case ANY:
      return true;
    case PREFIX:
      return value.startsWith(p.literal);
    case SUFFIX:
      return value.endsWith(p.literal);
    default: {
      if (p.lastValue === value) return p.lastResult;
      const result = wildcardMatch(p.text, value);
      p.lastValue = value;
      p.lastResult = result;
      return result;
    }
  }
}

function countOf(text: string, code: number): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === code) n++;
  return n;
}
