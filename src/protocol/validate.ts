/**
 * Model constraint checks with AWS's (Coral's) validation message: every violation, in Coral's
 * order, as `N validation error(s) detected: Value <v> at '<path>' failed to satisfy constraint:
 * <rule>; ...`. Paths use lowerCamel member names, `list.<i>.member` for list elements (1-based)
 * and `map.<key>.member` for map values. Sensitive values are never printed (`Value at
 * 'plaintext'`), other blobs print as Java's ByteBuffer does, null prints unquoted. JSON services
 * (KMS) send the message as ValidationException, Query services (IAM, STS) as ValidationError, with
 * the same wording; the checks work on any service's schema (`validateAgainstSchema`).
 */
import {
  OPERATIONS,
  SCHEMA,
  type ModelSchema,
  type OperationName,
  type ShapeName,
  type ShapeSchema,
} from '../model/index.js';
import { lowerFirst } from './decode.js';

/** Coral stops collecting after this many violations (dynalite's recordings of AWS show the cap). */
export const MAX_REPORTED_VIOLATIONS = 10;

/** One service's schema, and the order in which AWS lists an enum's values (default: the model's). */
interface SchemaContext {
  readonly schema: ModelSchema;
  readonly enumOrder: (shapeName: string, values: readonly string[]) => readonly string[];
}

const KMS: SchemaContext = {
  schema: SCHEMA,
  enumOrder: (shapeName, values) => enumDisplayOrder(shapeName as ShapeName, values),
};

/** `N validation error(s) detected: ...`, or undefined when there is no violation. */
function message(violations: readonly string[]): string | undefined {
  if (violations.length === 0) return undefined;
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
}

/** Returns the ValidationException message for `input`, or undefined when it satisfies the model. */
export function validateInput(op: OperationName, input: unknown): string | undefined {
  const violations: string[] = [];
  checkStructure(KMS, OPERATIONS[op].input, input ?? {}, '', violations);
  return message(violations);
}

/** Validates a decoded value of any shape; exported for tests and for nested use by operations. */
export function validateShape(shapeName: ShapeName, value: unknown, path: string): string[] {
  const violations: string[] = [];
  checkValue(KMS, shapeName, value, path, violations);
  return violations;
}

/**
 * The validation message for a decoded structure `input` of `shapeName` in any service's schema
 * (enum values listed in model order), or undefined when it satisfies the model.
 */
export function validateAgainstSchema(schema: ModelSchema, shapeName: string, input: unknown): string | undefined {
  const violations: string[] = [];
  checkStructure({ schema, enumOrder: (_, values) => values }, shapeName, input ?? {}, '', violations);
  return message(violations);
}

function add(violations: string[], value: string, path: string, rule: string): void {
  if (violations.length >= MAX_REPORTED_VIOLATIONS) return;
  violations.push(`Value${value === '' ? '' : ` ${value}`} at '${path}' failed to satisfy constraint: ${rule}`);
}

const join = (parent: string, name: string): string => (parent === '' ? name : `${parent}.${name}`);

function checkStructure(
  ctx: SchemaContext,
  shapeName: string,
  value: unknown,
  path: string,
  violations: string[],
): void {
  const shape = ctx.schema[shapeName]!;
  const members = shape.members ?? {};
  const required = new Set(shape.required ?? []);
  const record = (value ?? {}) as Record<string, unknown>;
  for (const member of shape.validationOrder ?? Object.keys(members)) {
    const memberPath = join(path, lowerFirst(member));
    const v = Object.prototype.hasOwnProperty.call(record, member) ? record[member] : undefined;
    if (v === undefined || v === null) {
      if (required.has(member)) add(violations, 'null', memberPath, 'Member must not be null');
      continue;
    }
    checkValue(ctx, members[member]!, v, memberPath, violations);
  }
}

/**
 * AWS lists an enum's values in its own order, not the model's. Where an AWS recording exists
 * (LocalStack's snapshots of real AWS answers) its order comes first; values AWS added since the
 * recording follow in model order.
 */
const AWS_ENUM_ORDER: Partial<Record<ShapeName, readonly string[]>> = {
  MacAlgorithmSpec: ['HMAC_SHA_384', 'HMAC_SHA_256', 'HMAC_SHA_224', 'HMAC_SHA_512'],
  KeySpec: [
    'RSA_2048',
    'ECC_NIST_P384',
    'ECC_NIST_P256',
    'ECC_NIST_P521',
    'HMAC_384',
    'RSA_3072',
    'ECC_SECG_P256K1',
    'RSA_4096',
    'SYMMETRIC_DEFAULT',
    'HMAC_256',
    'HMAC_224',
    'HMAC_512',
  ],
  KeyUsageType: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC'],
};

export function enumDisplayOrder(shapeName: ShapeName, values: readonly string[]): string[] {
  const recorded = (AWS_ENUM_ORDER[shapeName] ?? []).filter((v) => values.includes(v));
  return [...recorded, ...values.filter((v) => !recorded.includes(v))];
}

