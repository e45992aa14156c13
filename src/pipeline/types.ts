/**
 * What every request of every service works with: the injected services (STYLE rule 7) and the
 * authenticated caller.
 */
import type { KeyPairGenerator } from '../crypto/index.js';
import type { Clock, Principal, ResourceQuotas } from '../domain/index.js';
import type { KeyStore } from '../keystore/types.js';
import type { KeyUsageTracker } from '../services/kms/key-usage.js';
import type { MaterialService } from '../services/kms/materials.js';
import type { CustomKeyStores } from '../services/kms/custom-key-stores.js';
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

/**
 * Parameter Store acting on a parameter's policy on its own (AWS sends these to EventBridge as
 * "Parameter Store Policy Action"): the deletion at an Expiration, or an ExpirationNotification or
 * NoChangeNotification that came due.
 */
export interface ParameterPolicyEvent {
  policyType: 'Expiration' | 'ExpirationNotification' | 'NoChangeNotification';
  parameterArn: string;
  parameterName: string;
  parameterType: string;
  /** Expiration: Deleted; notifications: Finished. */
  actionStatus: 'Deleted' | 'Finished';
  time: Date;
}

/** Records service events durably; a failure is an error for the work that caused the event. */
export interface ServiceEventLog {
  record(event: ServiceEvent): Promise<void>;
  parameterPolicy(event: ParameterPolicyEvent): Promise<void>;
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
  /** KMS on a caller's behalf, for another service behind the front door (pipeline/invoke.ts). */
  invoke: ServiceInvoker;
  /** AWS owned keys: Trent's own, for its data at rest (pipeline/owned-keys.ts). */
  ownedKeys: OwnedKeys;
  /** Custom key stores' connections to their HSM clusters (services/kms/custom-key-stores.ts). */
  customKeyStores: CustomKeyStores;
  random(n: number): Buffer;
}

/** The KMS operations another service may call on a caller's behalf. */
export type InvokedKmsOperation = 'Encrypt' | 'Decrypt' | 'GenerateDataKey' | 'DescribeKey';

/**
 * KMS on the caller's behalf, for a service behind the front door (Parameter Store); services
 * never import each other, so they call KMS through this seam, as AWS services call KMS with
 * forward access sessions.
 */
export interface ServiceInvoker {
  /**
   * Runs KMS `operation` as `caller` through the AWS service `via`: validated against the KMS
   * model, run through the KMS pipeline with kms:ViaService `<via>.<region>.amazonaws.com` and
   * aws:ViaAWSService true, recorded as a KMS event of its own (the caller's userIdentity with
   * invokedBy `<via>.amazonaws.com`, which is also its sourceIPAddress and userAgent) and metered
   * to the caller's account. The event becomes durable with the calling request's own. Returns
   * KMS's output; throws the KmsError KMS answered.
   */
  kms(
    operation: InvokedKmsOperation,
    input: Record<string, unknown>,
    caller: Caller,
    via: 'ssm',
  ): Promise<Record<string, unknown>>;
}

/**
 * AWS owned keys: keys Trent holds for itself, one per region and purpose, shared by every
 * account and never listed, described, usable through the API or billed (KMS Developer Guide,
 * "AWS owned keys").
 */
export interface OwnedKeys {
  /** AES-256-GCM under the owned key of `purpose` in `region`, with `context` bound. */
  seal(purpose: string, region: string, plaintext: Buffer, context: Readonly<Record<string, string>>): Promise<Buffer>;
  /** Throws if the blob was changed or `context` differs from the one it was sealed with. */
  open(purpose: string, region: string, sealed: Buffer, context: Readonly<Record<string, string>>): Promise<Buffer>;
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
  /** Set when an AWS service calls on the caller's behalf (ServiceInvoker). */
  via?: { principal: string; viaService: string } | undefined;
  /**
   * Audit records of the calls other services made on this request's behalf: the front door
   * settles them with the request's own event.
   */
  onBehalf?: Promise<void>[] | undefined;
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
