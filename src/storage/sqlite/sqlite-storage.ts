/**
 * Storage on SQLite through better-sqlite3: WAL, synchronous=FULL, foreign keys on. Every method
 * runs synchronously inside one transaction (writes BEGIN IMMEDIATE, so a concurrent writer waits
 * on busy_timeout instead of failing at commit) and is async only to honour the Storage contract.
 *
 * At rest: the database files are 0600 (SQLite creates -wal and -shm with the mode of the main
 * file, so creating that one 0600 ourselves is enough), secure_delete zeroes deleted content in
 * the pages it frees or rewrites, and eraseDeleted() checkpoints and truncates the WAL, whose older
 * frames would still hold what was deleted.
 */
import { closeSync, constants as fsConstants, fchmodSync, fstatSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type {
  AccessKeyRecord,
  AccountRecord,
  AliasRecord,
  KeyMaterialRecord,
  KeyRecord,
  KeyUsageRecord,
} from '../../domain/index.js';
import type { LimitReached, SeedWrite, Storage, WriteResult } from '../types.js';
import { SCHEMA_MIGRATIONS_TABLE, migrations } from './migrations.js';
import {
  accessKeyFromRow,
  accessKeyParams,
  accountFromRow,
  accountParams,
  aliasFromRow,
  aliasParams,
  keyFromRow,
  keyParams,
  materialFromRow,
  materialParams,
  toMillis,
} from './rows.js';
import { prepareStatements, type Statements } from './statements.js';
import type { SessionRecord } from '../session-types.js';
import { SqliteSessions } from './sessions.js';
import type { IdentityStorage } from '../identity-types.js';
import { SqliteIdentity } from './identity.js';
import type { GrantRecord } from '../../domain/grants.js';
import type { CreateGrantResult, GrantFilter, GrantLimits, RetirableGrantsQuery } from '../grant-types.js';
import type { Page } from '../types.js';
import { SqliteGrants } from './grants.js';
import type { KeyHoursRow, UsageRow } from '../types.js';
import { SqliteUsage } from './usage.js';
import type { ImportedKeyMaterial, ImportParametersRecord } from '../import-types.js';
import type { RelatedKeyWrite } from '../multi-region-types.js';
import { SqliteImports } from './imports.js';
import type { ParameterRecord, ParameterTier } from '../parameter-types.js';
import { SqliteParameters } from './parameters.js';
import type { CustomKeyStoreRecord } from '../../domain/types.js';
import { SqliteCustomKeyStores } from './custom-key-stores.js';

/** How long a write waits for another connection's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
/**
 * How long the WAL checkpoint that erases deleted content waits for another connection's readers;
 * short because the event loop waits with it, and a busy erasure is retried (eraseDeleted).
 */
const ERASE_BUSY_TIMEOUT_MS = 200;
/**
 * Recorded once the database has been rebuilt (VACUUM) with secure_delete on: content deleted
 * before that (by a Trent that did not set secure_delete) may linger in free pages.
 */
const SECURE_DELETE_SETTING = 'sqlite.secure-delete.v1';

/** Driver codes of a violated PRIMARY KEY or UNIQUE constraint (never match on message text). */
const UNIQUE_VIOLATION_CODES: ReadonlySet<string> = new Set([
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_CONSTRAINT_UNIQUE',
]);

const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Database.SqliteError && UNIQUE_VIOLATION_CODES.has(e.code);

/**
 * Creates the database file 0600 if it is missing, and takes group and other permissions away
 * from the database, WAL and shared-memory files that exist (an older Trent created them 0644).
 * SQLite creates -wal and -shm with the mode of the database file, so they follow.
 */
function restrictDatabaseFiles(path: string): void {
  const files = [
    [path, fsConstants.O_CREAT],
    [`${path}-wal`, 0],
    [`${path}-shm`, 0],
  ] as const;
  for (const [file, create] of files) {
    let fd: number;
    try {
      fd = openSync(file, fsConstants.O_RDONLY | create, 0o600);
    } catch (e) {
      if (create === 0 && errorCode(e) === 'ENOENT') continue;
      throw e;
    }
    try {
      const { mode } = fstatSync(fd);
      if ((mode & 0o077) !== 0) fchmodSync(fd, mode & 0o700);
    } finally {
      closeSync(fd);
    }
  }
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new Error(`storage: limit must be a positive integer, got ${String(limit)}`);
  }
}

