/**
 * Condition blocks compiled and evaluated (IAM User Guide, "IAM JSON policy elements: Condition
 * operators", "Condition operator to check existence of condition keys", "Single-valued vs.
 * multivalued context keys"). Values are parsed once per operator family at compile time; a request
 * value is parsed once per test, then compared with each policy value (several values: OR).
 *
 * Missing keys: a positive operator is false, a negated one (StringNotEquals, NotIpAddress, ...) is
 * true, ...IfExists is true, ForAllValues is true and ForAnyValue is false ("If the key that you
 * specify in a policy condition is not present in the request context, the values do not match and
 * the condition is false. If the policy condition requires that the key is not matched, such as
 * StringNotLike or ArnNotLike, and the right key is not present, the condition is true").
 */
import type { ConditionContext } from './evaluate-types.js';
import { compileWildcard, matchStatic, type StaticPattern } from './patterns.js';
import type { ConditionOperator, ConditionTest } from './types.js';
import { mapLiterals, parseTemplate, resolvePattern, resolvePlain, type Template } from './variables.js';
import { wildcardMatch } from './wildcard.js';

/** How a Numeric/Date operator compares the request value r with a policy value p. */
const Compare = { Eq: 0, Lt: 1, Le: 2, Gt: 3, Ge: 4 } as const;
type Compare = (typeof Compare)[keyof typeof Compare];

const COMPARE_BY_SUFFIX: Readonly<Record<string, Compare>> = {
  Equals: Compare.Eq,
  NotEquals: Compare.Eq,
  LessThan: Compare.Lt,
  LessThanEquals: Compare.Le,
  GreaterThan: Compare.Gt,
  GreaterThanEquals: Compare.Ge,
};

/** One policy value, pre-parsed for its family; one shape for every family. */
export interface CompiledValue {
  readonly raw: string;
  /** Present when the value holds policy variables: it is resolved per request. */
  readonly template: Template | undefined;
  /** String (lowercased for IgnoreCase), Bool (lowercased), Binary (decoded bytes as latin1), Null. */
  readonly text: string;
  /** Numeric: the number; Date: epoch milliseconds; NaN when the value does not parse. */
  readonly number: number;
  /** StringLike. */
  readonly pattern: StaticPattern | undefined;
  /** Arn*: the six components, or undefined when the value is not an ARN (whole-value match). */
  readonly arn: readonly StaticPattern[] | undefined;
  /** IpAddress. */
  readonly cidr: Cidr | undefined;
}

export interface CompiledCondition {
  /** Condition key lowercased, as the request context holds it. */
  readonly key: string;
  /** As written, for explanations. */
  readonly keyAsWritten: string;
  readonly operator: ConditionOperator;
  readonly compare: Compare;
  readonly values: readonly CompiledValue[];
}

export function compileCondition(test: ConditionTest, variables: boolean): CompiledCondition {
  const op = test.operator;
  const suffix = op.family === 'Numeric' || op.family === 'Date' ? op.base.slice(op.family.length) : 'Equals';
  return {
    key: test.key.toLowerCase(),
    keyAsWritten: test.key,
    operator: op,
    compare: COMPARE_BY_SUFFIX[suffix] ?? Compare.Eq,
    values: test.values.map((raw) => compileValue(op, raw, variables ? parseTemplate(raw) : undefined)),
  };
}

function compileValue(op: ConditionOperator, raw: string, template: Template | undefined): CompiledValue {
  const text = op.ignoreCase || op.family === 'Bool' || op.family === 'Null' ? raw.toLowerCase() : raw;
  return {
    raw,
    template,
    text: op.family === 'Binary' ? decodeBase64(raw) : text,
    number: op.family === 'Numeric' ? parseNumber(raw) : op.family === 'Date' ? parseDate(raw) : NaN,
    pattern: op.family === 'String' && op.wildcards ? compileWildcard(raw) : undefined,
    arn: op.family === 'Arn' ? compileArn(raw) : undefined,
    cidr: op.family === 'IpAddress' ? parseCidr(raw) : undefined,
  };
}

/** Evaluates one key test against the request. */
export function evaluateCondition(c: CompiledCondition, context: ConditionContext): boolean {
  const op = c.operator;
  const value = context.get(c.key);
  if (op.family === 'Null') {
    const absent = value === undefined || (typeof value !== 'string' && value.length === 0);
    const wanted = absent ? 'true' : 'false';
    for (const v of c.values) if (v.text === wanted) return true;
    return false;
  }
  if (value === undefined) {
    if (op.ifExists) return true;
    if (op.setOperator === 'ForAllValues') return true;
    if (op.setOperator === 'ForAnyValue') return false;
    return op.negated;
  }
  if (typeof value === 'string') return matchesAny(c, value, context) !== op.negated;
  if (op.setOperator === 'ForAllValues') {
    for (const r of value) if (matchesAny(c, r, context) === op.negated) return false;
    return true;
  }
  if (op.setOperator === 'ForAnyValue') {
    for (const r of value) if (matchesAny(c, r, context) !== op.negated) return true;
    return false;
  }
  // A single-valued operator on a multivalued key: true when any request value matches (negated:
  // when none does). IAM recommends a set operator here; see docs/policy-evaluation.md.
  let any = false;
  for (const r of value) {
    if (matchesAny(c, r, context)) {
      any = true;
      break;
    }
  }
  return any !== op.negated;
}

