/**
 * One KMS API request, from raw bytes to raw response: authenticate (SigV4 over the raw request),
 * route the X-Amz-Target, decode and validate against the model, run the operation pipeline,
 * encode. Every failure goes through protocol's single error mapping, and every request, success
 * or failure, produces exactly one audit event; a request that changed state or returns secret
 * material is answered only after its event is durable.
 */
import { randomUUID } from 'node:crypto';
import {
  buildAuditEvent,
  returnsSecret,
  type AuditEvent,
  type AuditIdentity,
  type AuditSink,
  type AuthFailureLimiter,
} from '../audit/index.js';
import { authenticate, type CredentialLookup, type RawRequest } from '../auth/index.js';
import { KmsError, type Clock, type RegionSet } from '../domain/index.js';
import type { OperationName } from '../model/index.js';
import { execute, NOT_YET, REGISTRY, type Caller, type Operation, type Services } from '../operations/index.js';
import { decodeInput, encodeOutput, errorResponse, routeRequest, validateInput } from '../protocol/index.js';
import type { FaultRules } from './faults.js';

export interface KmsHandlerOptions {
  services: Services;
  lookup: CredentialLookup;
  audit: AuditSink;
  dev?: { accountId: string } | undefined;
  maxSkewMs?: number | undefined;
  /** Regions a credential scope may name; default AWS's. */
  regions?: RegionSet | undefined;
  /** Bounds the events of requests that fail authentication, per source (docs/operations.md). */
  authFailures?: AuthFailureLimiter | undefined;
  /** The audit directory's free-space floor: below it every request is refused, unaudited. */
  freeSpace?: { ok(): Promise<boolean> } | undefined;
  auditMetrics?: { refused(): void; suppressed(): void } | undefined;
  /**
   * Real time, for SigV4's window; default services.clock. With `--clock virtual` services.clock is
   * Trent's virtual time, which signatures made by real clients know nothing of.
   */
  signatureClock?: Clock | undefined;
  /** `--dev` fault injection (faults.ts): consulted after validation, before the operation runs. */
  faults?: FaultRules | undefined;
}

/** The answer below the audit's free-space floor (docs/operations.md, "Audit"). */
export const AUDIT_FLOOR_MESSAGE =
  'The audit log is below its free-space floor, so this server accepts no new work until space is freed.';

