/**
 * Custom key stores on SQLite (table custom_key_stores, migration 14): the statements
 * SqliteStorage's CustomKeyStoreStorage methods delegate to, each called inside the caller's
 * transaction. The uniqueness of a name in its account and Region and of a cluster over the
 * server is checked before writing, in the same (BEGIN IMMEDIATE) transaction, so a refusal is an
 * answer and not a constraint error; the UNIQUE constraints of the table stay as the backstop.
 */
import type Database from 'better-sqlite3';
import type { CustomKeyStoreRecord } from '../../domain/types.js';
import type { LimitReached, WriteResult } from '../types.js';
import { toMillis } from './rows.js';

interface Row {
  custom_key_store_id: string;
  account_id: string;
  region: string;
  name: string;
  custom_key_store_type: string;
  cloud_hsm_cluster_id: string;
  trust_anchor_certificate: string;
  wrapped_password: Buffer;
  creation_date: number;
  connect_requested: number;
  version: number;
}

type Scope = { account_id: string; region: string };

const COLUMNS =
  'custom_key_store_id, account_id, region, name, custom_key_store_type, cloud_hsm_cluster_id, trust_anchor_certificate, wrapped_password, creation_date, connect_requested, version';

const fromRow = (r: Row): CustomKeyStoreRecord => ({
  customKeyStoreId: r.custom_key_store_id,
  accountId: r.account_id,
  region: r.region,
  name: r.name,
  customKeyStoreType: r.custom_key_store_type as CustomKeyStoreRecord['customKeyStoreType'],
  cloudHsmClusterId: r.cloud_hsm_cluster_id,
  trustAnchorCertificate: r.trust_anchor_certificate,
  wrappedPassword: r.wrapped_password,
  creationDate: new Date(r.creation_date),
  connectRequested: r.connect_requested === 1,
  version: r.version,
});

const toRow = (k: CustomKeyStoreRecord): Row => ({
  custom_key_store_id: k.customKeyStoreId,
  account_id: k.accountId,
  region: k.region,
  name: k.name,
  custom_key_store_type: k.customKeyStoreType,
  cloud_hsm_cluster_id: k.cloudHsmClusterId,
  trust_anchor_certificate: k.trustAnchorCertificate,
  wrapped_password: k.wrappedPassword,
  creation_date: toMillis(k.creationDate),
  connect_requested: k.connectRequested ? 1 : 0,
  version: k.version,
});

export class SqliteCustomKeyStores {
  private readonly insert: Database.Statement<[Row]>;
  private readonly byId: Database.Statement<[Scope & { id: string }], Row>;
  private readonly byName: Database.Statement<[Scope & { name: string }], Row>;
  /** Another store (not `id`) of the scope with that name; `id` '' for a new store. */
  private readonly nameTaken: Database.Statement<[Scope & { name: string; id: string }], { id: string }>;
  private readonly clusterTaken: Database.Statement<[{ cluster: string; id: string }], { id: string }>;
  private readonly countScope: Database.Statement<[Scope], { n: number }>;
  private readonly listFirst: Database.Statement<[Scope & { limit: number }], Row>;
  private readonly listAfter: Database.Statement<[Scope & { limit: number; after: string }], Row>;
  private readonly toConnect: Database.Statement<[], Row>;
  private readonly update: Database.Statement<[Row]>;
  private readonly deleteOne: Database.Statement<[{ id: string; version: number }]>;
  private readonly keysIn: Database.Statement<[string], { n: number }>;