/** True when request value `r` matches any policy value under the operator's positive form. */
export function matchesAny(c: CompiledCondition, r: string, context: ConditionContext): boolean {
  const op = c.operator;
  switch (op.family) {
    case 'String': {
      const req = op.ignoreCase ? r.toLowerCase() : r;
      for (const v of c.values) {
        if (v.template !== undefined) {
          if (matchTemplatedString(op, v.template, req, context)) return true;
        } else if (v.pattern !== undefined ? matchStatic(v.pattern, req) : v.text === req) {
          return true;
        }
      }
      return false;
    }
    case 'Numeric':
    case 'Date': {
      const n = op.family === 'Numeric' ? parseNumber(r) : parseDate(r);
      if (Number.isNaN(n)) return false;
      for (const v of c.values) {
        const p = v.template !== undefined ? resolveNumber(op, v.template, context) : v.number;
        if (!Number.isNaN(p) && compare(c.compare, n, p)) return true;
      }
      return false;
    }
    case 'Bool': {
      const req = r.toLowerCase();
      for (const v of c.values) {
        const p = v.template !== undefined ? resolvePlain(v.template, context)?.toLowerCase() : v.text;
        if (p === req) return true;
      }
      return false;
    }
    case 'Binary': {
      const req = decodeBase64(r);
      for (const v of c.values) {
        const p = v.template !== undefined ? decodeBase64(resolvePlain(v.template, context) ?? '') : v.text;
        if (p.length > 0 && p === req) return true;
      }
      return false;
    }
    case 'IpAddress': {
      // IPv4 without allocation (the usual aws:SourceIp); anything else through parseCidr.
      const v4 = parseIpv4Word(r);
      const ip = v4 >= 0 ? ipv4Address(v4) : parseCidr(r);
      if (ip === undefined || ip.explicitPrefix) return false;
      for (const v of c.values) {
        const resolved = v.template !== undefined ? resolvePlain(v.template, context) : undefined;
        const cidr = v.template !== undefined ? (resolved === undefined ? undefined : parseCidr(resolved)) : v.cidr;
        if (cidr !== undefined && inCidr(cidr, ip)) return true;
      }
      return false;
    }
    case 'Arn': {
      for (const v of c.values) {
        if (v.template !== undefined) {
          const t = resolvePattern(v.template, context);
          if (t === undefined) continue;
          const req = t.mapped ? mapLiterals(r) : r;
          if (matchArnPattern(compileArn(t.pattern), t.pattern, req)) return true;
        } else if (matchArnPattern(v.arn, v.raw, r)) {
          return true;
        }
      }
      return false;
    }
    default:
      return false;
  }
}

function matchTemplatedString(op: ConditionOperator, t: Template, req: string, context: ConditionContext): boolean {
  if (!op.wildcards) {
    const p = resolvePlain(t, context);
    if (p === undefined) return false;
    return (op.ignoreCase ? p.toLowerCase() : p) === req;
  }
  const resolved = resolvePattern(t, context);
  if (resolved === undefined) return false;
  return wildcardMatch(resolved.pattern, resolved.mapped ? mapLiterals(req) : req);
}

function resolveNumber(op: ConditionOperator, t: Template, context: ConditionContext): number {
  const text = resolvePlain(t, context);
  if (text === undefined) return NaN;
  return op.family === 'Numeric' ? parseNumber(text) : parseDate(text);
}

function compare(how: Compare, r: number, p: number): boolean {
  switch (how) {
    case Compare.Eq:
      return r === p;
    case Compare.Lt:
      return r < p;
    case Compare.Le:
      return r <= p;
    case Compare.Gt:
      return r > p;
    default:
      return r >= p;
  }
}

