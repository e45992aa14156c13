/**
 * The storage contract. Every method is one transaction; invariants (one current material per key,
 * unique alias names, no use after deletion) are enforced by constraints and compare-and-set on
 * KeyRecord.version, not by callers. SQLite and PostgreSQL implement it and pass one conformance
 * suite (storage/conformance.ts).
 */
import type {
  AccessKeyRecord,
  AccountRecord,
  AliasRecord,
  KeyMaterialRecord,
  KeyRecord,
  KeyUsageRecord,
} from '../domain/types.js';

export interface Page<T> {
  items: T[];
  /** Opaque continuation for the next page; absent on the last page. */
  next?: string | undefined;
}

/** Result of a compare-and-set write. 'conflict' means the version read is no longer current. */
export type WriteResult = 'ok' | 'conflict' | 'not-found';

/**
 * A create refused because a resource quota is reached: `usage` is how many the scope already
 * holds (at least the limit given). The count and the write are one transaction, so concurrent
 * creates cannot together pass the limit.
 */
export interface LimitReached {
  readonly result: 'limit';
  readonly usage: number;
}

/**
 * What a seed file adds (seed/): keys, materials and aliases are new records; accounts and access
 * keys are written as putAccount and putAccessKey write them. applySeed writes all or none.
 */
export interface SeedWrite {
  accounts: AccountRecord[];
  accessKeys: AccessKeyRecord[];
  /** Each key with all its materials, oldest first; key.currentMaterialId is the last. */
  keys: { key: KeyRecord; materials: KeyMaterialRecord[] }[];
  /** Targets are keys of `keys` or keys already stored. */
  aliases: AliasRecord[];
}

/** Requests counted in one month for one (account, region, key, operation, price class). */
export interface UsageRow {
  /** YYYY-MM (UTC). */
  period: string;
  accountId: string;
  region: string;
  /** The first key the request used; '' for none. */
  keyArn: string;
  /** KMS operations by name; other services' as `<service>:<operation>`. */
  operation: string;
  priceClass: string;
  requests: number;
}

/** The hours a deleted customer managed key was charged in one month (kept after its record is gone). */
export interface KeyHoursRow {
  /** YYYY-MM (UTC). */
  period: string;
  accountId: string;
  region: string;
  keyArn: string;
  hours: number;
}

// @identity-storage-import
import type { IdentityStorage } from './identity-types.js';
// @session-storage-import
import type { SessionStorage } from './session-types.js';
// @grant-storage-import
import type { GrantStorage } from './grant-types.js';
// @import-storage-import
import type { ImportStorage } from './import-types.js';
// @multi-region-storage-import
import type { MultiRegionStorage } from './multi-region-types.js';
// @parameter-storage-import
import type { ParameterStorage } from './parameter-types.js';
import type { CustomKeyStoreStorage } from './custom-key-store-types.js';

