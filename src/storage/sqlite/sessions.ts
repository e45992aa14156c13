/**
 * STS sessions on SQLite (table sts_sessions, migration "sessions"): rows, statements and the
 * SessionStorage methods SqliteStorage delegates to. Each method is one statement, so one
 * transaction by itself.
 */
import type Database from 'better-sqlite3';
import type { SessionPrincipalType, SessionRecord } from '../session-types.js';
import { toMillis } from './rows.js';

interface SessionRow {
  access_key_id: string;
  account_id: string;
  subject_id: string;
  wrapped_secret: Buffer;
  token_hash: Buffer;
  principal_type: string;
  principal_arn: string;
  principal_id: string;
  role_arn: string | null;
  role_id: string | null;
  role_name: string | null;
  role_path: string | null;
  session_name: string | null;
  user_name: string | null;
  session_policies: string;
  policy_arns: string;
  tags: string;
  transitive_tag_keys: string;
  source_identity: string | null;
  mfa_authenticated: number;
  issued_at: number;
  expiration: number;
}

const COLUMNS = [
  'access_key_id',
  'account_id',
  'subject_id',
  'wrapped_secret',
  'token_hash',
  'principal_type',
  'principal_arn',
  'principal_id',
  'role_arn',
  'role_id',
  'role_name',
  'role_path',
  'session_name',
  'user_name',
  'session_policies',
  'policy_arns',
  'tags',
  'transitive_tag_keys',
  'source_identity',
  'mfa_authenticated',
  'issued_at',
  'expiration',
] as const satisfies readonly (keyof SessionRow)[];

const PRINCIPAL_TYPES: ReadonlySet<string> = new Set<SessionPrincipalType>(['AssumedRole', 'IAMUser', 'Root']);

function sessionParams(s: SessionRecord): SessionRow {
  return {
    access_key_id: s.accessKeyId,
    account_id: s.accountId,
    subject_id: s.subjectId,
    wrapped_secret: s.wrappedSecret,
    token_hash: s.tokenHash,
    principal_type: s.principalType,
    principal_arn: s.principalArn,
    principal_id: s.principalId,
    role_arn: s.role?.arn ?? null,
    role_id: s.role?.roleId ?? null,
    role_name: s.role?.name ?? null,
    role_path: s.role?.path ?? null,
    session_name: s.role?.sessionName ?? null,
    user_name: s.userName ?? null,
    session_policies: JSON.stringify(s.sessionPolicies),
    policy_arns: JSON.stringify(s.policyArns),
    tags: JSON.stringify(s.tags),
    transitive_tag_keys: JSON.stringify(s.transitiveTagKeys),
    source_identity: s.sourceIdentity ?? null,
    mfa_authenticated: s.mfaAuthenticated ? 1 : 0,
    issued_at: toMillis(s.issuedAt),
    expiration: toMillis(s.expiration),
  };
}

function sessionFromRow(r: SessionRow): SessionRecord {
  if (!PRINCIPAL_TYPES.has(r.principal_type)) {
    throw new Error(`storage: unknown session principal type ${r.principal_type}`);
  }
  const s: SessionRecord = {
    accessKeyId: r.access_key_id,
    accountId: r.account_id,
    wrappedSecret: r.wrapped_secret,
    tokenHash: r.token_hash,
    principalType: r.principal_type as SessionPrincipalType,
    principalArn: r.principal_arn,
    principalId: r.principal_id,
    subjectId: r.subject_id,
    sessionPolicies: JSON.parse(r.session_policies) as string[],
    policyArns: JSON.parse(r.policy_arns) as string[],
    tags: JSON.parse(r.tags) as Record<string, string>,
    transitiveTagKeys: JSON.parse(r.transitive_tag_keys) as string[],
    mfaAuthenticated: r.mfa_authenticated === 1,
    issuedAt: new Date(r.issued_at),
    expiration: new Date(r.expiration),
  };
  if (r.role_arn !== null && r.role_id !== null && r.role_name !== null && r.role_path !== null) {
    s.role = {
      arn: r.role_arn,
      roleId: r.role_id,
      name: r.role_name,
      path: r.role_path,
      sessionName: r.session_name ?? '',
    };
  }
  if (r.user_name !== null) s.userName = r.user_name;
  if (r.source_identity !== null) s.sourceIdentity = r.source_identity;
  return s;
}

/** The session statements of one connection, prepared after the migrations ran. */
export class SqliteSessions {
  private readonly insert: Database.Statement<[SessionRow]>;
  private readonly get: Database.Statement<[string], SessionRow>;
  private readonly deleteExpired: Database.Statement<[{ before: number; limit: number }]>;
  private readonly deleteOfSubject: Database.Statement<[{ account_id: string; subject_id: string }]>;

  constructor(db: Database.Database) {
    this.insert = db.prepare<[SessionRow]>(
      `INSERT INTO sts_sessions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    this.get = db.prepare<[string], SessionRow>(
      `SELECT ${COLUMNS.join(', ')} FROM sts_sessions WHERE access_key_id = ?`,
    );
    this.deleteExpired = db.prepare<[{ before: number; limit: number }]>(
      `DELETE FROM sts_sessions WHERE access_key_id IN (
         SELECT access_key_id FROM sts_sessions WHERE expiration <= @before ORDER BY expiration, access_key_id LIMIT @limit)`,
    );
    this.deleteOfSubject = db.prepare<[{ account_id: string; subject_id: string }]>(
      'DELETE FROM sts_sessions WHERE account_id = @account_id AND subject_id = @subject_id',
    );
  }

  put(session: SessionRecord): void {
    this.insert.run(sessionParams(session));
  }

  find(accessKeyId: string): SessionRecord | undefined {
    const row = this.get.get(accessKeyId);
    return row && sessionFromRow(row);
  }

  deleteExpiredBefore(before: Date, limit: number): number {
    return this.deleteExpired.run({ before: toMillis(before), limit }).changes;
  }

  deleteOf(accountId: string, subjectId: string): number {
    return this.deleteOfSubject.run({ account_id: accountId, subject_id: subjectId }).changes;
  }
}
