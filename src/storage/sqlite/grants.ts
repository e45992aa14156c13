/**
 * KMS grants on SQLite (table grants, migration 7): rows, statements and the GrantStorage methods
 * SqliteStorage delegates to. The caller runs each method inside its transaction (write or read).
 * Pages continue after the `seq` of the last grant returned: grants list in creation order.
 */
import type Database from 'better-sqlite3';
import {
  isGrantOperation,
  sameGrantParameters,
  type GrantConstraints,
  type GrantOperation,
  type GrantRecord,
} from '../../domain/grants.js';
import type { CreateGrantResult, GrantFilter, GrantLimits, RetirableGrantsQuery } from '../grant-types.js';
import type { Page } from '../types.js';

interface GrantRow {
  seq: number;
  grant_id: string;
  key_arn: string;
  region: string;
  name: string | null;
  grantee_principal: string | null;
  grantee_service_principal: string | null;
  retiring_principal: string | null;
  retiring_service_principal: string | null;
  issuing_account: string;
  operations: string;
  constraints: string | null;
  creation_date: number;
}

type GrantParams = Omit<GrantRow, 'seq'>;

/** Constraints as stored: the wire member names, so the JSON reads as ListGrants shows it. */
interface StoredConstraints {
  EncryptionContextEquals?: Record<string, string>;
  EncryptionContextSubset?: Record<string, string>;
  SourceArn?: string;
}

function regionOf(keyArn: string): string {
  const region = keyArn.split(':')[3];
  if (!region) throw new Error(`storage: not a key ARN: ${keyArn}`);
  return region;
}

function grantParams(g: GrantRecord): GrantParams {
  const c = g.constraints;
  const stored: StoredConstraints = {};
  if (c?.encryptionContextEquals !== undefined) stored.EncryptionContextEquals = { ...c.encryptionContextEquals };
  if (c?.encryptionContextSubset !== undefined) stored.EncryptionContextSubset = { ...c.encryptionContextSubset };
  if (c?.sourceArn !== undefined) stored.SourceArn = c.sourceArn;
  return {
    grant_id: g.grantId,
    key_arn: g.keyArn,
    region: regionOf(g.keyArn),
    name: g.name ?? null,
    grantee_principal: g.granteePrincipal ?? null,
    grantee_service_principal: g.granteeServicePrincipal ?? null,
    retiring_principal: g.retiringPrincipal ?? null,
    retiring_service_principal: g.retiringServicePrincipal ?? null,
    issuing_account: g.issuingAccount,
    operations: JSON.stringify(g.operations),
    constraints: Object.keys(stored).length > 0 ? JSON.stringify(stored) : null,
    creation_date: g.creationDate.getTime(),
  };
}

function grantFromRow(row: GrantRow): GrantRecord {
  const operations = (JSON.parse(row.operations) as string[]).filter(isGrantOperation) as GrantOperation[];
  const grant: GrantRecord = {
    grantId: row.grant_id,
    keyArn: row.key_arn,
    issuingAccount: row.issuing_account,
    operations,
    creationDate: new Date(row.creation_date),
  };
  if (row.name !== null) grant.name = row.name;
  if (row.grantee_principal !== null) grant.granteePrincipal = row.grantee_principal;
  if (row.grantee_service_principal !== null) grant.granteeServicePrincipal = row.grantee_service_principal;
  if (row.retiring_principal !== null) grant.retiringPrincipal = row.retiring_principal;
  if (row.retiring_service_principal !== null) grant.retiringServicePrincipal = row.retiring_service_principal;
  if (row.constraints !== null) {
    const stored = JSON.parse(row.constraints) as StoredConstraints;
    const constraints: GrantConstraints = {};
    if (stored.EncryptionContextEquals) constraints.encryptionContextEquals = stored.EncryptionContextEquals;
    if (stored.EncryptionContextSubset) constraints.encryptionContextSubset = stored.EncryptionContextSubset;
    if (stored.SourceArn !== undefined) constraints.sourceArn = stored.SourceArn;
    grant.constraints = constraints;
  }
  return grant;
}

function afterSeq(after: string | undefined): number {
  if (after === undefined) return 0;
  const seq = Number(after);
  if (!/^\d+$/.test(after) || !Number.isSafeInteger(seq)) throw new Error('storage: not a grant page continuation');
  return seq;
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new Error(`storage: limit must be a positive integer, got ${String(limit)}`);
  }
}

function page(rows: GrantRow[], limit: number): Page<GrantRecord> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return rows.length > limit && last
    ? { items: items.map(grantFromRow), next: String(last.seq) }
    : { items: items.map(grantFromRow) };
}

const COLUMNS = [
  'grant_id',
  'key_arn',
  'region',
  'name',
  'grantee_principal',
  'grantee_service_principal',
  'retiring_principal',
  'retiring_service_principal',
  'issuing_account',
  'operations',
  'constraints',
  'creation_date',
] as const satisfies readonly (keyof GrantParams)[];