export interface Storage /* @storage-extends */
  extends
    IdentityStorage,
    SessionStorage,
    GrantStorage,
    ImportStorage,
    ParameterStorage,
    MultiRegionStorage,
    CustomKeyStoreStorage {
  /** Runs pending numbered migrations. Idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  // Settings of the server itself (small named values)
  getSetting(name: string): Promise<Buffer | undefined>;
  /** Stores `value` under `name` unless the name is taken ('exists'); never overwrites. */
  insertSetting(name: string, value: Buffer): Promise<'ok' | 'exists'>;

  // Key usage (GetKeyLastUsage)
  /**
   * Records each key's last use in one transaction; an entry older than the stored one, or for a
   * key that no longer exists, changes nothing.
   */
  recordKeyUsage(usages: readonly KeyUsageRecord[]): Promise<void>;
  getKeyUsage(keyArn: string): Promise<KeyUsageRecord | undefined>;

  // Metering (trent usage)
  /** Adds each row's requests to the stored count of its (period, account, region, key, operation, class), in one transaction. */
  addUsage(rows: readonly UsageRow[]): Promise<void>;
  /** The counts of one month, optionally of one account, ordered by account, region, key, operation, class. */
  listUsage(period: string, accountId?: string): Promise<UsageRow[]>;
  /** The charged hours of keys deleted, of one month, optionally of one account, ordered by account, region, key. */
  listDeletedKeyHours(period: string, accountId?: string): Promise<KeyHoursRow[]>;

  // Accounts and credentials
  putAccount(account: AccountRecord): Promise<void>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  /**
   * Replay protection (`--reject-replays`): records a signed request's digest until `expiresAt`;
   * 'seen' when it is recorded and not yet expired (then nothing is written). Expired digests are
   * dropped on the way. One transaction, so two processes sharing a database cannot both see 'new'.
   */
  rememberRequest(digest: Buffer, expiresAt: Date, now: Date): Promise<'new' | 'seen'>;
  /** Every account, ordered by id. */
  listAccounts(): Promise<AccountRecord[]>;
  putAccessKey(key: AccessKeyRecord): Promise<void>;
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;

  // Keys
  /**
   * Inserts a key with its first material (which must be key.currentMaterialId), or without any
   * (`material` undefined, key.currentMaterialId ''): a key of Origin EXTERNAL before its first
   * import. With `maxKeys`,
   * a customer managed key is inserted only while its account and region hold fewer than that many
   * customer managed keys (in any state); otherwise nothing is written and the answer is LimitReached.
   */
  createKey(key: KeyRecord, material: KeyMaterialRecord | undefined, maxKeys?: number): Promise<'ok' | LimitReached>;
  getKey(region: string, accountId: string, keyId: string): Promise<KeyRecord | undefined>;
  /**
   * Keys of one account and region ordered by keyId. `after` is a keyId: the page starts after it.
   * Returns at most `limit` keys and whether more follow.
   */
  listKeys(
    region: string,
    accountId: string,
    limit: number,
    after?: string,
  ): Promise<{ keys: KeyRecord[]; more: boolean }>;
  /**
   * Writes `key` (all fields but its identity: arn, keyId, accountId, region) if the stored version
   * equals `key.version`, storing version + 1; the caller's object is not changed. Rejects (throws)
   * if currentMaterialId is not one of the key's materials.
   */
  updateKey(key: KeyRecord): Promise<WriteResult>;
  /**
   * Adds a material and makes it current in one transaction: writes `key` (whose currentMaterialId
   * is material.materialId) with compare-and-set like updateKey.
   */
  addKeyMaterial(key: KeyRecord, material: KeyMaterialRecord): Promise<WriteResult>;
  /** The material, or undefined when the key has none of that id present (imported material deleted). */
  getKeyMaterial(keyArn: string, materialId: string): Promise<KeyMaterialRecord | undefined>;
  /**
   * All materials of a key present, oldest first (in the order they were added, even if dates
   * tie); deleted imported material is left out.
   */
  listKeyMaterials(keyArn: string): Promise<KeyMaterialRecord[]>;
  /**
   * Deletes the key, all its materials, and every alias pointing at it. Copies of the deleted
   * rows may survive in the backend's files (SQLite: the WAL) until eraseDeleted() returns 'done'.
   * `keyHours`, the hours the key was charged in each month (metering), are stored in the same
   * transaction: the bill keeps them once the key is gone.
   */
  deleteKey(key: KeyRecord, keyHours?: readonly KeyHoursRow[]): Promise<WriteResult>;
  /**
   * Makes content removed by earlier deletions (and secrets an update replaced) unrecoverable from
   * the backend's files (AWS: deleted key material is gone). Call it after a batch of deletions. 'busy' when it cannot be done now
   * (another connection reads an older snapshot): what is pending stays pending; call it again later.
   */
  eraseDeleted(): Promise<'done' | 'busy'>;
  /**
   * `--dev` reset (POST /_trent/reset): deletes every key, key material, alias, parameter and key usage record
   * of every account and region, in one transaction. Accounts, access keys and settings stay, so
   * the administrator credentials keep working. Erasure is pending as after deleteKey.
   */
  resetAll(): Promise<void>;
  /** Keys in PendingDeletion whose deletionDate <= now (any account, any region). */
  keysDueForDeletion(now: Date, limit: number): Promise<KeyRecord[]>;
  /** Enabled keys with rotationEnabled whose nextRotationDate <= now (any account, any region). */
  keysDueForRotation(now: Date, limit: number): Promise<KeyRecord[]>;
  /** Number of keys in the account and region (for quotas and benchmarks). */
  countKeys(region: string, accountId: string): Promise<number>;

  // Aliases
  /**
   * 'exists' if the alias name is taken in that account and region. The target key must exist in
   * the same account and region (callers resolve it first); otherwise this rejects. With
   * `maxAliasesPerKey`, LimitReached if the target already has that many aliases (those AWS
   * creates, alias/aws/..., do not count); 'exists' takes precedence.
   */
  createAlias(alias: AliasRecord, maxAliasesPerKey?: number): Promise<'ok' | 'exists' | LimitReached>;
  getAlias(region: string, accountId: string, aliasName: string): Promise<AliasRecord | undefined>;
  /**
   * Aliases ordered by name (bytewise, as keys by keyId); optionally only those targeting keyId;
   * `after` is an alias name.
   */
  listAliases(
    region: string,
    accountId: string,
    limit: number,
    after?: string,
    targetKeyId?: string,
  ): Promise<{ aliases: AliasRecord[]; more: boolean }>;
  /**
   * Points the alias at targetKeyId (which must exist, as for createAlias). With
   * `maxAliasesPerKey`, LimitReached if the new target already has that many other aliases.
   */
  updateAlias(
    region: string,
    accountId: string,
    aliasName: string,
    targetKeyId: string,
    now: Date,
    maxAliasesPerKey?: number,
  ): Promise<'ok' | 'not-found' | LimitReached>;
  deleteAlias(region: string, accountId: string, aliasName: string): Promise<'ok' | 'not-found'>;

  // Seeding (dev)
  /**
   * Writes everything in `seed` in one transaction: accounts and access keys as put, keys, materials
   * and aliases as inserts. Any failure (a key or alias that exists, an alias without its key)
   * writes nothing.
   */
  applySeed(seed: SeedWrite): Promise<void>;
  /** Every account and region holding keys, ordered (seed export). */
  listKeyScopes(): Promise<{ accountId: string; region: string }[]>;
}
