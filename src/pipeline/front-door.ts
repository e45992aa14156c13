/**
 * The front door: one request of any AWS service Trent serves, from raw bytes to raw response.
 * Authenticate (SigV4 over the raw request), pick the service the credential scope names (its
 * protocol must match), decode and validate against that service's model, run the operation
 * through its pipeline, encode. Every failure goes through the service's one error mapping, and
 * every request, success or failure, produces exactly one audit event; a request that changed
 * state or returns secret material is answered only after its event is durable.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  buildAuditEvent,
  crossAccountCopies,
  type AuditEvent,
  type AuditIdentity,
  type AuditSource,
  type AuditSink,
  type AuthFailureLimiter,
} from '../audit/index.js';
import {
  authenticate,
  claimedPrincipal,
  DEFAULT_MAX_SKEW_MS,
  type CredentialLookup,
  type RawRequest,
} from '../auth/index.js';
import { GLOBAL_SIGNING_REGIONS, KmsError, type Clock, type RegionSet } from '../domain/index.js';
import type { OperationName } from '../model/index.js';
import { auditIdentity } from './audit-identity.js';
import type { AwsService, EncodedError, OperationFacts } from './service.js';
import type { Caller, Services } from './types.js';

/** `--dev` fault injection, consulted after validation, before the operation runs. */
export interface FaultDecider {
  decide(
    service: string,
    operation: string,
    input: unknown,
  ): { latencyMs: number; error?: KmsError | undefined } | undefined;
}

export interface FrontDoorOptions {
  services: Services;
  /** The services served, the first being the one a request that names none is answered by (KMS). */
  apis: readonly AwsService[];
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
  /** `--dev` fault injection: consulted after validation, before the operation runs. */
  faults?: FaultDecider | undefined;
  /**
   * `--reject-replays`: a state-changing request whose signature was already served is refused
   * until the signature expires (the storage records what was served, so processes sharing a
   * database see each other's).
   */
  rejectReplays?: boolean | undefined;
}

/** The answer below the audit's free-space floor (docs/operations.md, "Audit"). */
export const AUDIT_FLOOR_MESSAGE =
  'The audit log is below its free-space floor, so this server accepts no new work until space is freed.';

export interface RequestMeta {
  sourceIp: string;
  /** The request came over TLS (aws:SecureTransport). */
  secure?: boolean | undefined;
}

export interface ApiResponse {
  status: number;
  body: Buffer;
  contentType: string;
  requestId: string;
  /** The service's SigV4 name and the operation, for metrics. */
  service?: string | undefined;
  operation?: string | undefined;
  errorCode?: string | undefined;
}