export class SqliteGrants {
  private readonly insert: Database.Statement<GrantParams>;
  private readonly byName: Database.Statement<[string, string], GrantRow>;
  private readonly countOfKey: Database.Statement<[string], { n: number }>;
  private readonly countOfGrantee: Database.Statement<[string, string | null, string | null], { n: number }>;
  private readonly get: Database.Statement<[string, string], GrantRow>;
  private readonly list: Database.Statement<
    {
      key_arn: string;
      after: number;
      limit: number;
      grant_id: string | null;
      grantee_principal: string | null;
      grantee_service_principal: string | null;
    },
    GrantRow
  >;
  private readonly retirable: Database.Statement<
    { region: string; after: number; limit: number; principal: string },
    GrantRow
  >;
  private readonly retirableService: Database.Statement<
    { region: string; after: number; limit: number; principal: string },
    GrantRow
  >;
  private readonly remove: Database.Statement<[string, string]>;
  private readonly all: Database.Statement<[string], GrantRow>;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO grants (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    this.byName = db.prepare('SELECT * FROM grants WHERE key_arn = ? AND name = ? ORDER BY seq');
    this.countOfKey = db.prepare('SELECT COUNT(*) AS n FROM grants WHERE key_arn = ?');
    this.countOfGrantee = db.prepare(
      `SELECT COUNT(*) AS n FROM grants WHERE key_arn = ?
         AND grantee_principal IS ? AND grantee_service_principal IS ?`,
    );
    this.get = db.prepare('SELECT * FROM grants WHERE key_arn = ? AND grant_id = ?');
    this.list = db.prepare(
      `SELECT * FROM grants WHERE key_arn = @key_arn AND seq > @after
         AND (@grant_id IS NULL OR grant_id = @grant_id)
         AND (@grantee_principal IS NULL OR grantee_principal = @grantee_principal)
         AND (@grantee_service_principal IS NULL OR grantee_service_principal = @grantee_service_principal)
       ORDER BY seq LIMIT @limit`,
    );
    this.retirable = db.prepare(
      `SELECT * FROM grants WHERE region = @region AND retiring_principal = @principal AND seq > @after
       ORDER BY seq LIMIT @limit`,
    );
    this.retirableService = db.prepare(
      `SELECT * FROM grants WHERE region = @region AND retiring_service_principal = @principal AND seq > @after
       ORDER BY seq LIMIT @limit`,
    );
    this.remove = db.prepare('DELETE FROM grants WHERE key_arn = ? AND grant_id = ?');
    this.all = db.prepare('SELECT * FROM grants WHERE key_arn = ? ORDER BY seq');
  }

  /** Run inside a write transaction. */
  create(grant: GrantRecord, limits: GrantLimits): CreateGrantResult {
    if (grant.name !== undefined) {
      const same = this.byName
        .all(grant.keyArn, grant.name)
        .map(grantFromRow)
        .find((existing) => sameGrantParameters(existing, grant));
      if (same) return { result: 'existing', grant: same };
    }
    const ofKey = this.countOfKey.get(grant.keyArn)?.n ?? 0;
    if (ofKey >= limits.perKey) return { result: 'limit', limit: 'perKey', usage: ofKey };
    const ofGrantee =
      this.countOfGrantee.get(grant.keyArn, grant.granteePrincipal ?? null, grant.granteeServicePrincipal ?? null)?.n ??
      0;
    if (ofGrantee >= limits.perGrantee) return { result: 'limit', limit: 'perGrantee', usage: ofGrantee };
    this.insert.run(grantParams(grant));
    return { result: 'created', grant };
  }

  find(keyArn: string, grantId: string): GrantRecord | undefined {
    const row = this.get.get(keyArn, grantId);
    return row && grantFromRow(row);
  }

  listOfKey(keyArn: string, limit: number, after: string | undefined, filter: GrantFilter = {}): Page<GrantRecord> {
    checkLimit(limit);
    const rows = this.list.all({
      key_arn: keyArn,
      after: afterSeq(after),
      limit: limit + 1,
      grant_id: filter.grantId ?? null,
      grantee_principal: filter.granteePrincipal ?? null,
      grantee_service_principal: filter.granteeServicePrincipal ?? null,
    });
    return page(rows, limit);
  }

  listRetirable(query: RetirableGrantsQuery, limit: number, after: string | undefined): Page<GrantRecord> {
    checkLimit(limit);
    const service = query.retiringServicePrincipal;
    const principal = query.retiringPrincipal ?? service;
    if (principal === undefined || (query.retiringPrincipal !== undefined && service !== undefined)) {
      throw new Error('storage: give exactly one of retiringPrincipal and retiringServicePrincipal');
    }
    const params = { region: query.region, principal, after: afterSeq(after), limit: limit + 1 };
    const rows = query.retiringPrincipal !== undefined ? this.retirable.all(params) : this.retirableService.all(params);
    return page(rows, limit);
  }

  delete(keyArn: string, grantId: string): 'ok' | 'not-found' {
    return this.remove.run(keyArn, grantId).changes === 1 ? 'ok' : 'not-found';
  }

  ofKey(keyArn: string): GrantRecord[] {
    return this.all.all(keyArn).map(grantFromRow);
  }
}
