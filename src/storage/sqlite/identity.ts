/**
 * IAM identities on SQLite (migration 5): rows, statements and the IdentityStorage methods
 * SqliteStorage delegates to. Each method runs in one transaction (`write` or `read` given by
 * SqliteStorage); names are matched by their lowercased key (domain/iam.ts nameKey).
 */
import type Database from 'better-sqlite3';
import {
  mergeTags,
  nameKey,
  policySize,
  removeTags,
  versionNumber,
  type AccessKeyRecord,
  type EntityRef,
  type GroupRecord,
  type IamEntityKind,
  type IamTag,
  type InlinePolicyRecord,
  type ManagedPolicyRecord,
  type PolicyVersionRecord,
  type RoleRecord,
  type UserRecord,
} from '../../domain/index.js';
import type {
  DeleteConflict,
  DeleteResult,
  IdentityStorage,
  ListQuery,
  Listed,
  ManagedPolicyView,
  PolicyDocumentsOf,
  PolicyListQuery,
} from '../identity-types.js';
import type { LimitReached } from '../types.js';
import { accessKeyFromRow, toMillis, type AccessKeyRow } from './rows.js';

interface UserRow {
  account_id: string;
  name_key: string;
  user_name: string;
  user_id: string;
  path: string;
  arn: string;
  create_date: number;
  permissions_boundary: string | null;
  tags: string;
}

interface GroupRow {
  account_id: string;
  name_key: string;
  group_name: string;
  group_id: string;
  path: string;
  arn: string;
  create_date: number;
}

interface RoleRow {
  account_id: string;
  name_key: string;
  role_name: string;
  role_id: string;
  path: string;
  arn: string;
  create_date: number;
  assume_role_policy_document: string;
  description: string | null;
  max_session_duration: number;
  permissions_boundary: string | null;
  tags: string;
}

interface PolicyRow {
  account_id: string;
  name_key: string;
  policy_name: string;
  policy_id: string;
  path: string;
  arn: string;
  description: string | null;
  default_version_id: string;
  last_version: number;
  create_date: number;
  update_date: number;
  tags: string;
}

interface PolicyViewRow extends PolicyRow {
  attachment_count: number;
  boundary_count: number;
}

interface VersionRow {
  policy_arn: string;
  version_no: number;
  document: string;
  create_date: number;
}

interface InlineRow {
  account_id: string;
  entity_kind: IamEntityKind;
  entity_key: string;
  policy_key: string;
  policy_name: string;
  document: string;
  size: number;
}

interface EntityParams {
  account_id: string;
  entity_kind: IamEntityKind;
  entity_key: string;
}

const tagsJson = (tags: readonly IamTag[]): string => JSON.stringify(tags.map((t) => ({ Key: t.Key, Value: t.Value })));

function userFromRow(r: UserRow): UserRecord {
  const u: UserRecord = {
    accountId: r.account_id,
    userName: r.user_name,
    userId: r.user_id,
    path: r.path,
    arn: r.arn,
    createDate: new Date(r.create_date),
    tags: JSON.parse(r.tags) as IamTag[],
  };
  if (r.permissions_boundary !== null) u.permissionsBoundary = r.permissions_boundary;
  return u;
}

const userParams = (u: UserRecord): UserRow => ({
  account_id: u.accountId,
  name_key: nameKey(u.userName),
  user_name: u.userName,
  user_id: u.userId,
  path: u.path,
  arn: u.arn,
  create_date: toMillis(u.createDate),
  permissions_boundary: u.permissionsBoundary ?? null,
  tags: tagsJson(u.tags),
});

const groupFromRow = (r: GroupRow): GroupRecord => ({
  accountId: r.account_id,
  groupName: r.group_name,
  groupId: r.group_id,
  path: r.path,
  arn: r.arn,
  createDate: new Date(r.create_date),
});

const groupParams = (g: GroupRecord): GroupRow => ({
  account_id: g.accountId,
  name_key: nameKey(g.groupName),
  group_name: g.groupName,
  group_id: g.groupId,
  path: g.path,
  arn: g.arn,
  create_date: toMillis(g.createDate),
});

function roleFromRow(r: RoleRow): RoleRecord {
  const role: RoleRecord = {
    accountId: r.account_id,
    roleName: r.role_name,
    roleId: r.role_id,
    path: r.path,
    arn: r.arn,
    createDate: new Date(r.create_date),
    assumeRolePolicyDocument: r.assume_role_policy_document,
    maxSessionDuration: r.max_session_duration,
    tags: JSON.parse(r.tags) as IamTag[],
  };
  if (r.description !== null) role.description = r.description;
  if (r.permissions_boundary !== null) role.permissionsBoundary = r.permissions_boundary;
  return role;
}

const roleParams = (r: RoleRecord): RoleRow => ({
  account_id: r.accountId,
  name_key: nameKey(r.roleName),
  role_name: r.roleName,
  role_id: r.roleId,
  path: r.path,
  arn: r.arn,
  create_date: toMillis(r.createDate),
  assume_role_policy_document: r.assumeRolePolicyDocument,
  description: r.description ?? null,
  max_session_duration: r.maxSessionDuration,
  permissions_boundary: r.permissionsBoundary ?? null,
  tags: tagsJson(r.tags),
});

function policyFromRow(r: PolicyViewRow): ManagedPolicyView {
  const p: ManagedPolicyView = {
    accountId: r.account_id,
    policyName: r.policy_name,
    policyId: r.policy_id,
    path: r.path,
    arn: r.arn,
    defaultVersionId: r.default_version_id,
    createDate: new Date(r.create_date),
    updateDate: new Date(r.update_date),
    tags: JSON.parse(r.tags) as IamTag[],
    attachmentCount: r.attachment_count,
    permissionsBoundaryUsageCount: r.boundary_count,
  };
  if (r.description !== null) p.description = r.description;
  return p;
}

