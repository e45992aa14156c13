/**
 * Parameter Store on SQLite (tables parameters and parameter_versions, migration 12): the
 * statements SqliteStorage's parameter methods delegate to, each called inside the caller's
 * transaction. A parameter row holds its tags and revision; each version is a row of its own, so a
 * write rewrites only the versions it changed and deletes those the record dropped.
 */
import type Database from 'better-sqlite3';
import type { ParameterRecord, ParameterTier, ParameterType, ParameterVersionRecord } from '../parameter-types.js';
import { toMillis } from './rows.js';

interface ParameterRow {
  account_id: string;
  region: string;
  name: string;
  arn: string;
  tags: string;
  revision: number;
}

interface VersionRow {
  account_id: string;
  region: string;
  name: string;
  version: number;
  type: string;
  value: Buffer;
  key_id: string | null;
  description: string | null;
  allowed_pattern: string | null;
  tier: string;
  policies: string | null;
  data_type: string;
  labels: string;
  last_modified_date: number;
  last_modified_user: string;
}

type Where = { account_id: string; region: string; name: string };

const PARAMETER_COLUMNS = 'account_id, region, name, arn, tags, revision';
const VERSION_COLUMNS =
  'account_id, region, name, version, type, value, key_id, description, allowed_pattern, tier, policies, data_type, labels, last_modified_date, last_modified_user';

const versionFromRow = (r: VersionRow): ParameterVersionRecord => ({
  version: r.version,
  type: r.type as ParameterType,
  value: r.value,
  ...(r.key_id !== null ? { keyId: r.key_id } : {}),
  ...(r.description !== null ? { description: r.description } : {}),
  ...(r.allowed_pattern !== null ? { allowedPattern: r.allowed_pattern } : {}),
  tier: r.tier as ParameterTier,
  ...(r.policies !== null ? { policies: r.policies } : {}),
  dataType: r.data_type,
  labels: JSON.parse(r.labels) as string[],
  lastModifiedDate: new Date(r.last_modified_date),
  lastModifiedUser: r.last_modified_user,
});

const versionRow = (p: ParameterRecord, v: ParameterVersionRecord): VersionRow => ({
  account_id: p.accountId,
  region: p.region,
  name: p.name,
  version: v.version,
  type: v.type,
  value: v.value,
  key_id: v.keyId ?? null,
  description: v.description ?? null,
  allowed_pattern: v.allowedPattern ?? null,
  tier: v.tier,
  policies: v.policies ?? null,
  data_type: v.dataType,
  labels: JSON.stringify(v.labels),
  last_modified_date: toMillis(v.lastModifiedDate),
  last_modified_user: v.lastModifiedUser,
});

const sameRow = (a: VersionRow, b: VersionRow): boolean =>
  (Object.keys(a) as (keyof VersionRow)[]).every((k) =>
    Buffer.isBuffer(a[k]) ? Buffer.isBuffer(b[k]) && a[k].equals(b[k]) : a[k] === b[k],
  );

const record = (p: ParameterRow, versions: VersionRow[]): ParameterRecord => ({
  accountId: p.account_id,
  region: p.region,
  name: p.name,
  arn: p.arn,
  versions: versions.map(versionFromRow),
  tags: JSON.parse(p.tags) as { Key: string; Value: string }[],
  revision: p.revision,
});

export class SqliteParameters {
  private readonly getOne: Database.Statement<[Where], ParameterRow>;
  private readonly versionsOf: Database.Statement<[Where], VersionRow>;
  private readonly listAll: Database.Statement<[{ account_id: string; region: string }], ParameterRow>;
  private readonly listPrefix: Database.Statement<
    [{ account_id: string; region: string; prefix: string }],
    ParameterRow
  >;
  private readonly versionsAll: Database.Statement<[{ account_id: string; region: string }], VersionRow>;
  private readonly versionsPrefix: Database.Statement<
    [{ account_id: string; region: string; prefix: string }],
    VersionRow
  >;
  private readonly insertParameter: Database.Statement<[ParameterRow]>;
  private readonly updateParameter: Database.Statement<[ParameterRow & { expected: number }]>;
  private readonly upsertVersion: Database.Statement<[VersionRow]>;
  private readonly deleteVersion: Database.Statement<[Where & { version: number }]>;
  private readonly deleteVersions: Database.Statement<[Where]>;
  private readonly deleteOne: Database.Statement<[Where]>;
  private readonly countAll: Database.Statement<[{ account_id: string; region: string }], { n: number }>;
  private readonly countTier: Database.Statement<[{ account_id: string; region: string; tier: string }], { n: number }>;
  private readonly withPolicies: Database.Statement<
    [{ account_id: string; region: string; name: string; limit: number }],
    { account_id: string; region: string; name: string }
  >;