export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  /** Runs a closure inside a transaction; `.immediate` for writes, `.deferred` for reads. */
  private readonly tx: Database.Transaction<(work: () => unknown) => unknown>;
  private statements: Statements | undefined;
  /**
   * True while the WAL may hold content that a deletion removed (and at open: a crash may have
   * left such frames); eraseDeleted() clears it.
   */
  private erasurePending: boolean;

  private constructor(db: Database.Database) {
    this.db = db;
    this.tx = db.transaction((work: () => unknown) => work());
    this.erasurePending = !db.memory;
  }

  /** Opens (creating if needed) the database file, or a private in-memory database. */
  static open(path: string | ':memory:'): SqliteStorage {
    if (path !== ':memory:') restrictDatabaseFiles(path);
    const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    try {
      const journalMode: unknown = db.pragma('journal_mode = WAL', { simple: true });
      // An in-memory database reports 'memory'; a file that cannot use WAL (e.g. on a network
      // file system) keeps its old mode, which DESIGN ("Storage") does not allow.
      if (path !== ':memory:' && journalMode !== 'wal') {
        throw new Error(`storage: cannot enable WAL on ${path} (journal_mode is ${String(journalMode)})`);
      }
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // Deleted content is overwritten with zeros instead of lingering in free pages and in the
      // unused space of pages (https://sqlite.org/pragma.html#pragma_secure_delete).
      db.pragma('secure_delete = ON');
      if (db.pragma('secure_delete', { simple: true }) !== 1) {
        throw new Error(`storage: SQLite refused secure_delete on ${path}`);
      }
      return new SqliteStorage(db);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Applies the migrations not yet recorded in schema_migrations, all in one transaction. */
  async migrate(): Promise<void> {
    this.write(() => {
      this.db.exec(SCHEMA_MIGRATIONS_TABLE);
      const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
        v: number | null;
      };
      const applied = row.v ?? 0;
      if (applied > migrations.length) {
        throw new Error(
          `storage: database schema version ${applied} is newer than this Trent knows (${migrations.length})`,
        );
      }
      const record = this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
      for (let i = applied; i < migrations.length; i++) {
        this.db.exec(migrations[i]!);
        record.run(i + 1, Date.now());
      }
    });
    this.statements ??= prepareStatements(this.db);
    this.rebuildOnceWithSecureDelete();
    await this.eraseDeleted();
  }

  /**
   * Makes what deleteKey removed unrecoverable from the database files: secure_delete has zeroed
   * it in the database's pages, and a TRUNCATE checkpoint copies those pages into the database
   * file and empties the WAL, whose older frames still hold the deleted rows. 'busy' when another
   * connection reads an older snapshot (a checkpoint cannot pass it); the caller retries later.
   */
  async eraseDeleted(): Promise<'done' | 'busy'> {
    if (!this.erasurePending) return 'done';
    this.db.pragma(`busy_timeout = ${ERASE_BUSY_TIMEOUT_MS}`);
    try {
      const rows = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (rows[0]?.busy !== 0) return 'busy';
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    this.erasurePending = false;
    return 'done';
  }

  /** VACUUM once per database, for content deleted before secure_delete was on. */
  private rebuildOnceWithSecureDelete(): void {
    if (this.db.memory || this.q.getSetting.get(SECURE_DELETE_SETTING) !== undefined) return;
    try {
      this.db.exec('VACUUM');
    } catch (e) {
      // Another connection is using the database: try again at the next start.
      if (e instanceof Database.SqliteError && e.code.startsWith('SQLITE_BUSY')) return;
      throw e;
    }
    this.write(() => this.q.insertSetting.run(SECURE_DELETE_SETTING, Buffer.from('1')));
  }

  /** The connection's durability settings as SQLite reports them (for tests and diagnostics). */
  settings(): {
    journalMode: string;
    synchronous: number;
    foreignKeys: boolean;
    busyTimeoutMs: number;
    secureDelete: boolean;
  } {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      foreignKeys: this.db.pragma('foreign_keys', { simple: true }) === 1,
      busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
      secureDelete: this.db.pragma('secure_delete', { simple: true }) === 1,
    };
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Closing the last connection checkpoints and removes the WAL anyway; with another connection
    // open it would stay, holding what was deleted. Closing goes on whatever happens.
    await this.eraseDeleted().catch(() => 'busy');
    this.db.close();
  }

  // Settings

  async getSetting(name: string): Promise<Buffer | undefined> {
    const q = this.q;
    return this.read(() => q.getSetting.get(name))?.value;
  }

  async insertSetting(name: string, value: Buffer): Promise<'ok' | 'exists'> {
    const q = this.q;
    return this.write(() => q.insertSetting.run(name, value)).changes === 1 ? 'ok' : 'exists';
  }

  // Key usage

  async recordKeyUsage(usages: readonly KeyUsageRecord[]): Promise<void> {
    const q = this.q;
    this.write(() => {
      for (const u of usages) {
        q.recordKeyUsage.run({
          key_arn: u.keyArn,
          operation: u.operation,
          used_at: u.usedAt.getTime(),
          event_id: u.eventId,
          request_id: u.requestId,
        });
      }
    });
  }

  async getKeyUsage(keyArn: string): Promise<KeyUsageRecord | undefined> {
    const q = this.q;
    const row = this.read(() => q.getKeyUsage.get(keyArn));
    return (
      row && {
        keyArn: row.key_arn,
        operation: row.operation,
        usedAt: new Date(row.used_at),
        eventId: row.event_id,
        requestId: row.request_id,
      }
    );
  }

  // Accounts and credentials

  async putAccount(account: AccountRecord): Promise<void> {
    const q = this.q;
    this.write(() => q.putAccount.run(accountParams(account)));
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const q = this.q;
    const row = this.read(() => q.getAccount.get(accountId));
    return row && accountFromRow(row);
  }

  async rememberRequest(digest: Buffer, expiresAt: Date, now: Date): Promise<'new' | 'seen'> {
    const q = this.q;
    return this.write((): 'new' | 'seen' => {
      const seen = q.seenRequestExpiry.get(digest);
      if (seen && seen.expires_at > now.getTime()) return 'seen';
      if (seen) q.forgetRequest.run(digest);
      // A few expired digests go with every insert, so the table stays the size of one window.
      q.pruneSeenRequests.run(now.getTime());
      q.rememberRequest.run(digest, expiresAt.getTime());
      return 'new';
    });
  }

  async listAccounts(): Promise<AccountRecord[]> {
    const q = this.q;
    return this.read(() => q.listAccounts.all()).map(accountFromRow);
  }

  async putAccessKey(key: AccessKeyRecord): Promise<void> {
    const q = this.q;
    this.write(() => q.putAccessKey.run(accessKeyParams(key)));
    // An update may replace a wrapped secret; the WAL keeps the old one until eraseDeleted().
    this.erasurePending = true;
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const q = this.q;
    const row = this.read(() => q.getAccessKey.get(accessKeyId));
    return row && accessKeyFromRow(row);
  }

  // Keys

  async createKey(
    key: KeyRecord,
    material: KeyMaterialRecord | undefined,
    maxKeys?: number,
  ): Promise<'ok' | LimitReached> {
    // A key awaiting its first import holds an empty placeholder of id '' (migration 11).
    const first = material ?? {
      keyArn: key.arn,
      materialId: '',
      wrapped: Buffer.alloc(0),
      createdAt: key.creationDate,
    };
    checkMaterialOf(key, first);
    const q = this.q;
    const keyRow = keyParams(key);
    const materialRow = materialParams(first);
    const scope = { region: key.region, account_id: key.accountId };
    return this.write((): 'ok' | LimitReached => {
      // Counted inside the write transaction (BEGIN IMMEDIATE), so no other create slips in between.
      if (maxKeys !== undefined && key.keyManager === 'CUSTOMER') {
        const usage = q.countCustomerKeys.get(scope)?.n ?? 0;
        if (usage >= maxKeys) return { result: 'limit', usage };
      }
      q.insertKey.run(keyRow);
      q.insertMaterial.run(materialRow);
      return 'ok';
    });
  }

  async getKey(region: string, accountId: string, keyId: string): Promise<KeyRecord | undefined> {
    const q = this.q;
    const row = this.read(() => q.getKey.get({ region, account_id: accountId, key_id: keyId }));
    return row && keyFromRow(row);
  }

  async listKeys(
    region: string,
    accountId: string,
    limit: number,
    after?: string,
  ): Promise<{ keys: KeyRecord[]; more: boolean }> {
    checkLimit(limit);
    const q = this.q;
    // One row beyond the page says whether more follow.
    const scope = { region, account_id: accountId, limit: limit + 1 };
    const rows = this.read(() =>
      after === undefined ? q.listKeysFirst.all(scope) : q.listKeysAfter.all({ ...scope, after }),
    );
    return { keys: rows.slice(0, limit).map(keyFromRow), more: rows.length > limit };
  }

  async updateKey(key: KeyRecord): Promise<WriteResult> {
    const q = this.q;
    const row = keyParams(key);
    return this.write(() => (q.updateKey.run(row).changes === 1 ? 'ok' : this.whyNotWritten(key.arn)));
  }

  async addKeyMaterial(key: KeyRecord, material: KeyMaterialRecord): Promise<WriteResult> {
    checkMaterialOf(key, material);
    const q = this.q;
    const keyRow = keyParams(key);
    const materialRow = materialParams(material);
    return this.write(() => {
      if (q.updateKey.run(keyRow).changes !== 1) return this.whyNotWritten(key.arn);
      q.insertMaterial.run(materialRow);
      return 'ok';
    });
  }

  async importKeyMaterial(key: KeyRecord, material: KeyMaterialRecord): Promise<WriteResult> {
    if (material.keyArn !== key.arn) throw new Error('storage: material.keyArn must equal key.arn');
    if (material.wrapped.length === 0) throw new Error('storage: imported material must not be empty');
    const q = this.q;
    const keyRow = keyParams(key);
    const materialRow = materialParams(material);
    return this.write(() => {
      if (q.updateKey.run(keyRow).changes !== 1) return this.whyNotWritten(key.arn);
      q.upsertMaterial.run(materialRow);
      return 'ok';
    });
  }

  async deleteImportedKeyMaterial(key: KeyRecord, materialId: string): Promise<WriteResult> {
    const q = this.q;
    const keyRow = keyParams(key);
    const result = this.write(() => {
      if (q.updateKey.run(keyRow).changes !== 1) return this.whyNotWritten(key.arn);
      q.emptyMaterial.run(key.arn, materialId);
      return 'ok';
    });
    // The WAL still holds the deleted material until eraseDeleted().
    if (result === 'ok') this.erasurePending = true;
    return result;
  }

  async listImportedKeyMaterials(keyArn: string): Promise<ImportedKeyMaterial[]> {
    const q = this.q;
    return this.read(() => q.listAllMaterials.all(keyArn)).map((row) => ({
      ...materialFromRow(row),
      imported: row.wrapped.length > 0,
    }));
  }

  async rotateToImportedKeyMaterial(key: KeyRecord, materialId: string, rotatedAt: Date): Promise<WriteResult> {
    if (key.currentMaterialId !== materialId) throw new Error('storage: key.currentMaterialId must be materialId');
    const q = this.q;
    const keyRow = keyParams(key);
    const params = { key_arn: key.arn, material_id: materialId, created_at: toMillis(rotatedAt) };
    return this.write(() => {
      if (q.updateKey.run(keyRow).changes !== 1) return this.whyNotWritten(key.arn);
      q.markRotated.run(params);
      return 'ok';
    });
  }

  async expiredKeyMaterials(now: Date, limit: number): Promise<{ key: KeyRecord; materialId: string }[]> {
    checkLimit(limit);
    const q = this.q;
    return this.read(() => q.expiredMaterials.all({ now: toMillis(now), limit })).map((row) => ({
      key: keyFromRow(row),
      materialId: row.expired_material_id,
    }));
  }

  async getKeyMaterial(keyArn: string, materialId: string): Promise<KeyMaterialRecord | undefined> {
    const q = this.q;
    const row = this.read(() => q.getMaterial.get(keyArn, materialId));
    return row && materialFromRow(row);
  }

  async listKeyMaterials(keyArn: string): Promise<KeyMaterialRecord[]> {
    const q = this.q;
    return this.read(() => q.listMaterials.all(keyArn)).map(materialFromRow);
  }

  async deleteKey(key: KeyRecord, keyHours: readonly KeyHoursRow[] = []): Promise<WriteResult> {
    const q = this.q;
    const usage = this.usage;
    const result = this.write((): WriteResult => {
      const deleted = q.deleteKey.get({ arn: key.arn, version: key.version });
      if (deleted === undefined) return this.whyNotWritten(key.arn);
      usage.addKeyHours(keyHours);
      // The foreign keys cascade these too; deleting explicitly keeps the rule visible here and
      // independent of the foreign_keys pragma.
      q.deleteMaterials.run(key.arn);
      q.deleteAliasesOfKey.run(deleted);
      return 'ok';
    });
    // The WAL still holds the deleted material until eraseDeleted() (once per batch of deletions).
    if (result === 'ok') this.erasurePending = true;
    return result;
  }

  async resetAll(): Promise<void> {
    // Children first, so that the order does not depend on the foreign_keys pragma.
    this.write(() =>
      this.db.exec(
        'DELETE FROM key_last_usage; DELETE FROM import_parameters; DELETE FROM aliases; DELETE FROM key_materials; DELETE FROM keys; DELETE FROM parameter_versions; DELETE FROM parameters; DELETE FROM custom_key_stores;',
      ),
    );
    this.erasurePending = true;
  }

  async keysDueForDeletion(now: Date, limit: number): Promise<KeyRecord[]> {
    checkLimit(limit);
    const q = this.q;
    const params = { now: toMillis(now), limit };
    return this.read(() => q.keysDueForDeletion.all(params)).map(keyFromRow);
  }

  // Multi-Region keys (MultiRegionStorage)

  async relatedKeys(accountId: string, keyId: string): Promise<KeyRecord[]> {
    const q = this.q;
    return this.read(() => q.relatedKeys.all({ account_id: accountId, key_id: keyId })).map(keyFromRow);
  }

  async createReplicaKey(
    key: KeyRecord,
    materials: readonly KeyMaterialRecord[],
    primary: KeyRecord,
    maxKeys?: number,
  ): Promise<'ok' | 'exists' | 'conflict' | 'not-found' | LimitReached> {
    if (materials.some((m) => m.keyArn !== key.arn)) throw new Error('storage: material.keyArn must equal key.arn');
    if (!materials.some((m) => m.materialId === key.currentMaterialId)) {
      throw new Error('storage: key.currentMaterialId must be one of the materials');
    }
    const q = this.q;
    const keyRow = keyParams(key);
    const materialRows = materials.map(materialParams);
    const primaryRow = keyParams(primary);
    const scope = { region: key.region, account_id: key.accountId };
    try {
      return this.write((): 'ok' | 'exists' | 'conflict' | 'not-found' | LimitReached => {
        if (q.getKey.get({ ...scope, key_id: key.keyId })) return 'exists';
        if (maxKeys !== undefined && key.keyManager === 'CUSTOMER') {
          const usage = q.countCustomerKeys.get(scope)?.n ?? 0;
          if (usage >= maxKeys) return { result: 'limit', usage };
        }
        // The write of the primary is the last check: nothing was written before it.
        if (q.updateKey.run(primaryRow).changes !== 1) return this.whyNotWritten(primary.arn);
        q.insertKey.run(keyRow);
        for (const row of materialRows) q.insertMaterial.run(row);
        return 'ok';
      });
    } catch (e) {
      // Two replications racing for one region: the second insert meets the first's row.
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async updateRelatedKeys(writes: readonly RelatedKeyWrite[]): Promise<WriteResult> {
    const q = this.q;
    const rows = writes.map(({ key, material }) => {
      if (material && material.keyArn !== key.arn) throw new Error('storage: material.keyArn must equal key.arn');
      return { arn: key.arn, key: keyParams(key), material: material && materialParams(material) };
    });
    try {
      return this.write((): WriteResult => {
        for (const row of rows) {
          // Nothing of this transaction may stay: throwing rolls back what earlier keys wrote.
          if (q.updateKey.run(row.key).changes !== 1) throw new RelatedWriteRefused(this.whyNotWritten(row.arn));
          if (row.material) q.insertMaterial.run(row.material);
        }
        return 'ok';
      });
    } catch (e) {
      if (e instanceof RelatedWriteRefused) return e.result;
      throw e;
    }
  }

  async keysDueForTransition(now: Date, limit: number): Promise<KeyRecord[]> {
    checkLimit(limit);
    const q = this.q;
    return this.read(() => q.keysDueForTransition.all({ now: toMillis(now), limit })).map(keyFromRow);
  }

  async keysPendingReplicaDeletion(limit: number): Promise<KeyRecord[]> {
    checkLimit(limit);
    const q = this.q;
    return this.read(() => q.keysPendingReplicaDeletion.all({ limit })).map(keyFromRow);
  }

  async keysDueForRotation(now: Date, limit: number): Promise<KeyRecord[]> {
    checkLimit(limit);
    const q = this.q;
    const params = { now: toMillis(now), limit };
    return this.read(() => q.keysDueForRotation.all(params)).map(keyFromRow);
  }

  async countKeys(region: string, accountId: string): Promise<number> {
    const q = this.q;
    return this.read(() => q.countKeys.get({ region, account_id: accountId }))?.n ?? 0;
  }

  // Aliases

  async createAlias(alias: AliasRecord, maxAliasesPerKey?: number): Promise<'ok' | 'exists' | LimitReached> {
    const q = this.q;
    const row = aliasParams(alias);
    const named = { region: alias.region, account_id: alias.accountId, alias_name: alias.aliasName };
    try {
      return this.write((): 'ok' | 'exists' | LimitReached => {
        if (maxAliasesPerKey !== undefined) {
          if (q.getAlias.get(named) !== undefined) return 'exists';
          const usage = q.countAliasesOfKey.get({ ...named, target_key_id: alias.targetKeyId })?.n ?? 0;
          if (usage >= maxAliasesPerKey) return { result: 'limit', usage };
        }
        q.insertAlias.run(row);
        return 'ok';
      });
    } catch (e) {
      if (isUniqueViolation(e)) return 'exists';
      throw e;
    }
  }

  async getAlias(region: string, accountId: string, aliasName: string): Promise<AliasRecord | undefined> {
    const q = this.q;
    const row = this.read(() => q.getAlias.get({ region, account_id: accountId, alias_name: aliasName }));
    return row && aliasFromRow(row);
  }

  async listAliases(
    region: string,
    accountId: string,
    limit: number,
    after?: string,
    targetKeyId?: string,
  ): Promise<{ aliases: AliasRecord[]; more: boolean }> {
    checkLimit(limit);
    const q = this.q;
    const scope = { region, account_id: accountId, limit: limit + 1 };
    const rows = this.read(() => {
      if (targetKeyId === undefined) {
        return after === undefined ? q.listAliases.all(scope) : q.listAliasesAfter.all({ ...scope, after });
      }
      const forTarget = { ...scope, target_key_id: targetKeyId };
      return after === undefined
        ? q.listAliasesForTarget.all(forTarget)
        : q.listAliasesForTargetAfter.all({ ...forTarget, after });
    });
    return { aliases: rows.slice(0, limit).map(aliasFromRow), more: rows.length > limit };
  }

  async updateAlias(
    region: string,
    accountId: string,
    aliasName: string,
    targetKeyId: string,
    now: Date,
    maxAliasesPerKey?: number,
  ): Promise<'ok' | 'not-found' | LimitReached> {
    const q = this.q;
    const params = {
      region,
      account_id: accountId,
      alias_name: aliasName,
      target_key_id: targetKeyId,
      last_updated_date: toMillis(now),
    };
    return this.write((): 'ok' | 'not-found' | LimitReached => {
      if (maxAliasesPerKey !== undefined) {
        // The alias itself does not count: pointing it at the key it already targets adds nothing.
        const usage = q.countAliasesOfKey.get(params)?.n ?? 0;
        if (usage >= maxAliasesPerKey && q.getAlias.get(params) !== undefined) return { result: 'limit', usage };
      }
      return q.updateAlias.run(params).changes === 1 ? 'ok' : 'not-found';
    });
  }

  async applySeed(seed: SeedWrite): Promise<void> {
    // A key awaiting its first import holds the empty placeholder createKey gives it (migration 11).
    const keys = seed.keys.map(({ key, materials }) => ({
      key,
      materials:
        materials.length === 0 && key.currentMaterialId === ''
          ? [{ keyArn: key.arn, materialId: '', wrapped: Buffer.alloc(0), createdAt: key.creationDate }]
          : materials,
    }));
    for (const { key, materials } of keys) {
      if (materials.some((m) => m.keyArn !== key.arn) || materials.at(-1)?.materialId !== key.currentMaterialId) {
        throw new Error(`storage: the materials of ${key.arn} do not end with its current material`);
      }
    }
    const q = this.q;
    this.write(() => {
      for (const account of seed.accounts) q.putAccount.run(accountParams(account));
      for (const accessKey of seed.accessKeys) q.putAccessKey.run(accessKeyParams(accessKey));
      for (const { key, materials } of keys) {
        q.insertKey.run(keyParams(key));
        for (const material of materials) q.insertMaterial.run(materialParams(material));
      }
      for (const alias of seed.aliases) q.insertAlias.run(aliasParams(alias));
    });
  }

  async listKeyScopes(): Promise<{ accountId: string; region: string }[]> {
    const rows = this.read(() =>
      this.db
        .prepare<[], { account_id: string; region: string }>(
          'SELECT DISTINCT account_id, region FROM keys ORDER BY account_id, region',
        )
        .all(),
    );
    return rows.map((r) => ({ accountId: r.account_id, region: r.region }));
  }

  async deleteAlias(region: string, accountId: string, aliasName: string): Promise<'ok' | 'not-found'> {
    const q = this.q;
    const params = { region, account_id: accountId, alias_name: aliasName };
    return this.write(() => (q.deleteAlias.run(params).changes === 1 ? 'ok' : 'not-found'));
  }

  // @identity-methods (IAM identities: src/storage/sqlite/identity.ts, which runs each in one transaction)
  private identityMethods: SqliteIdentity | undefined;

  /** Prepared on first use, after migrate() (which `statements` being set proves). */
  private get identity(): SqliteIdentity {
    if (this.statements === undefined) throw new Error('storage: call migrate() before using SqliteStorage');
    return (this.identityMethods ??= new SqliteIdentity(this.db, {
      write: (work) => this.write(work),
      read: (work) => this.read(work),
      erasurePending: () => (this.erasurePending = true),
    }));
  }

  /** A method of IdentityStorage run by SqliteIdentity (prepared on first use). */
  private identityMethod<K extends keyof IdentityStorage>(name: K): IdentityStorage[K] {
    const call = (...args: unknown[]): unknown => (this.identity[name] as (...a: unknown[]) => unknown)(...args);
    return call as IdentityStorage[K];
  }

  readonly createUser = this.identityMethod('createUser');
  readonly getUser = this.identityMethod('getUser');
  readonly listUsers = this.identityMethod('listUsers');
  readonly deleteUser = this.identityMethod('deleteUser');
  readonly createGroup = this.identityMethod('createGroup');
  readonly getGroup = this.identityMethod('getGroup');
  readonly listGroups = this.identityMethod('listGroups');
  readonly deleteGroup = this.identityMethod('deleteGroup');
  readonly addUserToGroup = this.identityMethod('addUserToGroup');
  readonly removeUserFromGroup = this.identityMethod('removeUserFromGroup');
  readonly listGroupMembers = this.identityMethod('listGroupMembers');
  readonly listGroupsForUser = this.identityMethod('listGroupsForUser');
  readonly createRole = this.identityMethod('createRole');
  readonly getRole = this.identityMethod('getRole');
  readonly listRoles = this.identityMethod('listRoles');
  readonly updateRole = this.identityMethod('updateRole');
  readonly deleteRole = this.identityMethod('deleteRole');
  readonly tagEntity = this.identityMethod('tagEntity');
  readonly untagEntity = this.identityMethod('untagEntity');
  readonly setPermissionsBoundary = this.identityMethod('setPermissionsBoundary');
  readonly putInlinePolicy = this.identityMethod('putInlinePolicy');
  readonly getInlinePolicy = this.identityMethod('getInlinePolicy');
  readonly listInlinePolicies = this.identityMethod('listInlinePolicies');
  readonly deleteInlinePolicy = this.identityMethod('deleteInlinePolicy');
  readonly createPolicy = this.identityMethod('createPolicy');
  readonly getPolicy = this.identityMethod('getPolicy');
  readonly listPolicies = this.identityMethod('listPolicies');
  readonly deletePolicy = this.identityMethod('deletePolicy');
  readonly createPolicyVersion = this.identityMethod('createPolicyVersion');
  readonly getPolicyVersion = this.identityMethod('getPolicyVersion');
  readonly listPolicyVersions = this.identityMethod('listPolicyVersions');
  readonly deletePolicyVersion = this.identityMethod('deletePolicyVersion');
  readonly setDefaultPolicyVersion = this.identityMethod('setDefaultPolicyVersion');
  readonly attachPolicy = this.identityMethod('attachPolicy');
  readonly detachPolicy = this.identityMethod('detachPolicy');
  readonly listAttachedPolicies = this.identityMethod('listAttachedPolicies');
  readonly listEntitiesForPolicy = this.identityMethod('listEntitiesForPolicy');
  readonly policyDocumentsOf = this.identityMethod('policyDocumentsOf');
  readonly createUserAccessKey = this.identityMethod('createUserAccessKey');
  readonly listUserAccessKeys = this.identityMethod('listUserAccessKeys');
  readonly accessKeyUserName = this.identityMethod('accessKeyUserName');
  readonly updateAccessKeyStatus = this.identityMethod('updateAccessKeyStatus');
  readonly deleteUserAccessKey = this.identityMethod('deleteUserAccessKey');
  readonly resetIdentities = this.identityMethod('resetIdentities');

  // @session-methods (STS sessions: src/storage/sqlite/sessions.ts)
  private sessionStatements: SqliteSessions | undefined;

  /** Prepared on first use, after migrate() (which `statements` being set proves). */
  private get sessions(): SqliteSessions {
    if (this.statements === undefined) throw new Error('storage: call migrate() before using SqliteStorage');
    return (this.sessionStatements ??= new SqliteSessions(this.db));
  }

  async putSession(session: SessionRecord): Promise<void> {
    const sessions = this.sessions;
    this.write(() => sessions.put(session));
  }

  async getSession(accessKeyId: string): Promise<SessionRecord | undefined> {
    const sessions = this.sessions;
    return this.read(() => sessions.find(accessKeyId));
  }

  async deleteExpiredSessions(expiredBefore: Date, limit: number): Promise<number> {
    checkLimit(limit);
    const sessions = this.sessions;
    const n = this.write(() => sessions.deleteExpiredBefore(expiredBefore, limit));
    // Their wrapped secrets stay in the WAL until eraseDeleted().
    if (n > 0) this.erasurePending = true;
    return n;
  }

  async deleteSessionsOf(accountId: string, subjectId: string): Promise<number> {
    const sessions = this.sessions;
    const n = this.write(() => sessions.deleteOf(accountId, subjectId));
    if (n > 0) this.erasurePending = true;
    return n;
  }

  // @grant-methods (KMS grants: src/storage/sqlite/grants.ts)
  private grantStatements: SqliteGrants | undefined;

  /** Prepared on first use, after migrate() (which `statements` being set proves). */
  private get grants(): SqliteGrants {
    if (this.statements === undefined) throw new Error('storage: call migrate() before using SqliteStorage');
    return (this.grantStatements ??= new SqliteGrants(this.db));
  }

  async createGrant(grant: GrantRecord, limits: GrantLimits): Promise<CreateGrantResult> {
    const grants = this.grants;
    return this.write(() => grants.create(grant, limits));
  }

  async getGrant(keyArn: string, grantId: string): Promise<GrantRecord | undefined> {
    const grants = this.grants;
    return this.read(() => grants.find(keyArn, grantId));
  }

  async listGrants(keyArn: string, limit: number, after?: string, filter?: GrantFilter): Promise<Page<GrantRecord>> {
    const grants = this.grants;
    return this.read(() => grants.listOfKey(keyArn, limit, after, filter));
  }

  async listRetirableGrants(query: RetirableGrantsQuery, limit: number, after?: string): Promise<Page<GrantRecord>> {
    const grants = this.grants;
    return this.read(() => grants.listRetirable(query, limit, after));
  }

  async deleteGrant(keyArn: string, grantId: string): Promise<'ok' | 'not-found'> {
    const grants = this.grants;
    return this.write(() => grants.delete(keyArn, grantId));
  }

  async grantsForKey(keyArn: string): Promise<GrantRecord[]> {
    const grants = this.grants;
    return this.read(() => grants.ofKey(keyArn));
  }

  // @usage-methods (metering counters: src/storage/sqlite/usage.ts)
  private usageStatements: SqliteUsage | undefined;

  /** Prepared on first use, after migrate() (which `statements` being set proves). */
  private get usage(): SqliteUsage {
    if (this.statements === undefined) throw new Error('storage: call migrate() before using SqliteStorage');
    return (this.usageStatements ??= new SqliteUsage(this.db));
  }

  async addUsage(rows: readonly UsageRow[]): Promise<void> {
    const usage = this.usage;
    if (rows.length > 0) this.write(() => usage.add(rows));
  }

  async listUsage(period: string, accountId?: string): Promise<UsageRow[]> {
    const usage = this.usage;
    return this.read(() => usage.list(period, accountId));
  }

  async listDeletedKeyHours(period: string, accountId?: string): Promise<KeyHoursRow[]> {
    const usage = this.usage;
    return this.read(() => usage.listKeyHours(period, accountId));
  }

  // @import-methods (import parameters: src/storage/sqlite/imports.ts)
  private importStatements: SqliteImports | undefined;

  /** Prepared on first use, after migrate() (which `statements` being set proves). */
  private get imports(): SqliteImports {
    if (this.statements === undefined) throw new Error('storage: call migrate() before using SqliteStorage');
    return (this.importStatements ??= new SqliteImports(this.db));
  }

  async putImportParameters(record: ImportParametersRecord): Promise<void> {
    const imports = this.imports;
    this.write(() => imports.put(record));
  }

  async takeImportParameters(tokenId: string): Promise<ImportParametersRecord | undefined> {
    const imports = this.imports;
    const taken = this.write(() => imports.takeOne(tokenId));
    // The wrapped wrapping key stays in the WAL until eraseDeleted().
    if (taken) this.erasurePending = true;
    return taken;
  }

  async getImportParameters(tokenId: string): Promise<ImportParametersRecord | undefined> {
    const imports = this.imports;
    return this.read(() => imports.find(tokenId));
  }

  async deleteExpiredImportParameters(now: Date, limit: number): Promise<number> {
    checkLimit(limit);
    const imports = this.imports;
    const n = this.write(() => imports.deleteExpired(now, limit));
    if (n > 0) this.erasurePending = true;
    return n;
  }

  // @parameter-methods (Parameter Store: src/storage/sqlite/parameters.ts)
  private parameterStatements: SqliteParameters | undefined;

  /** Prepared on first use, after migrate() (which `statements` being set proves). */
  private get parameters(): SqliteParameters {
    if (this.statements === undefined) throw new Error('storage: call migrate() before using SqliteStorage');
    return (this.parameterStatements ??= new SqliteParameters(this.db));
  }

  async getParameter(accountId: string, region: string, name: string): Promise<ParameterRecord | undefined> {
    const parameters = this.parameters;
    return this.read(() => parameters.find(accountId, region, name));
  }

  async listParameters(accountId: string, region: string, prefix?: string): Promise<ParameterRecord[]> {
    const parameters = this.parameters;
    return this.read(() => parameters.list(accountId, region, prefix));
  }

  async listParameterScopes(): Promise<{ accountId: string; region: string }[]> {
    const rows = this.read(() =>
      this.db
        .prepare<[], { account_id: string; region: string }>(
          'SELECT DISTINCT account_id, region FROM parameters ORDER BY account_id, region',
        )
        .all(),
    );
    return rows.map((r) => ({ accountId: r.account_id, region: r.region }));
  }

  async parametersWithPolicies(
    limit: number,
    after?: { accountId: string; region: string; name: string },
  ): Promise<ParameterRecord[]> {
    const parameters = this.parameters;
    return this.read(() => parameters.withPolicy(limit, after));
  }

  async putParameter(record: ParameterRecord, expectedRevision?: number): Promise<'ok' | 'conflict'> {
    const parameters = this.parameters;
    const result = this.write(() => parameters.put(record, expectedRevision));
    if (result === 'conflict') return 'conflict';
    // A dropped or rewritten version's value stays in the WAL until eraseDeleted().
    if (result.dropped) this.erasurePending = true;
    return 'ok';
  }

  async deleteParameter(accountId: string, region: string, name: string): Promise<'ok' | 'absent'> {
    const parameters = this.parameters;
    const deleted = this.write(() => parameters.delete(accountId, region, name));
    if (!deleted) return 'absent';
    this.erasurePending = true;
    return 'ok';
  }

  async countParameters(accountId: string, region: string, tier?: ParameterTier): Promise<number> {
    const parameters = this.parameters;
    return this.read(() => parameters.count(accountId, region, tier));
  }

  // @custom-key-store-methods (custom key stores: src/storage/sqlite/custom-key-stores.ts)
  private customKeyStoreStatements: SqliteCustomKeyStores | undefined;

  /** Prepared on first use, after migrate() (which `statements` being set proves). */
  private get customKeyStores(): SqliteCustomKeyStores {
    if (this.statements === undefined) throw new Error('storage: call migrate() before using SqliteStorage');
    return (this.customKeyStoreStatements ??= new SqliteCustomKeyStores(this.db));
  }

  async createCustomKeyStore(
    record: CustomKeyStoreRecord,
    maxPerRegion?: number,
  ): Promise<'ok' | 'name-in-use' | 'cluster-in-use' | LimitReached> {
    const stores = this.customKeyStores;
    return this.write(() => stores.create(record, maxPerRegion));
  }

  async getCustomKeyStore(
    region: string,
    accountId: string,
    customKeyStoreId: string,
  ): Promise<CustomKeyStoreRecord | undefined> {
    const stores = this.customKeyStores;
    return this.read(() => stores.find(region, accountId, customKeyStoreId));
  }

  async getCustomKeyStoreByName(
    region: string,
    accountId: string,
    name: string,
  ): Promise<CustomKeyStoreRecord | undefined> {
    const stores = this.customKeyStores;
    return this.read(() => stores.findByName(region, accountId, name));
  }

  async listCustomKeyStores(
    region: string,
    accountId: string,
    limit: number,
    after?: string,
  ): Promise<CustomKeyStoreRecord[]> {
    checkLimit(limit);
    const stores = this.customKeyStores;
    return this.read(() => stores.list(region, accountId, limit, after));
  }

  async customKeyStoresToConnect(): Promise<CustomKeyStoreRecord[]> {
    const stores = this.customKeyStores;
    return this.read(() => stores.connectRequested());
  }

  async updateCustomKeyStore(record: CustomKeyStoreRecord): Promise<WriteResult | 'name-in-use' | 'cluster-in-use'> {
    const stores = this.customKeyStores;
    const result = this.write(() => stores.put(record));
    // A replaced wrapped password stays in the WAL until eraseDeleted().
    if (result === 'ok') this.erasurePending = true;
    return result;
  }

  async deleteCustomKeyStore(record: CustomKeyStoreRecord): Promise<WriteResult | 'has-keys'> {
    const stores = this.customKeyStores;
    const result = this.write(() => stores.delete(record));
    if (result === 'ok') this.erasurePending = true;
    return result;
  }

  async countKeysInCustomKeyStore(customKeyStoreId: string): Promise<number> {
    const stores = this.customKeyStores;
    return this.read(() => stores.countKeys(customKeyStoreId));
  }

  // Internals

  private get q(): Statements {
    if (this.statements === undefined) {
      throw new Error('storage: call migrate() before using SqliteStorage');
    }
    return this.statements;
  }

  private write<T>(work: () => T): T {
    return this.tx.immediate(work) as T;
  }

  private read<T>(work: () => T): T {
    return this.tx.deferred(work) as T;
  }

  /** After a compare-and-set changed nothing (inside the same transaction): which reason. */
  private whyNotWritten(arn: string): 'conflict' | 'not-found' {
    return this.q.keyVersion.get(arn) === undefined ? 'not-found' : 'conflict';
  }
}

/** Rolls back updateRelatedKeys's transaction, carrying why a key was not written. */
class RelatedWriteRefused extends Error {
  constructor(readonly result: 'conflict' | 'not-found') {
    super(`storage: related key write ${result}`);
  }
}

/** createKey and addKeyMaterial take the material that becomes the key's current one. */
function checkMaterialOf(key: KeyRecord, material: KeyMaterialRecord): void {
  if (material.keyArn !== key.arn) {
    throw new Error('storage: material.keyArn must equal key.arn');
  }
  if (material.materialId !== key.currentMaterialId) {
    throw new Error('storage: material.materialId must equal key.currentMaterialId');
  }
}
