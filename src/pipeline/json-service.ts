/**
 * An AWS JSON 1.1 service other than KMS (CloudTrail; Systems Manager next) behind the front door:
 * `X-Amz-Target: <prefix>.<Operation>` and `application/x-amz-json-1.1` in, JSON out, its generated
 * model, and its registry of one-file operations. It mirrors query-service.ts: the pipeline of an
 * operation is to authorize its action on its resource by identity policies (the account root is
 * allowed in its own account), then run. The wire pieces are KMS's (protocol/), over the service's
 * schema: Coral's SerializationException wording when a member has the wrong type, the
 * ValidationException message listing every constraint violation, and errors as
 * `{"__type": code, "message": ...}`. A target the model does not know is
 * UnknownOperationException without a message, as AWS answers it.
 */
import type { AuditSchema } from '../audit/index.js';
import type { RawRequest } from '../auth/index.js';
import { KmsError } from '../domain/index.js';
import type { ModelSchema } from '../model/index.js';
import {
  JSON_11_CONTENT_TYPE,
  checkContentType,
  decodeAgainstSchema,
  encodeAgainstSchema,
  errorResponse,
  validateAgainstSchema,
  type JsonErrorTable,
} from '../protocol/index.js';
import type { ConditionContext } from '../policy/index.js';
import { authorize } from './authorize.js';
import { globalConditionKeys } from './context.js';
import { reachesSensitive, type AwsService, type OperationFacts, type ServiceOperation } from './service.js';
import type { Caller, Services } from './types.js';

/** What the protocol needs of a JSON service's generated model (src/model/<service>/). */
export interface JsonServiceModel {
  /** `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101`, `AmazonSSM` */
  readonly TARGET_PREFIX: string;
  readonly SCHEMA: ModelSchema;
  readonly OPERATIONS: Readonly<Record<string, { readonly input?: string; readonly output?: string }>>;
  isOperationName(name: string): boolean;
  httpStatusFor(code: string): number;
}

/** An operation of a JSON service: a ServiceOperation, and checks the service makes before the model's. */
export interface JsonServiceOperation<I = unknown, O = unknown> extends ServiceOperation<I, O> {
  /**
   * Checks AWS makes with the service's own errors before the model's constraints apply
   * (CloudTrail answers a MaxResults out of range with InvalidMaxResultsException, not
   * ValidationException). Throws KmsError.
   */
  precheck?(input: I): void;
  /**
   * The authorizations of `action` when it is not one resource with the global keys alone: one per
   * resource acted on (GetParameters: each parameter named), each with the service's condition
   * keys (`ssm:Overwrite`, aws:ResourceTag/*) added to the global ones (`globalConditionKeys`).
   * Every one must be allowed; the first refused is the error. Replaces `resource` when present.
   */
  access?(input: I, caller: Caller, services: Services): Promise<readonly JsonServiceAccess[]>;
}

/** One authorization of a JSON service operation (JsonServiceOperation.access). */
export interface JsonServiceAccess {
  resource: string;
  context: ConditionContext;
}

export interface JsonServiceOptions {
  /** The SigV4 service name: `cloudtrail`, `ssm`. */
  signingName: string;
  eventSource: string;
  global?: boolean;
  model: JsonServiceModel;
  /** The operations built; the model's others answer UnknownOperationException. */
  operations: Readonly<Record<string, JsonServiceOperation<never, unknown>>>;
  /** The service's internal error and its message (InternalFailure for most services). */
  internalError: { code: string; message: string };
  /** The access-denied error code: AccessDeniedException for JSON services. */
  accessDeniedCode?: string;
  /**
   * The message for an operation of the service that its generated subset leaves out (Systems
   * Manager beyond Parameter Store); absent, such a target is UnknownOperationException bare.
   */
  notOffered?: (operation: string) => string;
  /** Members the audit must never show although the model does not mark them sensitive. */
  secretShapes?: readonly string[];
}

/** The error of a JSON request Trent cannot route (aws/aws-sdk-net#1536 recorded it bare). */
const unknownOperation = (message = ''): KmsError => new KmsError('UnknownOperationException', message);

