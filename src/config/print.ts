/**
 * `trent config print`: the effective configuration with each value's source, as a YAML file
 * (which is itself a valid configuration file) or as JSON. Secrets are shown as `(redacted)`.
 */
import { stringify } from 'yaml';
import type { ResolvedConfig } from './resolve.js';
import { describeSource, fileKeyOf, type SettingsTable } from './setting.js';

export const REDACTED = '(redacted)';

const shown = (secret: boolean | undefined, value: unknown) => (secret && value !== undefined ? REDACTED : value);

export function configAsJson<S extends SettingsTable>(schema: { settings: S }, config: ResolvedConfig<S>): string {
  const out: Record<string, unknown> = {};
  for (const [name, row] of Object.entries(schema.settings)) {
    const value = config.values[name];
    const entries = config.entrySources[name];
    out[name] = {
      value: shown(row.secret, value === undefined ? undefined : row.type.toFile(value)) ?? null,
      source: describeSource(config.sources[name]!),
      ...(entries
        ? { entries: Object.fromEntries(Object.entries(entries).map(([k, s]) => [k, describeSource(s)])) }
        : {}),
    };
  }
  return `${JSON.stringify({ ...(config.file ? { configFile: config.file } : {}), settings: out }, null, 2)}\n`;
}

const scalar = (value: unknown) => stringify(value, { collectionStyle: 'flow' }).trimEnd();

export function configAsYaml<S extends SettingsTable>(schema: { settings: S }, config: ResolvedConfig<S>): string {
  const lines = [
    '# The effective configuration of `trent serve`, each value followed by its source.',
    config.file ? `# Configuration file: ${config.file}` : '# No configuration file.',
  ];
  const sections = new Set<string>();
  const rows = Object.entries(schema.settings);
  const line = (indent: string, name: string, key: string) => {
    const row = schema.settings[name]!;
    const value = config.values[name];
    if (value === undefined) {
      lines.push(`${indent}# ${key}: not set; default ${(row.defaultText ?? 'none').replace(/`/g, '')}`);
      return;
    }
    const entries = config.entrySources[name];
    if (entries && !row.secret) {
      lines.push(`${indent}${key}:`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        lines.push(`${indent}  ${k}: ${scalar(v)} # ${describeSource(entries[k]!)}`);
      }
      return;
    }
    // As a file holds it (toFile): an HSM cluster is its one-line spec, not an object.
    lines.push(
      `${indent}${key}: ${scalar(shown(row.secret, row.type.toFile(value)))} # ${describeSource(config.sources[name]!)}`,
    );
  };
  for (const [name, row] of rows) {
    const [first, second] = fileKeyOf(name, row) as [string, string | undefined];
    if (second === undefined) {
      line('', name, first);
      continue;
    }
    if (sections.has(first)) continue;
    sections.add(first);
    lines.push(`${first}:`);
    for (const [inner, innerRow] of rows) {
      const [section, key] = fileKeyOf(inner, innerRow);
      if (section === first && key !== undefined) line('  ', inner, key);
    }
  }
  return `${lines.join('\n')}\n`;
}
