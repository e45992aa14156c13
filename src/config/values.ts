/**
 * The kinds of value a setting can hold, one row each: how a value is read from a flag's or a
 * variable's text and from a configuration file, and what a valid one is, in the words every error
 * message and the generated documentation use ("must be <allowed>").
 */
import { isAbsolute, resolve } from 'node:path';
import {
  PKCS11_PREFIX,
  formatClusterSpec,
  parseClusterSpec,
  parseRootKeySpec,
  type HsmClusterSpec,
} from '../keystore/index.js';
import { suggest } from './suggest.js';

/**
 * A value read, or why it is not one: `problem` is the whole message when "must be <allowed>" is
 * not enough; `entry` is the entry of a list (by index) or a map (by name) that is wrong.
 */
export type Parsed<T> =
  { ok: true; value: T } | { ok: false; problem?: string; entry?: { key: string; shown: string } };

export interface ValueType<T> {
  /** What the documentation calls the type. */
  readonly name: string;
  /** A valid value, completing "must be ...". */
  readonly allowed: string;
  /** A value read from a file, with relative paths taken from the file's directory `dir`. */
  relativeTo?(value: T, dir: string): T;
  /** Maps are merged entry by entry across sources; each entry keeps its own source. */
  readonly entries?: readonly string[];
  /** Repeated flags are joined with commas (or `separator`) before `fromText`. */
  readonly repeatable?: boolean;
  /** What joins repeated flags and separates items in a variable, when not a comma. */
  readonly separator?: string;
  /** From a flag's or an environment variable's text. */
  fromText(text: string): Parsed<T>;
  /** From a value of a parsed YAML or JSON file. */
  fromFile(value: unknown): Parsed<T>;
  /** As a file would hold it (for `trent config print`). */
  toFile(value: T): unknown;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(problem?: string): Parsed<T> => (problem !== undefined ? { ok: false, problem } : { ok: false });

/** Relative to `base` (the file's directory) unless absolute. */
export const pathFrom = (base: string, path: string): string => (isAbsolute(path) ? path : resolve(base, path));

function integer(min: number, max: number, allowed: string, name = 'integer'): ValueType<number> {
  const check = (n: number) => (Number.isSafeInteger(n) && n >= min && n <= max ? ok(n) : bad<number>());
  return {
    name,
    allowed,
    fromText: (text) => (/^-?\d+$/.test(text.trim()) ? check(Number(text.trim())) : bad()),
    fromFile: (value) => (typeof value === 'number' ? check(value) : bad()),
    toFile: (value) => value,
  };
}

export const portNumber = integer(0, 65535, 'a port number (0-65535)', 'port');
export const positiveInteger = integer(1, Number.MAX_SAFE_INTEGER, 'a positive integer');
export const nonNegativeInteger = integer(0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');

export const boolean: ValueType<boolean> = {
  name: 'boolean',
  allowed: 'true or false (in a variable also 1 or 0)',
  fromText: (text) => {
    const t = text.trim().toLowerCase();
    return t === 'true' || t === '1' ? ok(true) : t === 'false' || t === '0' ? ok(false) : bad();
  },
  fromFile: (value) => (typeof value === 'boolean' ? ok(value) : bad()),
  toFile: (value) => value,
};

/** A string matching `form`, which `allowed` describes. */
function text(allowed: string, form: RegExp = /\S/, name = 'string'): ValueType<string> {
  const check = (s: string) => (form.test(s) ? ok(s) : bad<string>());
  return {
    name,
    allowed,
    fromText: check,
    fromFile: (value) => (typeof value === 'string' ? check(value) : bad()),
    toFile: (value) => value,
  };
}

export const nonEmptyString = text('a non-empty string');

export const filePath: ValueType<string> = {
  ...text('a file or directory path', /\S/, 'path'),
  relativeTo: (value, dir) => pathFrom(dir, value),
};

export const accountId: ValueType<string> = {
  ...text('12 digits (quote it in a file, e.g. "111122223333")', /^\d{12}$/),
  // A YAML number keeps no leading zeros, so only a 12-digit number is taken as it is.
  fromFile: (value) =>
    typeof value === 'string' || typeof value === 'number'
      ? /^\d{12}$/.test(String(value))
        ? ok(String(value))
        : bad()
      : bad(),
};

/**
 * Key store specs (keystore/index.ts): `file:PATH`, or `pkcs11:MODULE:LABEL` for a root key inside
 * a PKCS#11 token; PATH and MODULE are taken from the file's directory.
 */
export const keyStoreSpec: ValueType<string> = {
  name: 'key store',
  allowed: 'file:PATH or pkcs11:<module-path>:<token-label>',
  fromText: (t) => checkKeyStoreSpec(t),
  fromFile: (value) => (typeof value === 'string' ? checkKeyStoreSpec(value) : bad()),
  toFile: (value) => value,
  relativeTo: (value, dir) => {
    if (value.startsWith('file:')) return `file:${pathFrom(dir, value.slice('file:'.length))}`;
    const parsed = parseRootKeySpec(value);
    return parsed.ok ? `${PKCS11_PREFIX}${pathFrom(dir, parsed.value.modulePath)}:${parsed.value.tokenLabel}` : value;
  },
};

function checkKeyStoreSpec(spec: string): Parsed<string> {
  if (/^file:\S/.test(spec)) return ok(spec);
  if (!spec.startsWith(PKCS11_PREFIX)) return bad();
  const parsed = parseRootKeySpec(spec);
  return parsed.ok ? ok(spec) : bad(`must be pkcs11:<module-path>:<token-label>: ${parsed.problem}`);
}

/**
 * `--hsm-cluster` (repeatable; `;` between clusters in a variable, a list in a file):
 * `<cluster-id>=<module-path>:<token-label>[,<token-label>...]:<trust-anchor-pem-path>`
 * (keystore/pkcs11/spec.ts). Cluster ids are unique, and no token is in two clusters.
 */
export const hsmClusterList: ValueType<HsmClusterSpec[]> = {
  name: 'list of HSM clusters',
  allowed:
    'each <cluster-id>=<module-path>:<token-label>[,<token-label>...]:<trust-anchor-pem-path>, the cluster id `cluster-` and 11 to 16 letters and digits 2 to 7',
  repeatable: true,
  separator: ';',
  fromText: (t) =>
    clusters(
      t
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  fromFile: (value) =>
    Array.isArray(value) ? clusters(value) : bad('must be a list of <cluster-id>=<module-path>:<labels>:<pem-path>'),
  toFile: (value) => value.map(formatClusterSpec),
  relativeTo: (value, dir) =>
    value.map((c) => ({
      ...c,
      modulePath: pathFrom(dir, c.modulePath),
      trustAnchorPath: pathFrom(dir, c.trustAnchorPath),
    })),
};

function clusters(items: unknown[]): Parsed<HsmClusterSpec[]> {
  const out: HsmClusterSpec[] = [];
  for (const [i, item] of items.entries()) {
    if (typeof item !== 'string') return { ok: false, problem: 'must be a text', entry: entry(String(i), item) };
    const parsed = parseClusterSpec(item);
    if (!parsed.ok) return { ok: false, problem: parsed.problem, entry: entry(String(i), item) };
    const c = parsed.value;
    if (out.some((o) => o.clusterId === c.clusterId)) {
      return { ok: false, problem: `cluster ${c.clusterId} is given twice`, entry: entry(String(i), item) };
    }
    const shared = out.find(
      (o) => o.modulePath === c.modulePath && o.tokenLabels.some((l) => c.tokenLabels.includes(l)),
    );
    if (shared) {
      return {
        ok: false,
        problem: `${c.clusterId} names a token of ${shared.clusterId}: an HSM belongs to one cluster`,
        entry: entry(String(i), item),
      };
    }
    out.push(c);
  }
  return ok(out);
}

export function oneOf<const V extends string>(values: readonly V[]): ValueType<V> {
  const allowed = `one of ${values.join(', ')}`;
  const check = (s: string): Parsed<V> => {
    const v = values.find((candidate) => candidate === s.trim());
    if (v !== undefined) return ok(v);
    const near = suggest(s, values);
    return bad(near ? `must be ${allowed} (did you mean ${near}?)` : undefined);
  };
  return {
    name: values.join(' | '),
    allowed,
    fromText: check,
    fromFile: (value) => (typeof value === 'string' ? check(value) : bad()),
    toFile: (value) => value,
  };
}

/** A list of `item`s: comma-separated in a variable or a flag (which may also repeat). */
export function listOf(item: ValueType<string>): ValueType<string[]> {
  const all = (items: unknown[]): Parsed<string[]> => {
    const values: string[] = [];
    for (const [i, v] of items.entries()) {
      const parsed = item.fromFile(v);
      if (!parsed.ok)
        return { ok: false, problem: parsed.problem ?? `must be ${item.allowed}`, entry: entry(String(i), v) };
      values.push(parsed.value);
    }
    return ok(values);
  };
  return {
    name: `list of ${item.name}`,
    allowed: `each ${item.allowed}`,
    repeatable: true,
    fromText: (text) =>
      all(
        text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      ),
    fromFile: (value) => (Array.isArray(value) ? all(value) : bad(`must be a list, each ${item.allowed}`)),
    toFile: (value) => value,
  };
}

const entry = (key: string, value: unknown) => ({
  key,
  shown: typeof value === 'string' ? value : JSON.stringify(value),
});

/**
 * A map from `names` to `item`s: `name=value,name=value` in a variable, `--flag name=value`
 * (repeatable) on the command line, a mapping in a file. Each source may set some entries.
 */
export function mapOf(
  what: string,
  names: readonly string[],
  item: ValueType<number>,
): ValueType<Record<string, number>> {
  return mapOfKinds(what, [{ names, item }]);
}

/** One kind of entry of a map: its names and the values they take. */
export interface MapKind {
  names: readonly string[];
  item: ValueType<number>;
  /** What the kind is called where a map has several ("request quotas"). */
  label?: string;
  /** The names as messages list them, when listing every one would be too long. */
  shown?: string;
}

/** `mapOf` whose entries are of several kinds, each with its own names and values. */
export function mapOfKinds(what: string, kinds: readonly MapKind[]): ValueType<Record<string, number>> {
  const names = kinds.flatMap((k) => k.names);
  const only = kinds.length === 1 ? kinds[0]! : undefined;
  const known = only
    ? `the ${what}s are ${names.join(', ')}`
    : `the ${what}s are ${kinds
        .map((k) => `${k.label ? `the ${k.label} ` : ''}${k.shown ?? k.names.join(', ')} (each ${k.item.allowed})`)
        .join(' and ')}`;
  const itemOf = (name: string) => kinds.find((k) => k.names.includes(name))!.item;
  const check = (
    name: string,
    v: unknown,
    parse: (item: ValueType<number>, v: unknown) => Parsed<number>,
  ): Parsed<number> => {
    if (!names.includes(name)) {
      const near = suggest(name, names);
      return {
        ok: false,
        problem: `no ${what} is named ${name}${near ? ` (did you mean ${near}?)` : ''}; ${known}`,
        entry: entry(name, v),
      };
    }
    const item = itemOf(name);
    const parsed = parse(item, v);
    return parsed.ok ? parsed : { ok: false, problem: `must be ${item.allowed}`, entry: entry(name, v) };
  };
  const all = (
    pairs: [string, unknown][],
    parse: (item: ValueType<number>, v: unknown) => Parsed<number>,
  ): Parsed<Record<string, number>> => {
    const values: Record<string, number> = {};
    for (const [name, v] of pairs) {
      const parsed = check(name, v, parse);
      if (!parsed.ok) return parsed;
      values[name] = parsed.value;
    }
    return ok(values);
  };
  return {
    name: only
      ? `map of ${what} to ${only.item.name}`
      : `map of ${what} to ${kinds.map((k) => k.item.name).join(' or ')}`,
    allowed: only
      ? `NAME=VALUE entries (a mapping in a file), each VALUE ${only.item.allowed}; ${known}`
      : `NAME=VALUE entries (a mapping in a file); ${known}`,
    entries: names,
    repeatable: true,
    fromText: (text) => {
      const pairs: [string, unknown][] = [];
      for (const part of text.split(',').map((s) => s.trim())) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        if (eq <= 0) return bad(`must be NAME=VALUE entries; ${part} is not one (${known})`);
        pairs.push([part.slice(0, eq).trim(), part.slice(eq + 1)]);
      }
      return all(pairs, (item, v) => item.fromText(String(v)));
    },
    fromFile: (value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? all(Object.entries(value), (item, v) => item.fromFile(v))
        : bad(`must be a mapping of ${what} names to values (${known})`),
    toFile: (value) => value,
  };
}

/** A number above zero, fractions allowed (a rate such as 0.5 requests per second). */
export const positiveNumber: ValueType<number> = {
  name: 'number',
  allowed: 'a positive number',
  fromText: (text) => {
    const t = text.trim();
    return /^(\d+(\.\d*)?|\.\d+)$/.test(t) && Number(t) > 0 && Number.isFinite(Number(t)) ? ok(Number(t)) : bad();
  },
  fromFile: (value) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? ok(value) : bad()),
  toFile: (value) => value,
};
