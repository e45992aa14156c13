/**
 * Generates src/model/<service>/ from botocore's service models (../shared/aws-models/<service>/
 * service-2.json) for KMS, CloudTrail and Systems Manager (AWS JSON 1.1), IAM and STS (AWS Query):
 * wire types, the runtime schema used to decode and validate requests and encode responses, the
 * operation table and the error table, plus src/model/shape-schema.ts (the schema's types, shared
 * by every service) and src/model/index.ts (KMS names at the top level, `iam`, `sts`, `cloudtrail`
 * and `ssm` as namespaces). A service may be generated for some of its operations only
 * (CloudTrail: LookupEvents; Systems Manager: the 13 Parameter Store operations). Run
 * `npx tsx tools/gen-model.ts`; `--check` exits 1 when src/model is not current.
 *
 * The shared KMS model predates some of the API (ML-KEM keys, Encapsulate, Decapsulate), so
 * tools/kms-model-overlay.json is merged into it first: whole operations and shapes, members added
 * to existing structures, and values appended to existing enums (after the model's own, so existing
 * values keep their order in validation messages). The overlay never overrides the model: an entry
 * the model already has identically is skipped, and a conflicting one is an error. Its `_source`
 * names where each addition comes from (the installed @aws-sdk/client-kms).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = path.resolve(repoRoot, '../shared/aws-models');
const outDir = path.join(repoRoot, 'src/model');

/** The services generated, each into src/model/<id>/. */
interface ServiceConfig {
  readonly id: 'kms' | 'iam' | 'sts' | 'cloudtrail' | 'ssm';
  /** what the wire types are called in comments */
  readonly title: string;
  /** tools/<file> merged into the model first (KMS only) */
  readonly overlay?: string;
  /**
   * The operations generated, when not the whole model: only they and the shapes they reach are
   * written, and every other operation of the service is unknown to Trent (UnknownOperationException).
   */
  readonly operations?: readonly string[];
}
const SERVICES: readonly ServiceConfig[] = [
  { id: 'kms', title: 'KMS', overlay: 'kms-model-overlay.json' },
  { id: 'iam', title: 'IAM' },
  { id: 'sts', title: 'STS' },
  { id: 'cloudtrail', title: 'CloudTrail', operations: ['LookupEvents'] },
  {
    id: 'ssm',
    title: 'Systems Manager',
    // Parameter Store (issue 10); every other Systems Manager operation is unknown to Trent.
    operations: [
      'AddTagsToResource',
      'DeleteParameter',
      'DeleteParameters',
      'DescribeParameters',
      'GetParameter',
      'GetParameterHistory',
      'GetParameters',
      'GetParametersByPath',
      'LabelParameterVersion',
      'ListTagsForResource',
      'PutParameter',
      'RemoveTagsFromResource',
      'UnlabelParameterVersion',
    ],
  },
];

// ---- the subset of botocore's model format we read -------------------------------------------