const versionFromRow = (r: VersionRow, defaultVersionId: string): PolicyVersionRecord => ({
  policyArn: r.policy_arn,
  versionId: `v${r.version_no}`,
  document: r.document,
  isDefaultVersion: `v${r.version_no}` === defaultVersionId,
  createDate: new Date(r.create_date),
});

const KINDS: readonly IamEntityKind[] = ['user', 'group', 'role'];
const entityParams = (ref: EntityRef): EntityParams => ({
  account_id: ref.accountId,
  entity_kind: ref.kind,
  entity_key: nameKey(ref.name),
});
const named = (accountId: string, name: string) => ({ account_id: accountId, name_key: nameKey(name) });
const conflict = (reason: DeleteConflict['reason']): DeleteConflict => ({ result: 'conflict', reason });

/** Page parameters: prefix '' matches every path; after '' starts at the first name. */
const page = (accountId: string, q: ListQuery) => ({
  account_id: accountId,
  prefix: q.pathPrefix ?? '',
  after: q.after === undefined ? '' : nameKey(q.after),
  limit: q.limit + 1,
});
const listed = <R, T>(rows: R[], limit: number, map: (r: R) => T): Listed<T> => ({
  items: rows.slice(0, limit).map(map),
  more: rows.length > limit,
});

const PAGE_WHERE =
  'account_id = @account_id AND substr(path, 1, length(@prefix)) = @prefix AND name_key > @after ORDER BY name_key LIMIT @limit';

const POLICY_VIEW = `SELECT p.*,
  (SELECT COUNT(*) FROM iam_attachments a WHERE a.policy_arn = p.arn) AS attachment_count,
  (SELECT COUNT(*) FROM iam_users u WHERE u.permissions_boundary = p.arn)
    + (SELECT COUNT(*) FROM iam_roles r WHERE r.permissions_boundary = p.arn) AS boundary_count
  FROM iam_policies p`;

