/**
 * Parameter names and hierarchies (Systems Manager User Guide, "Requirements and constraints for
 * parameter names"; PutParameter's Name): letters, digits and `_.-`, `/` between the levels of a
 * hierarchy, which must begin with `/`; at most 15 levels; no `aws` or `ssm` prefix, in any case.
 * The messages are the ones AWS answers (quoted in aws/aws-sdk-php#1952, boto/boto3#1499,
 * aws/aws-sdk-js-v3#5928, aws/copilot-cli#66), including their odd escaping.
 */
import { KmsError } from '../../domain/index.js';

/** "Parameter hierarchies are limited to a maximum depth of fifteen levels." */
export const MAX_HIERARCHY_LEVELS = 15;
/**
 * "The maximum length for a parameter name that you create is 1011 characters", of the 2048 the
 * model allows (the rest is reserved for Systems Manager's own use).
 */
export const MAX_NAME_LENGTH = 1011;

const NAME_CHARACTERS = /^[a-zA-Z0-9_.\-/]+$/;

const validation = (message: string): KmsError => new KmsError('ValidationException', message);

/** A name that is not one (characters, empty levels), and `ssm` as a hierarchy's first level. */
export const INVALID_NAME_MESSAGE =
  'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';
/** A name of one level that begins with `aws` or `ssm`. */
export const RESERVED_PREFIX_MESSAGE = 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).';
/** A hierarchy without its leading slash (`db/endpoint/parameter`). */
export const NOT_QUALIFIED_MESSAGE = 'Parameter name must be a fully qualified name';
/** GetParametersByPath's Path and DescribeParameters' Path filter that are not a path. */
export const INVALID_PATH_MESSAGE =
  'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can\'t be prefixed with \\"aws\\" or \\"ssm\\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.';
/** A Path filter under the reserved namespaces. */
export const RESERVED_PATH_FILTER_MESSAGE =
  'Filters for common parameters can\'t be prefixed with "aws" or "ssm" (case-insensitive). When using global parameters, please specify within a global namespace.';

export const hierarchyLevelLimitExceeded = (): KmsError =>
  new KmsError(
    'HierarchyLevelLimitExceededException',
    'A hierarchy can have a maximum of 15 levels. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html',
  );

/** How many levels a name has: `/a/b/c` three, `a` one. */
export function hierarchyLevels(name: string): number {
  return name.startsWith('/') ? name.split('/').length - 1 : name.split('/').length;
}

/** Whether the name begins with `aws` or `ssm` (case-insensitively), with or without its slash. */
export function hasReservedPrefix(name: string): boolean {
  return /^\/?(aws|ssm)/i.test(name);
}

/**
 * The name of a parameter to create (PutParameter). A hierarchy under `/aws` is Amazon's own
 * (public parameters): AccessDeniedException, as AWS answers it.
 */
export function checkParameterName(name: string): void {
  const isPath = name.startsWith('/') && name.indexOf('/', 1) > 0;
  if (hasReservedPrefix(name)) {
    if (isPath && /^\/aws/i.test(name)) {
      throw new KmsError('AccessDeniedException', `No access to reserved parameter name: ${name}.`);
    }
    throw validation(isPath ? INVALID_NAME_MESSAGE : RESERVED_PREFIX_MESSAGE);
  }
  if (name.includes('/') && !name.startsWith('/')) throw validation(NOT_QUALIFIED_MESSAGE);
  if (!NAME_CHARACTERS.test(name) || name === '/' || name.includes('//') || name.endsWith('/')) {
    throw validation(INVALID_NAME_MESSAGE);
  }
  if (hierarchyLevels(name) > MAX_HIERARCHY_LEVELS) throw hierarchyLevelLimitExceeded();
  if (name.length > MAX_NAME_LENGTH) {
    throw validation(
      `1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAME_LENGTH}`,
    );
  }
}

/** Whether `path` is a path AWS accepts: `/`, or `/a/b` (a trailing slash allowed). */
export function isValidPath(path: string): boolean {
  if (!path.startsWith('/') || !NAME_CHARACTERS.test(path)) return false;
  return !path.slice(0, path.endsWith('/') && path.length > 1 ? -1 : undefined).includes('//');
}

/**
 * GetParametersByPath's Path. AWS's public parameters live under `/aws`, and Trent holds none, so a
 * path there is valid and simply finds nothing; `/ssm` is reserved.
 */
export function checkPath(path: string): void {
  if (!isValidPath(path) || /^\/ssm/i.test(path)) throw validation(INVALID_PATH_MESSAGE);
  if (hierarchyLevels(normalizePath(path)) > MAX_HIERARCHY_LEVELS) throw hierarchyLevelLimitExceeded();
}

/** `/a/b/` and `/a/b` name the same hierarchy; `/` stays `/`. */
export function normalizePath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * Whether parameter `name` lies under `path`: directly (its last level is the only one below the
 * path) or, with `recursive`, at any depth. Names of one level without a slash (`a`) are in no
 * hierarchy but `/`'s: AWS lists them under `/` (a path of one slash), as it lists `/a`.
 */
export function isUnderPath(name: string, path: string, recursive: boolean): boolean {
  const base = normalizePath(path);
  const full = name.startsWith('/') ? name : `/${name}`;
  const prefix = base === '/' ? '/' : `${base}/`;
  if (!full.startsWith(prefix) || full.length === prefix.length) return false;
  return recursive || !full.slice(prefix.length).includes('/');
}