function checkValue(ctx: SchemaContext, shapeName: string, value: unknown, path: string, violations: string[]): void {
  const shape = ctx.schema[shapeName]!;
  const shown = (): string => render(ctx.schema, shape, value);
  switch (shape.type) {
    case 'structure':
      checkStructure(ctx, shapeName, value, path, violations);
      return;
    case 'string': {
      const s = value as string;
      if (shape.enum && !shape.enum.includes(s)) {
        add(
          violations,
          shown(),
          path,
          `Member must satisfy enum value set: [${ctx.enumOrder(shapeName, shape.enum).join(', ')}]`,
        );
      }
      if (shape.pattern !== undefined && !patternOf(shape.pattern).test(s)) {
        add(violations, shown(), path, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      checkLength(shape, [...s].length, shown, path, violations);
      return;
    }
    case 'blob':
      checkLength(shape, (value as Uint8Array).length, shown, path, violations);
      return;
    case 'list': {
      const list = value as unknown[];
      checkLength(shape, list.length, shown, path, violations);
      list.forEach((element, i) => checkValue(ctx, shape.member!, element, `${path}.${i + 1}.member`, violations));
      return;
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      checkLength(shape, entries.length, shown, path, violations);
      const keyRules = validateKeys(
        ctx,
        shape.key!,
        entries.map(([k]) => k),
      );
      if (keyRules) add(violations, shown(), path, `Map keys must satisfy constraint: [${keyRules}]`);
      for (const [k, v] of entries) checkValue(ctx, shape.value!, v, `${path}.${k}.member`, violations);
      return;
    }
    case 'integer':
    case 'long': {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min) {
        add(violations, shown(), path, `Member must have value greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && n > shape.max) {
        add(violations, shown(), path, `Member must have value less than or equal to ${shape.max}`);
      }
      return;
    }
    case 'boolean':
    case 'timestamp':
      return;
  }
}

function checkLength(
  shape: ShapeSchema,
  length: number,
  shown: () => string,
  path: string,
  violations: string[],
): void {
  if (shape.min !== undefined && length < shape.min) {
    add(violations, shown(), path, `Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && length > shape.max) {
    add(violations, shown(), path, `Member must have length less than or equal to ${shape.max}`);
  }
}

/** The key rules of a map (dynalite's recording of Coral's wording), when any key breaks one. */
function validateKeys(ctx: SchemaContext, keyShape: string, keys: string[]): string | undefined {
  const shape = ctx.schema[keyShape]!;
  const rules: string[] = [];
  if (shape.min !== undefined) rules.push(`Member must have length greater than or equal to ${shape.min}`);
  if (shape.max !== undefined) rules.push(`Member must have length less than or equal to ${shape.max}`);
  if (shape.pattern !== undefined) rules.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  if (rules.length === 0) return undefined;
  const bad = keys.some((k) => {
    const violations: string[] = [];
    checkValue(ctx, keyShape, k, '', violations);
    return violations.length > 0;
  });
  return bad ? rules.join(', ') : undefined;
}

const patterns = new Map<string, RegExp>();

/** Model patterns are Java regexes that must match the whole value (String.matches). */
export function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    try {
      re = new RegExp(`^(?:${source})$`, 'u');
    } catch {
      re = new RegExp(`^(?:${source})$`);
    }
    patterns.set(source, re);
  }
  return re;
}

/** How Coral prints a value in a violation: quoted, except null; sensitive values not at all (''). */
function render(schema: ModelSchema, shape: ShapeSchema, value: unknown): string {
  if (shape.sensitive) return '';
  return `'${javaString(schema, shape, value)}'`;
}

function javaString(schema: ModelSchema, shape: ShapeSchema, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (shape.sensitive) return '***';
  switch (shape.type) {
    case 'blob': {
      const n = (value as Uint8Array).length;
      return `java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]`;
    }
    case 'list': {
      const element = schema[shape.member!]!;
      return `[${(value as unknown[]).map((e) => javaString(schema, element, e)).join(', ')}]`;
    }
    case 'map': {
      const v = schema[shape.value!]!;
      const entries = Object.entries(value as Record<string, unknown>);
      return `{${entries.map(([k, e]) => `${k}=${javaString(schema, v, e)}`).join(', ')}}`;
    }
    case 'structure': {
      const members = Object.entries(shape.members ?? {});
      const record = value as Record<string, unknown>;
      const parts = members
        .filter(([m]) => record[m] !== undefined && record[m] !== null)
        .map(([m, s]) => `${m}: ${javaString(schema, schema[s]!, record[m])}`);
      return `{${parts.join(', ')}}`;
    }
    case 'timestamp':
      return (value as Date).toISOString();
    default:
      return String(value);
  }
}