function prepare(db: Database.Database) {
  const byKind = <P extends unknown[], R = unknown>(sql: (table: string) => string) =>
    Object.fromEntries(KINDS.map((k) => [k, db.prepare<P, R>(sql(`iam_${k}s`))])) as Record<
      IamEntityKind,
      Database.Statement<P, R>
    >;
  const entity = 'account_id = @account_id AND entity_kind = @entity_kind AND entity_key = @entity_key';
  return {
    exists: byKind<[{ account_id: string; name_key: string }], { x: number }>(
      (t) => `SELECT 1 AS x FROM ${t} WHERE account_id = @account_id AND name_key = @name_key`,
    ),
    count: byKind<[string], { n: number }>((t) => `SELECT COUNT(*) AS n FROM ${t} WHERE account_id = ?`),
    getUser: db.prepare<[{ account_id: string; name_key: string }], UserRow>(
      'SELECT * FROM iam_users WHERE account_id = @account_id AND name_key = @name_key',
    ),
    insertUser: db.prepare<[UserRow]>(
      `INSERT INTO iam_users (account_id, name_key, user_name, user_id, path, arn, create_date, permissions_boundary, tags)
       VALUES (@account_id, @name_key, @user_name, @user_id, @path, @arn, @create_date, @permissions_boundary, @tags)`,
    ),
    listUsers: db.prepare<[ReturnType<typeof page>], UserRow>(`SELECT * FROM iam_users WHERE ${PAGE_WHERE}`),
    deleteEntity: byKind<[{ account_id: string; name_key: string }]>(
      (t) => `DELETE FROM ${t} WHERE account_id = @account_id AND name_key = @name_key`,
    ),
    getGroup: db.prepare<[{ account_id: string; name_key: string }], GroupRow>(
      'SELECT * FROM iam_groups WHERE account_id = @account_id AND name_key = @name_key',
    ),
    insertGroup: db.prepare<[GroupRow]>(
      `INSERT INTO iam_groups (account_id, name_key, group_name, group_id, path, arn, create_date)
       VALUES (@account_id, @name_key, @group_name, @group_id, @path, @arn, @create_date)`,
    ),
    listGroups: db.prepare<[ReturnType<typeof page>], GroupRow>(`SELECT * FROM iam_groups WHERE ${PAGE_WHERE}`),
    getRole: db.prepare<[{ account_id: string; name_key: string }], RoleRow>(
      'SELECT * FROM iam_roles WHERE account_id = @account_id AND name_key = @name_key',
    ),
    insertRole: db.prepare<[RoleRow]>(
      `INSERT INTO iam_roles (account_id, name_key, role_name, role_id, path, arn, create_date,
         assume_role_policy_document, description, max_session_duration, permissions_boundary, tags)
       VALUES (@account_id, @name_key, @role_name, @role_id, @path, @arn, @create_date,
         @assume_role_policy_document, @description, @max_session_duration, @permissions_boundary, @tags)`,
    ),
    listRoles: db.prepare<[ReturnType<typeof page>], RoleRow>(`SELECT * FROM iam_roles WHERE ${PAGE_WHERE}`),
    updateRole: db.prepare<[RoleRow]>(
      `UPDATE iam_roles SET assume_role_policy_document = @assume_role_policy_document,
         description = @description, max_session_duration = @max_session_duration
       WHERE account_id = @account_id AND name_key = @name_key`,
    ),
    setTags: {
      user: db.prepare<[{ account_id: string; name_key: string; tags: string }]>(
        'UPDATE iam_users SET tags = @tags WHERE account_id = @account_id AND name_key = @name_key',
      ),
      role: db.prepare<[{ account_id: string; name_key: string; tags: string }]>(
        'UPDATE iam_roles SET tags = @tags WHERE account_id = @account_id AND name_key = @name_key',
      ),
    },
    setBoundary: {
      user: db.prepare<[{ account_id: string; name_key: string; arn: string | null }]>(
        'UPDATE iam_users SET permissions_boundary = @arn WHERE account_id = @account_id AND name_key = @name_key',
      ),
      role: db.prepare<[{ account_id: string; name_key: string; arn: string | null }]>(
        'UPDATE iam_roles SET permissions_boundary = @arn WHERE account_id = @account_id AND name_key = @name_key',
      ),
    },

    // Group membership
    addMember: db.prepare<[{ account_id: string; group_key: string; user_key: string }]>(
      `INSERT INTO iam_group_members (account_id, group_key, user_key) VALUES (@account_id, @group_key, @user_key)
       ON CONFLICT DO NOTHING`,
    ),
    isMember: db.prepare<[{ account_id: string; group_key: string; user_key: string }], { x: number }>(
      'SELECT 1 AS x FROM iam_group_members WHERE account_id = @account_id AND group_key = @group_key AND user_key = @user_key',
    ),
    removeMember: db.prepare<[{ account_id: string; group_key: string; user_key: string }]>(
      'DELETE FROM iam_group_members WHERE account_id = @account_id AND group_key = @group_key AND user_key = @user_key',
    ),
    groupsOfUserCount: db.prepare<[{ account_id: string; user_key: string }], { n: number }>(
      'SELECT COUNT(*) AS n FROM iam_group_members WHERE account_id = @account_id AND user_key = @user_key',
    ),
    membersCount: db.prepare<[{ account_id: string; group_key: string }], { n: number }>(
      'SELECT COUNT(*) AS n FROM iam_group_members WHERE account_id = @account_id AND group_key = @group_key',
    ),
    members: db.prepare<[{ account_id: string; group_key: string }], UserRow>(
      `SELECT u.* FROM iam_group_members m JOIN iam_users u ON u.account_id = m.account_id AND u.name_key = m.user_key
       WHERE m.account_id = @account_id AND m.group_key = @group_key ORDER BY u.name_key`,
    ),
    groupsOfUser: db.prepare<[{ account_id: string; user_key: string }], GroupRow>(
      `SELECT g.* FROM iam_group_members m JOIN iam_groups g ON g.account_id = m.account_id AND g.name_key = m.group_key
       WHERE m.account_id = @account_id AND m.user_key = @user_key ORDER BY g.name_key`,
    ),

    // Inline policies
    putInline: db.prepare<[InlineRow]>(
      `INSERT INTO iam_inline_policies (account_id, entity_kind, entity_key, policy_key, policy_name, document, size)
       VALUES (@account_id, @entity_kind, @entity_key, @policy_key, @policy_name, @document, @size)
       ON CONFLICT (account_id, entity_kind, entity_key, policy_key) DO UPDATE SET
         policy_name = excluded.policy_name, document = excluded.document, size = excluded.size`,
    ),
    otherInlineSize: db.prepare<[EntityParams & { policy_key: string }], { n: number }>(
      `SELECT COALESCE(SUM(size), 0) AS n FROM iam_inline_policies WHERE ${entity} AND policy_key <> @policy_key`,
    ),
    getInline: db.prepare<[EntityParams & { policy_key: string }], InlineRow>(
      `SELECT * FROM iam_inline_policies WHERE ${entity} AND policy_key = @policy_key`,
    ),
    listInline: db.prepare<[EntityParams], InlineRow>(
      `SELECT * FROM iam_inline_policies WHERE ${entity} ORDER BY policy_key`,
    ),
    inlineCount: db.prepare<[EntityParams], { n: number }>(
      `SELECT COUNT(*) AS n FROM iam_inline_policies WHERE ${entity}`,
    ),
    deleteInline: db.prepare<[EntityParams & { policy_key: string }]>(
      `DELETE FROM iam_inline_policies WHERE ${entity} AND policy_key = @policy_key`,
    ),

    // Managed policies and versions
    insertPolicy: db.prepare<[PolicyRow]>(
      `INSERT INTO iam_policies (account_id, name_key, policy_name, policy_id, path, arn, description,
         default_version_id, last_version, create_date, update_date, tags)
       VALUES (@account_id, @name_key, @policy_name, @policy_id, @path, @arn, @description,
         @default_version_id, @last_version, @create_date, @update_date, @tags)`,
    ),
    getPolicy: db.prepare<[string], PolicyViewRow>(`${POLICY_VIEW} WHERE p.arn = ?`),
    listPolicies: db.prepare<[ReturnType<typeof page> & { only_attached: number }], PolicyViewRow>(
      `${POLICY_VIEW} WHERE p.account_id = @account_id AND substr(p.path, 1, length(@prefix)) = @prefix
         AND p.name_key > @after
         AND (@only_attached = 0 OR EXISTS (SELECT 1 FROM iam_attachments a WHERE a.policy_arn = p.arn))
       ORDER BY p.name_key LIMIT @limit`,
    ),
    deletePolicy: db.prepare<[string]>('DELETE FROM iam_policies WHERE arn = ?'),
    policyByName: db.prepare<[{ account_id: string; name_key: string }], { x: number }>(
      'SELECT 1 AS x FROM iam_policies WHERE account_id = @account_id AND name_key = @name_key',
    ),
    policyCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM iam_policies WHERE account_id = ?'),
    updatePolicyVersions: db.prepare<
      [{ arn: string; default_version_id: string; last_version: number; update_date: number }]
    >(
      `UPDATE iam_policies SET default_version_id = @default_version_id, last_version = @last_version,
         update_date = @update_date WHERE arn = @arn`,
    ),
    insertVersion: db.prepare<[VersionRow]>(
      `INSERT INTO iam_policy_versions (policy_arn, version_no, document, create_date)
       VALUES (@policy_arn, @version_no, @document, @create_date)`,
    ),
    getVersion: db.prepare<[string, number], VersionRow>(
      'SELECT * FROM iam_policy_versions WHERE policy_arn = ? AND version_no = ?',
    ),
    listVersions: db.prepare<[string], VersionRow>(
      'SELECT * FROM iam_policy_versions WHERE policy_arn = ? ORDER BY version_no DESC',
    ),
    versionCount: db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM iam_policy_versions WHERE policy_arn = ?',
    ),
    deleteVersion: db.prepare<[string, number]>(
      'DELETE FROM iam_policy_versions WHERE policy_arn = ? AND version_no = ?',
    ),
    deleteVersions: db.prepare<[string]>('DELETE FROM iam_policy_versions WHERE policy_arn = ?'),
    defaultDocument: db.prepare<[string], { document: string }>(
      `SELECT v.document FROM iam_policies p JOIN iam_policy_versions v
         ON v.policy_arn = p.arn AND ('v' || v.version_no) = p.default_version_id WHERE p.arn = ?`,
    ),

    // Attachments
    attach: db.prepare<[EntityParams & { policy_arn: string }]>(
      `INSERT INTO iam_attachments (account_id, entity_kind, entity_key, policy_arn, seq)
       SELECT @account_id, @entity_kind, @entity_key, @policy_arn, COALESCE(MAX(seq), 0) + 1
       FROM iam_attachments WHERE ${entity}
       ON CONFLICT DO NOTHING`,
    ),
    isAttached: db.prepare<[EntityParams & { policy_arn: string }], { x: number }>(
      `SELECT 1 AS x FROM iam_attachments WHERE ${entity} AND policy_arn = @policy_arn`,
    ),
    detach: db.prepare<[EntityParams & { policy_arn: string }]>(
      `DELETE FROM iam_attachments WHERE ${entity} AND policy_arn = @policy_arn`,
    ),
    attached: db.prepare<[EntityParams], { policy_arn: string }>(
      `SELECT policy_arn FROM iam_attachments WHERE ${entity} ORDER BY seq`,
    ),
    attachedCount: db.prepare<[EntityParams], { n: number }>(
      `SELECT COUNT(*) AS n FROM iam_attachments WHERE ${entity}`,
    ),
    policyAttachments: db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM iam_attachments WHERE policy_arn = ?',
    ),
    entitiesForPolicy: db.prepare<[string], { account_id: string; entity_kind: IamEntityKind; name: string | null }>(
      `SELECT a.account_id, a.entity_kind, COALESCE(u.user_name, g.group_name, r.role_name) AS name
       FROM iam_attachments a
       LEFT JOIN iam_users u ON a.entity_kind = 'user' AND u.account_id = a.account_id AND u.name_key = a.entity_key
       LEFT JOIN iam_groups g ON a.entity_kind = 'group' AND g.account_id = a.account_id AND g.name_key = a.entity_key
       LEFT JOIN iam_roles r ON a.entity_kind = 'role' AND r.account_id = a.account_id AND r.name_key = a.entity_key
       WHERE a.policy_arn = ? ORDER BY a.entity_kind, a.entity_key`,
    ),

    // Access keys of users
    insertUserKey: db.prepare<[AccessKeyRow & { user_key: string | null }]>(
      `INSERT INTO access_keys (access_key_id, account_id, principal_arn, wrapped_secret, status, created_at, user_key)
       VALUES (@access_key_id, @account_id, @principal_arn, @wrapped_secret, @status, @created_at, @user_key)`,
    ),
    userKeys: db.prepare<[{ account_id: string; user_key: string | null }], AccessKeyRow>(
      `SELECT access_key_id, account_id, principal_arn, wrapped_secret, status, created_at FROM access_keys
       WHERE account_id = @account_id AND user_key IS @user_key ORDER BY created_at, access_key_id`,
    ),
    userKeyCount: db.prepare<[{ account_id: string; user_key: string | null }], { n: number }>(
      'SELECT COUNT(*) AS n FROM access_keys WHERE account_id = @account_id AND user_key IS @user_key',
    ),
    keyUserName: db.prepare<[string], { user_name: string }>(
      `SELECT u.user_name FROM access_keys k JOIN iam_users u ON u.account_id = k.account_id AND u.name_key = k.user_key
       WHERE k.access_key_id = ?`,
    ),
    updateKeyStatus: db.prepare<
      [{ account_id: string; user_key: string | null; access_key_id: string; status: string }]
    >(
      `UPDATE access_keys SET status = @status
       WHERE access_key_id = @access_key_id AND account_id = @account_id AND user_key IS @user_key`,
    ),
    deleteUserKey: db.prepare<[{ account_id: string; user_key: string | null; access_key_id: string }]>(
      'DELETE FROM access_keys WHERE access_key_id = @access_key_id AND account_id = @account_id AND user_key IS @user_key',
    ),
    /** Every IAM table, children first, and the users' access keys (the roots' stay). */
    resetIdentities: () =>
      db.exec(
        `DELETE FROM access_keys WHERE user_key IS NOT NULL; DELETE FROM iam_group_members;
         DELETE FROM iam_attachments; DELETE FROM iam_inline_policies; DELETE FROM iam_policy_versions;
         DELETE FROM iam_policies; DELETE FROM iam_users; DELETE FROM iam_groups; DELETE FROM iam_roles;`,
      ),
  };
}

