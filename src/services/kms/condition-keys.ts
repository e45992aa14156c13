/**
 * The condition keys of a KMS request, as a table (STYLE rule 3): each row names a key and where
 * its value comes from (the request's input, the key, the caller). Global keys (aws:*) come from
 * pipeline/context.ts. AWS KMS Developer Guide, "Condition keys for AWS KMS"; Service
 * Authorization Reference, "Actions, resources, and condition keys for AWS Key Management Service".
 */
import type { KeyRecord } from '../../domain/index.js';
import type { ConditionSource } from '../../pipeline/context.js';
import type { ConditionValue } from '../../policy/index.js';

/** What a row reads. `input` is the operation's validated input; `key` the key acted on, if any. */
export interface KmsConditionSource {
  operation: string;
  input: Readonly<Record<string, unknown>>;
  key?: KeyRecord | undefined;
  /** The alias the request named the key by (kms:RequestAlias). */
  requestAlias?: string | undefined;
  /** The encryption context the action is asked under (kms:EncryptionContext:*). */
  encryptionContext?: Readonly<Record<string, string>> | undefined;
  /** The caller's account (kms:CallerAccount). */
  callerAccount: string;
  /** The AWS service calling on the caller's behalf, `ssm.us-east-1.amazonaws.com` (kms:ViaService). */
  viaService?: string | undefined;
  /** ReEncrypt: source and destination are the same key. */
  reEncryptOnSameKey?: boolean | undefined;
}

type Row = (s: KmsConditionSource) => ConditionValue | undefined;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): string | undefined => (typeof v === 'number' ? String(v) : undefined);
const bool = (v: unknown): string | undefined => (typeof v === 'boolean' ? String(v) : undefined);

/** The operations whose request carries an encryption algorithm defaulting to SYMMETRIC_DEFAULT. */
const SYMMETRIC_DEFAULT_OPS = new Set(['Encrypt', 'Decrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext']);

/** The keys, by lowercased name. */
const ROWS: ReadonlyMap<string, Row> = new Map<string, Row>([
  ['kms:calleraccount', (s) => s.callerAccount],
  ['kms:viaservice', (s) => s.viaService],
  [
    'kms:encryptionalgorithm',
    (s) =>
      str(s.input.EncryptionAlgorithm) ??
      str(s.input.SourceEncryptionAlgorithm) ??
      (SYMMETRIC_DEFAULT_OPS.has(s.operation) ? 'SYMMETRIC_DEFAULT' : undefined),
  ],
  ['kms:signingalgorithm', (s) => str(s.input.SigningAlgorithm)],
  ['kms:macalgorithm', (s) => str(s.input.MacAlgorithm)],
  ['kms:messagetype', (s) => str(s.input.MessageType)],
  ['kms:keyagreementalgorithm', (s) => str(s.input.KeyAgreementAlgorithm)],
  ['kms:datakeypairspec', (s) => str(s.input.KeyPairSpec)],
  // CreateKey has no key yet: its request says what the key will be (KMS Developer Guide).
  ['kms:keyspec', (s) => s.key?.keySpec ?? str(s.input.KeySpec) ?? str(s.input.CustomerMasterKeySpec)],
  ['kms:keyusage', (s) => s.key?.keyUsage ?? str(s.input.KeyUsage)],
  ['kms:keyorigin', (s) => s.key?.origin ?? str(s.input.Origin)],
  ['kms:multiregion', (s) => (s.key ? String(s.key.multiRegion) : bool(s.input.MultiRegion))],
  ['kms:bypasspolicylockoutsafetycheck', (s) => bool(s.input.BypassPolicyLockoutSafetyCheck)],
  ['kms:rotationperiodindays', (s) => num(s.input.RotationPeriodInDays)],
  ['kms:schedulekeydeletionpendingwindowindays', (s) => num(s.input.PendingWindowInDays)],
  ['kms:requestalias', (s) => s.requestAlias],
  ['kms:reencryptonsamekey', (s) => (s.reEncryptOnSameKey === undefined ? undefined : String(s.reEncryptOnSameKey))],
  ['kms:granteeprincipal', (s) => str(s.input.GranteePrincipal)],
  ['kms:retiringprincipal', (s) => str(s.input.RetiringPrincipal)],
  ['kms:grantoperations', (s) => (Array.isArray(s.input.Operations) ? (s.input.Operations as string[]) : undefined)],
  [
    'kms:grantconstrainttype',
    (s) => {
      const c = s.input.Constraints as Record<string, unknown> | undefined;
      if (!c) return undefined;
      return ['EncryptionContextEquals', 'EncryptionContextSubset'].filter((name) => c[name] !== undefined);
    },
  ],
  // Trent has no AWS services that create grants on a caller's behalf.
  ['kms:grantisforawsresource', (s) => (s.operation === 'CreateGrant' ? 'false' : undefined)],
]);

const ENCRYPTION_CONTEXT_PREFIX = 'kms:encryptioncontext:';

/**
 * The KMS condition keys of a request, computed when a policy asks. kms:EncryptionContext:<key>
 * matches the context's keys without regard to case, as the evaluator folds condition key names
 * (KMS Developer Guide: the condition key name is not case sensitive; the value is).
 */
export function kmsConditionSource(s: KmsConditionSource): ConditionSource {
  return (key) => {
    const row = ROWS.get(key);
    if (row) return row(s);
    const ec = s.encryptionContext;
    if (!ec) return undefined;
    if (key === 'kms:encryptioncontextkeys') return Object.keys(ec);
    if (!key.startsWith(ENCRYPTION_CONTEXT_PREFIX)) return undefined;
    const wanted = key.slice(ENCRYPTION_CONTEXT_PREFIX.length);
    for (const k of Object.keys(ec)) if (k.toLowerCase() === wanted) return ec[k];
    return undefined;
  };
}
