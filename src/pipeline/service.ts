/**
 * The seam between the front door and the AWS services behind it. The front door authenticates a
 * request, picks the service its SigV4 credential scope names, and hands it over; each service
 * brings its own protocol (AWS JSON 1.1 for KMS, AWS Query for IAM and STS), its model and its
 * operations. Authentication, audit and error mapping stay in the front door, shared by all.
 */
import type { AuditSchema } from '../audit/index.js';
import type { RawRequest } from '../auth/index.js';
import type { Caller, Services } from './types.js';

/** An encoded answer: the body and its media type. */
export interface EncodedBody {
  status: number;
  body: Buffer;
  contentType: string;
}

/** An error mapped to the service's wire shape (protocol/). */
export interface EncodedError extends EncodedBody {
  /** The AWS error name, for the audit event and metrics. */
  code: string;
  /** Present when the error was unexpected: log `error` in full with the request id. */
  log?: { requestId: string; error: unknown } | undefined;
}

/** What the front door needs of a request's operation for its audit event. */
export interface OperationFacts {
  name: string;
  /** CloudTrail readOnly. */
  readOnly: boolean;
  /** The response carries secret material: the event must be durable before it is sent. */
  returnsSecret: boolean;
  /** Model shapes of the input and output, for the audit event's views (audit/). */
  inputShape?: string | undefined;
  outputShape?: string | undefined;
  /** Members CloudTrail shows with their default when the caller left them out. */
  auditDefaults?: ((input: unknown) => Readonly<Record<string, unknown>>) | undefined;
}

export interface AwsService {
  /** The service name in the SigV4 credential scope: kms, iam, sts. */
  signingName: string;
  /** CloudTrail's eventSource: kms.amazonaws.com, iam.amazonaws.com, sts.amazonaws.com. */
  eventSource: string;
  /**
   * A global service (IAM) is signed for one region of each partition, us-east-1 in `aws`, and its
   * events are recorded there.
   */
  global: boolean;
  /** The service's internal error (KMSInternalException, ServiceFailure, ...), for refusals made before any operation. */
  internalErrorCode: string;
  /** Does this request speak the service's protocol? Used to pick a service before authentication. */
  speaks(req: RawRequest): boolean;
  /** Routes and decodes the request into an operation and its input; throws KmsError. */
  decode(req: RawRequest): { operation: string; input: unknown };
  /** Checks the input against the model (every violation in one error); throws KmsError. */
  validate(operation: string, input: unknown): void;
  facts(operation: string): OperationFacts | undefined;
  /** Runs the operation through the service's pipeline (authorization included). */
  execute(operation: string, input: unknown, caller: Caller, services: Services): Promise<unknown>;
  encode(operation: string, output: unknown, requestId: string): EncodedBody;
  error(err: unknown, requestId: string): EncodedError;
  /** The service's runtime schema (generated), from which audit views leave blobs and secrets out. */
  schema: AuditSchema;
}

/** One operation of a service other than KMS (IAM, STS, later SSM). */
export interface ServiceOperation<I = unknown, O = unknown> {
  name: string;
  /** The IAM action authorized before `run` (identity policies); absent: never authorized. */
  action?: string | undefined;
  readOnly: boolean;
  /** The ARN the action is on (an identity policy's Resource); default `*`. */
  resource?(input: I, caller: Caller, services: Services): string | Promise<string>;
  run(ctx: ServiceContext<I>): Promise<O>;
}

export interface ServiceContext<I> {
  input: I;
  caller: Caller;
  services: Services;
  now: Date;
}

/** Declares an operation of a non-KMS service. */
export function defineServiceOperation<I, O>(op: ServiceOperation<I, O>): ServiceOperation<I, O> {
  return op;
}

/** Does any shape reachable from `shapeName` hold a secret? Such outputs are audited durably. */
export function reachesSensitive(schema: AuditSchema, shapeName: string | undefined): boolean {
  const seen = new Set<string>();
  const walk = (name: string): boolean => {
    if (seen.has(name)) return false;
    seen.add(name);
    const shape = schema[name];
    if (!shape) return false;
    if (shape.sensitive) return true;
    return [...Object.values(shape.members ?? {}), shape.member, shape.value]
      .filter((s): s is string => s !== undefined)
      .some(walk);
  };
  return shapeName !== undefined && walk(shapeName);
}
