/**
 * Usage counters on SQLite (table usage, migration 9) and the charged hours of deleted keys
 * (deleted_key_hours, migration 10): the statements SqliteStorage's addUsage, listUsage,
 * deleteKey and listDeletedKeyHours delegate to. addUsage upserts, adding to what is stored.
 */
import type Database from 'better-sqlite3';
import type { KeyHoursRow, UsageRow } from '../types.js';

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

interface HoursRow {
  period: string;
  account_id: string;
  region: string;
  key_arn: string;
  hours: number;
}

const HOURS_ORDER = 'ORDER BY account_id, region, key_arn';

export class SqliteUsage {
  private readonly upsert: Database.Statement;
  private readonly ofPeriod: Database.Statement<[string], Row>;
  private readonly ofAccount: Database.Statement<[string, string], Row>;
  private readonly putHours: Database.Statement;
  private readonly hoursOfPeriod: Database.Statement<[string], HoursRow>;
  private readonly hoursOfAccount: Database.Statement<[string, string], HoursRow>;

  constructor(db: Database.Database) {
    this.putHours = db.prepare(
      `INSERT INTO deleted_key_hours (period, account_id, region, key_arn, hours)
       VALUES (@period, @accountId, @region, @keyArn, @hours)
       ON CONFLICT (period, key_arn) DO UPDATE SET hours = excluded.hours`,
    );
    this.hoursOfPeriod = db.prepare<[string], HoursRow>(
      `SELECT * FROM deleted_key_hours WHERE period = ? ${HOURS_ORDER}`,
    );
    this.hoursOfAccount = db.prepare<[string, string], HoursRow>(
      `SELECT * FROM deleted_key_hours WHERE period = ? AND account_id = ? ${HOURS_ORDER}`,
    );
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

  /** Inside the deleting transaction (SqliteStorage.deleteKey). */
  addKeyHours(rows: readonly KeyHoursRow[]): void {
    for (const row of rows) {
      if (!Number.isSafeInteger(row.hours) || row.hours < 0) {
        throw new Error(`storage: key hours must be a non-negative integer, got ${String(row.hours)}`);
      }
      this.putHours.run({ ...row });
    }
  }

  listKeyHours(period: string, accountId?: string): KeyHoursRow[] {
    const rows = accountId === undefined ? this.hoursOfPeriod.all(period) : this.hoursOfAccount.all(period, accountId);
    return rows.map((r) => ({
      period: r.period,
      accountId: r.account_id,
      region: r.region,
      keyArn: r.key_arn,
      hours: r.hours,
    }));
  }

  list(period: string, accountId?: string): UsageRow[] {
    const rows = accountId === undefined ? this.ofPeriod.all(period) : this.ofAccount.all(period, accountId);
    return rows.map(fromRow);
  }
}
