/**
 * Reads and validates a seed file (YAML or JSON, by its extension; docs/seed-files.md). Every
 * problem is collected, each naming its line and its member path, and a file with any problem is
 * refused whole: nothing is applied from it.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseWithLines, suggest } from '../config/index.js';
import { KEY_SPECS, LIMITS, offeredIn, partitionOf, type RegionSet, type Tag } from '../domain/index.js';
import { validateKeyPolicy } from '../policy/index.js';
import { IMPORTABLE_KEY_SPECS } from '../crypto/index.js';
import { materialFromText } from './material.js';

export interface SeedAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SeedAccount {
  accountId: string;
  accessKeys: SeedAccessKey[];
}

export interface SeedKey {
  accountId: string;
  region: string;
  keyId: string;
  keySpec: string;
  keyUsage: string;
  description: string;
  enabled: boolean;
  tags: Tag[];
  /** JSON text; absent: the default key policy. */
  policy?: string | undefined;
  rotationEnabled: boolean;
  rotationPeriodInDays?: number | undefined;
  /** Plaintext materials in the stored form, oldest first; absent: generated. */
  materials?: SeedMaterial[] | undefined;
  /** AWS_KMS, or EXTERNAL: imported material (KeyMaterial), or none yet and the key PendingImport. */
  origin: 'AWS_KMS' | 'EXTERNAL';
  /** Where the key is in the file, for messages of the apply step. */
  where: string;
}

export interface SeedMaterial {
  material: Buffer;
  /** Given by the file (seed export keeps a data directory's ids); else derived (material.ts). */
  materialId?: string | undefined;
}

export interface SeedAlias {
  accountId: string;
  region: string;
  aliasName: string;
  targetKeyId: string;
}

export interface Seed {
  path: string;
  accounts: SeedAccount[];
  keys: SeedKey[];
  aliases: SeedAlias[];
}

/** A seed file refused: every problem, one per line. */
export class SeedError extends Error {
  /** A file that does not validate is bad usage, as invalid configuration is. */
  readonly exitCode = 2;
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(
      problems.length === 1
        ? `invalid seed file ${path}: ${problems[0]}`
        : `invalid seed file ${path}:\n  ${problems.join('\n  ')}`,
    );
    this.name = 'SeedError';
  }
}

const FORMATS: Readonly<Record<string, 'yaml' | 'json'>> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

export async function readSeedFile(given: string, regions: RegionSet): Promise<Seed> {
  const path = resolve(given);
  const format = FORMATS[extname(path).toLowerCase()];
  if (format === undefined) throw new SeedError(path, ['the file name must end in .yaml, .yml or .json']);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SeedError(path, [`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`]);
  }
  return parseSeed(text, path, format, regions);
}

/** Member names and their lines, by path (`Accounts[0].Regions.us-east-1.Keys[2].KeySpec`). */
type Lines = Map<string, number>;

class Checker {
  readonly problems: string[] = [];
  constructor(private readonly lines: Lines) {}

