/**
 * Decoding of an AWS Query request (IAM, STS): a form-urlencoded body -> the action, the version
 * and the action's typed input, walking the service's generated schema. Parameter names follow the
 * Query protocol's serialization: `Name` for scalars, `Name.Member` for structures,
 * `Name.member.N` for lists (`Name.N` when flattened, `Name=` alone for an empty list),
 * `Name.entry.N.key` and `Name.entry.N.value` for maps. Unknown parameters are ignored, as AWS
 * does. What AWS STS answers was recorded by probes of the real service:
 * - a missing Version: InvalidAction `Could not find operation GetCallerIdentity for version
 *   NO_VERSION_SPECIFIED`; an empty or other Version, or an unknown Action: the same message with
 *   what was sent (`... for version 2000-01-01`, `Could not find operation  for version ...`);
 * - a number that does not parse (`abc`, `900.0`, `2147483648` for an integer): MalformedInput
 *   without a message; an empty one: MalformedInput `missing value for decimal type`; `+900` and
 *   `0900` are 900.
 * AWS redirects a request without an Action (or without the form Content-Type) to a web page;
 * Trent answers it like an empty Action. Constraint checks are validate.ts's job.
 */
import { KmsError } from '../../domain/index.js';
import type { ShapeSchema } from '../../model/index.js';
import { isFormContentType, parseForm } from './form.js';
import {
  QUERY_SERVICES,
  type QueryOperationInput,
  type QueryOperationName,
  type QueryService,
  type QueryServiceModel,
} from './services.js';

/** What AWS prints for a request without a Version parameter. */
export const NO_VERSION_SPECIFIED = 'NO_VERSION_SPECIFIED';

/** One decoded request: `input` is typed by `action` (narrow on `action` to get it). */
export type QueryRequest<S extends QueryService> = {
  [O in QueryOperationName<S>]: {
    readonly action: O;
    readonly version: string;
    readonly input: QueryOperationInput<S, O>;
  };
}[QueryOperationName<S>];

/** A parameter name split at its dots: `Tags.member.1.Key` is Tags -> member -> 1 -> Key. */
interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

function paramTree(params: Map<string, string>): ParamNode {
  const root: ParamNode = {};
  for (const [name, value] of params) {
    let node = root;
    for (const part of name.split('.')) {
      node.children ??= new Map();
      let child = node.children.get(part);
      if (!child) {
        child = {};
        node.children.set(part, child);
      }
      node = child;
    }
    node.value = value;
  }
  return root;
}

const malformedInput = (message = ''): KmsError => new KmsError('MalformedInput', message);

function invalidAction(action: string, version: string): KmsError {
  return new KmsError('InvalidAction', `Could not find operation ${action} for version ${version}`);
}

/**
 * Decodes `body` for `service`. `contentType` must be the form media type (the query string of a
 * GET request can be passed as the body with that type). Throws only KmsError: InvalidAction,
 * MalformedQueryString (bad percent-encoding or UTF-8), MalformedInput (a number, boolean,
 * timestamp or blob that does not parse).
 */
export function decodeQueryRequest<S extends QueryService>(
  service: S,
  body: Uint8Array,
  contentType: string | undefined,
): QueryRequest<S> {
  const model = QUERY_SERVICES[service];
  const params = isFormContentType(contentType) ? parseForm(body) : new Map<string, string>();
  const action = params.get('Action') ?? '';
  const version = params.get('Version') ?? NO_VERSION_SPECIFIED;
  if (version !== model.apiVersion || !model.isOperationName(action)) throw invalidAction(action, version);
  const inputShape = model.operations[action]!.input;
  const input = inputShape === undefined ? {} : decodeStructure(model, inputShape, paramTree(params));
  return { action, version, input } as unknown as QueryRequest<S>;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, not assignment: a map key named "__proto__" must stay an ordinary key.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function decodeStructure(model: QueryServiceModel, shapeName: string, node: ParamNode): Record<string, unknown> {
  const shape = model.schema[shapeName]!;
  const out: Record<string, unknown> = {};
  for (const [member, memberShape] of Object.entries(shape.members ?? {})) {
    const child = node.children?.get(shape.locationNames?.[member] ?? member);
    if (!child) continue;
    const value = decodeValue(model, memberShape, child);
    if (value !== undefined) out[member] = value;
  }
  return out;
}

/** The numbered items under `node` (`1`, `2`, ... in numeric order; other names are ignored). */
function items(node: ParamNode | undefined): ParamNode[] {
  if (!node?.children) return [];
  return [...node.children]
    .filter(([index]) => /^[1-9][0-9]{0,8}$/.test(index))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, item]) => item);
}

/** The value of `node` as `shapeName`, or undefined when the request does not give one. */
function decodeValue(model: QueryServiceModel, shapeName: string, node: ParamNode): unknown {
  const shape = model.schema[shapeName]!;
  switch (shape.type) {
    case 'structure':
      return node.children ? decodeStructure(model, shapeName, node) : undefined;
    case 'list': {
      const list = shape.flattened ? node : node.children?.get(shape.memberLocationName ?? 'member');
      if (!list?.children) return node.value === '' && !node.children ? [] : undefined;
      return items(list)
        .map((item) => decodeValue(model, shape.member!, item))
        .filter((v) => v !== undefined);
    }
    case 'map': {
      const entries = shape.flattened ? node : node.children?.get('entry');
      if (!entries?.children) return node.value === '' && !node.children ? {} : undefined;
      const out: Record<string, unknown> = {};
      for (const entry of items(entries)) {
        const key = entry.children?.get(shape.keyLocationName ?? 'key')?.value;
        const valueNode = entry.children?.get(shape.valueLocationName ?? 'value');
        if (key === undefined || Object.prototype.hasOwnProperty.call(out, key)) continue;
        const value = valueNode ? decodeValue(model, shape.value!, valueNode) : undefined;
        if (value !== undefined) setOwn(out, key, value);
      }
      return out;
    }
    default:
      return node.value === undefined ? undefined : decodeScalar(shape, node.value);
  }
}

const INTEGER = /^[+-]?[0-9]+$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeScalar(shape: ShapeSchema, text: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      if (text === '') throw malformedInput('missing value for decimal type');
      if (!INTEGER.test(text)) throw malformedInput();
      const n = BigInt(text);
      const [min, max] =
        shape.type === 'integer'
          ? [-2147483648n, 2147483647n]
          : [BigInt(Number.MIN_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER)];
      if (n < min || n > max) throw malformedInput();
      return Number(n);
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw malformedInput();
    }
    case 'timestamp': {
      const time = ISO_8601.test(text) ? Date.parse(text) : NaN;
      if (Number.isNaN(time)) throw malformedInput();
      return new Date(time);
    }
    case 'blob':
      if (!BASE64.test(text)) throw malformedInput();
      return Buffer.from(text, 'base64');
    default:
      return text;
  }
}
