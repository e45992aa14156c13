/**
 * What every request of every service works with: the injected services (STYLE rule 7) and the
 * authenticated caller.
 */
import type { KeyPairGenerator } from '../crypto/index.js';
import type { Clock, Principal, ResourceQuotas } from '../domain/index.js';
import type { KeyStore } from '../keystore/types.js';
import type { KeyUsageTracker } from '../services/kms/key-usage.js';
import type { MaterialService } from '../services/kms/materials.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { Storage } from '../storage/types.js';
import type { RateLimits } from '../quotas/index.js';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * What KMS does on its own rather than on a request (CloudTrail's AwsServiceEvent): a rotation,
 * the deletion of a key whose waiting period ended, or of imported material at its ValidTo.
 */
export interface ServiceEvent {
  eventName: 'RotateKey' | 'DeleteKey' | 'DeleteExpiredKeyMaterial';
  keyArn: string;
  time: Date;
  /** CloudTrail's serviceEventDetails, beside the key id. */
  details?: Record<string, string>;
}

/** Records service events durably; a failure is an error for the work that caused the event. */
export interface ServiceEventLog {
  record(event: ServiceEvent): Promise<void>;
}

/** Counts a request for the bill (metering/): an increment in memory, no I/O on the request's path. */
export interface RequestMeter {
  note(req: {
    accountId: string;
    region: string;
    service: string;
    operation: string;
    keyArns: readonly string[];
    time: Date;
    input: unknown;
  }): void;
}

/** Everything an operation may touch, injected (STYLE rule 7). */
export interface Services {
  clock: Clock;
  events: ServiceEventLog;
  storage: Storage;
  keyStore: KeyStore;
  materials: MaterialService;
  /** Slow key-pair generation (RSA), on its own threads apart from libuv's pool (crypto/keygen-pool.ts). */
  keyGeneration: KeyPairGenerator;
  usage: KeyUsageTracker;
  /** Request counts for `trent usage` (metering/MeteringRecorder); absent, nothing is counted. */
  metering?: RequestMeter | undefined;
  logger: Logger;
  /** AWS's resource quotas as this server applies them (domain/quotas.ts). */
  quotas: ResourceQuotas;
  /** AWS's request quotas (quotas/): over one, ThrottlingException; absent, nothing is throttled. */
  rateLimits?: RateLimits | undefined;
  /** The caller's identity policies, compiled and cached (pipeline/identity.ts). */
  identity: IdentityResolver;
  random(n: number): Buffer;
}

/** The authenticated caller of one request. */
export interface Caller {
  principal: Principal;
  /** Region from the SigV4 credential scope. */
  region: string;
  requestId: string;
  /** aws:SourceIp. */
  sourceIp: string;
  /** The request came over TLS (aws:SecureTransport). */
  secure: boolean;
  /** When the request arrived (aws:CurrentTime), from the services' clock. */
  time: Date;
  /** ARNs of the keys the request used, in order (the pipeline fills it, for the audit event). */
  keyArns: string[];
  /** CloudTrail's additionalEventData for this request (e.g. the key material used). */
  additionalEventData?: Record<string, string>;
}

/** The policies that apply to a principal besides a resource's own (IAM User Guide, "Policy evaluation logic"). */
export interface PrincipalPolicies {
  /** User: inline, attached and its groups'; role session: the role's; root: none. */
  identityPolicies: CompiledPolicy[];
  permissionsBoundary?: CompiledPolicy | undefined;
  /** Temporary credentials' session policies. */
  sessionPolicies: CompiledPolicy[];
}

export interface IdentityResolver {
  /** Compiled, cached; invalidated by `changed()`. */
  policiesFor(principal: Principal): Promise<PrincipalPolicies>;
  /** Every IAM write calls this once its transaction committed: drops policy and credential caches. */
  changed(): void;
}
