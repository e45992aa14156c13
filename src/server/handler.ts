/**
 * One KMS API request, from raw bytes to raw response: authenticate (SigV4 over the raw request),
 * route the X-Amz-Target, decode and validate against the model, run the operation pipeline,
 * encode. Every failure goes through protocol's single error mapping.
 */
import { randomUUID } from 'node:crypto';
import { authenticate, type CredentialLookup, type RawRequest } from '../auth/index.js';
import { KmsError } from '../domain/index.js';
import { execute, NOT_YET, REGISTRY, type Operation, type Services } from '../operations/index.js';
import { decodeInput, encodeOutput, errorResponse, routeRequest, validateInput } from '../protocol/index.js';
import type { OperationName } from '../model/index.js';

export interface KmsHandlerOptions {
  services: Services;
  lookup: CredentialLookup;
  dev?: { accountId: string } | undefined;
  maxSkewMs?: number | undefined;
}

export interface KmsResponse {
  status: number;
  body: Buffer;
  requestId: string;
  operation?: OperationName | undefined;
  errorCode?: string | undefined;
}

const header = (req: RawRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function createKmsHandler(opts: KmsHandlerOptions): (req: RawRequest) => Promise<KmsResponse> {
  const { services } = opts;
  return async (req) => {
    const requestId = randomUUID();
    let operation: OperationName | undefined;
    try {
      const auth = await authenticate(req, {
        lookup: opts.lookup,
        now: services.clock.now(),
        ...(opts.maxSkewMs !== undefined ? { maxSkewMs: opts.maxSkewMs } : {}),
        ...(opts.dev ? { dev: opts.dev } : {}),
      });
      operation = routeRequest({ target: header(req, 'x-amz-target'), contentType: header(req, 'content-type') });
      const input = decodeInput(operation, req.body);
      const violations = validateInput(operation, input);
      if (violations) throw new KmsError('ValidationException', violations);
      const op = REGISTRY[operation];
      if (op === NOT_YET) {
        throw new KmsError('UnsupportedOperationException', `${operation} is not supported by this server yet.`);
      }
      const caller = { principal: auth.principal, region: auth.region, requestId };
      const output = await execute(op as Operation<typeof operation>, input, caller, services);
      return { status: 200, body: encodeOutput(operation, output), requestId, operation };
    } catch (err) {
      const res = errorResponse(err, requestId);
      if (res.log) services.logger.error({ requestId, operation, err: res.log.error }, 'internal error');
      return { status: res.status, body: res.body, requestId, operation, errorCode: res.code };
    }
  };
}
