/**
 * What a row of a settings table says, and how every setting's flag, environment variable and file
 * key are named from its camelCase name, so that they are predictable and cannot be misspelt.
 */
import type { ValueType } from './values.js';

/** What a computed default may depend on. */
export interface DefaultContext {
  /** Whether the log stream (standard error) is a terminal. */
  logsToTerminal: boolean;
}

export interface Setting<T> {
  type: ValueType<T>;
  /** Absent: the setting has no value unless one is given (`defaultText` says what happens). */
  default?: T | ((context: DefaultContext) => T);
  /** The default in words, for the documentation, when it is computed or absent. */
  defaultText?: string;
  description: string;
  /** Never printed: `trent config print` shows `(redacted)`, error messages never repeat it. */
  secret?: boolean;
  /** A section of the file: `tlsCert` with section `tls` is `tls: {cert: ...}`. */
  section?: string;
  /** The flag, when it is not the kebab-case name (`--extra-region` for `extraRegions`). */
  flag?: string;
  /** The flag's argument in help (`<port>`); booleans have none. */
  arg?: string;
}

/** A setting of any type (methods of ValueType are bivariant, so every Setting<T> fits). */
export type AnySetting = Setting<unknown>;

export type SettingsTable = Record<string, AnySetting>;

/** A rule across settings (`tlsCert` needs `tlsKey`); `check` gets the values and answers a problem. */
export interface CrossRule<V> {
  /** The settings it is about; the problem names them and their sources. */
  settings: readonly string[];
  check(values: V): string | undefined;
}

export interface Schema<S extends SettingsTable = SettingsTable> {
  settings: S;
  rules: readonly CrossRule<ConfigValues<S>>[];
  /** Variables with the prefix that are not settings (`TRENT_CONFIG`), so not "unknown". */
  otherVariables: readonly string[];
}

export type ValueOf<R> = R extends { type: ValueType<infer T> }
  ? R extends { default: unknown }
    ? T
    : T | undefined
  : never;

export type ConfigValues<S extends SettingsTable> = { readonly [K in keyof S]: ValueOf<S[K]> };

/** Where a value came from. */
export type Source =
  | { kind: 'default' }
  | { kind: 'file'; file: string; line: number }
  | { kind: 'env'; variable: string }
  | { kind: 'flag'; flag: string };

export const ENV_PREFIX = 'TRENT_';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export const flagOf = (name: string, row: AnySetting): string => row.flag ?? `--${kebab(name)}`;

export const envOf = (name: string): string => ENV_PREFIX + kebab(name).replace(/-/g, '_').toUpperCase();

/** The key path in a file: `['port']`, or `['tls', 'cert']` for `tlsCert` in section `tls`. */
export function fileKeyOf(name: string, row: AnySetting): string[] {
  if (row.section === undefined) return [name];
  const rest = name.slice(row.section.length);
  if (!name.startsWith(row.section) || !/^[A-Z]/.test(rest)) {
    throw new Error(`setting ${name} does not start with its section ${row.section}`);
  }
  return [row.section, rest[0]!.toLowerCase() + rest.slice(1)];
}

export function describeSource(source: Source): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'file':
      return `${source.file} line ${source.line}`;
    case 'env':
      return `environment ${source.variable}`;
    case 'flag':
      return `flag ${source.flag}`;
  }
}

/** A typed row: checks that the default fits the type, and keeps whether there is one. */
export function setting<T, R extends Setting<T>>(row: R & Setting<T>): R {
  return row;
}
