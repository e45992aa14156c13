/**
 * The key-state table: for each operation and key state, whether the operation may proceed or which
 * error it answers. Follows AWS's "Key states of AWS KMS keys" table
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html). Handlers never test states.
 */
import { KmsError } from './errors.js';
import type { KeyRecord, KeyState } from './types.js';

type Outcome = 'ok' | 'disabled' | 'invalid';

/** How an operation treats each state; states not listed are KMSInvalidStateException. */
type StateRule = Partial<Record<KeyState, Outcome>>;

/**
 * Cryptographic operations: only Enabled keys; Disabled says DisabledException. A multi-Region key
 * whose primary Region is changing (Updating) stays usable ("While the key state is Updating, you
 * can use the keys in cryptographic operations", UpdatePrimaryRegion); a replica being created
 * (Creating) is not ("you cannot yet use it in cryptographic operations", ReplicateKey).
 */
const CRYPTO: StateRule = { Enabled: 'ok', Disabled: 'disabled', Updating: 'ok' };
/** Management that any key not pending deletion accepts. */
const MANAGE: StateRule = { Enabled: 'ok', Disabled: 'ok', PendingImport: 'ok', Unavailable: 'ok' };
/**
 * Management of a key's own properties (description, tags, aliases), also in the transient
 * multi-Region states: "While the key state is Creating, you can manage key" (ReplicateKey).
 */
const MANAGE_TRANSIENT: StateRule = { ...MANAGE, Creating: 'ok', Updating: 'ok' };
/**
 * Enabling or disabling a key: not while it awaits its imported material ("KMSInvalidStateException:
 * <key ARN> is pending import", key-state table).
 */
const ENABLE_DISABLE: StateRule = { Enabled: 'ok', Disabled: 'ok', Unavailable: 'ok' };
/**
 * Import of key material: a key of Origin EXTERNAL that is not pending deletion. Rotation
 * settings of a key pending import are answered by the origin check (UnsupportedOperationException:
 * "<key ARN> origin is EXTERNAL which is not valid for this operation", key-state table).
 */
const IMPORT: StateRule = { Enabled: 'ok', Disabled: 'ok', PendingImport: 'ok' };
/** Works in every state. */
const ANY: StateRule = {
  Enabled: 'ok',
  Disabled: 'ok',
  PendingDeletion: 'ok',
  PendingImport: 'ok',
  Unavailable: 'ok',
  Creating: 'ok',
  Updating: 'ok',
  PendingReplicaDeletion: 'ok',
};

