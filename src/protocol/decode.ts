/**
 * Decoding of an AWS JSON 1.1 request body into the operation's typed input, walking the generated
 * schema. Type mismatches are SerializationException with Coral's wording (as recorded by
 * kinesalite/dynalite against the real services); constraint checks are validate.ts's job.
 * Unknown members are ignored and `null` means absent, as AWS does.
 */
import { KmsError } from '../domain/index.js';
import {
  OPERATIONS,
  SCHEMA,
  type ModelSchema,
  type OperationInput,
  type OperationName,
  type ShapeName,
  type ShapeSchema,
} from '../model/index.js';

/** Deepest JSON nesting accepted. KMS inputs nest at most 4 levels; this stops nesting attacks. */
export const MAX_JSON_DEPTH = 32;

const serialization = (message: string): KmsError => new KmsError('SerializationException', message);

const START_OF_LIST = 'Start of list found where not expected';
const START_OF_STRUCTURE = 'Start of structure or map found where not expected.';
const NUMBER_CLASS = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes and type-checks `body` for `op`. Throws only KmsError (SerializationException). */
export function decodeInput<O extends OperationName>(op: O, body: Uint8Array): OperationInput<O> {
  const json = parseBody(body);
  const decoded = decodeShape(SCHEMA, OPERATIONS[op].input as ShapeName, json ?? {}, '');
  return decoded as OperationInput<O>;
}

/**
 * Decodes and type-checks `body` as the structure `shapeName` of any JSON service's schema (the
 * service's operation input); `undefined` decodes an empty body to `{}`. Throws only KmsError.
 */
export function decodeAgainstSchema(schema: ModelSchema, shapeName: string | undefined, body: Uint8Array): unknown {
  const json = parseBody(body);
  return shapeName === undefined ? {} : decodeShape(schema, shapeName, json ?? {}, '');
}

/** JSON.parse with AWS's empty-body rule, a UTF-8 check and a nesting limit checked before parsing. */
export function parseBody(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw serialization('Request body is not valid UTF-8');
  }
  if (text.trim() === '') return {};
  checkDepth(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw serialization('Request body is not valid JSON');
  }
}

/** Rejects JSON whose arrays and objects nest deeper than MAX_JSON_DEPTH, without parsing it. */
function checkDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > MAX_JSON_DEPTH) throw serialization('Request body is nested too deeply');
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
}

function kindOf(value: unknown): 'null' | 'boolean' | 'number' | 'string' | 'list' | 'object' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  const t = typeof value;
  if (t === 'boolean' || t === 'number' || t === 'string') return t;
  return 'object';
}

/** Coral's message for a JSON value of the wrong kind where a scalar of `target` was expected. */
function scalarMismatch(value: unknown, target: string): KmsError {
  switch (kindOf(value)) {
    case 'list':
      return serialization(START_OF_LIST);
    case 'object':
      return serialization(START_OF_STRUCTURE);
    case 'boolean':
      return serialization(`class java.lang.Boolean can not be converted to ${target}`);
    case 'number':
      return serialization(`${NUMBER_CLASS} can not be converted to ${target}`);
    default:
      return serialization(`class java.lang.String can not be converted to ${target}`);
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, not assignment: a member named "__proto__" must stay an ordinary key.
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Decodes one non-null JSON value as `shapeName`; `path` names it in messages (lowerCamel, Coral style). */
function decodeShape(schema: ModelSchema, shapeName: string, value: unknown, path: string): unknown {
  const shape: ShapeSchema = schema[shapeName]!;
  switch (shape.type) {
    case 'structure':
      return decodeStructure(schema, shape, value, path);
    case 'list': {
      if (!Array.isArray(value)) {
        throw serialization(kindOf(value) === 'object' ? START_OF_STRUCTURE : 'Expected list or null');
      }
      return value.map((element: unknown, i) => {
        const elementPath = `${path}.${i + 1}.member`;
        if (element === null) throw serialization(`Null value at '${elementPath}' is not allowed`);
        return decodeShape(schema, shape.member!, element, elementPath);
      });
    }
    case 'map': {
      const kind = kindOf(value);
      if (kind === 'list') throw serialization(START_OF_LIST);
      if (kind !== 'object') throw serialization('Expected map or null');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const entryPath = `${path}.${k}.member`;
        if (!k.isWellFormed()) throw notUnicode(path);
        if (v === null) throw serialization(`Null value at '${entryPath}' is not allowed`);
        setOwn(out, k, decodeShape(schema, shape.value!, v, entryPath));
      }
      return out;
    }
    case 'string':
      if (typeof value !== 'string') throw scalarMismatch(value, 'an String');
      if (!value.isWellFormed()) throw notUnicode(path);
      return value;
    case 'blob':
      if (typeof value !== 'string') throw scalarMismatch(value, 'a Blob');
      return decodeBase64(value, path);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        throw serialization(`'${value.toUpperCase()}' can not be converted to an Boolean`);
      }
      throw scalarMismatch(value, 'an Boolean');
    case 'integer':
    case 'long': {
      const target = shape.type === 'integer' ? 'an Integer' : 'an Long';
      if (typeof value !== 'number') throw scalarMismatch(value, target);
      // Coral truncates fractions (TruncatingBigNumber); we refuse values that do not fit.
      const n = Math.trunc(value);
      const fits = shape.type === 'integer' ? n >= -2147483648 && n <= 2147483647 : Number.isSafeInteger(n);
      if (!fits) throw serialization(`Number ${value} can not be converted to ${target}`);
      return n;
    }
    case 'timestamp': {
      // AWS JSON 1.1 sends timestamps as epoch seconds (a JSON number, fraction allowed).
      if (typeof value !== 'number') throw scalarMismatch(value, 'a Date');
      const date = new Date(value * 1000);
      if (Number.isNaN(date.getTime())) throw serialization(`Number ${value} can not be converted to a Date`);
      return date;
    }
  }
}

function decodeStructure(
  schema: ModelSchema,
  shape: ShapeSchema,
  value: unknown,
  path: string,
): Record<string, unknown> {
  const kind = kindOf(value);
  if (kind === 'list') throw serialization(START_OF_LIST);
  if (kind !== 'object') throw serialization('Expected null');
  const json = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [member, memberShape] of Object.entries(shape.members ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(json, member)) continue;
    const v = json[member];
    if (v === null || v === undefined) continue;
    const memberPath = path === '' ? lowerFirst(member) : `${path}.${lowerFirst(member)}`;
    out[member] = decodeShape(schema, memberShape, v, memberPath);
  }
  return out;
}

export const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict RFC 4648 base64 (standard alphabet, padded): Node's decoder silently skips bad
 * characters, so we check the alphabet, the length and that the text is canonical. The value is
 * never echoed: blobs carry plaintext and keys.
 */
function decodeBase64(text: string, path: string): Buffer {
  const fail = (reason: string): KmsError =>
    serialization(`Value at '${path}' can not be converted to a Blob: ${reason}`);
  if (text.length % 4 !== 0) {
    throw fail(`Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`);
  }
  if (!BASE64_CHARS.test(text)) throw fail('Invalid Base64 character');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw fail('Invalid last non-pad Base64 character detected');
  return bytes;
}

/**
 * A lone UTF-16 surrogate (a JSON \ud800 escape) has no UTF-8 form: stored, it would come back
 * changed, and bound into a ciphertext it would collide with U+FFFD. Such strings are refused.
 */
function notUnicode(path: string): KmsError {
  return new KmsError(
    'ValidationException',
    `1 validation error detected: Value at '${path}' failed to satisfy constraint: Member must contain only well-formed Unicode`,
  );
}
