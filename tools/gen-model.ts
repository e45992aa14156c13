/**
 * Generates src/model/ from botocore's KMS service model (../shared/aws-models/kms/service-2.json):
 * wire types, the runtime schema used to decode and validate requests, the operation table and the
 * error table. Run `npx tsx tools/gen-model.ts`; `--check` exits 1 when src/model is not current.
 *
 * The shared model predates some of the API (ML-KEM keys, Encapsulate, Decapsulate), so
 * tools/kms-model-overlay.json is merged into it first: whole operations and shapes, members added
 * to existing structures, and values appended to existing enums (after the model's own, so existing
 * values keep their order in validation messages). The overlay never overrides the model: an entry
 * the model already has identically is skipped, and a conflicting one is an error. Its `_source`
 * names where each addition comes from (the installed @aws-sdk/client-kms).
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modelPath = path.resolve(repoRoot, '../shared/aws-models/kms/service-2.json');
const overlayPath = path.join(repoRoot, 'tools/kms-model-overlay.json');
const outDir = path.join(repoRoot, 'src/model');

// ---- the subset of botocore's model format we read -------------------------------------------

interface MemberRef {
  shape: string;
  deprecated?: boolean;
  deprecatedMessage?: string;
}
interface RawShape {
  type: string;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  exception?: boolean;
  fault?: boolean;
  error?: { httpStatusCode?: number; code?: string; senderFault?: boolean };
  deprecated?: boolean;
}
interface RawOperation {
  name: string;
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
}
interface RawModel {
  metadata: { targetPrefix: string; apiVersion: string; jsonVersion: string };
  operations: Record<string, RawOperation>;
  shapes: Record<string, RawShape>;
}

const SHAPE_TYPES = ['structure', 'string', 'blob', 'integer', 'long', 'boolean', 'timestamp', 'list', 'map'];

/**
 * Errors AWS KMS answers with that are not shapes of the model (protocol, authentication and
 * throttling errors common to AWS JSON services), with the status AWS sends for them.
 * https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
 */
const COMMON_ERRORS: Record<string, number> = {
  AccessDeniedException: 400,
  ExpiredTokenException: 400,
  IncompleteSignatureException: 400,
  InternalFailure: 500,
  InvalidSignatureException: 400,
  MissingAuthenticationTokenException: 400,
  RequestExpired: 400,
  SerializationException: 400,
  ServiceUnavailableException: 503,
  ThrottlingException: 400,
  UnknownOperationException: 400,
  UnrecognizedClientException: 400,
  ValidationException: 400,
};

/**
 * Status on the wire for the model's server faults. AWS KMS answers every client error with 400.
 * Older botocore models carried httpStatusCode for these three (500, 503, 500); the current model
 * only marks them `fault`.
 */
const FAULT_STATUS: Record<string, number> = {
  KMSInternalException: 500,
  DependencyTimeoutException: 503,
  KeyUnavailableException: 500,
};

// ---- helpers ---------------------------------------------------------------------------------

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
const q = (s: string): string => JSON.stringify(s);

/** Java's String.hashCode, over UTF-16 code units. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The order in which AWS (Coral) reports a structure's violations: the iteration order of a Java
 * HashMap keyed by the lowerCamel member names (bucket = spread hash & (capacity - 1), insertion
 * order within a bucket). Inferred from recorded responses such as "2 validation errors detected:
 * Value null at 'execution' ...; Value null at 'domain' ..." and
 * "... at 'writeCapacityUnits' ...; ... at 'readCapacityUnits' ...".
 */