  /** The problem on the line of `path`, or of its nearest ancestor the file has. */
  problem(path: string, message: string): void {
    let p = path;
    let line = this.lines.get(p);
    while (line === undefined && p !== '') {
      p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, '');
      line = this.lines.get(p);
    }
    this.problems.push(`line ${line ?? 1}, ${path === '' ? 'the file' : path}: ${message}`);
  }

  /** A mapping with only `members`, all of `required`; undefined after a problem. */
  object(value: unknown, path: string, members: readonly string[], required: readonly string[] = []) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problem(path, `must be a mapping with ${members.join(', ')}`);
      return undefined;
    }
    const record = value as Record<string, unknown>;
    for (const name of Object.keys(record)) {
      if (members.includes(name)) continue;
      const near = suggest(name, members);
      this.problem(
        `${path}.${name}`,
        near ? `unknown member; did you mean ${near}?` : `unknown member; known here: ${members.join(', ')}`,
      );
    }
    for (const name of required) if (record[name] === undefined) this.problem(path, `${name} is required`);
    return record;
  }

  list(value: unknown, path: string): unknown[] | undefined {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem(path, 'must be a list');
      return undefined;
    }
    return value;
  }

  string(value: unknown, path: string, allowed: string, test: (s: string) => boolean = () => true) {
    if (typeof value !== 'string') {
      const hint = typeof value === 'number' ? ' (quote it in YAML)' : '';
      this.problem(path, `must be ${allowed}${hint}`);
      return undefined;
    }
    if (!test(value)) {
      this.problem(path, `must be ${allowed}`);
      return undefined;
    }
    return value;
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.problem(path, 'must be true or false');
    return value === true;
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/;
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

const TOP = ['Accounts'];
const ACCOUNT = ['AccountId', 'AccessKeys', 'Regions'];
const ACCESS_KEY = ['AccessKeyId', 'SecretAccessKey'];
const REGION = ['Keys', 'Aliases'];
const KEY = [
  'KeyId',
  'KeySpec',
  'KeyUsage',
  'Description',
  'Enabled',
  'Tags',
  'Policy',
  'KeyRotationEnabled',
  'RotationPeriodInDays',
  'KeyMaterial',
  'Origin',
];
const TAG = ['TagKey', 'TagValue'];
const ALIAS = ['AliasName', 'TargetKeyId'];
const MATERIAL = ['KeyMaterialId', 'KeyMaterial'];

export function parseSeed(text: string, path: string, format: 'yaml' | 'json', regions: RegionSet): Seed {
  const { doc, lineOf } = parseWithLines(text, format);
  if (doc.errors.length > 0) {
    throw new SeedError(
      path,
      doc.errors.map((e) => `line ${lineOf(e.pos[0])}: is not valid ${format.toUpperCase()}: ${e.message}`),
    );
  }
  const lines: Lines = new Map();
  const walk = (node: unknown, at: string) => {
    const lineOfNode = (n: unknown) => {
      const range = (n as Node | null)?.range;
      return range ? lineOf(range[0]) : undefined;
    };
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const p = at === '' ? key : `${at}.${key}`;
        const line = lineOfNode(pair.key);
        if (line !== undefined) lines.set(p, line);
        walk(pair.value, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = `${at}[${i}]`;
        const line = lineOfNode(item);
        if (line !== undefined) lines.set(p, line);
        walk(item, p);
      });
    }
  };
  walk(doc.contents, '');
  const c = new Checker(lines);
  const seed: Seed = { path, accounts: [], keys: [], aliases: [] };
  const top = c.object(doc.toJS() ?? {}, '', TOP);
  const accounts = top && c.list(top.Accounts, 'Accounts');
  const seenAccounts = new Set<string>();
  const seenAccessKeys = new Set<string>();
  accounts?.forEach((value, i) => {
    const at = `Accounts[${i}]`;
    const account = c.object(value, at, ACCOUNT, ['AccountId']);
    if (!account) return;
    const accountId = c.string(account.AccountId, `${at}.AccountId`, 'an account id of 12 digits', (s) =>
      ACCOUNT_ID.test(s),
    );
    if (accountId === undefined) return;
    if (seenAccounts.has(accountId)) c.problem(`${at}.AccountId`, `account ${accountId} appears twice`);
    seenAccounts.add(accountId);
    const seeded: SeedAccount = { accountId, accessKeys: [] };
    c.list(account.AccessKeys, `${at}.AccessKeys`)?.forEach((entry, j) => {
      const ak = `${at}.AccessKeys[${j}]`;
      const o = c.object(entry, ak, ACCESS_KEY, ACCESS_KEY);
      if (!o) return;
      const id = c.string(o.AccessKeyId, `${ak}.AccessKeyId`, '16 to 128 capital letters and digits', (s) =>
        ACCESS_KEY_ID.test(s),
      );
      const secret = c.string(o.SecretAccessKey, `${ak}.SecretAccessKey`, '16 to 128 characters', (s) =>
        /^[\x21-\x7e]{16,128}$/.test(s),
      );
      if (id === undefined || secret === undefined) return;
      if (seenAccessKeys.has(id)) c.problem(`${ak}.AccessKeyId`, `access key ${id} appears twice`);
      seenAccessKeys.add(id);
      seeded.accessKeys.push({ accessKeyId: id, secretAccessKey: secret });
    });
    seed.accounts.push(seeded);
    const regionsValue = account.Regions ?? {};
    const regionMap = c.object(regionsValue, `${at}.Regions`, Object.keys(regionsValue as object));
    for (const [region, content] of Object.entries(regionMap ?? {})) {
      const ra = `${at}.Regions.${region}`;
      if (!regions.has(region)) {
        c.problem(ra, 'is not a region this server accepts (add it with extraRegions)');
        continue;
      }
      const r = c.object(content ?? {}, ra, REGION);
      if (!r) continue;
      const keyIds = new Map<string, SeedKey>();
      c.list(r.Keys, `${ra}.Keys`)?.forEach((entry, k) => {
        const key = checkKey(c, entry, `${ra}.Keys[${k}]`, accountId, region);
        if (!key) return;
        if (keyIds.has(key.keyId)) c.problem(`${ra}.Keys[${k}].KeyId`, `key ${key.keyId} appears twice`);
        keyIds.set(key.keyId, key);
        seed.keys.push(key);
      });
      const aliasNames = new Set<string>();
      c.list(r.Aliases, `${ra}.Aliases`)?.forEach((entry, k) => {
        const aa = `${ra}.Aliases[${k}]`;
        const o = c.object(entry, aa, ALIAS, ALIAS);
        if (!o) return;
        const aliasName = c.string(
          o.AliasName,
          `${aa}.AliasName`,
          'alias/ and letters, digits, /, _ or - (at most 256 characters, not alias/aws/...)',
          (s) => ALIAS_NAME.test(s) && s.length <= 256 && !s.startsWith('alias/aws/'),
        );
        const target = c.string(o.TargetKeyId, `${aa}.TargetKeyId`, 'the KeyId of a key of this account and region');
        if (aliasName === undefined || target === undefined) return;
        if (aliasNames.has(aliasName)) c.problem(`${aa}.AliasName`, `alias ${aliasName} appears twice`);
        aliasNames.add(aliasName);
        if (!keyIds.has(target)) {
          c.problem(`${aa}.TargetKeyId`, `names no key of Keys in ${accountId} ${region}: ${target}`);
          return;
        }
        seed.aliases.push({ accountId, region, aliasName, targetKeyId: target });
      });
    }
  });
  if (c.problems.length > 0) throw new SeedError(path, c.problems);
  return seed;
}

