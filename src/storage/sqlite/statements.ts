/**
 * Every SQL statement SqliteStorage runs, prepared once per connection (after migrations, since
 * SQLite compiles a statement against the tables that exist).
 */
import type Database from 'better-sqlite3';
import type { AccessKeyRow, AccountRow, AliasRow, KeyMaterialRow, KeyRow } from './rows.js';

const KEY_COLUMNS = [
  'region',
  'account_id',
  'key_id',
  'arn',
  'description',
  'key_spec',
  'key_usage',
  'origin',
  'key_manager',
  'key_state',
  'creation_date',
  'deletion_date',
  'pending_deletion_window_in_days',
  'policy',
  'tags',
  'rotation_enabled',
  'rotation_period_in_days',
  'next_rotation_date',
  'on_demand_rotation_start_date',
  'current_material_id',
  'multi_region',
  'custom_key_store_id',
  'version',
  'expiration_model',
  'valid_to',
  'multi_region_key_type',
  'transition_due',
  'state_after_transition',
] as const;

/** Columns an update may change: the identity (region, account, key id, ARN) is fixed at creation. */
const KEY_MUTABLE_COLUMNS = KEY_COLUMNS.filter(
  (c) => c !== 'region' && c !== 'account_id' && c !== 'key_id' && c !== 'arn' && c !== 'version',
);

const KEY_SELECT = `SELECT ${KEY_COLUMNS.join(', ')} FROM keys`;
const MATERIAL_SELECT =
  'SELECT key_arn, material_id, wrapped, created_at, rotation_type, expiration_model, valid_to, description FROM key_materials';
const ALIAS_SELECT =
  'SELECT region, account_id, alias_name, alias_arn, target_key_id, creation_date, last_updated_date FROM aliases';

interface Scope {
  region: string;
  account_id: string;
}
interface Paging {
  limit: number;
}
interface AliasListParams extends Scope, Paging {
  after?: string;
  target_key_id?: string;
}