interface MemberRef {
  shape: string;
  deprecated?: boolean;
  deprecatedMessage?: string;
  /** the XML element name (Query protocol) when it is not the member name */
  locationName?: string;
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
  /** Query protocol: lists and maps without the member/entry wrapper */
  flattened?: boolean;
  error?: { httpStatusCode?: number; code?: string; senderFault?: boolean };
  deprecated?: boolean;
}
interface RawOperation {
  name: string;
  input?: { shape: string };
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
}
interface RawModel {
  metadata: {
    protocol: string;
    apiVersion: string;
    targetPrefix?: string;
    jsonVersion?: string;
    xmlNamespace?: string;
  };
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
 * Errors of AWS Query services (IAM, STS) that are not shapes of their models, by wire code, with
 * their status: the common errors of the IAM and STS API references (CommonErrors.html, current
 * and earlier editions) and what AWS STS answers for them (MalformedInput for a number that does
 * not parse, AccessDenied 403 for an AssumeRole the policies refuse; recorded probes of the real
 * service).
 */
const COMMON_QUERY_ERRORS: Record<string, number> = {
  AccessDenied: 403,
  AccessDeniedException: 400,
  ExpiredToken: 403,
  IncompleteSignature: 400,
  InternalFailure: 500,
  InvalidAction: 400,
  InvalidClientTokenId: 403,
  InvalidParameterCombination: 400,
  InvalidParameterValue: 400,
  InvalidQueryParameter: 400,
  MalformedInput: 400,
  MalformedQueryString: 404,
  MissingAction: 400,
  MissingAuthenticationToken: 403,
  MissingParameter: 400,
  NotAuthorized: 400,
  OptInRequired: 403,
  RequestExpired: 400,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  Throttling: 400,
  ThrottlingException: 400,
  ValidationError: 400,
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

function load(service: ServiceConfig): RawModel {
  const model = JSON.parse(readFileSync(path.join(modelsDir, service.id, 'service-2.json'), 'utf8')) as RawModel;
  if (service.overlay) {
    applyOverlay(model, JSON.parse(readFileSync(path.join(repoRoot, 'tools', service.overlay), 'utf8')) as Overlay);
  }
  if (service.operations) {
    for (const name of service.operations) {
      if (!model.operations[name]) throw new Error(`${service.id} has no operation ${name}`);
    }
    model.operations = Object.fromEntries(
      Object.entries(model.operations).filter(([name]) => service.operations!.includes(name)),
    );
  }
  return model;
}

const isQuery = (model: RawModel): boolean => model.metadata.protocol === 'query';

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

function header(service: ServiceConfig): string {
  const sources = service.overlay
    ? `../shared/aws-models/${service.id}/service-2.json and\n// tools/${service.overlay}.`
    : service.operations
      ? `../shared/aws-models/${service.id}/service-2.json\n// (${service.operations.join(', ')} only).`
      : `../shared/aws-models/${service.id}/service-2.json.`;
  return `// Generated by tools/gen-model.ts from ${sources} Do not edit.
// Regenerate with \`npm run generate\`; CI runs \`npm run check-generated\`.
`;
}

const SHARED_HEADER = `// Generated by tools/gen-model.ts. Do not edit.
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
      // CloudTrail names its timestamp shape `Date`, which would shadow the global in shapes.ts.
      return model.shapes.Date ? 'globalThis.Date' : 'Date';
    case 'list':
      return `${s.member!.shape}[]`;
    case 'map':
      // A map keyed by an enum need not have every key (GetAccountSummary's SummaryMap).
      return model.shapes[s.key!.shape]!.enum
        ? `Partial<Record<${s.key!.shape}, ${s.value!.shape}>>`
        : `Record<${s.key!.shape}, ${s.value!.shape}>`;
    default:
      throw new Error(`no alias for ${s.type}`);
  }
}

function genShapes(service: ServiceConfig, model: RawModel, names: string[]): string {
  let out = header(service) + `\n/* Wire types of the ${service.title} API: one per shape used by an operation. */\n\n`;
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

// ---- shape-schema.ts (shared) ----------------------------------------------------------------

const SHAPE_SCHEMA = `${SHARED_HEADER}
/** The types of every service's runtime schema (src/model/<service>/schema.ts). */

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
  /** structure (Query protocol): member name -> XML element and query key, where it is not the member name */
  readonly locationNames?: Readonly<Record<string, string>>;
  /** list: the member shape */
  readonly member?: string;
  /** list (Query protocol): the element name of each item, where it is not \`member\` */
  readonly memberLocationName?: string;
  /** map: key and value shapes */
  readonly key?: string;
  readonly value?: string;
  /** map (Query protocol): the names of the key and value elements, where they are not \`key\` and \`value\` */
  readonly keyLocationName?: string;
  readonly valueLocationName?: string;
  /** list or map (Query protocol): items are not wrapped in member/entry elements */
  readonly flattened?: boolean;
  /** length (string, blob, list, map) or value (integer, long) bounds */
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly sensitive?: boolean;
  readonly exception?: boolean;
}

/** A service's schema: every shape by name. */
export type ModelSchema = Readonly<Record<string, ShapeSchema>>;
`;

// ---- schema.ts -------------------------------------------------------------------------------

function genSchema(service: ServiceConfig, model: RawModel, names: string[]): string {
  let out = header(service);
  out += `
/** Runtime description of every shape, for decoding and validating requests and encoding responses. */

import type { ShapeSchema } from '../shape-schema.js';

export type { ShapeSchema, ShapeType } from '../shape-schema.js';

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
      const renamed = members.filter(([m, r]) => r.locationName !== undefined && r.locationName !== m);
      if (renamed.length)
        f.push(`locationNames: { ${renamed.map(([m, r]) => `${m}: ${q(r.locationName!)}`).join(', ')} }`);
    }
    if (s.member) f.push(`member: ${q(s.member.shape)}`);
    if (s.member?.locationName !== undefined && s.member.locationName !== 'member')
      f.push(`memberLocationName: ${q(s.member.locationName)}`);
    if (s.key) f.push(`key: ${q(s.key.shape)}`, `value: ${q(s.value!.shape)}`);
    if (s.key?.locationName !== undefined && s.key.locationName !== 'key')
      f.push(`keyLocationName: ${q(s.key.locationName)}`);
    if (s.value?.locationName !== undefined && s.value.locationName !== 'value')
      f.push(`valueLocationName: ${q(s.value.locationName)}`);
    if (s.flattened) f.push('flattened: true');
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