export interface RequestMeta {
  sourceIp: string;
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

/** Region named in the Authorization header's scope, for events of requests that failed auth. */
const scopeRegion = (req: RawRequest): string =>
  /Credential=[^/,]*\/\d{8}\/([a-z0-9-]{1,64})\//.exec(header(req, 'authorization') ?? '')?.[1] ?? '';

/**
 * What an event must never carry whatever an error message echoes: the raw Authorization header,
 * its signature, and a session token.
 */
const secretsOf = (req: RawRequest): string[] => {
  const authorization = header(req, 'authorization') ?? '';
  const signature = /Signature=([^,\s]+)/.exec(authorization)?.[1] ?? '';
  return [authorization, signature, header(req, 'x-amz-security-token') ?? ''];
};

export function createKmsHandler(
  opts: KmsHandlerOptions,
): (req: RawRequest, meta: RequestMeta) => Promise<KmsResponse> {
  const { services, audit } = opts;
  const recordSummary = (summary: AuditEvent | undefined) => {
    if (!summary) return;
    void audit.record(summary, false).catch((err: unknown) => {
      services.logger.error({ err }, 'audit log write of an authentication failure summary failed');
    });
  };
  return async (req, meta) => {
    const requestId = randomUUID();
    if (opts.freeSpace && !(await opts.freeSpace.ok())) {
      // Writing nothing is the point: the refusal is counted in a metric, not in the trail.
      opts.auditMetrics?.refused();
      const res = errorResponse(new KmsError('KMSInternalException', AUDIT_FLOOR_MESSAGE), requestId);
      return { status: res.status, body: res.body, requestId, errorCode: res.code };
    }
    const time = services.clock.now();
    let operation: OperationName | undefined;
    let caller: Caller | undefined;
    let identity: AuditIdentity | undefined;
    let input: unknown;
    let output: unknown;
    let response: KmsResponse;
    let error: { code: string; message: string } | undefined;
    let injected = false;
    try {
      const auth = await authenticate(req, {
        lookup: opts.lookup,
        now: opts.signatureClock ? opts.signatureClock.now() : time,
        ...(opts.maxSkewMs !== undefined ? { maxSkewMs: opts.maxSkewMs } : {}),
        ...(opts.dev ? { dev: opts.dev } : {}),
        ...(opts.regions ? { regions: opts.regions } : {}),
      });
      const { principal } = auth;
      identity = {
        type: principal.type,
        principalId: principal.accountId,
        arn: principal.arn,
        accountId: principal.accountId,
        accessKeyId: principal.accessKeyId,
      };
      caller = { principal, region: auth.region, requestId, keyArns: [] };
      operation = routeRequest({ target: header(req, 'x-amz-target'), contentType: header(req, 'content-type') });
      input = decodeInput(operation, req.body);
      const violations = validateInput(operation, input);
      if (violations) throw new KmsError('ValidationException', violations);
      const fault = opts.faults?.decide(operation, input);
      if (fault) {
        if (fault.latencyMs > 0) await new Promise((ok) => setTimeout(ok, fault.latencyMs));
        if (fault.error) {
          injected = true;
          throw fault.error;
        }
      }
      const op = REGISTRY[operation];
      if (op === NOT_YET) {
        throw new KmsError('UnsupportedOperationException', `${operation} is not supported by this server yet.`);
      }
      output = await execute(op as Operation<typeof operation>, input as never, caller, services);
      response = { status: 200, body: encodeOutput(operation, output as never), requestId, operation };
    } catch (err) {
      const res = errorResponse(err, requestId);
      if (res.log) services.logger.error({ requestId, operation, err: res.log.error }, 'internal error');
      error = { code: res.code, message: err instanceof KmsError ? err.message : '' };
      response = { status: res.status, body: res.body, requestId, operation, errorCode: res.code };
    }

    const op = operation ? REGISTRY[operation] : undefined;
    const built = op && op !== NOT_YET ? (op as Operation<OperationName>) : undefined;
    const readOnly = built ? built.readOnly : true;
    const auditInput =
      built?.auditDefaults && input !== undefined
        ? { ...built.auditDefaults(input as never), ...(input as object) }
        : input;
    const event = buildAuditEvent({
      operation,
      requestId,
      time,
      region: caller?.region ?? scopeRegion(req),
      sourceIp: meta.sourceIp,
      userAgent: header(req, 'user-agent') ?? '',
      identity,
      input: auditInput,
      output,
      readOnly,
      keyArns: caller?.keyArns ?? [],
      error,
      additionalEventData: caller?.additionalEventData,
      ...(injected ? { injectedFault: true } : {}),
      // Only an error message can echo the request; successful events skip the search.
      redact: error ? secretsOf(req) : undefined,
    });
    if (!identity && error && opts.authFailures) {
      // An unauthenticated failure: recorded one by one up to the source's budget, then counted.
      const { record, summary } = opts.authFailures.admit(event.sourceIPAddress, error.code, time);
      recordSummary(summary);
      if (!record) {
        opts.auditMetrics?.suppressed();
        return response;
      }
    }
    const durable = !error && operation !== undefined && (!readOnly || returnsSecret(operation));
    try {
      await audit.record(event, durable);
      if (!error && operation && caller) services.usage.note(operation, caller.keyArns, time, event.eventID, requestId);
    } catch (err) {
      services.logger.error({ requestId, err }, 'audit log write failed');
      // Fail closed: nothing secret or state-changing is answered without its audit event.
      if (durable) {
        const res = errorResponse(new Error('audit log unavailable'), requestId);
        return { status: res.status, body: res.body, requestId, operation, errorCode: res.code };
      }
    }
    return response;
  };
}