const TABLE: Record<string, StateRule> = {
  Encrypt: CRYPTO,
  Decrypt: CRYPTO,
  ReEncrypt: CRYPTO,
  GenerateDataKey: CRYPTO,
  GenerateDataKeyWithoutPlaintext: CRYPTO,
  GenerateDataKeyPair: CRYPTO,
  GenerateDataKeyPairWithoutPlaintext: CRYPTO,
  Sign: CRYPTO,
  Verify: CRYPTO,
  GenerateMac: CRYPTO,
  VerifyMac: CRYPTO,
  DeriveSharedSecret: CRYPTO,
  Encapsulate: CRYPTO,
  Decapsulate: CRYPTO,
  // The key-state table says Disabled fails, but AWS answers GetPublicKey for a disabled key
  // (observed by LocalStack's tests against AWS); a key pending deletion still fails.
  GetPublicKey: { Enabled: 'ok', Disabled: 'ok', Updating: 'ok' },
  // A key of a disconnected custom key store still takes grants (key-state table: Unavailable ✓).
  CreateGrant: { ...CRYPTO, Unavailable: 'ok' },
  EnableKeyRotation: { Enabled: 'ok', Disabled: 'disabled', PendingImport: 'ok' },
  DisableKeyRotation: { Enabled: 'ok', Disabled: 'disabled', PendingImport: 'ok' },
  RotateKeyOnDemand: { Enabled: 'ok', Disabled: 'disabled' },
  DescribeKey: ANY,
  GetKeyLastUsage: ANY,
  GetKeyPolicy: ANY,
  ListKeyPolicies: ANY,
  PutKeyPolicy: ANY,
  GetKeyRotationStatus: ANY,
  ListKeyRotations: ANY,
  ListResourceTags: ANY,
  ListGrants: ANY,
  ListAliases: ANY,
  RevokeGrant: ANY,
  RetireGrant: ANY,
  DeleteAlias: ANY,
  EnableKey: ENABLE_DISABLE,
  DisableKey: ENABLE_DISABLE,
  GetParametersForImport: IMPORT,
  ImportKeyMaterial: IMPORT,
  // "When the specified KMS key is in the PendingDeletion state, this operation does not change
  // the KMS key's state"; on a key pending import it has no effect (key-state table).
  DeleteImportedKeyMaterial: { ...IMPORT, PendingDeletion: 'ok' },
  UpdateKeyDescription: MANAGE_TRANSIENT,
  ScheduleKeyDeletion: MANAGE,
  TagResource: MANAGE_TRANSIENT,
  UntagResource: MANAGE_TRANSIENT,
  CreateAlias: MANAGE_TRANSIENT,
  UpdateAlias: MANAGE_TRANSIENT,
  // A primary key waiting for its replicas' deletion is pending deletion too (ScheduleKeyDeletion).
  CancelKeyDeletion: { PendingDeletion: 'ok', PendingReplicaDeletion: 'ok' },
  // Only a primary key is replicated, not while it is pending deletion or its primary Region
  // changes ("you cannot replicate the new primary key", UpdatePrimaryRegion); DisabledException
  // is among ReplicateKey's and UpdatePrimaryRegion's errors.
  ReplicateKey: { Enabled: 'ok', Disabled: 'disabled', PendingImport: 'ok' },
  UpdatePrimaryRegion: { Enabled: 'ok', Disabled: 'disabled', PendingImport: 'ok' },
};

/**
 * Operations that a key in a CloudHSM key store (Origin AWS_CLOUDHSM) cannot take whatever its
 * state: rotation ("If the KMS key has imported key material or is in a custom key store:
 * UnsupportedOperationException", key-state table note 7, also for a disabled, unavailable or
 * pending-deletion key) and import ("If the KMS key cannot or does not have imported key
 * material: UnsupportedOperationException", note 9). The operation's own origin check answers.
 */
const REFUSED_BY_ORIGIN_IN_CUSTOM_KEY_STORE: ReadonlySet<string> = new Set([
  'EnableKeyRotation',
  'DisableKeyRotation',
  'RotateKeyOnDemand',
  'GetParametersForImport',
  'ImportKeyMaterial',
  'DeleteImportedKeyMaterial',
]);

function stateMessage(key: KeyRecord): string {
  switch (key.keyState) {
    case 'Disabled':
      return `${key.arn} is disabled.`;
    case 'PendingDeletion':
      return `${key.arn} is pending deletion.`;
    case 'PendingImport':
      return `${key.arn} is pending import.`;
    case 'Unavailable':
      return `${key.arn} is unavailable.`;
    case 'Enabled':
      return `${key.arn} is enabled.`;
    // The transient multi-Region states, worded as the others ("is creating" is what Terraform's
    // AWS provider waits out after ReplicateKey).
    case 'Creating':
      return `${key.arn} is creating.`;
    case 'Updating':
      return `${key.arn} is updating.`;
    case 'PendingReplicaDeletion':
      return `${key.arn} is pending replica deletion.`;
    default:
      return `${key.arn} is ${key.keyState}.`;
  }
}

/** Throws the error AWS answers when `operation` meets `key` in its current state. */
export function checkKeyState(operation: string, key: KeyRecord): void {
  if (key.origin === 'AWS_CLOUDHSM' && REFUSED_BY_ORIGIN_IN_CUSTOM_KEY_STORE.has(operation)) return;
  const rule = TABLE[operation] ?? CRYPTO;
  const outcome = rule[key.keyState] ?? 'invalid';
  if (outcome === 'ok') return;
  if (outcome === 'disabled') throw new KmsError('DisabledException', stateMessage(key));
  if (operation === 'CancelKeyDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
  }
  throw new KmsError('KMSInvalidStateException', stateMessage(key));
}
