/**
 * A strict JSON reader for policy documents (RFC 8259). Unlike JSON.parse it rejects duplicate
 * member names, which IAM-style parsers disagree about (first wins, last wins, or error): a policy
 * that means one thing to the validator and another to the evaluator is a security bug. Numbers keep
 * their source text, because IAM compares condition values as the strings that were written.
 */

export interface JsonNumber {
  readonly kind: 'number';
  /** The number exactly as written, e.g. "1.0" or "300". */
  readonly raw: string;
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** Members in document order; names are unique. */
export interface JsonObject {
  readonly kind: 'object';
  readonly members: ReadonlyMap<string, JsonValue>;
}

export type JsonResult =
  { ok: true; value: JsonValue } | { ok: false; reason: 'syntax' } | { ok: false; reason: 'duplicate'; name: string };

export const isJsonObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'object';

export const isJsonNumber = (v: JsonValue | undefined): v is JsonNumber =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'number';

class DuplicateName {
  constructor(readonly name: string) {}
}
class SyntaxFault {}

/** Nesting beyond this is refused rather than risking the stack; real policies nest 4 deep. */
const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export function parseJson(text: string): JsonResult {
  let pos = 0;

  const fail = (): never => {
    throw new SyntaxFault();
  };
  const skipWhitespace = (): void => {
    while (pos < text.length) {
      const c = text[pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') pos++;
      else break;
    }
  };
  const expect = (literal: string): void => {
    if (!text.startsWith(literal, pos)) fail();
    pos += literal.length;
  };

  const readString = (): string => {
    expect('"');
    let out = '';
    for (;;) {
      if (pos >= text.length) fail();
      const c = text[pos++] as string;
      if (c === '"') return out;
      if (c < ' ') fail(); // raw control characters must be escaped
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[pos++];
      if (e === undefined) return fail();
      if (e === 'u') {
        const hex = text.slice(pos, pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 4;
      } else {
        const decoded = ESCAPES[e];
        if (decoded === undefined) fail();
        out += decoded;
      }
    }
  };

  const readValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail();
    skipWhitespace();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const members = new Map<string, JsonValue>();
      skipWhitespace();
      if (text[pos] === '}') {
        pos++;
        return { kind: 'object', members };
      }
      for (;;) {
        skipWhitespace();
        const name = readString();
        if (members.has(name)) throw new DuplicateName(name);
        skipWhitespace();
        expect(':');
        members.set(name, readValue(depth + 1));
        skipWhitespace();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') {
          pos++;
          return { kind: 'object', members };
        } else fail();
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonValue[] = [];
      skipWhitespace();
      if (text[pos] === ']') {
        pos++;
        return items;
      }
      for (;;) {
        items.push(readValue(depth + 1));
        skipWhitespace();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return items;
        } else fail();
      }
    }
    if (c === '"') return readString();
    if (text.startsWith('true', pos)) return ((pos += 4), true);
    if (text.startsWith('false', pos)) return ((pos += 5), false);
    if (text.startsWith('null', pos)) return ((pos += 4), null);
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m === null) return fail();
    pos += m[0].length;
    return { kind: 'number', raw: m[0] };
  };

  try {
    const value = readValue(0);
    skipWhitespace();
    if (pos !== text.length) fail();
    return { ok: true, value };
  } catch (e) {
    if (e instanceof DuplicateName) return { ok: false, reason: 'duplicate', name: e.name };
    if (e instanceof SyntaxFault) return { ok: false, reason: 'syntax' };
    throw e;
  }
}