  constructor(db: Database.Database) {
    const scope = 'account_id = @account_id AND region = @region';
    this.insert = db.prepare(
      `INSERT INTO custom_key_stores (${COLUMNS})
       VALUES (@custom_key_store_id, @account_id, @region, @name, @custom_key_store_type, @cloud_hsm_cluster_id,
               @trust_anchor_certificate, @wrapped_password, @creation_date, @connect_requested, @version)`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM custom_key_stores WHERE ${scope} AND custom_key_store_id = @id`);
    this.byName = db.prepare(`SELECT ${COLUMNS} FROM custom_key_stores WHERE ${scope} AND name = @name`);
    this.nameTaken = db.prepare(
      `SELECT custom_key_store_id AS id FROM custom_key_stores
       WHERE ${scope} AND name = @name AND custom_key_store_id <> @id`,
    );
    this.clusterTaken = db.prepare(
      `SELECT custom_key_store_id AS id FROM custom_key_stores
       WHERE cloud_hsm_cluster_id = @cluster AND custom_key_store_id <> @id`,
    );
    this.countScope = db.prepare(`SELECT count(*) AS n FROM custom_key_stores WHERE ${scope}`);
    this.listFirst = db.prepare(
      `SELECT ${COLUMNS} FROM custom_key_stores WHERE ${scope} ORDER BY custom_key_store_id LIMIT @limit`,
    );
    this.listAfter = db.prepare(
      `SELECT ${COLUMNS} FROM custom_key_stores WHERE ${scope} AND custom_key_store_id > @after
       ORDER BY custom_key_store_id LIMIT @limit`,
    );
    this.toConnect = db.prepare(
      `SELECT ${COLUMNS} FROM custom_key_stores WHERE connect_requested = 1
       ORDER BY account_id, region, custom_key_store_id`,
    );
    // The id, account, Region, type and creation date of a store never change.
    this.update = db.prepare(
      `UPDATE custom_key_stores SET name = @name, cloud_hsm_cluster_id = @cloud_hsm_cluster_id,
         trust_anchor_certificate = @trust_anchor_certificate, wrapped_password = @wrapped_password,
         connect_requested = @connect_requested, version = version + 1
       WHERE custom_key_store_id = @custom_key_store_id AND account_id = @account_id AND region = @region
         AND version = @version`,
    );
    this.deleteOne = db.prepare('DELETE FROM custom_key_stores WHERE custom_key_store_id = @id AND version = @version');
    this.keysIn = db.prepare('SELECT count(*) AS n FROM keys WHERE custom_key_store_id = ?');
  }

  create(
    record: CustomKeyStoreRecord,
    maxPerRegion: number | undefined,
  ): 'ok' | 'name-in-use' | 'cluster-in-use' | LimitReached {
    const row = toRow(record);
    const scope = { account_id: row.account_id, region: row.region };
    if (this.nameTaken.get({ ...scope, name: row.name, id: '' })) return 'name-in-use';
    if (this.clusterTaken.get({ cluster: row.cloud_hsm_cluster_id, id: '' })) return 'cluster-in-use';
    if (maxPerRegion !== undefined) {
      const usage = this.countScope.get(scope)!.n;
      if (usage >= maxPerRegion) return { result: 'limit', usage };
    }
    this.insert.run(row);
    return 'ok';
  }

  find(region: string, accountId: string, id: string): CustomKeyStoreRecord | undefined {
    const row = this.byId.get({ account_id: accountId, region, id });
    return row && fromRow(row);
  }

  findByName(region: string, accountId: string, name: string): CustomKeyStoreRecord | undefined {
    const row = this.byName.get({ account_id: accountId, region, name });
    return row && fromRow(row);
  }

  list(region: string, accountId: string, limit: number, after: string | undefined): CustomKeyStoreRecord[] {
    const scope = { account_id: accountId, region, limit };
    const rows = after === undefined ? this.listFirst.all(scope) : this.listAfter.all({ ...scope, after });
    return rows.map(fromRow);
  }

  connectRequested(): CustomKeyStoreRecord[] {
    return this.toConnect.all().map(fromRow);
  }

  put(record: CustomKeyStoreRecord): WriteResult | 'name-in-use' | 'cluster-in-use' {
    const row = toRow(record);
    const stored = this.byId.get({ account_id: row.account_id, region: row.region, id: row.custom_key_store_id });
    if (stored === undefined) return 'not-found';
    if (stored.version !== row.version) return 'conflict';
    const scope = { account_id: row.account_id, region: row.region };
    if (this.nameTaken.get({ ...scope, name: row.name, id: row.custom_key_store_id })) return 'name-in-use';
    if (this.clusterTaken.get({ cluster: row.cloud_hsm_cluster_id, id: row.custom_key_store_id })) {
      return 'cluster-in-use';
    }
    return this.update.run(row).changes === 1 ? 'ok' : 'conflict';
  }

  delete(record: CustomKeyStoreRecord): WriteResult | 'has-keys' {
    const id = record.customKeyStoreId;
    const stored = this.byId.get({ account_id: record.accountId, region: record.region, id });
    if (stored === undefined) return 'not-found';
    if (stored.version !== record.version) return 'conflict';
    if (this.countKeys(id) > 0) return 'has-keys';
    return this.deleteOne.run({ id, version: record.version }).changes === 1 ? 'ok' : 'conflict';
  }

  /** Keys of any state (deleted keys have no row left: deleteKey removes it). */
  countKeys(id: string): number {
    return this.keysIn.get(id)!.n;
  }
}