  constructor(db: Database.Database) {
    const key = 'account_id = @account_id AND region = @region';
    const prefixed = `${key} AND substr(name, 1, length(@prefix)) = @prefix`;
    this.getOne = db.prepare(`SELECT ${PARAMETER_COLUMNS} FROM parameters WHERE ${key} AND name = @name`);
    this.versionsOf = db.prepare(
      `SELECT ${VERSION_COLUMNS} FROM parameter_versions WHERE ${key} AND name = @name ORDER BY version`,
    );
    this.listAll = db.prepare(`SELECT ${PARAMETER_COLUMNS} FROM parameters WHERE ${key} ORDER BY name`);
    this.listPrefix = db.prepare(`SELECT ${PARAMETER_COLUMNS} FROM parameters WHERE ${prefixed} ORDER BY name`);
    this.versionsAll = db.prepare(
      `SELECT ${VERSION_COLUMNS} FROM parameter_versions WHERE ${key} ORDER BY name, version`,
    );
    this.versionsPrefix = db.prepare(
      `SELECT ${VERSION_COLUMNS} FROM parameter_versions WHERE ${prefixed} ORDER BY name, version`,
    );
    this.insertParameter = db.prepare(
      `INSERT INTO parameters (${PARAMETER_COLUMNS}) VALUES (@account_id, @region, @name, @arn, @tags, @revision)
       ON CONFLICT DO NOTHING`,
    );
    this.updateParameter = db.prepare(
      `UPDATE parameters SET arn = @arn, tags = @tags, revision = @revision
       WHERE ${key} AND name = @name AND revision = @expected`,
    );
    this.upsertVersion = db.prepare(
      `INSERT INTO parameter_versions (${VERSION_COLUMNS})
       VALUES (@account_id, @region, @name, @version, @type, @value, @key_id, @description, @allowed_pattern,
               @tier, @policies, @data_type, @labels, @last_modified_date, @last_modified_user)
       ON CONFLICT (account_id, region, name, version) DO UPDATE SET
         type = excluded.type, value = excluded.value, key_id = excluded.key_id,
         description = excluded.description, allowed_pattern = excluded.allowed_pattern, tier = excluded.tier,
         policies = excluded.policies, data_type = excluded.data_type, labels = excluded.labels,
         last_modified_date = excluded.last_modified_date, last_modified_user = excluded.last_modified_user`,
    );
    this.deleteVersion = db.prepare(
      `DELETE FROM parameter_versions WHERE ${key} AND name = @name AND version = @version`,
    );
    this.deleteVersions = db.prepare(`DELETE FROM parameter_versions WHERE ${key} AND name = @name`);
    this.deleteOne = db.prepare(`DELETE FROM parameters WHERE ${key} AND name = @name`);
    this.countAll = db.prepare(`SELECT count(*) AS n FROM parameters WHERE ${key}`);
    this.countTier = db.prepare(
      `SELECT count(*) AS n FROM parameters p WHERE p.account_id = @account_id AND p.region = @region AND
         (SELECT v.tier FROM parameter_versions v
           WHERE v.account_id = p.account_id AND v.region = p.region AND v.name = p.name
           ORDER BY v.version DESC LIMIT 1) = @tier`,
    );
    this.withPolicies = db.prepare(
      `SELECT DISTINCT account_id, region, name FROM parameter_versions
       WHERE policies IS NOT NULL AND (account_id, region, name) > (@account_id, @region, @name)
       ORDER BY account_id, region, name LIMIT @limit`,
    );
  }

  /** Parameters one of whose versions has policies, after (account, region, name) in that order. */
  withPolicy(limit: number, after?: { accountId: string; region: string; name: string }): ParameterRecord[] {
    const names = this.withPolicies.all({
      account_id: after?.accountId ?? '',
      region: after?.region ?? '',
      name: after?.name ?? '',
      limit,
    });
    return names.flatMap((n) => this.find(n.account_id, n.region, n.name) ?? []);
  }

  find(accountId: string, region: string, name: string): ParameterRecord | undefined {
    const where = { account_id: accountId, region, name };
    const row = this.getOne.get(where);
    return row && record(row, this.versionsOf.all(where));
  }

  list(accountId: string, region: string, prefix?: string): ParameterRecord[] {
    const scope = { account_id: accountId, region };
    const rows = prefix === undefined ? this.listAll.all(scope) : this.listPrefix.all({ ...scope, prefix });
    const versions = prefix === undefined ? this.versionsAll.all(scope) : this.versionsPrefix.all({ ...scope, prefix });
    const byName = new Map<string, VersionRow[]>();
    for (const v of versions) {
      const list = byName.get(v.name);
      if (list) list.push(v);
      else byName.set(v.name, [v]);
    }
    return rows.map((r) => record(r, byName.get(r.name) ?? []));
  }

  /** Returns 'conflict' without writing, or writes and says whether a version was dropped. */
  put(p: ParameterRecord, expectedRevision: number | undefined): 'conflict' | { dropped: boolean } {
    const row: ParameterRow = {
      account_id: p.accountId,
      region: p.region,
      name: p.name,
      arn: p.arn,
      tags: JSON.stringify(p.tags.map((t) => ({ Key: t.Key, Value: t.Value }))),
      revision: (expectedRevision ?? 0) + 1,
    };
    const where = { account_id: p.accountId, region: p.region, name: p.name };
    const written =
      expectedRevision === undefined
        ? this.insertParameter.run(row).changes
        : this.updateParameter.run({ ...row, expected: expectedRevision }).changes;
    if (written === 0) return 'conflict';
    const stored = new Map(this.versionsOf.all(where).map((v) => [v.version, v]));
    let dropped = false;
    for (const v of p.versions) {
      const next = versionRow(p, v);
      const current = stored.get(v.version);
      stored.delete(v.version);
      if (current && sameRow(current, next)) continue;
      if (current) dropped = true; // the old row's content is replaced: erase it as a deletion
      this.upsertVersion.run(next);
    }
    for (const version of stored.keys()) {
      this.deleteVersion.run({ ...where, version });
      dropped = true;
    }
    return { dropped };
  }

  delete(accountId: string, region: string, name: string): boolean {
    // Versions first, so that the order does not depend on the foreign_keys pragma.
    const where = { account_id: accountId, region, name };
    this.deleteVersions.run(where);
    return this.deleteOne.run(where).changes > 0;
  }

  count(accountId: string, region: string, tier?: ParameterTier): number {
    const scope = { account_id: accountId, region };
    return (tier === undefined ? this.countAll.get(scope) : this.countTier.get({ ...scope, tier }))!.n;
  }
}