const header = (req: RawRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Region and service named in the Authorization header's scope, before authentication. */
const SCOPE_PART = /^[a-z0-9-]{1,64}$/;
const scopeOf = (req: RawRequest): { region: string; service: string } => {
  const authorization = header(req, 'authorization') ?? '';
  const at = authorization.indexOf('Credential=');
  if (at < 0) return { region: '', service: '' };
  const end = authorization.indexOf(',', at);
  // Credential=<key>/<date>/<region>/<service>/aws4_request
  const [, , region = '', service = ''] = authorization.slice(at + 11, end < 0 ? undefined : end).split('/', 4);
  return { region: SCOPE_PART.test(region) ? region : '', service: SCOPE_PART.test(service) ? service : '' };
};

/**
 * The service a request is for: the one whose protocol it speaks (so a request that fails
 * authentication is answered in its own protocol); where several speak it (IAM and STS both speak
 * AWS Query), the one its credential scope names; else the first (KMS). A scope naming another
 * service than the protocol's fails authentication, as at AWS's endpoint of that service.
 */
function chooseService(apis: readonly AwsService[], req: RawRequest): AwsService {
  let only: AwsService | undefined;
  let several = false;
  for (const api of apis) {
    if (!api.speaks(req)) continue;
    if (only) several = true;
    else only = api;
  }
  if (!only) return apis[0]!;
  if (!several) return only;
  const { service } = scopeOf(req);
  return apis.find((api) => api.signingName === service && api.speaks(req)) ?? only;
}

/** Each operation's audit source, made once (a request should not build what never changes). */
const AUDIT_SOURCES = new WeakMap<OperationFacts, AuditSource>();

function auditSourceOf(api: AwsService, facts: OperationFacts | undefined): AuditSource {
  if (!facts) return { eventSource: api.eventSource, schema: api.schema };
  let source = AUDIT_SOURCES.get(facts);
  if (!source) {
    source = {
      eventSource: api.eventSource,
      schema: api.schema,
      inputShape: facts.inputShape,
      outputShape: facts.outputShape,
    };
    AUDIT_SOURCES.set(facts, source);
  }
  return source;
}

/**
 * What an event must never carry whatever an error message echoes: the raw Authorization header,
 * its signature, and a session token.
 */
const secretsOf = (req: RawRequest): string[] => {
  const authorization = header(req, 'authorization') ?? '';
  const signature = /Signature=([^,\s]+)/.exec(authorization)?.[1] ?? '';
  return [authorization, signature, header(req, 'x-amz-security-token') ?? ''];
};

export function createFrontDoor(opts: FrontDoorOptions): (req: RawRequest, meta: RequestMeta) => Promise<ApiResponse> {
  const { services, audit } = opts;
  const recordSummary = (summary: AuditEvent | undefined) => {
    if (!summary) return;
    void audit.record(summary, false).catch((err: unknown) => {
      services.logger.error({ err }, 'audit log write of an authentication failure summary failed');
    });
  };
  return async (req, meta) => {
    const requestId = randomUUID();
    const api = chooseService(opts.apis, req);
    const responseOf = (res: EncodedError, operation?: string): ApiResponse => ({
      status: res.status,
      body: res.body,
      contentType: res.contentType,
      requestId,
      service: api.signingName,
      operation,
      errorCode: res.code,
    });
    const answer = (err: unknown, operation?: string): ApiResponse => responseOf(api.error(err, requestId), operation);

    if (opts.freeSpace && !(await opts.freeSpace.ok())) {
      // Writing nothing is the point: the refusal is counted in a metric, not in the trail.
      opts.auditMetrics?.refused();
      return answer(new KmsError(api.internalErrorCode, AUDIT_FLOOR_MESSAGE));
    }
    const time = services.clock.now();
    let operation: string | undefined;
    let facts: OperationFacts | undefined;
    let caller: Caller | undefined;
    let identity: AuditIdentity | undefined;
    let input: unknown;
    let output: unknown;
    let response: ApiResponse;
    let error: { code: string; message: string } | undefined;
    let injected = false;
    try {
      const auth = await authenticate(req, {
        lookup: opts.lookup,
        now: opts.signatureClock ? opts.signatureClock.now() : time,
        // Temporary credentials expire on the clock that issued them (virtual with --clock virtual).
        credentialsNow: time,
        service: api.signingName,
        ...(opts.maxSkewMs !== undefined ? { maxSkewMs: opts.maxSkewMs } : {}),
        ...(opts.dev ? { dev: opts.dev } : {}),
        ...(api.global ? { regions: GLOBAL_SIGNING_REGIONS } : opts.regions ? { regions: opts.regions } : {}),
      });
      const { principal } = auth;
      identity = auditIdentity(principal);
      caller = {
        principal,
        region: auth.region,
        requestId,
        keyArns: [],
        sourceIp: meta.sourceIp,
        secure: meta.secure === true,
        time,
      };
      const decoded = api.decode(req);
      operation = decoded.operation;
      facts = api.facts(operation);
      input = decoded.input;
      api.validate(operation, input);
      // Quotas its operation decides (quotas/): before any work, so a throttle sheds load. The
      // cryptographic quotas, by the key's type, come in the KMS pipeline once the key is known.
      services.rateLimits?.chargeOperation(api.signingName, operation, input, caller);
      if (opts.rejectReplays && facts && !facts.readOnly && !opts.dev)
        await refuseReplay(
          req,
          services,
          auth.signedAt,
          opts.signatureClock ? opts.signatureClock.now() : time,
          opts.maxSkewMs,
        );
      const fault = opts.faults?.decide(api.signingName, operation, input);
      if (fault) {
        if (fault.latencyMs > 0) await new Promise((ok) => setTimeout(ok, fault.latencyMs));
        if (fault.error) {
          injected = true;
          throw fault.error;
        }
      }
      output = await api.execute(operation, input, caller, services);
      const encoded = api.encode(operation, output, requestId);
      response = { ...encoded, requestId, service: api.signingName, operation };
    } catch (err) {
      // A wrong signature or an expired session with a known access key: the caller is identified.
      const claimed = identity ? undefined : claimedPrincipal(err);
      if (claimed) identity = auditIdentity(claimed);
      const res = api.error(err, requestId);
      if (res.log) services.logger.error({ requestId, operation, err: res.log.error }, 'internal error');
      error = { code: res.code, message: err instanceof KmsError ? err.message : '' };
      response = responseOf(res, operation);
    }

    const readOnly = facts ? facts.readOnly : true;
    const auditInput =
      facts?.auditDefaults && input !== undefined ? { ...facts.auditDefaults(input), ...(input as object) } : input;
    const event = buildAuditEvent({
      operation,
      source: auditSourceOf(api, facts),
      requestId,
      time,
      region: caller?.region ?? scopeOf(req).region,
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
    if (!caller && error && opts.authFailures) {
      // An unauthenticated failure: recorded one by one up to the source's budget, then counted.
      const { record, summary } = opts.authFailures.admit(event.sourceIPAddress, error.code, time);
      recordSummary(summary);
      if (!record) {
        opts.auditMetrics?.suppressed();
        return response;
      }
    }
    const durable = !error && facts !== undefined && (!readOnly || facts.returnsSecret);
    try {
      // Copies for the owners of other accounts' keys the request used, recorded like the event.
      const copies = crossAccountCopies(event);
      const onBehalf = caller?.onBehalf;
      if (copies.length === 0 && !onBehalf) await audit.record(event, durable);
      else
        await Promise.all([
          audit.record(event, durable),
          ...copies.map((copy) => audit.record(copy, durable)),
          ...(onBehalf ?? []),
        ]);
      // One count per audited request of an authenticated caller: the caller's account pays.
      if (caller) {
        const { principal, region, keyArns } = caller;
        const name = operation ?? 'Unknown';
        services.metering?.note({
          accountId: principal.accountId,
          region,
          service: api.signingName,
          operation: name,
          keyArns,
          time,
          input,
        });
      }
      if (!error && operation && caller && api.signingName === 'kms') {
        services.usage.note(operation as OperationName, caller.keyArns, time, event.eventID, requestId);
      }
    } catch (err) {
      services.logger.error({ requestId, err }, 'audit log write failed');
      // Fail closed: nothing secret or state-changing is answered without its audit event.
      if (durable) return answer(new Error('audit log unavailable'), operation);
    }
    return response;
  };
}

/** The answer to a signed request presented again (AWS has none of its own; the shape is SigV4's). */
export const REPLAY_MESSAGE =
  'This signed request was already received. Sign each request anew: this server refuses a state-changing request presented twice.';

/**
 * Refuses a request whose signature was served before: the signature covers the method, path,
 * headers, body and time, so the same signature is the same request. It is remembered until the
 * signature can no longer pass the clock-skew check (X-Amz-Date + the allowed skew).
 */
async function refuseReplay(
  req: RawRequest,
  services: Services,
  signedAt: Date,
  now: Date,
  maxSkewMs = DEFAULT_MAX_SKEW_MS,
): Promise<void> {
  const signature = /Signature=([0-9a-f]{64})/.exec(header(req, 'authorization') ?? '')?.[1];
  if (!signature) return;
  const digest = createHash('sha256').update(signature).digest();
  const expiresAt = new Date(Math.max(signedAt.getTime(), now.getTime()) + maxSkewMs);
  if ((await services.storage.rememberRequest(digest, expiresAt, now)) === 'seen') {
    throw new KmsError('InvalidSignatureException', REPLAY_MESSAGE);
  }
}
