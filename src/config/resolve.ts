/**
 * The effective configuration: flags over environment variables over the file over defaults, each
 * value keeping its source. Every source's value is checked, even one a higher source overrides,
 * and every problem is reported at once; nothing is returned from an invalid configuration.
 */
import { ConfigError, type Problem } from './errors.js';
import { readConfigFile, type ConfigFile } from './file.js';
import {
  describeSource,
  ENV_PREFIX,
  envOf,
  fileKeyOf,
  flagOf,
  type AnySetting,
  type ConfigValues,
  type DefaultContext,
  type Schema,
  type SettingsTable,
  type Source,
} from './setting.js';
import { suggest } from './suggest.js';
import type { Parsed } from './values.js';

/** A flag as Commander gives it: booleans as booleans, repeatable flags as lists of their texts. */
export type FlagValue = string | readonly string[] | boolean;

export interface ConfigInputs {
  /** The configuration file (`--config`, `TRENT_CONFIG`) and where its name came from. */
  file?: { path: string; source: Source };
  env: Readonly<Record<string, string | undefined>>;
  /** By setting name; absent when the flag was not given. */
  flags: Readonly<Record<string, FlagValue | undefined>>;
  context: DefaultContext;
  /** Relative paths of flags, variables and defaults are taken from here. */
  cwd: string;
}

export interface ResolvedConfig<S extends SettingsTable> {
  values: ConfigValues<S>;
  sources: { readonly [K in keyof S]: Source };
  /** Map settings: the source of each entry. */
  entrySources: { readonly [K in keyof S]?: Readonly<Record<string, Source>> };
  /** The configuration file read, if any. */
  file?: string;
}

interface Candidate {
  source: Source;
  parsed: Parsed<unknown>;
  /** The value as given, for messages (`(redacted)` for secrets). */
  shown: string;
  /** How the setting is named in that source: the file key in a file, the setting name elsewhere. */
  subject: string;
  entryLines?: ReadonlyMap<string, number>;
}

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Paths made absolute: a file's from its directory, the others' from the current directory. */
const relative = (row: AnySetting, parsed: Parsed<unknown>, dir: string): Parsed<unknown> =>
  parsed.ok && row.type.relativeTo ? { ok: true, value: row.type.relativeTo(parsed.value, dir) } : parsed;

function candidates(name: string, row: AnySetting, file: ConfigFile | undefined, inputs: ConfigInputs): Candidate[] {
  const redact = (s: string) => (row.secret ? '(redacted)' : s);
  const found: Candidate[] = [];
  const fromFile = file?.values.get(name);
  if (file && fromFile) {
    found.push({
      source: fromFile.source,
      parsed: relative(row, row.type.fromFile(fromFile.value), file.dir),
      shown: redact(show(fromFile.value)),
      subject: fileKeyOf(name, row).join('.'),
      entryLines: fromFile.entryLines,
    });
  }
  const variable = envOf(name);
  const text = inputs.env[variable];
  // An empty variable is taken as unset, as shells and container runtimes often pass one.
  if (text !== undefined && text !== '') {
    found.push({
      source: { kind: 'env', variable },
      parsed: relative(row, row.type.fromText(text), inputs.cwd),
      shown: redact(text),
      subject: name,
    });
  }
  const flag = inputs.flags[name];
  if (flag !== undefined) {
    const given =
      typeof flag === 'boolean' ? flag : typeof flag === 'string' ? flag : flag.join(row.type.separator ?? ',');
    // `--no-dev` gives false.
    found.push({
      source: { kind: 'flag', flag: flag === false ? flagOf(name, row).replace(/^--/, '--no-') : flagOf(name, row) },
      parsed:
        typeof given === 'boolean' ? { ok: true, value: given } : relative(row, row.type.fromText(given), inputs.cwd),
      shown: redact(String(given)),
      subject: name,
    });
  }
  return found;
}