const header = (req: RawRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function jsonService(opts: JsonServiceOptions): AwsService {
  const { model } = opts;
  // botocore (the AWS CLI) sends the model's whole target prefix; the AWS SDK for JavaScript v3
  // (schema-based clients, 3.1136 and later) sends only the Smithy service shape's name, the part
  // after the prefix's last dot (`CloudTrail_20131101.LookupEvents`). Both reach the service.
  const prefixes = [
    ...new Set([model.TARGET_PREFIX, model.TARGET_PREFIX.slice(model.TARGET_PREFIX.lastIndexOf('.') + 1)]),
  ].map((p) => `${p}.`);
  const operationOf = (target: string | undefined): string | undefined => {
    const prefix = target === undefined ? undefined : prefixes.find((p) => target.startsWith(p));
    return prefix === undefined ? undefined : target!.slice(prefix.length);
  };
  const schema: AuditSchema = Object.fromEntries(
    Object.entries(model.SCHEMA).map(([name, shape]) => [
      name,
      opts.secretShapes?.includes(name) ? { ...shape, sensitive: true } : shape,
    ]),
  );
  const built = (operation: string): JsonServiceOperation<unknown, unknown> | undefined =>
    Object.hasOwn(opts.operations, operation)
      ? (opts.operations[operation] as JsonServiceOperation<unknown, unknown>)
      : undefined;
  const facts = new Map<string, OperationFacts>(
    Object.entries(model.OPERATIONS).map(([name, spec]) => [
      name,
      {
        name,
        readOnly: built(name)?.readOnly ?? true,
        returnsSecret: reachesSensitive(schema, spec.output),
        inputShape: spec.input,
        outputShape: spec.output,
      },
    ]),
  );
  const errors: JsonErrorTable = { statusFor: (code) => model.httpStatusFor(code), internal: opts.internalError };
  return {
    signingName: opts.signingName,
    eventSource: opts.eventSource,
    global: opts.global ?? false,
    internalErrorCode: opts.internalError.code,
    schema,
    speaks: (req) => operationOf(header(req, 'x-amz-target')) !== undefined,
    decode(req) {
      checkContentType(header(req, 'content-type'));
      const operation = operationOf(header(req, 'x-amz-target')) ?? '';
      if (!model.isOperationName(operation)) {
        throw unknownOperation(
          opts.notOffered && /^[A-Z][A-Za-z0-9]{0,127}$/.test(operation) ? opts.notOffered(operation) : '',
        );
      }
      return { operation, input: decodeAgainstSchema(model.SCHEMA, model.OPERATIONS[operation]!.input, req.body) };
    },
    validate(operation, input) {
      built(operation)?.precheck?.(input);
      const shape = model.OPERATIONS[operation]?.input;
      const violations = shape === undefined ? undefined : validateAgainstSchema(model.SCHEMA, shape, input);
      if (violations) throw new KmsError('ValidationException', violations);
    },
    facts: (operation) => facts.get(operation),
    async execute(operation, input, caller, services) {
      const op = built(operation);
      if (!op) throw unknownOperation(`${operation} is not offered by this server.`);
      if (op.action && op.access) {
        for (const { resource, context } of await op.access(input, caller, services)) {
          await authorize(
            caller,
            services,
            { action: op.action, resource, context, mode: 'identity-only' },
            opts.accessDeniedCode ?? 'AccessDeniedException',
          );
        }
      } else if (op.action) {
        const resource = op.resource ? await op.resource(input, caller, services) : '*';
        await authorize(
          caller,
          services,
          { action: op.action, resource, context: globalConditionKeys(caller), mode: 'identity-only' },
          opts.accessDeniedCode ?? 'AccessDeniedException',
        );
      }
      return op.run({ input, caller, services, now: services.clock.now() });
    },
    encode(operation, output) {
      const shape = model.OPERATIONS[operation]?.output;
      const json = shape === undefined ? {} : encodeAgainstSchema(model.SCHEMA, shape, output ?? {});
      return { status: 200, body: Buffer.from(JSON.stringify(json), 'utf8'), contentType: JSON_11_CONTENT_TYPE };
    },
    error(err, requestId) {
      return { ...errorResponse(err, requestId, errors), contentType: JSON_11_CONTENT_TYPE };
    },
  };
}
