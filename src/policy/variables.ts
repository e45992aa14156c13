/**
 * Policy variables (IAM User Guide, "IAM policy elements: Variables and tags"): `${key}` in
 * Resource and condition values is replaced by the request's value for that condition key, in
 * policies with Version 2012-10-17 only (earlier versions keep the text literally). `${*}`, `${?}`
 * and `${$}` stand for the literal characters; `${key, 'default'}` gives a value for a missing key.
 * A variable whose key is missing (and has no default) makes that policy value match nothing, as
 * IAM does.
 *
 * Substituted text is literal, never a wildcard: a `*` that comes from `${*}` or from a tag value
 * matches only a `*`. Because wildcardMatch knows no escape, the literal `*`/`?` are swapped with
 * two private-use code units on both sides of the match (a bijection on code units, so the answer
 * is the same as a matcher with escapes); a substituted value that itself holds those private-use
 * characters matches nothing.
 */
import type { ConditionContext } from './evaluate-types.js';

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'var'; readonly key: string; readonly name: string; readonly fallback?: string | undefined };

export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
}

/** The key of a variable: vendor:name, tag keys may hold / . - _ + = @ : and spaces. */
const VARIABLE_KEY = /^[A-Za-z0-9-]+:[A-Za-z0-9_+=,.@:/ -]+$/;
const DEFAULT_VALUE = /^'([^']*)'$/;

const STAR_STANDIN = '\uE02A';
const ANY_STANDIN = '\uE03F';

/** The variables of a policy value; undefined when it has none (the common case). */
export function parseTemplate(text: string): Template | undefined {
  if (!text.includes('${')) return undefined;
  const parts: TemplatePart[] = [];
  let literal = '';
  let found = false;
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) break;
    const end = text.indexOf('}', start + 2);
    if (end < 0) break;
    const part = readVariable(text.slice(start + 2, end));
    if (part === undefined) {
      literal += text.slice(i, start + 2);
      i = start + 2;
      continue;
    }
    literal += text.slice(i, start);
    if (literal) parts.push({ kind: 'text', text: literal });
    literal = '';
    parts.push(part);
    found = true;
    i = end + 1;
  }
  literal += text.slice(i);
  if (!found) return undefined;
  if (literal) parts.push({ kind: 'text', text: literal });
  return { source: text, parts };
}

function readVariable(inner: string): TemplatePart | undefined {
  if (inner === '*' || inner === '?' || inner === '$') return { kind: 'literal', text: inner };
  const comma = inner.indexOf(',');
  const name = (comma < 0 ? inner : inner.slice(0, comma)).trim();
  if (!VARIABLE_KEY.test(name)) return undefined;
  if (comma < 0) return { kind: 'var', key: name.toLowerCase(), name };
  const fallback = DEFAULT_VALUE.exec(inner.slice(comma + 1).trim());
  if (!fallback) return undefined;
  return { kind: 'var', key: name.toLowerCase(), name, fallback: fallback[1] };
}

/** The request's value of a variable, or undefined when it has none (multi-valued keys have none). */
function valueOf(part: TemplatePart & { kind: 'var' }, context: ConditionContext): string | undefined {
  const value = context.get(part.key);
  if (typeof value === 'string') return value;
  return part.fallback;
}

/** Replaces the variables by their values, every part literal (StringEquals, Numeric*, ...). */
export function resolvePlain(t: Template, context: ConditionContext): string | undefined {
  let out = '';
  for (const part of t.parts) {
    if (part.kind === 'var') {
      const v = valueOf(part, context);
      if (v === undefined) return undefined;
      out += v;
    } else {
      out += part.text;
    }
  }
  return out;
}

/** A wildcard pattern after substitution; `mapped` when the value must go through mapLiterals. */
export interface ResolvedPattern {
  pattern: string;
  mapped: boolean;
}

/**
 * Replaces the variables of a wildcard pattern (Resource, StringLike, ArnLike): the policy's own text
 * keeps its wildcards, substituted text is literal.
 */
export function resolvePattern(t: Template, context: ConditionContext): ResolvedPattern | undefined {
  let mapped = false;
  for (const part of t.parts) {
    if (part.kind === 'text') continue;
    const v = part.kind === 'var' ? valueOf(part, context) : part.text;
    if (v === undefined) return undefined;
    if (v.includes('*') || v.includes('?')) mapped = true;
  }
  let pattern = '';
  for (const part of t.parts) {
    if (part.kind === 'text') {
      if (mapped && hasStandIn(part.text)) return undefined;
      pattern += part.text;
      continue;
    }
    const v = (part.kind === 'var' ? valueOf(part, context) : part.text) as string;
    if (!mapped) {
      pattern += v;
      continue;
    }
    if (hasStandIn(v)) return undefined;
    pattern += mapLiterals(v);
  }
  return { pattern, mapped };
}

function hasStandIn(text: string): boolean {
  return text.includes(STAR_STANDIN) || text.includes(ANY_STANDIN);
}

/** Swaps `*`/`?` with their stand-ins and back; applied to a request value when a pattern is mapped. */
export function mapLiterals(text: string): string {
  if (!text.includes('*') && !text.includes('?') && !hasStandIn(text)) return text;
  let out = '';
  for (const c of text) {
    out += c === '*' ? STAR_STANDIN : c === '?' ? ANY_STANDIN : c === STAR_STANDIN ? '*' : c === ANY_STANDIN ? '?' : c;
  }
  return out;
}