function problemOf(c: Candidate, row: AnySetting): Problem | undefined {
  if (c.parsed.ok) return undefined;
  const { entry, problem } = c.parsed;
  const message = problem ?? `must be ${row.type.allowed}`;
  if (entry === undefined) return { subject: `${c.subject} = ${c.shown}`, source: c.source, message };
  const line = c.entryLines?.get(entry.key);
  const source: Source = line !== undefined && c.source.kind === 'file' ? { ...c.source, line } : c.source;
  const path = /^\d+$/.test(entry.key) ? `[${entry.key}]` : `.${entry.key}`;
  return { subject: `${c.subject}${path} = ${row.secret ? '(redacted)' : entry.shown}`, source, message };
}

function unknownVariables(schema: Schema, env: ConfigInputs['env']): Problem[] {
  const known = Object.keys(schema.settings).map(envOf);
  return Object.keys(env)
    .filter((v) => v.startsWith(ENV_PREFIX) && !known.includes(v) && !schema.otherVariables.includes(v))
    .map((variable) => {
      const near = suggest(variable, known);
      return {
        subject: `unknown variable ${variable}`,
        source: { kind: 'env', variable },
        message: near ? `did you mean ${near}?` : `no setting has this name (docs/configuration.md)`,
      };
    });
}

export async function resolveConfig<S extends SettingsTable>(
  schema: Schema<S>,
  inputs: ConfigInputs,
): Promise<ResolvedConfig<S>> {
  const file = inputs.file ? await readConfigFile(inputs.file.path, schema, inputs.file.source) : undefined;
  const problems: Problem[] = [...(file?.problems ?? []), ...unknownVariables(schema, inputs.env)];
  const values: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  const entrySources: Record<string, Record<string, Source>> = {};
  const invalid = new Set<string>();

  for (const [name, row] of Object.entries(schema.settings)) {
    const given = candidates(name, row, file, inputs);
    const wrong = given.map((c) => problemOf(c, row)).filter((p) => p !== undefined);
    problems.push(...wrong);
    if (wrong.length > 0) invalid.add(name);
    const computed = typeof row.default === 'function' ? row.default(inputs.context) : row.default;
    const defaultValue =
      computed !== undefined && row.type.relativeTo ? row.type.relativeTo(computed, inputs.cwd) : computed;
    const valid = given.filter((c) => c.parsed.ok) as (Candidate & { parsed: { ok: true } })[];
    if (row.type.entries) {
      // Entry by entry, from the lowest source to the highest.
      const merged: Record<string, unknown> = { ...(defaultValue as Record<string, unknown> | undefined) };
      const from: Record<string, Source> = Object.fromEntries(
        Object.keys(merged).map((k) => [k, { kind: 'default' } as Source]),
      );
      for (const c of valid) {
        for (const [k, v] of Object.entries(c.parsed.value as Record<string, unknown>)) {
          merged[k] = v;
          const line = c.entryLines?.get(k);
          from[k] = line !== undefined && c.source.kind === 'file' ? { ...c.source, line } : c.source;
        }
      }
      values[name] = merged;
      entrySources[name] = from;
      sources[name] = valid.at(-1)?.source ?? { kind: 'default' };
    } else {
      const top = valid.at(-1);
      values[name] = top ? top.parsed.value : defaultValue;
      sources[name] = top ? top.source : { kind: 'default' };
    }
  }

  const typed = values as ConfigValues<S>;
  for (const rule of schema.rules) {
    if (rule.settings.some((name) => invalid.has(name))) continue;
    const message = rule.check(typed);
    if (message === undefined) continue;
    const subject = rule.settings
      .map((name) =>
        values[name] === undefined
          ? `${name} (not set)`
          : `${name} (${sources[name]!.kind === 'default' ? 'default' : `from ${describeSource(sources[name]!)}`})`,
      )
      .join(' and ');
    problems.push({ subject, message });
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    values: typed,
    sources: sources as ResolvedConfig<S>['sources'],
    entrySources: entrySources as ResolvedConfig<S>['entrySources'],
    ...(file ? { file: file.path } : {}),
  };
}