function genOperations(service: ServiceConfig, model: RawModel): string {
  const ops = Object.values(model.operations).sort((a, b) => (a.name < b.name ? -1 : 1));
  const query = isQuery(model);
  const imports = new Set<string>();
  for (const op of ops) {
    if (op.input) imports.add(op.input.shape);
    if (op.output) imports.add(op.output.shape);
  }
  const everyInput = ops.every((op) => op.input);
  let out = header(service);
  out += `\nimport type { ${[...imports].sort().join(', ')} } from './shapes.js';\n\n`;
  if (query) {
    out += "/** The Query protocol's `Version` parameter. */\n";
    out += `export const API_VERSION = ${q(model.metadata.apiVersion)};\n\n`;
    out += '/** The namespace of every response and modelled error document. */\n';
    out += `export const XML_NAMESPACE = ${q(model.metadata.xmlNamespace!)};\n\n`;
  } else {
    out += `/** The service's X-Amz-Target prefix: \`${model.metadata.targetPrefix}.<Operation>\`. */\n`;
    out += `export const TARGET_PREFIX = ${q(model.metadata.targetPrefix!)};\n\n`;
  }
  out += `export const OPERATION_NAMES = [${ops.map((o) => q(o.name)).join(', ')}] as const;\n\n`;
  out += 'export type OperationName = (typeof OPERATION_NAMES)[number];\n\n';
  out += `export interface OperationSpec {
  ${everyInput ? '' : '/** absent for operations that take no parameters */\n  '}readonly input${everyInput ? '' : '?'}: string;
  readonly output?: string;
${query ? '  /** the element wrapping the output in the XML response (`<CreateUserResult>`) */\n  readonly resultWrapper?: string;\n' : ''}  readonly errors: readonly string[];
}

export const OPERATIONS: Readonly<Record<OperationName, OperationSpec>> = {
`;
  for (const op of ops) {
    const f: string[] = [];
    if (op.input) f.push(`input: ${q(op.input.shape)}`);
    if (op.output) f.push(`output: ${q(op.output.shape)}`);
    if (op.output?.resultWrapper) f.push(`resultWrapper: ${q(op.output.resultWrapper)}`);
    f.push(`errors: [${(op.errors ?? []).map((e) => q(e.shape)).join(', ')}]`);
    out += `  ${op.name}: { ${f.join(', ')} },\n`;
  }
  out += '};\n\n';
  if (!everyInput) out += '/** Operations without an input take no parameters. */\n';
  out += 'export interface OperationInputs {\n';
  for (const op of ops) out += `  ${op.name}: ${op.input ? op.input.shape : 'Record<string, never>'};\n`;
  out += '}\n\n';
  out += query
    ? '/** Operations without an output answer with ResponseMetadata only. */\n'
    : '/** Operations without an output answer with an empty JSON object. */\n';
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

function genErrors(service: ServiceConfig, model: RawModel, names: string[]): string {
  return isQuery(model) ? genQueryErrors(service, model, names) : genJsonErrors(service, model, names);
}

function genJsonErrors(service: ServiceConfig, model: RawModel, names: string[]): string {
  const exceptions = names.filter((n) => model.shapes[n]!.exception);
  let out = header(service);
  out += `
/** One AWS error name and how it travels on the wire. */
export interface ErrorSpec {
  /** true for the model's server faults (\`fault\` in the model) */
  readonly fault: boolean;
  /** the httpStatusCode the model declares, kept for reference; the current model declares none */
  readonly modelHttpStatus?: number;
  /** the status AWS ${service.title} actually sends: 400 for every client error */
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
 * does not know (AWS ${service.title} answers every client error with 400).
 */
export function httpStatusFor(name: string): number {
  return isKnownErrorName(name) ? ALL_ERRORS[name]!.status : 400;
}
`;
  return out;
}

/**
 * Query services name an error on the wire by its `awsQueryError` code (botocore's `error.code`:
 * NoSuchEntityException travels as NoSuchEntity) and send the model's httpStatusCode.
 */
function genQueryErrors(service: ServiceConfig, model: RawModel, names: string[]): string {
  const exceptions = names.filter((n) => model.shapes[n]!.exception);
  let out = header(service);
  out += `
/** One ${service.title} error and how it travels on the wire. */
export interface ErrorSpec {
  /** the code in \`<Error><Code>\` (the model's awsQueryError code; the shape name when it has none) */
  readonly code: string;
  /** the HTTP status (the model's httpStatusCode; 400 when it declares none) */
  readonly status: number;
  /** a server fault: \`<Type>Receiver</Type>\` instead of Sender */
  readonly fault: boolean;
}

/** Every exception shape of the model, by shape name. */
export const MODEL_ERRORS = {
`;
  const codes = new Set<string>();
  for (const name of exceptions) {
    const s = model.shapes[name]!;
    const code = s.error?.code ?? name;
    if (codes.has(code)) throw new Error(`${service.id}: two error shapes have the code ${code}`);
    codes.add(code);
    const status = s.error?.httpStatusCode ?? 400;
    const fault = s.fault === true || (s.error?.senderFault !== true && status >= 500);
    out += `  ${name}: { code: ${q(code)}, status: ${status}, fault: ${fault} },\n`;
  }
  out += '} as const satisfies Record<string, ErrorSpec>;\n\n';
  out += 'export type ModelErrorName = keyof typeof MODEL_ERRORS;\n';
  out += "export type ModelErrorCode = (typeof MODEL_ERRORS)[ModelErrorName]['code'];\n\n";
  out += '/** Errors of the Query protocol, authentication and throttling that are not model shapes, by code. */\n';
  out += 'export const COMMON_ERRORS = {\n';
  for (const [code, status] of Object.entries(COMMON_QUERY_ERRORS).sort()) {
    if (codes.has(code)) continue;
    out += `  ${code}: { code: ${q(code)}, status: ${status}, fault: ${status >= 500} },\n`;
  }
  out += '} as const satisfies Record<string, ErrorSpec>;\n\n';
  out += 'export type CommonErrorCode = keyof typeof COMMON_ERRORS;\n';
  out += 'export type ErrorCode = ModelErrorCode | CommonErrorCode;\n\n';
  out += `const BY_CODE: ReadonlyMap<string, ErrorSpec> = new Map<string, ErrorSpec>([
  ...Object.values(COMMON_ERRORS).map((e): [string, ErrorSpec] => [e.code, e]),
  ...Object.values(MODEL_ERRORS).map((e): [string, ErrorSpec] => [e.code, e]),
]);
const BY_SHAPE: ReadonlyMap<string, ErrorSpec> = new Map(Object.entries(MODEL_ERRORS));

export function isKnownErrorCode(code: string): code is ErrorCode {
  return BY_CODE.has(code);
}

/**
 * The wire spec of an error, given its code (\`NoSuchEntity\`) or, for model errors, its shape name
 * (\`NoSuchEntityException\`); undefined when neither table knows it.
 */
export function errorSpecFor(codeOrShapeName: string): ErrorSpec | undefined {
  return BY_CODE.get(codeOrShapeName) ?? BY_SHAPE.get(codeOrShapeName);
}

/** The HTTP status to send for an error code: the table's value, and 400 for a code it does not know. */
export function httpStatusFor(code: string): number {
  return errorSpecFor(code)?.status ?? 400;
}
`;
  return out;
}

// ---- index.ts --------------------------------------------------------------------------------

function genIndex(service: ServiceConfig, model: RawModel): string {
  const query = isQuery(model);
  const prefix = service.title.charAt(0) + service.title.slice(1).toLowerCase();
  let out = `${header(service)}
export * from './shapes.js';
export { SCHEMA } from './schema.js';
export type { ShapeName, ShapeSchema, ShapeType } from './schema.js';
export {
  OPERATIONS,
  OPERATION_NAMES,
  ${query ? 'API_VERSION,\n  XML_NAMESPACE,' : 'TARGET_PREFIX,'}
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
`;
  if (query) {
    out += `export type {
  OperationInput as ${prefix}OperationInput,
  OperationName as ${prefix}OperationName,
  OperationOutput as ${prefix}OperationOutput,
} from './operations.js';
export { COMMON_ERRORS, MODEL_ERRORS, errorSpecFor, httpStatusFor, isKnownErrorCode } from './errors.js';
export type { CommonErrorCode, ErrorCode, ErrorSpec, ModelErrorCode, ModelErrorName } from './errors.js';
`;
  } else {
    out += `export { COMMON_ERRORS, MODEL_ERRORS, httpStatusFor, isKnownErrorName } from './errors.js';
export type { CommonErrorName, ErrorName, ErrorSpec, ModelErrorName } from './errors.js';
`;
  }
  return out;
}

const ROOT_INDEX = `${SHARED_HEADER}
// KMS names stay at the top level (every \`import ... from '../model/index.js'\` means KMS); the
// other services are namespaces: \`iam.OperationName\`, \`sts.SCHEMA\`, \`cloudtrail.TARGET_PREFIX\`.
export * from './kms/index.js';
export * as iam from './iam/index.js';
export * as sts from './sts/index.js';
export * as cloudtrail from './cloudtrail/index.js';
export * as ssm from './ssm/index.js';
export type { ModelSchema } from './shape-schema.js';
`;

// ---- main ------------------------------------------------------------------------------------

/** Every generated file, by path under src/model/. */
async function generate(): Promise<Record<string, string>> {
  const files: Record<string, string> = { 'shape-schema.ts': SHAPE_SCHEMA, 'index.ts': ROOT_INDEX };
  for (const service of SERVICES) {
    const model = load(service);
    const names = usedShapes(model);
    files[`${service.id}/shapes.ts`] = genShapes(service, model, names);
    files[`${service.id}/schema.ts`] = genSchema(service, model, names);
    files[`${service.id}/operations.ts`] = genOperations(service, model);
    files[`${service.id}/errors.ts`] = genErrors(service, model, names);
    files[`${service.id}/index.ts`] = genIndex(service, model);
  }
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

/** The files src/model held before it had a folder per service; generation removes them. */
const OBSOLETE = ['shapes.ts', 'schema.ts', 'operations.ts', 'errors.ts'];

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await generate();
  const stale: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(outDir, file);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === text) continue;
    if (check) stale.push(file);
    else {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
  }
  for (const file of OBSOLETE) {
    const target = path.join(outDir, file);
    if (!existsSync(target)) continue;
    if (check) stale.push(`${file} (obsolete)`);
    else rmSync(target);
  }
  if (check && stale.length > 0) {
    console.error(`src/model is out of date (${stale.join(', ')}); run npm run generate`);
    process.exit(1);
  }
}

await main();
