/**
 * Usage counters on SQLite (table usage, migration 9): the statements SqliteStorage's addUsage and
 * listUsage delegate to. addUsage upserts, adding to what is stored.
 */
import type Database from 'better-sqlite3';
import type { UsageRow } from '../types.js';

interface Row {
  period: string;
  account_id: string;
  region: string;
  key_arn: string;
  operation: string;
  price_class: string;
  requests: number;
}

const fromRow = (r: Row): UsageRow => ({
  period: r.period,
  accountId: r.account_id,
  region: r.region,
  keyArn: r.key_arn,
  operation: r.operation,
  priceClass: r.price_class,
  requests: r.requests,
});

const ORDER = 'ORDER BY account_id, region, key_arn, operation, price_class';

export class SqliteUsage {
  private readonly upsert: Database.Statement;
  private readonly ofPeriod: Database.Statement<[string], Row>;
  private readonly ofAccount: Database.Statement<[string, string], Row>;

  constructor(db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT INTO usage (period, account_id, region, key_arn, operation, price_class, requests)
       VALUES (@period, @accountId, @region, @keyArn, @operation, @priceClass, @requests)
       ON CONFLICT (period, account_id, region, key_arn, operation, price_class)
       DO UPDATE SET requests = requests + excluded.requests`,
    );
    this.ofPeriod = db.prepare<[string], Row>(`SELECT * FROM usage WHERE period = ? ${ORDER}`);
    this.ofAccount = db.prepare<[string, string], Row>(
      `SELECT * FROM usage WHERE period = ? AND account_id = ? ${ORDER}`,
    );
  }

  add(rows: readonly UsageRow[]): void {
    for (const row of rows) {
      if (!Number.isSafeInteger(row.requests) || row.requests < 0) {
        throw new Error(`storage: usage requests must be a non-negative integer, got ${String(row.requests)}`);
      }
      this.upsert.run({ ...row });
    }
  }

  list(period: string, accountId?: string): UsageRow[] {
    const rows = accountId === undefined ? this.ofPeriod.all(period) : this.ofAccount.all(period, accountId);
    return rows.map(fromRow);
  }
}
