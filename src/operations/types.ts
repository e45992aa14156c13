/** What an operation declares and what it gets to work with. */
import type { KeyPairGenerator } from '../crypto/index.js';
import type { Clock, KeyRecord, Principal, ResourceQuotas } from '../domain/index.js';
import type { KeyStore } from '../keystore/types.js';
import type { OperationInput, OperationName, OperationOutput } from '../model/index.js';
import type { Storage } from '../storage/types.js';
import type { KeyUsageTracker } from './key-usage.js';
import type { MaterialService } from './materials.js';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * What KMS does on its own rather than on a request (CloudTrail's AwsServiceEvent): a rotation, or
 * the deletion of a key whose waiting period ended.
 */
export interface ServiceEvent {
  eventName: 'RotateKey' | 'DeleteKey';
  keyArn: string;
  time: Date;
  /** CloudTrail's serviceEventDetails, beside the key id. */
  details?: Record<string, string>;
}

/** Records service events durably; a failure is an error for the work that caused the event. */
export interface ServiceEventLog {
  record(event: ServiceEvent): Promise<void>;
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
  logger: Logger;
  /** AWS's resource quotas as this server applies them (domain/quotas.ts). */
  quotas: ResourceQuotas;
  random(n: number): Buffer;
}

/** The authenticated caller of one request. */
export interface Caller {
  principal: Principal;
  /** Region from the SigV4 credential scope. */
  region: string;
  requestId: string;
  /** ARNs of the keys the request used, in order (the pipeline fills it, for the audit event). */
  keyArns: string[];
  /** CloudTrail's additionalEventData for this request (e.g. the key material used). */
  additionalEventData?: Record<string, string>;
}

/** How an operation accepts a key identifier. */
export interface KeyRule {
  /** Alias names and alias ARNs are accepted. */
  aliases: boolean;
  /** A key ARN of another account is accepted (subject to authorization). */
  crossAccount: boolean;
  /** KeyUsage the key must have, if any. */
  usage?: string;
}

export interface OperationContext<O extends OperationName> {
  input: OperationInput<O>;
  caller: Caller;
  services: Services;
  now: Date;
  /** The key named by the operation's `key.member`, resolved and checked. */
  key: KeyRecord;
  /**
   * Resolves and checks another key (ReEncrypt's destination) with the same shared checks,
   * authorizing `action` (default: the operation's own).
   */
  useKey(identifier: string, rule: KeyRule, action?: string): Promise<KeyRecord>;
}

export interface Operation<O extends OperationName> {
  name: O;
  /** The IAM action authorized, e.g. kms:Encrypt. */
  action: string;
  /** CloudTrail readOnly. */
  readOnly: boolean;
  /**
   * Where the key comes from: an input member holding a key identifier, or a function (Decrypt
   * reads it from the ciphertext). Absent for operations without a key (CreateKey, ListKeys...).
   */
  key?: (KeyRule & { member: string }) | (KeyRule & { from: (ctx: KeylessContext<O>) => Promise<string> });
  /** The operation honours DryRun. */
  dryRun?: boolean;
  /**
   * Members CloudTrail shows with their default value when the caller left them out (ct-decrypt:
   * the entry "always includes the encryptionAlgorithm ... even if [it] wasn't specified").
   */
  auditDefaults?: (input: OperationInput<O>) => Readonly<Record<string, unknown>>;
  run(ctx: OperationContext<O>): Promise<OperationOutput<O>>;
}

export type KeylessContext<O extends OperationName> = Omit<OperationContext<O>, 'key'>;

/** Declares an operation with its types checked against the model. */
export function defineOperation<O extends OperationName>(op: Operation<O>): Operation<O> {
  return op;
}