type IdentityStatements = ReturnType<typeof prepare>;

/** How SqliteIdentity runs its transactions and reports deleted secrets (SqliteStorage gives these). */
export interface SqliteTransactions {
  write<T>(work: () => T): T;
  read<T>(work: () => T): T;
  /** A deletion removed a secret: the WAL holds it until eraseDeleted(). */
  erasurePending(): void;
}

const isUnique = (e: unknown): boolean =>
  typeof e === 'object' &&
  e !== null &&
  'code' in e &&
  (e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE');

/** The IdentityStorage methods on one connection, prepared after the migrations ran. */
export class SqliteIdentity implements IdentityStorage {
  private readonly q: IdentityStatements;
  private readonly tx: SqliteTransactions;

  constructor(db: Database.Database, tx: SqliteTransactions) {
    this.q = prepare(db);
    this.tx = tx;
  }

  // Users, groups, roles

  async createUser(user: UserRecord, maxUsers?: number): Promise<'ok' | 'exists' | LimitReached> {
    return this.create('user', user.accountId, user.userName, maxUsers, () => this.q.insertUser.run(userParams(user)));
  }

  async getUser(accountId: string, userName: string): Promise<UserRecord | undefined> {
    const row = this.tx.read(() => this.q.getUser.get(named(accountId, userName)));
    return row && userFromRow(row);
  }

  async listUsers(accountId: string, query: ListQuery): Promise<Listed<UserRecord>> {
    return listed(
      this.tx.read(() => this.q.listUsers.all(page(accountId, query))),
      query.limit,
      userFromRow,
    );
  }

  async deleteUser(accountId: string, userName: string): Promise<DeleteResult> {
    const q = this.q;
    const ref: EntityRef = { accountId, kind: 'user', name: userName };
    const userKey = { account_id: accountId, user_key: nameKey(userName) };
    return this.tx.write((): DeleteResult => {
      if (!this.exists(ref)) return 'not-found';
      if (q.userKeyCount.get(userKey)!.n > 0) return conflict('access-keys');
      const held = this.holdsPolicies(ref);
      if (held) return held;
      if (q.groupsOfUserCount.get(userKey)!.n > 0) return conflict('groups');
      q.deleteEntity.user.run(named(accountId, userName));
      return 'ok';
    });
  }

  async createGroup(group: GroupRecord, maxGroups?: number): Promise<'ok' | 'exists' | LimitReached> {
    return this.create('group', group.accountId, group.groupName, maxGroups, () =>
      this.q.insertGroup.run(groupParams(group)),
    );
  }

  async getGroup(accountId: string, groupName: string): Promise<GroupRecord | undefined> {
    const row = this.tx.read(() => this.q.getGroup.get(named(accountId, groupName)));
    return row && groupFromRow(row);
  }

  async listGroups(accountId: string, query: ListQuery): Promise<Listed<GroupRecord>> {
    return listed(
      this.tx.read(() => this.q.listGroups.all(page(accountId, query))),
      query.limit,
      groupFromRow,
    );
  }

  async deleteGroup(accountId: string, groupName: string): Promise<DeleteResult> {
    const q = this.q;
    const ref: EntityRef = { accountId, kind: 'group', name: groupName };
    return this.tx.write((): DeleteResult => {
      if (!this.exists(ref)) return 'not-found';
      if (q.membersCount.get({ account_id: accountId, group_key: nameKey(groupName) })!.n > 0) {
        return conflict('members');
      }
      const held = this.holdsPolicies(ref);
      if (held) return held;
      q.deleteEntity.group.run(named(accountId, groupName));
      return 'ok';
    });
  }

  async addUserToGroup(
    accountId: string,
    groupName: string,
    userName: string,
    maxGroupsPerUser?: number,
  ): Promise<'ok' | 'no-user' | 'no-group' | LimitReached> {
    const q = this.q;
    const params = { account_id: accountId, group_key: nameKey(groupName), user_key: nameKey(userName) };
    return this.tx.write((): 'ok' | 'no-user' | 'no-group' | LimitReached => {
      if (!this.exists({ accountId, kind: 'group', name: groupName })) return 'no-group';
      if (!this.exists({ accountId, kind: 'user', name: userName })) return 'no-user';
      if (q.isMember.get(params)) return 'ok';
      if (maxGroupsPerUser !== undefined) {
        const usage = q.groupsOfUserCount.get(params)!.n;
        if (usage >= maxGroupsPerUser) return { result: 'limit', usage };
      }
      q.addMember.run(params);
      return 'ok';
    });
  }

  async removeUserFromGroup(
    accountId: string,
    groupName: string,
    userName: string,
  ): Promise<'ok' | 'no-user' | 'no-group' | 'not-member'> {
    const q = this.q;
    const params = { account_id: accountId, group_key: nameKey(groupName), user_key: nameKey(userName) };
    return this.tx.write(() => {
      if (!this.exists({ accountId, kind: 'group', name: groupName })) return 'no-group';
      if (!this.exists({ accountId, kind: 'user', name: userName })) return 'no-user';
      return q.removeMember.run(params).changes === 1 ? 'ok' : 'not-member';
    });
  }

  async listGroupMembers(accountId: string, groupName: string): Promise<UserRecord[] | undefined> {
    return this.tx.read(() => {
      if (!this.exists({ accountId, kind: 'group', name: groupName })) return undefined;
      return this.q.members.all({ account_id: accountId, group_key: nameKey(groupName) }).map(userFromRow);
    });
  }

  async listGroupsForUser(accountId: string, userName: string): Promise<GroupRecord[] | undefined> {
    return this.tx.read(() => {
      if (!this.exists({ accountId, kind: 'user', name: userName })) return undefined;
      return this.q.groupsOfUser.all({ account_id: accountId, user_key: nameKey(userName) }).map(groupFromRow);
    });
  }

  async createRole(role: RoleRecord, maxRoles?: number): Promise<'ok' | 'exists' | LimitReached> {
    return this.create('role', role.accountId, role.roleName, maxRoles, () => this.q.insertRole.run(roleParams(role)));
  }

  async getRole(accountId: string, roleName: string): Promise<RoleRecord | undefined> {
    const row = this.tx.read(() => this.q.getRole.get(named(accountId, roleName)));
    return row && roleFromRow(row);
  }

  async listRoles(accountId: string, query: ListQuery): Promise<Listed<RoleRecord>> {
    return listed(
      this.tx.read(() => this.q.listRoles.all(page(accountId, query))),
      query.limit,
      roleFromRow,
    );
  }

  async updateRole(
    accountId: string,
    roleName: string,
    changes: Partial<Pick<RoleRecord, 'assumeRolePolicyDocument' | 'description' | 'maxSessionDuration'>>,
  ): Promise<'ok' | 'not-found'> {
    const q = this.q;
    return this.tx.write(() => {
      const row = q.getRole.get(named(accountId, roleName));
      if (!row) return 'not-found';
      const updated = roleParams({ ...roleFromRow(row), ...definedOnly(changes) });
      q.updateRole.run(updated);
      return 'ok';
    });
  }

  async deleteRole(accountId: string, roleName: string): Promise<DeleteResult> {
    const ref: EntityRef = { accountId, kind: 'role', name: roleName };
    return this.tx.write((): DeleteResult => {
      if (!this.exists(ref)) return 'not-found';
      const held = this.holdsPolicies(ref);
      if (held) return held;
      this.q.deleteEntity.role.run(named(accountId, roleName));
      return 'ok';
    });
  }

  // Tags and boundaries

  async tagEntity(
    ref: EntityRef,
    tags: readonly IamTag[],
    maxTags?: number,
  ): Promise<'ok' | 'not-found' | LimitReached> {
    if (ref.kind === 'group') return 'not-found';
    const kind = ref.kind;
    return this.tx.write((): 'ok' | 'not-found' | LimitReached => {
      const current = this.tagsOf(kind, ref);
      if (current === undefined) return 'not-found';
      const merged = mergeTags(current, tags);
      if (maxTags !== undefined && merged.length > maxTags) return { result: 'limit', usage: current.length };
      this.q.setTags[kind].run({ ...named(ref.accountId, ref.name), tags: tagsJson(merged) });
      return 'ok';
    });
  }

  async untagEntity(ref: EntityRef, keys: readonly string[]): Promise<'ok' | 'not-found'> {
    if (ref.kind === 'group') return 'not-found';
    const kind = ref.kind;
    return this.tx.write(() => {
      const current = this.tagsOf(kind, ref);
      if (current === undefined) return 'not-found';
      this.q.setTags[kind].run({ ...named(ref.accountId, ref.name), tags: tagsJson(removeTags(current, keys)) });
      return 'ok';
    });
  }

  async setPermissionsBoundary(ref: EntityRef, policyArn: string | undefined): Promise<'ok' | 'not-found'> {
    if (ref.kind === 'group') return 'not-found';
    const statement = this.q.setBoundary[ref.kind];
    const params = { ...named(ref.accountId, ref.name), arn: policyArn ?? null };
    return this.tx.write(() => (statement.run(params).changes === 1 ? 'ok' : 'not-found'));
  }

  // Inline policies

  async putInlinePolicy(
    policy: InlinePolicyRecord,
    maxAggregateSize?: number,
  ): Promise<'ok' | 'not-found' | LimitReached> {
    const q = this.q;
    const row: InlineRow = {
      ...entityParams(policy.entity),
      policy_key: nameKey(policy.policyName),
      policy_name: policy.policyName,
      document: policy.document,
      size: policySize(policy.document),
    };
    return this.tx.write((): 'ok' | 'not-found' | LimitReached => {
      if (!this.exists(policy.entity)) return 'not-found';
      if (maxAggregateSize !== undefined) {
        const usage = q.otherInlineSize.get(row)!.n + row.size;
        if (usage > maxAggregateSize) return { result: 'limit', usage };
      }
      q.putInline.run(row);
      return 'ok';
    });
  }

  async getInlinePolicy(ref: EntityRef, policyName: string): Promise<InlinePolicyRecord | undefined> {
    const row = this.tx.read(() =>
      this.exists(ref) ? this.q.getInline.get({ ...entityParams(ref), policy_key: nameKey(policyName) }) : undefined,
    );
    return row && inlineFromRow(ref, row);
  }

  async listInlinePolicies(ref: EntityRef): Promise<InlinePolicyRecord[] | undefined> {
    const rows = this.tx.read(() => (this.exists(ref) ? this.q.listInline.all(entityParams(ref)) : undefined));
    return rows?.map((r) => inlineFromRow(ref, r));
  }

  async deleteInlinePolicy(ref: EntityRef, policyName: string): Promise<'ok' | 'no-entity' | 'not-found'> {
    const params = { ...entityParams(ref), policy_key: nameKey(policyName) };
    return this.tx.write(() => {
      if (!this.exists(ref)) return 'no-entity';
      return this.q.deleteInline.run(params).changes === 1 ? 'ok' : 'not-found';
    });
  }

  // Managed policies

  async createPolicy(
    policy: ManagedPolicyRecord,
    firstVersion: PolicyVersionRecord,
    maxPolicies?: number,
  ): Promise<'ok' | 'exists' | LimitReached> {
    const q = this.q;
    const versionNo = versionNumber(firstVersion.versionId);
    if (
      versionNo === undefined ||
      firstVersion.policyArn !== policy.arn ||
      policy.defaultVersionId !== firstVersion.versionId
    ) {
      throw new Error('storage: the first version must be the default version of the policy');
    }
    const row: PolicyRow = {
      account_id: policy.accountId,
      name_key: nameKey(policy.policyName),
      policy_name: policy.policyName,
      policy_id: policy.policyId,
      path: policy.path,
      arn: policy.arn,
      description: policy.description ?? null,
      default_version_id: policy.defaultVersionId,
      last_version: versionNo,
      create_date: toMillis(policy.createDate),
      update_date: toMillis(policy.updateDate),
      tags: tagsJson(policy.tags),
    };
    const version: VersionRow = {
      policy_arn: policy.arn,
      version_no: versionNo,
      document: firstVersion.document,
      create_date: toMillis(firstVersion.createDate),
    };
    try {
      return this.tx.write((): 'ok' | 'exists' | LimitReached => {
        const key = { account_id: policy.accountId, name_key: row.name_key };
        if (q.getPolicy.get(policy.arn) || this.policyNamed(key)) return 'exists';
        if (maxPolicies !== undefined) {
          const usage = this.policyCount(policy.accountId);
          if (usage >= maxPolicies) return { result: 'limit', usage };
        }
        q.insertPolicy.run(row);
        q.insertVersion.run(version);
        return 'ok';
      });
    } catch (e) {
      if (isUnique(e)) return 'exists';
      throw e;
    }
  }

  async getPolicy(policyArn: string): Promise<ManagedPolicyView | undefined> {
    const row = this.tx.read(() => this.q.getPolicy.get(policyArn));
    return row && policyFromRow(row);
  }

  async listPolicies(accountId: string, query: PolicyListQuery): Promise<Listed<ManagedPolicyView>> {
    const params = { ...page(accountId, query), only_attached: query.onlyAttached ? 1 : 0 };
    return listed(
      this.tx.read(() => this.q.listPolicies.all(params)),
      query.limit,
      policyFromRow,
    );
  }

  async deletePolicy(policyArn: string): Promise<DeleteResult> {
    const q = this.q;
    return this.tx.write((): DeleteResult => {
      if (!q.getPolicy.get(policyArn)) return 'not-found';
      if (q.policyAttachments.get(policyArn)!.n > 0) return conflict('policy-attached');
      if (q.versionCount.get(policyArn)!.n > 1) return conflict('policy-versions');
      q.deleteVersions.run(policyArn);
      q.deletePolicy.run(policyArn);
      return 'ok';
    });
  }

  async createPolicyVersion(
    policyArn: string,
    document: string,
    setAsDefault: boolean,
    now: Date,
    maxVersions?: number,
  ): Promise<{ result: 'ok'; version: PolicyVersionRecord } | 'not-found' | LimitReached> {
    const q = this.q;
    return this.tx.write((): { result: 'ok'; version: PolicyVersionRecord } | 'not-found' | LimitReached => {
      const policy = q.getPolicy.get(policyArn);
      if (!policy) return 'not-found';
      if (maxVersions !== undefined) {
        const usage = q.versionCount.get(policyArn)!.n;
        if (usage >= maxVersions) return { result: 'limit', usage };
      }
      const row: VersionRow = {
        policy_arn: policyArn,
        version_no: policy.last_version + 1,
        document,
        create_date: toMillis(now),
      };
      q.insertVersion.run(row);
      const defaultVersionId = setAsDefault ? `v${row.version_no}` : policy.default_version_id;
      q.updatePolicyVersions.run({
        arn: policyArn,
        default_version_id: defaultVersionId,
        last_version: row.version_no,
        update_date: setAsDefault ? row.create_date : policy.update_date,
      });
      return { result: 'ok', version: versionFromRow(row, defaultVersionId) };
    });
  }

  async getPolicyVersion(policyArn: string, versionId: string): Promise<PolicyVersionRecord | undefined> {
    const n = versionNumber(versionId);
    if (n === undefined) return undefined;
    return this.tx.read(() => {
      const policy = this.q.getPolicy.get(policyArn);
      const row = policy && this.q.getVersion.get(policyArn, n);
      return row && versionFromRow(row, policy.default_version_id);
    });
  }

  async listPolicyVersions(policyArn: string): Promise<PolicyVersionRecord[] | undefined> {
    return this.tx.read(() => {
      const policy = this.q.getPolicy.get(policyArn);
      if (!policy) return undefined;
      return this.q.listVersions.all(policyArn).map((r) => versionFromRow(r, policy.default_version_id));
    });
  }

  async deletePolicyVersion(policyArn: string, versionId: string): Promise<DeleteResult> {
    const n = versionNumber(versionId);
    const q = this.q;
    return this.tx.write((): DeleteResult => {
      const policy = q.getPolicy.get(policyArn);
      if (!policy || n === undefined || !q.getVersion.get(policyArn, n)) return 'not-found';
      if (policy.default_version_id === versionId) return conflict('default-version');
      q.deleteVersion.run(policyArn, n);
      return 'ok';
    });
  }

  async setDefaultPolicyVersion(policyArn: string, versionId: string, now: Date): Promise<'ok' | 'not-found'> {
    const n = versionNumber(versionId);
    const q = this.q;
    return this.tx.write(() => {
      const policy = q.getPolicy.get(policyArn);
      if (!policy || n === undefined || !q.getVersion.get(policyArn, n)) return 'not-found';
      q.updatePolicyVersions.run({
        arn: policyArn,
        default_version_id: versionId,
        last_version: policy.last_version,
        update_date: toMillis(now),
      });
      return 'ok';
    });
  }

  // Attachments

  async attachPolicy(
    ref: EntityRef,
    policyArn: string,
    maxAttached?: number,
  ): Promise<'ok' | 'no-entity' | 'no-policy' | LimitReached> {
    const q = this.q;
    const params = { ...entityParams(ref), policy_arn: policyArn };
    return this.tx.write((): 'ok' | 'no-entity' | 'no-policy' | LimitReached => {
      if (!this.exists(ref)) return 'no-entity';
      if (!isAwsManaged(policyArn) && !q.getPolicy.get(policyArn)) return 'no-policy';
      if (q.isAttached.get(params)) return 'ok';
      if (maxAttached !== undefined) {
        const usage = q.attachedCount.get(params)!.n;
        if (usage >= maxAttached) return { result: 'limit', usage };
      }
      q.attach.run(params);
      return 'ok';
    });
  }

  async detachPolicy(ref: EntityRef, policyArn: string): Promise<'ok' | 'no-entity' | 'not-attached'> {
    const params = { ...entityParams(ref), policy_arn: policyArn };
    return this.tx.write(() => {
      if (!this.exists(ref)) return 'no-entity';
      return this.q.detach.run(params).changes === 1 ? 'ok' : 'not-attached';
    });
  }

  async listAttachedPolicies(ref: EntityRef): Promise<string[] | undefined> {
    return this.tx.read(() =>
      this.exists(ref) ? this.q.attached.all(entityParams(ref)).map((r) => r.policy_arn) : undefined,
    );
  }

  async listEntitiesForPolicy(policyArn: string): Promise<{ kind: IamEntityKind; accountId: string; name: string }[]> {
    const rows = this.tx.read(() => this.q.entitiesForPolicy.all(policyArn));
    return rows.flatMap((r) =>
      r.name === null ? [] : [{ kind: r.entity_kind, accountId: r.account_id, name: r.name }],
    );
  }

  async policyDocumentsOf(
    accountId: string,
    kind: 'user' | 'role',
    name: string,
  ): Promise<PolicyDocumentsOf | undefined> {
    const q = this.q;
    return this.tx.read((): PolicyDocumentsOf | undefined => {
      const row = kind === 'user' ? q.getUser.get(named(accountId, name)) : q.getRole.get(named(accountId, name));
      if (!row) return undefined;
      const self: EntityRef = {
        accountId,
        kind,
        name: kind === 'user' ? (row as UserRow).user_name : (row as RoleRow).role_name,
      };
      const holders: EntityRef[] = [self];
      if (kind === 'user') {
        for (const g of q.groupsOfUser.all({ account_id: accountId, user_key: nameKey(name) })) {
          holders.push({ accountId, kind: 'group', name: g.group_name });
        }
      }
      const inline = holders.flatMap((h) => q.listInline.all(entityParams(h)).map((r) => inlineFromRow(h, r)));
      const arns = [...new Set(holders.flatMap((h) => q.attached.all(entityParams(h)).map((r) => r.policy_arn)))];
      const withDocument = (arn: string) => ({ arn, document: q.defaultDocument.get(arn)?.document });
      const documents: PolicyDocumentsOf = { inline, managed: arns.map(withDocument) };
      if (row.permissions_boundary !== null) documents.permissionsBoundary = withDocument(row.permissions_boundary);
      return documents;
    });
  }

  // Access keys

  async createUserAccessKey(
    userName: string | undefined,
    key: AccessKeyRecord,
    maxKeys?: number,
  ): Promise<'ok' | 'not-found' | LimitReached> {
    const q = this.q;
    const row = {
      access_key_id: key.accessKeyId,
      account_id: key.accountId,
      principal_arn: key.principalArn,
      wrapped_secret: key.wrappedSecret,
      status: key.status,
      created_at: toMillis(key.createdAt),
      user_key: userKeyOf(userName),
    };
    return this.tx.write((): 'ok' | 'not-found' | LimitReached => {
      if (userName !== undefined && !this.exists({ accountId: key.accountId, kind: 'user', name: userName })) {
        return 'not-found';
      }
      if (maxKeys !== undefined) {
        const usage = q.userKeyCount.get(row)!.n;
        if (usage >= maxKeys) return { result: 'limit', usage };
      }
      q.insertUserKey.run(row);
      return 'ok';
    });
  }

  async listUserAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeyRecord[] | undefined> {
    return this.tx.read(() => {
      if (userName !== undefined && !this.exists({ accountId, kind: 'user', name: userName })) return undefined;
      return this.q.userKeys.all({ account_id: accountId, user_key: userKeyOf(userName) }).map(accessKeyFromRow);
    });
  }

  async accessKeyUserName(accessKeyId: string): Promise<string | undefined> {
    return this.tx.read(() => this.q.keyUserName.get(accessKeyId)?.user_name);
  }

  async updateAccessKeyStatus(
    accountId: string,
    userName: string | undefined,
    accessKeyId: string,
    status: AccessKeyRecord['status'],
  ): Promise<'ok' | 'not-found'> {
    const params = { account_id: accountId, user_key: userKeyOf(userName), access_key_id: accessKeyId, status };
    return this.tx.write(() => (this.q.updateKeyStatus.run(params).changes === 1 ? 'ok' : 'not-found'));
  }

  async deleteUserAccessKey(
    accountId: string,
    userName: string | undefined,
    accessKeyId: string,
  ): Promise<'ok' | 'not-found'> {
    const params = { account_id: accountId, user_key: userKeyOf(userName), access_key_id: accessKeyId };
    const deleted = this.tx.write(() => this.q.deleteUserKey.run(params).changes === 1);
    if (!deleted) return 'not-found';
    this.tx.erasurePending();
    return 'ok';
  }

  async resetIdentities(): Promise<void> {
    this.tx.write(() => this.q.resetIdentities());
    this.tx.erasurePending();
  }

  // Internals (called inside a transaction)

  private create(
    kind: IamEntityKind,
    accountId: string,
    name: string,
    max: number | undefined,
    insert: () => unknown,
  ): Promise<'ok' | 'exists' | LimitReached> {
    try {
      return Promise.resolve(
        this.tx.write((): 'ok' | 'exists' | LimitReached => {
          if (this.exists({ accountId, kind, name })) return 'exists';
          if (max !== undefined) {
            const usage = this.q.count[kind].get(accountId)!.n;
            if (usage >= max) return { result: 'limit', usage };
          }
          insert();
          return 'ok';
        }),
      );
    } catch (e) {
      if (isUnique(e)) return Promise.resolve('exists');
      throw e;
    }
  }

  private exists(ref: EntityRef): boolean {
    return this.q.exists[ref.kind].get(named(ref.accountId, ref.name)) !== undefined;
  }

  /** DeleteConflict if the entity still has inline or attached policies. */
  private holdsPolicies(ref: EntityRef): DeleteConflict | undefined {
    const params = entityParams(ref);
    if (this.q.inlineCount.get(params)!.n > 0) return conflict('inline-policies');
    if (this.q.attachedCount.get(params)!.n > 0) return conflict('attached-policies');
    return undefined;
  }

  private tagsOf(kind: 'user' | 'role', ref: EntityRef): IamTag[] | undefined {
    const row =
      kind === 'user'
        ? this.q.getUser.get(named(ref.accountId, ref.name))
        : this.q.getRole.get(named(ref.accountId, ref.name));
    return row && (JSON.parse(row.tags) as IamTag[]);
  }

  private policyNamed(key: { account_id: string; name_key: string }): boolean {
    return this.q.policyByName.get(key) !== undefined;
  }

  private policyCount(accountId: string): number {
    return this.q.policyCount.get(accountId)!.n;
  }
}

/** Root access keys have no user: their user_key is NULL. */
const userKeyOf = (userName: string | undefined): string | null => (userName === undefined ? null : nameKey(userName));

function inlineFromRow(ref: EntityRef, r: InlineRow): InlinePolicyRecord {
  return { entity: { ...ref }, policyName: r.policy_name, document: r.document };
}

const isAwsManaged = (arn: string): boolean => /^arn:[\w-]+:iam::aws:policy\//.test(arn);

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
