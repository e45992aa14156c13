/**
 * Reads a configuration file (YAML, or JSON, by its extension) into raw values with the line each
 * one is on. Unknown keys, duplicate keys, sections that are not mappings and syntax errors are
 * problems naming the file and the line; values are checked later, against their types.
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Problem } from './errors.js';
import { fileKeyOf, type Schema, type Source } from './setting.js';
import { suggest } from './suggest.js';

/** One setting's value in the file. */
export interface FileValue {
  value: unknown;
  source: Source & { kind: 'file' };
  /** The line of each entry of a list (by index) or a mapping (by name). */
  entryLines: ReadonlyMap<string, number>;
}

export interface ConfigFile {
  path: string;
  /** Relative paths in the file are taken from here. */
  dir: string;
  values: Map<string, FileValue>;
  problems: Problem[];
}

const FORMATS: Readonly<Record<string, 'yaml' | 'json'>> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

export async function readConfigFile(given: string, schema: Schema, from: Source): Promise<ConfigFile> {
  const path = resolve(given);
  const file: ConfigFile = { path, dir: dirname(path), values: new Map(), problems: [] };
  const format = FORMATS[extname(path).toLowerCase()];
  if (format === undefined) {
    file.problems.push({
      subject: `configuration file ${path}`,
      source: from,
      message: 'must end in .yaml, .yml or .json',
    });
    return file;
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    file.problems.push({ subject: `configuration file ${path}`, source: from, message: `cannot be read (${code})` });
    return file;
  }
  parseInto(file, text, format, schema);
  return file;
}

/** The file keys of a schema: top-level keys and sections, each leading to a setting or a section. */
function keyIndex(schema: Schema): Map<string, string | Map<string, string>> {
  const index = new Map<string, string | Map<string, string>>();
  for (const [name, row] of Object.entries(schema.settings)) {
    const [first, second] = fileKeyOf(name, row) as [string, string | undefined];
    if (second === undefined) {
      index.set(first, name);
    } else {
      const section = index.get(first);
      const keys = section instanceof Map ? section : new Map<string, string>();
      keys.set(second, name);
      index.set(first, keys);
    }
  }
  return index;
}

/**
 * A YAML or JSON text parsed as every file Trent reads is (configuration, seed files): duplicate
 * keys are errors, JSON with the JSON schema, and `lineOf` turns an offset into its line.
 */
export function parseWithLines(
  text: string,
  format: 'yaml' | 'json',
): { doc: Document; lineOf(offset: number): number } {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    ...(format === 'json' ? { schema: 'json' } : {}),
  });
  return { doc, lineOf: (offset) => lines.linePos(offset).line };
}

export function parseInto(file: ConfigFile, text: string, format: 'yaml' | 'json', schema: Schema): void {
  const { doc, lineOf } = parseWithLines(text, format);
  const at = (line: number): Source & { kind: 'file' } => ({ kind: 'file', file: file.path, line });
  const keyAt = (offset: number) => /^["']?([^"':\s]*)/.exec(text.slice(offset))?.[1];
  for (const error of doc.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY';
    const line = lineOf(error.pos[0]);
    file.problems.push({
      subject: duplicate ? `key ${keyAt(error.pos[0]) || '(empty)'}` : 'the file',
      source: at(line),
      message: duplicate
        ? 'appears twice in its mapping; each setting may appear once'
        : `is not valid ${format.toUpperCase()}: ${error.message}`,
    });
  }
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return;
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return; // an empty file sets nothing
  if (!isMap(contents)) {
    file.problems.push({ subject: 'the file', source: at(1), message: 'must be a mapping of settings' });
    return;
  }
  const index = keyIndex(schema);

  const lineOfNode = (node: unknown, fallback: number) => {
    const range = (node as Node | null)?.range;
    return range ? lineOf(range[0]) : fallback;
  };
  const visit = (pair: Pair, keys: ReadonlyMap<string, string | Map<string, string>>, prefix: string) => {
    const keyLine = lineOfNode(pair.key, 1);
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const target = keys.get(key);
    if (target === undefined) {
      const near = suggest(key, [...keys.keys()]);
      file.problems.push({
        subject: `unknown setting ${prefix}${key}`,
        source: at(keyLine),
        message: near ? `did you mean ${prefix}${near}?` : `known here: ${[...keys.keys()].join(', ')}`,
      });
      return;
    }
    if (target instanceof Map) {
      // An empty section (`metrics:` with every key commented out) sets nothing.
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) return;
      if (!isMap(pair.value)) {
        file.problems.push({
          subject: `${prefix}${key}`,
          source: at(keyLine),
          message: `must be a mapping with ${[...target.keys()].join(', ')}`,
        });
        return;
      }
      for (const inner of pair.value.items) visit(inner, target, `${prefix}${key}.`);
      return;
    }
    const entryLines = new Map<string, number>();
    if (isMap(pair.value)) {
      for (const entry of pair.value.items) {
        const name = isScalar(entry.key) ? String(entry.key.value) : String(entry.key);
        entryLines.set(name, lineOfNode(entry.key, keyLine));
      }
    } else if (isSeq(pair.value)) {
      pair.value.items.forEach((item, i) => entryLines.set(String(i), lineOfNode(item, keyLine)));
    }
    const node = pair.value as Node | null;
    file.values.set(target, {
      value: node === null ? null : node.toJS(doc),
      source: at(keyLine),
      entryLines,
    });
  };
  for (const pair of contents.items) visit(pair, index, '');
}