function coralMemberOrder(members: string[]): string[] {
  let capacity = 16;
  while (members.length > capacity * 0.75) capacity *= 2;
  const bucket = (name: string): number => {
    const h = javaHash(lowerFirst(name));
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return members
    .map((name, index) => ({ name, index, bucket: bucket(name) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((m) => m.name);
}

/** Additions to the model (see the header and tools/kms-model-overlay.json). */
interface Overlay {
  _source: string;
  operations?: Record<string, RawOperation>;
  shapes?: Record<string, RawShape>;
  /** structure name -> members appended to it */
  members?: Record<string, Record<string, MemberRef>>;
  /** enum shape name -> values appended to it */
  enumValues?: Record<string, string[]>;
}

/** Equal as JSON, documentation aside (the overlay carries none). */
const sameJson = (a: unknown, b: unknown): boolean => {
  const strip = (_key: string, value: unknown): unknown =>
    value && typeof value === 'object' && 'documentation' in value ? { ...value, documentation: undefined } : value;
  return JSON.stringify(a, strip) === JSON.stringify(b, strip);
};

/** Merges `overlay` into `model` in place, refusing anything that changes what the model says. */
function applyOverlay(model: RawModel, overlay: Overlay): void {
  for (const [name, op] of Object.entries(overlay.operations ?? {})) {
    const existing = model.operations[name];
    if (existing && !sameJson(existing, op)) throw new Error(`overlay operation ${name} conflicts with the model`);
    model.operations[name] = op;
  }
  for (const [name, shape] of Object.entries(overlay.shapes ?? {})) {
    const existing = model.shapes[name];
    if (existing && !sameJson(existing, shape)) throw new Error(`overlay shape ${name} conflicts with the model`);
    model.shapes[name] = shape;
  }
  for (const [name, members] of Object.entries(overlay.members ?? {})) {
    const shape = model.shapes[name];
    if (shape?.type !== 'structure') throw new Error(`overlay adds members to ${name}, not a structure`);
    shape.members ??= {};
    for (const [member, ref] of Object.entries(members)) {
      const existing = shape.members[member];
      if (existing && existing.shape !== ref.shape)
        throw new Error(`overlay member ${name}.${member} conflicts with the model`);
      if (!existing) shape.members[member] = ref;
    }
  }
  for (const [name, values] of Object.entries(overlay.enumValues ?? {})) {
    const shape = model.shapes[name];
    if (!shape?.enum) throw new Error(`overlay adds enum values to ${name}, not an enum`);
    for (const value of values) if (!shape.enum.includes(value)) shape.enum.push(value);
  }
}

function load(): RawModel {
  const model = JSON.parse(readFileSync(modelPath, 'utf8')) as RawModel;
  applyOverlay(model, JSON.parse(readFileSync(overlayPath, 'utf8')) as Overlay);
  return model;
}

/** Every shape reachable from an operation's input, output or errors, sorted by name. */
function usedShapes(model: RawModel): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    const shape = model.shapes[name];
    if (!shape) throw new Error(`model references unknown shape ${name}`);
    if (!SHAPE_TYPES.includes(shape.type)) throw new Error(`shape ${name} has unsupported type ${shape.type}`);
    seen.add(name);
    for (const m of Object.values(shape.members ?? {})) visit(m.shape);
    if (shape.member) visit(shape.member.shape);
    if (shape.key) visit(shape.key.shape);
    if (shape.value) visit(shape.value.shape);
  };
  for (const op of Object.values(model.operations)) {
    if (op.input) visit(op.input.shape);
    if (op.output) visit(op.output.shape);
    for (const e of op.errors ?? []) visit(e.shape);
  }
  return [...seen].sort();
}

const HEADER = `// Generated by tools/gen-model.ts from ../shared/aws-models/kms/service-2.json and
// tools/kms-model-overlay.json. Do not edit.
// Regenerate with \`npm run generate\`; CI runs \`npm run check-generated\`.
`;

// ---- shapes.ts -------------------------------------------------------------------------------

function tsType(model: RawModel, name: string): string {
  const s = model.shapes[name]!;
  switch (s.type) {
    case 'string':
      return s.enum ? s.enum.map(q).join(' | ') : 'string';
    case 'blob':
      return 'Uint8Array';
    case 'integer':
    case 'long':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'Date';
    case 'list':
      return `${s.member!.shape}[]`;
    case 'map':
      return `Record<${s.key!.shape}, ${s.value!.shape}>`;
    default:
      throw new Error(`no alias for ${s.type}`);
  }
}

function genShapes(model: RawModel, names: string[]): string {
  let out = HEADER + '\n/* Wire types of the KMS API: one per shape used by an operation. */\n\n';
  for (const name of names) {
    const s = model.shapes[name]!;
    if (s.type === 'structure') {
      const required = new Set(s.required ?? []);
      out += `export interface ${name} {\n`;
      for (const [member, ref] of Object.entries(s.members ?? {})) {
        if (ref.deprecated) out += `  /** @deprecated ${ref.deprecatedMessage ?? ''} */\n`;
        out += `  ${member}${required.has(member) ? '' : '?'}: ${ref.shape};\n`;
      }
      out += '}\n\n';
    } else {
      if (s.deprecated) out += '/** @deprecated */\n';
      out += `export type ${name} = ${tsType(model, name)};\n`;
      if (s.enum) out += `export const ${name}Values = [${s.enum.map(q).join(', ')}] as const;\n`;
      out += '\n';
    }
  }
  return out;
}

// ---- schema.ts -------------------------------------------------------------------------------

function genSchema(model: RawModel, names: string[]): string {
  let out = HEADER;
  out += `
/** Runtime description of every shape, for decoding and validating requests and encoding responses. */

export type ShapeType =
  | 'structure'
  | 'string'
  | 'blob'
  | 'integer'
  | 'long'
  | 'boolean'
  | 'timestamp'
  | 'list'
  | 'map';

export interface ShapeSchema {
  readonly type: ShapeType;
  /** structure: member name -> shape name, in model order */
  readonly members?: Readonly<Record<string, string>>;
  readonly required?: readonly string[];
  /** structure: member names in the order AWS reports their validation errors */
  readonly validationOrder?: readonly string[];
  /** list: the member shape */
  readonly member?: string;
  /** map: key and value shapes */
  readonly key?: string;
  readonly value?: string;
  /** length (string, blob, list, map) or value (integer, long) bounds */
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly sensitive?: boolean;
  readonly exception?: boolean;
}

export type ShapeName = ${names.map(q).join(' | ')};

export const SCHEMA: Readonly<Record<ShapeName, ShapeSchema>> = {
`;
  for (const name of names) {
    const s = model.shapes[name]!;
    const f: string[] = [`type: ${q(s.type)}`];
    if (s.type === 'structure') {
      const members = Object.entries(s.members ?? {});
      f.push(`members: { ${members.map(([m, r]) => `${m}: ${q(r.shape)}`).join(', ')} }`);
      if (s.required?.length) f.push(`required: [${s.required.map(q).join(', ')}]`);
      if (members.length > 1)
        f.push(
          `validationOrder: [${coralMemberOrder(members.map(([m]) => m))
            .map(q)
            .join(', ')}]`,
        );
    }
    if (s.member) f.push(`member: ${q(s.member.shape)}`);
    if (s.key) f.push(`key: ${q(s.key.shape)}`, `value: ${q(s.value!.shape)}`);
    if (s.min !== undefined) f.push(`min: ${s.min}`);
    if (s.max !== undefined) f.push(`max: ${s.max}`);
    if (s.pattern !== undefined) f.push(`pattern: ${q(s.pattern)}`);
    if (s.enum) f.push(`enum: [${s.enum.map(q).join(', ')}]`);
    if (s.sensitive) f.push('sensitive: true');
    if (s.exception) f.push('exception: true');
    out += `  ${name}: { ${f.join(', ')} },\n`;
  }
  out += '};\n';
  return out;
}

// ---- operations.ts ---------------------------------------------------------------------------

function genOperations(model: RawModel): string {
  const ops = Object.values(model.operations).sort((a, b) => (a.name < b.name ? -1 : 1));
  const imports = new Set<string>();
  for (const op of ops) {
    if (op.input) imports.add(op.input.shape);
    if (op.output) imports.add(op.output.shape);
  }
  let out = HEADER;
  out += `\nimport type { ${[...imports].sort().join(', ')} } from './shapes.js';\n\n`;
  out += `/** The service's X-Amz-Target prefix: \`${model.metadata.targetPrefix}.<Operation>\`. */\n`;
  out += `export const TARGET_PREFIX = ${q(model.metadata.targetPrefix)};\n\n`;
  out += `export const OPERATION_NAMES = [${ops.map((o) => q(o.name)).join(', ')}] as const;\n\n`;
  out += 'export type OperationName = (typeof OPERATION_NAMES)[number];\n\n';
  out += `export interface OperationSpec {
  readonly input: string;
  readonly output?: string;
  readonly errors: readonly string[];
}

export const OPERATIONS: Readonly<Record<OperationName, OperationSpec>> = {
`;
  for (const op of ops) {
    const f = [`input: ${q(op.input!.shape)}`];
    if (op.output) f.push(`output: ${q(op.output.shape)}`);
    f.push(`errors: [${(op.errors ?? []).map((e) => q(e.shape)).join(', ')}]`);
    out += `  ${op.name}: { ${f.join(', ')} },\n`;
  }
  out += '};\n\n';
  out += 'export interface OperationInputs {\n';
  for (const op of ops) out += `  ${op.name}: ${op.input!.shape};\n`;
  out += '}\n\n';
  out += '/** Operations without an output answer with an empty JSON object. */\n';
  out += 'export interface OperationOutputs {\n';
  for (const op of ops) out += `  ${op.name}: ${op.output ? op.output.shape : 'Record<string, never>'};\n`;
  out += '}\n\n';
  out += 'export type OperationInput<O extends OperationName> = OperationInputs[O];\n';
  out += 'export type OperationOutput<O extends OperationName> = OperationOutputs[O];\n\n';
  out += `export function isOperationName(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(OPERATIONS, name);
}
`;
  return out;
}

// ---- errors.ts -------------------------------------------------------------------------------

function genErrors(model: RawModel, names: string[]): string {
  const exceptions = names.filter((n) => model.shapes[n]!.exception);
  let out = HEADER;
  out += `
/** One AWS error name and how it travels on the wire. */
export interface ErrorSpec {
  /** true for the model's server faults (\`fault\` in the model) */
  readonly fault: boolean;
  /** the httpStatusCode the model declares, kept for reference; the current model declares none */
  readonly modelHttpStatus?: number;
  /** the status AWS KMS actually sends: 400 for every client error */
  readonly status: number;
}

/** Every exception shape of the model. */
export const MODEL_ERRORS = {
`;
  for (const name of exceptions) {
    const s = model.shapes[name]!;
    const fault = s.fault === true;
    const status = fault ? (FAULT_STATUS[name] ?? 500) : 400;
    const f = [`fault: ${fault}`];
    if (s.error?.httpStatusCode !== undefined) f.push(`modelHttpStatus: ${s.error.httpStatusCode}`);
    f.push(`status: ${status}`);
    out += `  ${name}: { ${f.join(', ')} },\n`;
  }
  out += '} as const satisfies Record<string, ErrorSpec>;\n\n';
  out += 'export type ModelErrorName = keyof typeof MODEL_ERRORS;\n\n';
  out += '/** Errors of the AWS JSON protocol, authentication and throttling that are not model shapes. */\n';
  out += 'export const COMMON_ERRORS = {\n';
  for (const [name, status] of Object.entries(COMMON_ERRORS).sort()) {
    out += `  ${name}: { fault: ${status >= 500}, status: ${status} },\n`;
  }
  out += '} as const satisfies Record<string, ErrorSpec>;\n\n';
  out += 'export type CommonErrorName = keyof typeof COMMON_ERRORS;\n';
  out += 'export type ErrorName = ModelErrorName | CommonErrorName;\n\n';
  out += `const ALL_ERRORS: Readonly<Record<string, ErrorSpec>> = { ...COMMON_ERRORS, ...MODEL_ERRORS };

export function isKnownErrorName(name: string): name is ErrorName {
  return Object.prototype.hasOwnProperty.call(ALL_ERRORS, name);
}

/**
 * The HTTP status to send for an AWS error name: the table's value, and 400 for a name the table
 * does not know (AWS KMS answers every client error with 400).
 */
export function httpStatusFor(name: string): number {
  return isKnownErrorName(name) ? ALL_ERRORS[name]!.status : 400;
}
`;
  return out;
}

const INDEX = `${HEADER}
export * from './shapes.js';
export { SCHEMA } from './schema.js';
export type { ShapeName, ShapeSchema, ShapeType } from './schema.js';
export {
  OPERATIONS,
  OPERATION_NAMES,
  TARGET_PREFIX,
  isOperationName,
} from './operations.js';
export type {
  OperationInput,
  OperationInputs,
  OperationName,
  OperationOutput,
  OperationOutputs,
  OperationSpec,
} from './operations.js';
export { COMMON_ERRORS, MODEL_ERRORS, httpStatusFor, isKnownErrorName } from './errors.js';
export type { CommonErrorName, ErrorName, ErrorSpec, ModelErrorName } from './errors.js';
`;

// ---- main ------------------------------------------------------------------------------------

async function generate(): Promise<Record<string, string>> {
  const model = load();
  const names = usedShapes(model);
  const files: Record<string, string> = {
    'shapes.ts': genShapes(model, names),
    'schema.ts': genSchema(model, names),
    'operations.ts': genOperations(model),
    'errors.ts': genErrors(model, names),
    'index.ts': INDEX,
  };
  for (const [file, text] of Object.entries(files)) {
    files[file] = await format(text, {
      parser: 'typescript',
      singleQuote: true,
      printWidth: 100,
      trailingComma: 'all',
    });
  }
  return files;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await generate();
  const stale: string[] = [];
  if (!check) mkdirSync(outDir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(outDir, file);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === text) continue;
    if (check) stale.push(file);
    else writeFileSync(target, text);
  }
  if (check && stale.length > 0) {
    console.error(`src/model is out of date (${stale.join(', ')}); run npm run generate`);
    process.exit(1);
  }
}

await main();