export function prepareStatements(db: Database.Database) {
  const aliasList = (after: boolean, target: boolean) =>
    db.prepare<[AliasListParams], AliasRow>(
      `${ALIAS_SELECT} WHERE region = @region AND account_id = @account_id` +
        (target ? ' AND target_key_id = @target_key_id' : '') +
        (after ? ' AND alias_name > @after' : '') +
        ' ORDER BY alias_name LIMIT @limit',
    );

  return {
    // Settings
    getSetting: db.prepare<[string], { value: Buffer }>('SELECT value FROM settings WHERE name = ?'),
    insertSetting: db.prepare<[string, Buffer]>(
      'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
    ),

    // Key usage: a newer use replaces an older one; a key deleted meanwhile is skipped.
    recordKeyUsage: db.prepare<
      [{ key_arn: string; operation: string; used_at: number; event_id: string; request_id: string }]
    >(
      `INSERT INTO key_last_usage (key_arn, operation, used_at, event_id, request_id)
       SELECT @key_arn, @operation, @used_at, @event_id, @request_id WHERE EXISTS (SELECT 1 FROM keys WHERE arn = @key_arn)
       ON CONFLICT (key_arn) DO UPDATE SET
         operation = excluded.operation, used_at = excluded.used_at,
         event_id = excluded.event_id, request_id = excluded.request_id
       WHERE excluded.used_at >= key_last_usage.used_at`,
    ),
    getKeyUsage: db.prepare<
      [string],
      { key_arn: string; operation: string; used_at: number; event_id: string; request_id: string }
    >('SELECT key_arn, operation, used_at, event_id, request_id FROM key_last_usage WHERE key_arn = ?'),

    // Accounts and credentials
    putAccount: db.prepare<[AccountRow]>(
      `INSERT INTO accounts (account_id, created_at) VALUES (@account_id, @created_at)
       ON CONFLICT (account_id) DO UPDATE SET created_at = excluded.created_at`,
    ),
    getAccount: db.prepare<[string], AccountRow>('SELECT account_id, created_at FROM accounts WHERE account_id = ?'),
    rememberRequest: db.prepare<[Buffer, number]>(
      'INSERT INTO seen_requests (digest, expires_at) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING',
    ),
    seenRequestExpiry: db.prepare<[Buffer], { expires_at: number }>(
      'SELECT expires_at FROM seen_requests WHERE digest = ?',
    ),
    forgetRequest: db.prepare<[Buffer]>('DELETE FROM seen_requests WHERE digest = ?'),
    pruneSeenRequests: db.prepare<[number]>('DELETE FROM seen_requests WHERE expires_at <= ?'),
    listAccounts: db.prepare<[], AccountRow>('SELECT account_id, created_at FROM accounts ORDER BY account_id'),
    putAccessKey: db.prepare<[AccessKeyRow]>(
      `INSERT INTO access_keys (access_key_id, account_id, principal_arn, wrapped_secret, status, created_at)
       VALUES (@access_key_id, @account_id, @principal_arn, @wrapped_secret, @status, @created_at)
       ON CONFLICT (access_key_id) DO UPDATE SET
         account_id = excluded.account_id, principal_arn = excluded.principal_arn,
         wrapped_secret = excluded.wrapped_secret, status = excluded.status,
         created_at = excluded.created_at`,
    ),
    getAccessKey: db.prepare<[string], AccessKeyRow>(
      `SELECT access_key_id, account_id, principal_arn, wrapped_secret, status, created_at
       FROM access_keys WHERE access_key_id = ?`,
    ),

    // Keys
    insertKey: db.prepare<[KeyRow]>(
      `INSERT INTO keys (${KEY_COLUMNS.join(', ')}) VALUES (${KEY_COLUMNS.map((c) => '@' + c).join(', ')})`,
    ),
    getKey: db.prepare<[Scope & { key_id: string }], KeyRow>(
      `${KEY_SELECT} WHERE region = @region AND account_id = @account_id AND key_id = @key_id`,
    ),
    keyVersion: db.prepare<[string], { version: number }>('SELECT version FROM keys WHERE arn = ?'),
    listKeysFirst: db.prepare<[Scope & Paging], KeyRow>(
      `${KEY_SELECT} WHERE region = @region AND account_id = @account_id ORDER BY key_id LIMIT @limit`,
    ),
    listKeysAfter: db.prepare<[Scope & Paging & { after: string }], KeyRow>(
      `${KEY_SELECT} WHERE region = @region AND account_id = @account_id AND key_id > @after
       ORDER BY key_id LIMIT @limit`,
    ),
    /** Compare-and-set: changes nothing unless the stored version is the one the caller read. */
    updateKey: db.prepare<[KeyRow]>(
      `UPDATE keys SET ${KEY_MUTABLE_COLUMNS.map((c) => `${c} = @${c}`).join(', ')},
         version = version + 1
       WHERE arn = @arn AND version = @version`,
    ),
    deleteKey: db.prepare<[{ arn: string; version: number }], Scope & { key_id: string }>(
      'DELETE FROM keys WHERE arn = @arn AND version = @version RETURNING region, account_id, key_id',
    ),
    countKeys: db.prepare<[Scope], { n: number }>(
      'SELECT COUNT(*) AS n FROM keys WHERE region = @region AND account_id = @account_id',
    ),
    /** What the keys quota counts: customer managed keys, in any state (index customer_keys). */
    countCustomerKeys: db.prepare<[Scope], { n: number }>(
      `SELECT COUNT(*) AS n FROM keys
       WHERE region = @region AND account_id = @account_id AND key_manager = 'CUSTOMER'`,
    ),
    keysDueForDeletion: db.prepare<[{ now: number; limit: number }], KeyRow>(
      `${KEY_SELECT} WHERE key_state = 'PendingDeletion' AND deletion_date <= @now
       ORDER BY deletion_date, arn LIMIT @limit`,
    ),
    relatedKeys: db.prepare<[{ account_id: string; key_id: string }], KeyRow>(
      `${KEY_SELECT} WHERE account_id = @account_id AND key_id = @key_id AND multi_region = 1 ORDER BY region`,
    ),
    keysDueForTransition: db.prepare<[{ now: number; limit: number }], KeyRow>(
      `${KEY_SELECT} WHERE transition_due IS NOT NULL AND transition_due <= @now
       ORDER BY transition_due, arn LIMIT @limit`,
    ),
    keysPendingReplicaDeletion: db.prepare<[{ limit: number }], KeyRow>(
      `${KEY_SELECT} WHERE key_state = 'PendingReplicaDeletion' ORDER BY arn LIMIT @limit`,
    ),
    keysDueForRotation: db.prepare<[{ now: number; limit: number }], KeyRow>(
      `${KEY_SELECT} WHERE key_state = 'Enabled' AND rotation_enabled = 1 AND next_rotation_date <= @now
       ORDER BY next_rotation_date, arn LIMIT @limit`,
    ),

    // Key materials
    /** seq numbers a key's materials in the order they were added. */
    insertMaterial: db.prepare<[KeyMaterialRow]>(
      `INSERT INTO key_materials
         (key_arn, material_id, seq, wrapped, created_at, rotation_type, expiration_model, valid_to, description)
       SELECT @key_arn, @material_id, COALESCE(MAX(seq), 0) + 1, @wrapped, @created_at, @rotation_type,
         @expiration_model, @valid_to, @description
       FROM key_materials WHERE key_arn = @key_arn`,
    ),
    // An empty wrapped blob is material not present (migration 11): a key of Origin EXTERNAL
    // before its first import, or imported material deleted.
    getMaterial: db.prepare<[string, string], KeyMaterialRow>(
      `${MATERIAL_SELECT} WHERE key_arn = ? AND material_id = ? AND length(wrapped) > 0`,
    ),
    listMaterials: db.prepare<[string], KeyMaterialRow>(
      `${MATERIAL_SELECT} WHERE key_arn = ? AND length(wrapped) > 0 ORDER BY seq`,
    ),
    /**
     * Imported material (again): the row of a material the key had keeps its place (seq), its
     * creation and rotation, and its description unless a new one is given.
     */
    upsertMaterial: db.prepare<[KeyMaterialRow]>(
      `INSERT INTO key_materials
         (key_arn, material_id, seq, wrapped, created_at, rotation_type, expiration_model, valid_to, description)
       SELECT @key_arn, @material_id, COALESCE(MAX(seq), 0) + 1, @wrapped, @created_at, @rotation_type,
         @expiration_model, @valid_to, @description
       FROM key_materials WHERE key_arn = @key_arn
       ON CONFLICT (key_arn, material_id) DO UPDATE SET
         wrapped = excluded.wrapped,
         expiration_model = excluded.expiration_model,
         valid_to = excluded.valid_to,
         description = COALESCE(excluded.description, key_materials.description)`,
    ),
    emptyMaterial: db.prepare<[string, string]>(
      `UPDATE key_materials SET wrapped = X'', valid_to = NULL WHERE key_arn = ? AND material_id = ?`,
    ),
    /** Every material of a key but the placeholder, imported or not, in the order added. */
    listAllMaterials: db.prepare<[string], KeyMaterialRow>(
      `${MATERIAL_SELECT} WHERE key_arn = ? AND material_id <> '' ORDER BY seq`,
    ),
    markRotated: db.prepare<[{ key_arn: string; material_id: string; created_at: number }]>(
      `UPDATE key_materials SET rotation_type = 'ON_DEMAND', created_at = @created_at
       WHERE key_arn = @key_arn AND material_id = @material_id`,
    ),
    expiredMaterials: db.prepare<[{ now: number; limit: number }], KeyRow & { expired_material_id: string }>(
      `SELECT ${KEY_COLUMNS.map((c) => `k.${c}`).join(', ')}, m.material_id AS expired_material_id
       FROM key_materials m JOIN keys k ON k.arn = m.key_arn
       WHERE m.valid_to IS NOT NULL AND m.valid_to <= @now
       ORDER BY m.valid_to, m.key_arn, m.material_id LIMIT @limit`,
    ),
    deleteMaterials: db.prepare<[string]>('DELETE FROM key_materials WHERE key_arn = ?'),

    // Aliases
    insertAlias: db.prepare<[AliasRow]>(
      `INSERT INTO aliases (region, account_id, alias_name, alias_arn, target_key_id, creation_date, last_updated_date)
       VALUES (@region, @account_id, @alias_name, @alias_arn, @target_key_id, @creation_date, @last_updated_date)`,
    ),
    getAlias: db.prepare<[Scope & { alias_name: string }], AliasRow>(
      `${ALIAS_SELECT} WHERE region = @region AND account_id = @account_id AND alias_name = @alias_name`,
    ),
    listAliases: aliasList(false, false),
    listAliasesAfter: aliasList(true, false),
    listAliasesForTarget: aliasList(false, true),
    listAliasesForTargetAfter: aliasList(true, true),
    updateAlias: db.prepare<[Scope & { alias_name: string; target_key_id: string; last_updated_date: number }]>(
      `UPDATE aliases SET target_key_id = @target_key_id, last_updated_date = @last_updated_date
       WHERE region = @region AND account_id = @account_id AND alias_name = @alias_name`,
    ),
    deleteAlias: db.prepare<[Scope & { alias_name: string }]>(
      'DELETE FROM aliases WHERE region = @region AND account_id = @account_id AND alias_name = @alias_name',
    ),
    /**
     * What the aliases-per-key quota counts: the key's aliases but `alias_name` (the alias being
     * moved, if any), not those AWS creates (alias/aws/...).
     */
    countAliasesOfKey: db.prepare<[Scope & { target_key_id: string; alias_name: string }], { n: number }>(
      `SELECT COUNT(*) AS n FROM aliases
       WHERE region = @region AND account_id = @account_id AND target_key_id = @target_key_id
         AND alias_name <> @alias_name AND substr(alias_name, 1, 10) <> 'alias/aws/'`,
    ),
    deleteAliasesOfKey: db.prepare<[Scope & { key_id: string }]>(
      'DELETE FROM aliases WHERE region = @region AND account_id = @account_id AND target_key_id = @key_id',
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
