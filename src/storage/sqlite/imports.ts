/**
 * Import parameters on SQLite (table import_parameters, migration 11): the statements
 * SqliteStorage's putImportParameters, takeImportParameters, getImportParameters and
 * deleteExpiredImportParameters delegate to. Taking deletes with RETURNING, so one use is one
 * statement.
 */
import type Database from 'better-sqlite3';
import type { ImportParametersRecord } from '../import-types.js';
import { toMillis } from './rows.js';

interface Row {
  token_id: string;
  key_arn: string;
  wrapping_algorithm: string;
  wrapping_key_spec: string;
  wrapped_private_key: Buffer;
  created_at: number;
  valid_to: number;
}

const COLUMNS = 'token_id, key_arn, wrapping_algorithm, wrapping_key_spec, wrapped_private_key, created_at, valid_to';

const fromRow = (r: Row): ImportParametersRecord => ({
  tokenId: r.token_id,
  keyArn: r.key_arn,
  wrappingAlgorithm: r.wrapping_algorithm,
  wrappingKeySpec: r.wrapping_key_spec,
  wrappedPrivateKey: r.wrapped_private_key,
  createdAt: new Date(r.created_at),
  validTo: new Date(r.valid_to),
});

export class SqliteImports {
  private readonly insert: Database.Statement<[Row]>;
  private readonly take: Database.Statement<[string], Row>;
  private readonly get: Database.Statement<[string], Row>;
  private readonly expire: Database.Statement<[{ now: number; limit: number }]>;

  constructor(db: Database.Database) {
    this.insert = db.prepare<[Row]>(
      `INSERT INTO import_parameters (${COLUMNS})
       VALUES (@token_id, @key_arn, @wrapping_algorithm, @wrapping_key_spec, @wrapped_private_key, @created_at, @valid_to)`,
    );
    this.take = db.prepare<[string], Row>(`DELETE FROM import_parameters WHERE token_id = ? RETURNING ${COLUMNS}`);
    this.get = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM import_parameters WHERE token_id = ?`);
    this.expire = db.prepare<[{ now: number; limit: number }]>(
      `DELETE FROM import_parameters WHERE token_id IN
         (SELECT token_id FROM import_parameters WHERE valid_to <= @now ORDER BY valid_to LIMIT @limit)`,
    );
  }

  put(p: ImportParametersRecord): void {
    this.insert.run({
      token_id: p.tokenId,
      key_arn: p.keyArn,
      wrapping_algorithm: p.wrappingAlgorithm,
      wrapping_key_spec: p.wrappingKeySpec,
      wrapped_private_key: p.wrappedPrivateKey,
      created_at: toMillis(p.createdAt),
      valid_to: toMillis(p.validTo),
    });
  }

  takeOne(tokenId: string): ImportParametersRecord | undefined {
    const row = this.take.get(tokenId);
    return row && fromRow(row);
  }

  find(tokenId: string): ImportParametersRecord | undefined {
    const row = this.get.get(tokenId);
    return row && fromRow(row);
  }

  deleteExpired(now: Date, limit: number): number {
    return this.expire.run({ now: toMillis(now), limit }).changes;
  }
}
