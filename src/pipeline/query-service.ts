/**
 * An AWS Query service (IAM, STS) behind the front door: form-encoded `Action=...&Version=...`
 * in, XML out, its generated model, and its registry of operations. The pipeline for its
 * operations is short: authorize the operation's action on its resource by identity policies
 * (the account root is allowed in its own account), then run.
 */
import type { RawRequest } from '../auth/index.js';
import { KmsError } from '../domain/index.js';
import {
  QUERY_RESPONSE_CONTENT_TYPE,
  QUERY_SERVICES,
  QUERY_VALIDATION_ERROR,
  decodeQueryRequest,
  encodeQueryResponse,
  isFormContentType,
  queryErrorResponse,
  validateQueryInput,
  type QueryService,
} from '../protocol/index.js';
import type { AuditSchema } from '../audit/index.js';
import { authorize } from './authorize.js';
import { globalConditionKeys } from './context.js';
import { reachesSensitive, type AwsService, type OperationFacts, type ServiceOperation } from './service.js';

export interface QueryServiceOptions {
  service: QueryService;
  eventSource: string;
  global: boolean;
  /** The operations built; the model's others answer as not offered. */
  operations: Readonly<Record<string, ServiceOperation<never, unknown>>>;
  /** The service's access-denied error code (AccessDenied for IAM and STS). */
  accessDeniedCode?: string;
  /** Members the audit must never show although the model does not mark them sensitive. */
  secretShapes?: readonly string[];
}

/**
 * Authentication fails with the KMS names of auth/; IAM and STS answer the same failures with
 * their own codes (IAM and STS API references, "Common Errors").
 */
const QUERY_AUTH_CODES: Readonly<Record<string, string>> = {
  UnrecognizedClientException: 'InvalidClientTokenId',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  IncompleteSignatureException: 'IncompleteSignature',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  ExpiredTokenException: 'ExpiredToken',
  AccessDeniedException: 'AccessDenied',
  ValidationException: QUERY_VALIDATION_ERROR,
};

const header = (req: RawRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function queryService(opts: QueryServiceOptions): AwsService {
  const { service } = opts;
  const model = QUERY_SERVICES[service];
  const schema: AuditSchema = Object.fromEntries(
    Object.entries(model.schema).map(([name, shape]) => [
      name,
      opts.secretShapes?.includes(name) ? { ...shape, sensitive: true } : shape,
    ]),
  );
  const facts = new Map<string, OperationFacts>(
    Object.entries(model.operations).map(([name, spec]) => [
      name,
      {
        name,
        readOnly: opts.operations[name]?.readOnly ?? true,
        returnsSecret: reachesSensitive(schema, spec.output),
        inputShape: spec.input,
        outputShape: spec.output,
      },
    ]),
  );
  return {
    signingName: service,
    eventSource: opts.eventSource,
    global: opts.global,
    internalErrorCode: 'InternalFailure',
    schema,
    speaks: (req) => isFormContentType(header(req, 'content-type')) && header(req, 'x-amz-target') === undefined,
    decode(req) {
      const { action, input } = decodeQueryRequest(service, req.body, header(req, 'content-type'));
      return { operation: action, input };
    },
    validate(operation, input) {
      const violations = validateQueryInput(service, operation as never, input);
      if (violations) throw new KmsError(QUERY_VALIDATION_ERROR, violations);
    },
    facts: (operation) => facts.get(operation),
    async execute(operation, input, caller, services) {
      const op = opts.operations[operation] as ServiceOperation<unknown, unknown> | undefined;
      if (!op) {
        throw new KmsError(
          'InvalidAction',
          `The action ${operation} is not valid for this web service: this server does not offer it.`,
        );
      }
      if (op.action) {
        const resource = op.resource ? await op.resource(input, caller, services) : '*';
        await authorize(
          caller,
          services,
          { action: op.action, resource, context: globalConditionKeys(caller), mode: 'identity-only' },
          opts.accessDeniedCode ?? 'AccessDenied',
        );
      }
      return op.run({ input, caller, services, now: services.clock.now() });
    },
    encode: (operation, output, requestId) => ({
      status: 200,
      body: encodeQueryResponse(service, operation as never, output as never, requestId),
      contentType: QUERY_RESPONSE_CONTENT_TYPE,
    }),
    error(err, requestId) {
      const mapped =
        err instanceof KmsError && Object.hasOwn(QUERY_AUTH_CODES, err.code)
          ? new KmsError(QUERY_AUTH_CODES[err.code]!, err.message)
          : err;
      return queryErrorResponse(service, mapped, requestId);
    },
  };
}
