/**
 * DescribeParameters' and GetParametersByPath's filters (Systems Manager API Reference,
 * ParameterStringFilter and ParametersFilter; User Guide, "Searching for Systems Manager
 * parameters"). ParameterFilters keys: Name (Equals, BeginsWith, Contains), Path (OneLevel, the
 * default, or Recursive), Type, KeyId, Tier, DataType (Equals, BeginsWith), `tag:<key>` (Equals,
 * BeginsWith; no values: the tag is present) and, for GetParametersByPath only, Label (Equals).
 * GetParametersByPath refuses Name, Path, Tier, DataType and tags. Every filter must match; a
 * filter matches when one of its values does. The deprecated Filters (Name, Type, KeyId) cannot
 * be combined with ParameterFilters. Messages as AWS answers them (recorded in moto's SSM tests).
 */
import { KmsError } from '../../domain/index.js';
import type { ssm } from '../../model/index.js';
import type { ParameterRecord, ParameterVersionRecord } from '../../storage/parameter-types.js';
import {
  INVALID_PATH_MESSAGE,
  RESERVED_PATH_FILTER_MESSAGE,
  hierarchyLevelLimitExceeded,
  hierarchyLevels,
  isUnderPath,
  isValidPath,
  normalizePath,
  MAX_HIERARCHY_LEVELS,
} from './names.js';

export type FilterMode = 'describe' | 'by-path';

interface KeyRule {
  /** The options the key accepts, the first its default. */
  options: readonly string[];
  /** The values the key accepts, if it is an enumeration. */
  values?: readonly string[];
  /** Whether the key needs values. */
  needsValues: boolean;
  modes: readonly FilterMode[];
}

const EQUALS_BEGINS = ['Equals', 'BeginsWith'] as const;

/** Each filter key and what it accepts (STYLE rule 3: a table). */
const KEYS: Readonly<Record<string, KeyRule>> = {
  Name: { options: [...EQUALS_BEGINS, 'Contains'], needsValues: true, modes: ['describe'] },
  Path: { options: ['OneLevel', 'Recursive'], needsValues: true, modes: ['describe'] },
  Type: {
    options: EQUALS_BEGINS,
    values: ['String', 'StringList', 'SecureString'],
    needsValues: true,
    modes: ['describe', 'by-path'],
  },
  KeyId: { options: EQUALS_BEGINS, needsValues: true, modes: ['describe', 'by-path'] },
  Tier: {
    options: EQUALS_BEGINS,
    values: ['Standard', 'Advanced', 'Intelligent-Tiering'],
    needsValues: true,
    modes: ['describe'],
  },
  DataType: {
    options: EQUALS_BEGINS,
    values: ['text', 'aws:ec2:image', 'aws:ssm:integration'],
    needsValues: true,
    modes: ['describe'],
  },
  Label: { options: ['Equals'], needsValues: true, modes: ['by-path'] },
};
const TAG_RULE: KeyRule = { options: EQUALS_BEGINS, needsValues: false, modes: ['describe'] };

const ruleOf = (key: string): KeyRule | undefined =>
  key.startsWith('tag:') ? TAG_RULE : Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;

const filterKeyError = (message: string): KmsError => new KmsError('InvalidFilterKey', message);
const filterOptionError = (option: string, valid: readonly string[]): KmsError =>
  new KmsError(
    'InvalidFilterOption',
    `The following filter option is not valid: ${option}. Valid options include: [${valid.join(', ')}].`,
  );

/** The options as AWS lists them in its message: Path's as they are, the others sorted. */
const listedOptions = (key: string, rule: KeyRule): readonly string[] =>
  key === 'Path' ? ['Recursive', 'OneLevel'] : key === 'Name' ? ['BeginsWith', 'Equals'] : [...rule.options].sort();

function checkPathValue(value: string): void {
  if (/^\/(aws|ssm)/i.test(value)) throw new KmsError('ValidationException', RESERVED_PATH_FILTER_MESSAGE);
  if (!isValidPath(value)) throw new KmsError('ValidationException', INVALID_PATH_MESSAGE);
  if (hierarchyLevels(normalizePath(value)) > MAX_HIERARCHY_LEVELS) throw hierarchyLevelLimitExceeded();
}

/**
 * Checks ParameterFilters beyond the model's constraints (which the pipeline has checked):
 * InvalidFilterKey, InvalidFilterOption, InvalidFilterValue, and the path rules for Path values.
 */
