/** What a KMS operation declares and what it gets to work with. */
import type { KeyRecord } from '../../domain/index.js';
import type { OperationInput, OperationName, OperationOutput } from '../../model/index.js';
import type { Caller, Services } from '../../pipeline/types.js';

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
  /**
   * The input member naming an alias the operation creates, moves or deletes: the caller's identity
   * policies must allow the action on the alias ARN too (KMS Developer Guide, "Controlling access
   * to aliases": the alias and the key are both resources of CreateAlias, UpdateAlias, DeleteAlias).
   */
  alias?: 'AliasName';
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

export type { Caller, Logger, ServiceEvent, ServiceEventLog, Services } from '../../pipeline/types.js';