// ---- Numbers and dates ----

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A decimal number as IAM's Numeric operators take it (integers and decimals); NaN otherwise. */
export function parseNumber(text: string): number {
  return DECIMAL.test(text) ? Number(text) : NaN;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;
const EPOCH = /^\d{1,12}(?:\.\d+)?$/;

/**
 * A Date operator's value: ISO 8601 (date, or date and time with an optional zone; no zone is UTC)
 * or epoch seconds (aws:EpochTime). Epoch milliseconds; NaN when neither.
 */
export function parseDate(text: string): number {
  if (EPOCH.test(text)) return Number(text) * 1000;
  const m = ISO_DATE.exec(text);
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 60) return NaN;
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  let offset = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    const h = Number(digits.slice(1, 3));
    const mm = Number(digits.slice(3, 5));
    if (h > 23 || mm > 59) return NaN;
    offset = sign * (h * 60 + mm) * 60_000;
  }
  return Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) + fraction - offset;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---- Binary ----

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decoded bytes as a latin1 string ('' when not base64), so equal bytes are equal strings. */
function decodeBase64(text: string): string {
  if (text.length === 0 || !BASE64.test(text)) return '';
  return Buffer.from(text, 'base64').toString('latin1');
}

// ---- ARNs ----

/**
 * The six components of an ARN pattern, each its own wildcard pattern; undefined for a value
 * without any colon ("*"), which is matched whole; a value with some but not six components is an
 * ARN that matches nothing (empty list).
 */
function compileArn(text: string): StaticPattern[] | undefined {
  const parts = splitArn(text);
  if (parts === undefined) return text.includes(':') ? [] : undefined;
  return parts.map(compileWildcard);
}

/** arn:partition:service:region:account:resource; the resource may hold more colons. */
function splitArn(text: string): string[] | undefined {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const at = text.indexOf(':', from);
    if (at < 0) return undefined;
    parts.push(text.slice(from, at));
    from = at + 1;
  }
  parts.push(text.slice(from));
  return parts;
}

/**
 * ArnEquals/ArnLike: "Each of the six colon-delimited components of the ARN is checked separately
 * and each can include multi-character match wildcards (*) or single-character match wildcards (?)".
 * A policy value without colons (e.g. "*") is matched against the whole value.
 */
function matchArnPattern(arn: readonly StaticPattern[] | undefined, raw: string, value: string): boolean {
  if (arn === undefined) return wildcardMatch(raw, value);
  if (arn.length === 0) return false;
  const parts = splitArn(value);
  if (parts === undefined) return false;
  for (let i = 0; i < 6; i++) if (!matchStatic(arn[i] as StaticPattern, parts[i] as string)) return false;
  return true;
}

// ---- IP addresses ----

export interface Cidr {
  readonly v6: boolean;
  /** Four 32-bit words, most significant first; an IPv4 address uses word 0 only. */
  readonly words: readonly number[];
  readonly prefix: number;
  /** The text had a /prefix. */
  readonly explicitPrefix: boolean;
}

/** "203.0.113.0/24", "203.0.113.7", "2001:db8::/32", "2001:DB8::1"; undefined when not an address. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const v6 = address.includes(':');
  const max = v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  const words = v6 ? parseIpv6(address) : parseIpv4(address);
  if (words === undefined) return undefined;
  return { v6, words, prefix, explicitPrefix: slash >= 0 };
}

/** A dotted-quad IPv4 address as a 32-bit number, or -1. */
function parseIpv4Word(text: string): number {
  let word = 0;
  let octet = -1;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return -1;
      octet = (octet < 0 ? 0 : octet * 10) + (c - 0x30);
    } else if (c === 0x2e && octet >= 0 && dots < 3) {
      if (octet > 255) return -1;
      word = word * 256 + octet;
      octet = -1;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || octet < 0 || octet > 255) return -1;
  return word * 256 + octet;
}

/** One reusable request address: callers compare and drop it before the next parse. */
const scratchWords = [0, 0, 0, 0];
const scratchAddress: Cidr = { v6: false, words: scratchWords, prefix: 32, explicitPrefix: false };
function ipv4Address(word: number): Cidr {
  scratchWords[0] = word;
  return scratchAddress;
}

function parseIpv4(text: string): number[] | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  let word = 0;
  for (const o of octets) {
    if (!/^\d{1,3}$/.test(o)) return undefined;
    const n = Number(o);
    if (n > 255) return undefined;
    word = word * 256 + n;
  }
  return [word, 0, 0, 0];
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const items = s.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as string;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (v4 === undefined) return undefined;
        out.push(Math.floor((v4[0] as number) / 65536), (v4[0] as number) % 65536);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(item)) return undefined;
        out.push(parseInt(item, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push((all[i] as number) * 65536 + (all[i + 1] as number));
  return words;
}

function inCidr(cidr: Cidr, ip: Cidr): boolean {
  if (cidr.v6 !== ip.v6) return false;
  let bits = cidr.prefix;
  for (let w = 0; w < 4 && bits > 0; w++) {
    const take = Math.min(bits, 32);
    const shift = 32 - take;
    // Compare the top `take` bits of the word (numbers, not int32, so no sign trouble).
    const a = Math.floor((cidr.words[w] as number) / 2 ** shift);
    const b = Math.floor((ip.words[w] as number) / 2 ** shift);
    if (a !== b) return false;
    bits -= take;
  }
  return true;
}