export function checkParameterFilters(
  filters: readonly ssm.ParameterStringFilter[] | undefined,
  mode: FilterMode,
): void {
  const seen = new Set<string>();
  for (const filter of filters ?? []) {
    const { Key: key } = filter;
    const rule = ruleOf(key);
    if (!rule || !rule.modes.includes(mode)) {
      throw filterKeyError(
        mode === 'describe'
          ? `The following filter key is not valid: ${key}. Valid filter keys include: [Path, Name, Type, KeyId, Tier].`
          : `The following filter key is not valid: ${key}. Valid filter keys include: [Type, KeyId].`,
      );
    }
    const values = filter.Values ?? [];
    if (rule.needsValues && values.length === 0) {
      throw new KmsError('InvalidFilterValue', `The following filter values are missing : null for filter key ${key}.`);
    }
    if (seen.has(key)) {
      throw filterKeyError(
        `The following filter is duplicated in the request: ${key}. A request can contain only one occurrence of a specific filter.`,
      );
    }
    seen.add(key);
    const option = filter.Option ?? rule.options[0]!;
    if (!rule.options.includes(option)) throw filterOptionError(option, listedOptions(key, rule));
    if (key === 'Path') values.forEach(checkPathValue);
    for (const value of rule.values ? values : []) {
      if (!rule.values!.includes(value)) {
        throw new KmsError(
          'InvalidFilterValue',
          `The following filter value is not valid: ${value}. Valid values include: [${rule.values!.join(', ')}].`,
        );
      }
    }
  }
}

/** DescribeParameters' deprecated Filters, beside ParameterFilters. */
export function checkDescribeFilters(
  filters: readonly ssm.ParametersFilter[] | undefined,
  parameterFilters: readonly ssm.ParameterStringFilter[] | undefined,
): void {
  if (filters && filters.length > 0 && parameterFilters && parameterFilters.length > 0) {
    throw new KmsError('ValidationException', 'You can use either Filters or ParameterFilters in a single request.');
  }
  checkParameterFilters(parameterFilters, 'describe');
}

const withSlash = (name: string): string => (name.startsWith('/') ? name : `/${name}`);

function compare(option: string, subject: string | undefined, value: string): boolean {
  if (subject === undefined) return false;
  switch (option) {
    case 'BeginsWith':
      return subject.startsWith(value);
    case 'Contains':
      return subject.includes(value);
    default:
      return subject === value;
  }
}

/** Whether `version` of `record` passes one filter (Label is matched by matchingVersion). */
function passes(filter: ssm.ParameterStringFilter, record: ParameterRecord, version: ParameterVersionRecord): boolean {
  const { Key: key } = filter;
  const values = filter.Values ?? [];
  const option = filter.Option ?? ruleOf(key)?.options[0] ?? 'Equals';
  const any = (subject: string | undefined, normalize: (v: string) => string = (v) => v) =>
    values.some((v) => compare(option, subject, normalize(v)));
  if (key.startsWith('tag:')) {
    const tag = record.tags.find((t) => t.Key === key.slice('tag:'.length));
    return tag !== undefined && (values.length === 0 || any(tag.Value));
  }
  switch (key) {
    case 'Name':
      return option === 'Contains' ? any(record.name) : any(withSlash(record.name), withSlash);
    case 'Path':
      return values.some((v) => isUnderPath(record.name, v, option === 'Recursive'));
    case 'Type':
      return any(version.type);
    case 'KeyId':
      return any(version.keyId);
    case 'Tier':
      return any(version.tier);
    case 'DataType':
      return any(version.dataType);
    case 'Label':
      return version.labels.some((l) => values.includes(l));
    default:
      return false;
  }
}

/**
 * The version of `record` the filters select, or undefined when it does not pass them: the newest,
 * or with a Label filter (GetParametersByPath) the newest version carrying one of its labels.
 */
export function matchingVersion(
  record: ParameterRecord,
  filters: readonly ssm.ParameterStringFilter[] | undefined,
): ParameterVersionRecord | undefined {
  const label = filters?.find((f) => f.Key === 'Label');
  const candidates = label ? [...record.versions].reverse() : [record.versions.at(-1)!];
  const version = candidates.find((v) => v !== undefined && (!label || passes(label, record, v)));
  if (!version) return undefined;
  return (filters ?? []).every((f) => f.Key === 'Label' || passes(f, record, version)) ? version : undefined;
}

/** The deprecated Filters: Name begins with, Type and KeyId equal, one of each filter's values. */
export function passesDescribeFilters(
  filters: readonly ssm.ParametersFilter[] | undefined,
  record: ParameterRecord,
  version: ParameterVersionRecord,
): boolean {
  return (filters ?? []).every((f) =>
    f.Values.some((v) =>
      f.Key === 'Name' ? record.name.startsWith(v) : f.Key === 'Type' ? version.type === v : version.keyId === v,
    ),
  );
}