function checkKey(c: Checker, entry: unknown, at: string, accountId: string, region: string): SeedKey | undefined {
  const before = c.problems.length;
  const o = c.object(entry, at, KEY, ['KeyId']);
  if (!o) return undefined;
  const keyId = c.string(o.KeyId, `${at}.KeyId`, 'a key id (a lowercase UUID)', (s) => KEY_ID.test(s));
  const available = Object.values(KEY_SPECS).filter((r) => r.available && offeredIn(r, partitionOf(region)));
  const keySpec =
    o.KeySpec === undefined
      ? 'SYMMETRIC_DEFAULT'
      : c.string(o.KeySpec, `${at}.KeySpec`, `one of ${available.map((r) => r.spec).join(', ')}`, (s) =>
          available.some((r) => r.spec === s),
        );
  const row = keySpec === undefined ? undefined : KEY_SPECS[keySpec];
  let keyUsage: string | undefined;
  if (row) {
    if (o.KeyUsage === undefined && keySpec !== 'SYMMETRIC_DEFAULT') {
      c.problem(at, `KeyUsage is required for a ${keySpec} key: one of ${row.usages.join(', ')}`);
    } else {
      keyUsage =
        o.KeyUsage === undefined
          ? 'ENCRYPT_DECRYPT'
          : c.string(o.KeyUsage, `${at}.KeyUsage`, `one of ${row.usages.join(', ')} for ${keySpec}`, (s) =>
              row.usages.includes(s),
            );
    }
  }
  const description =
    o.Description === undefined
      ? ''
      : c.string(o.Description, `${at}.Description`, 'text of at most 8192 characters', (s) => s.length <= 8192);
  const enabled = c.boolean(o.Enabled, `${at}.Enabled`, true);
  const tags: Tag[] = [];
  c.list(o.Tags, `${at}.Tags`)?.forEach((value, i) => {
    const ta = `${at}.Tags[${i}]`;
    const t = c.object(value, ta, TAG, TAG);
    if (!t) return;
    const tagKey = c.string(t.TagKey, `${ta}.TagKey`, '1 to 128 characters', (s) => s.length >= 1 && s.length <= 128);
    const tagValue = c.string(t.TagValue, `${ta}.TagValue`, 'at most 256 characters', (s) => s.length <= 256);
    if (tagKey === undefined || tagValue === undefined) return;
    if (tags.some((x) => x.TagKey === tagKey)) c.problem(`${ta}.TagKey`, `tag ${tagKey} appears twice`);
    tags.push({ TagKey: tagKey, TagValue: tagValue });
  });
  let policy: string | undefined;
  if (o.Policy !== undefined) {
    // A policy may be written as a mapping (YAML) or as JSON text (the API's form).
    const textForm = typeof o.Policy === 'string' ? o.Policy : JSON.stringify(o.Policy);
    const checked = validateKeyPolicy(textForm);
    if (checked.ok) policy = textForm;
    else c.problem(`${at}.Policy`, `is not a valid key policy: ${checked.message}`);
  }
  const rotationEnabled = c.boolean(o.KeyRotationEnabled, `${at}.KeyRotationEnabled`, false);
  let rotationPeriodInDays: number | undefined;
  if (o.RotationPeriodInDays !== undefined) {
    const p = o.RotationPeriodInDays;
    const { rotationPeriodMinDays: min, rotationPeriodMaxDays: max } = LIMITS;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < min || p > max) {
      c.problem(`${at}.RotationPeriodInDays`, `must be a whole number of days from ${min} to ${max}`);
    } else rotationPeriodInDays = p;
  }
  if (row && !row.rotatable && (rotationEnabled || rotationPeriodInDays !== undefined)) {
    c.problem(`${at}.KeyRotationEnabled`, `${keySpec} keys do not rotate`);
  }
  const origin =
    o.Origin === undefined
      ? 'AWS_KMS'
      : c.string(o.Origin, `${at}.Origin`, 'AWS_KMS or EXTERNAL', (s) => s === 'AWS_KMS' || s === 'EXTERNAL');
  if (origin === 'EXTERNAL') {
    if (keySpec !== undefined && !IMPORTABLE_KEY_SPECS[keySpec]) {
      c.problem(`${at}.Origin`, `${keySpec} key material cannot be imported (Origin EXTERNAL)`);
    }
    // Keys with imported key material never rotate automatically.
    if (rotationEnabled)
      c.problem(
        `${at}.KeyRotationEnabled`,
        'keys with imported key material (Origin EXTERNAL) do not rotate automatically',
      );
  }
  let materials: SeedMaterial[] | undefined;
  if (o.KeyMaterial !== undefined) {
    const list = c.list(o.KeyMaterial, `${at}.KeyMaterial`);
    if (list && list.length === 0) c.problem(`${at}.KeyMaterial`, 'must hold at least one material (or be left out)');
    if (list && list.length > 1 && row && !row.rotatable) {
      c.problem(`${at}.KeyMaterial`, `${keySpec} keys do not rotate, so they have one material`);
    }
    if (list && row) {
      materials = [];
      list.forEach((value, i) => {
        const ma = `${at}.KeyMaterial[${i}]`;
        let textForm = value;
        let materialId: string | undefined;
        if (typeof value === 'object' && value !== null) {
          // The long form keeps a material's id: { KeyMaterialId, KeyMaterial } (seed export).
          const m = c.object(value, ma, MATERIAL, MATERIAL);
          if (!m) return;
          materialId = c.string(m.KeyMaterialId, `${ma}.KeyMaterialId`, '64 lowercase hex digits', (s) =>
            /^[0-9a-f]{64}$/.test(s),
          );
          textForm = m.KeyMaterial;
        }
        if (typeof textForm !== 'string') {
          return void c.problem(ma, 'must be text (hex digits or a PEM private key) or { KeyMaterialId, KeyMaterial }');
        }
        const result = materialFromText(row.spec, textForm);
        if (typeof result === 'string') c.problem(ma, result);
        else materials!.push({ material: result, materialId });
      });
    }
  }
  if (
    c.problems.length > before ||
    keyId === undefined ||
    keySpec === undefined ||
    keyUsage === undefined ||
    origin === undefined
  ) {
    return undefined;
  }
  if (description === undefined) return undefined;
  return {
    accountId,
    region,
    keyId,
    keySpec,
    keyUsage,
    description,
    enabled,
    tags,
    policy,
    rotationEnabled,
    rotationPeriodInDays: rotationPeriodInDays ?? (rotationEnabled ? LIMITS.rotationPeriodDefaultDays : undefined),
    materials,
    origin: origin as SeedKey['origin'],
    where: at,
  };
}
