/**
 * The storage contract for IAM identities: users, groups, roles, customer managed policies and
 * their versions, inline policies, attachments, group membership, and IAM users' access keys
 * (which live in the access_keys table beside the root keys, principalArn = the user's ARN, and are
 * read by getAccessKey on every request). Every method is one transaction.
 *
 * Names are matched without regard to case (domain/iam.ts nameKey) and stored as written. Creates
 * count against a quota in the same transaction as the insert, so concurrent creates cannot
 * together pass it. A delete that AWS refuses with DeleteConflict answers DeleteConflict with the
 * reason and changes nothing. AWS managed policies (arn:aws:iam::aws:policy/...) are not stored;
 * they may be attached (the caller checks they exist) and are listed among an entity's
 * attachments like any other.
 */
import type {
  AccessKeyRecord,
  DeleteConflictReason,
  EntityRef,
  GroupRecord,
  IamEntityKind,
  IamTag,
  InlinePolicyRecord,
  ManagedPolicyRecord,
  PolicyVersionRecord,
  RoleRecord,
  UserRecord,
} from '../domain/index.js';
import type { LimitReached } from './types.js';

/** A delete AWS refuses (DeleteConflict); nothing was changed. */
export interface DeleteConflict {
  readonly result: 'conflict';
  readonly reason: DeleteConflictReason;
}

export type DeleteResult = 'ok' | 'not-found' | DeleteConflict;

/** One page of a listing ordered by name without regard to case; `after` is the last name seen. */
export interface ListQuery {
  limit: number;
  /** The name (any case) the page starts after. */
  after?: string | undefined;
  /** Only entities whose path starts with it. */
  pathPrefix?: string | undefined;
}

export interface Listed<T> {
  items: T[];
  more: boolean;
}

export interface PolicyListQuery extends ListQuery {
  /** Only policies attached to at least one user, group or role. */
  onlyAttached?: boolean | undefined;
}

/** A customer managed policy with what ListPolicies and GetPolicy show beside the record. */
export interface ManagedPolicyView extends ManagedPolicyRecord {
  attachmentCount: number;
  permissionsBoundaryUsageCount: number;
}

/** Everything that grants a user or role permissions, read in one transaction (policiesFor). */
export interface PolicyDocumentsOf {
  /** Inline policies: the entity's own, then (users) each group's, ordered by group then name. */
  inline: InlinePolicyRecord[];
  /**
   * Attached managed policies: the entity's own and (users) its groups', each once. `document` is
   * the default version's; absent for an AWS managed policy (not stored).
   */
  managed: { arn: string; document?: string | undefined }[];
  /** The permissions boundary and, for a customer managed one, its default version. */
  permissionsBoundary?: { arn: string; document?: string | undefined } | undefined;
}

export interface IdentityStorage {
  // Users
  /** 'exists' if the account has a user of that name (any case); LimitReached at `maxUsers`. */
  createUser(user: UserRecord, maxUsers?: number): Promise<'ok' | 'exists' | LimitReached>;
  getUser(accountId: string, userName: string): Promise<UserRecord | undefined>;
  listUsers(accountId: string, query: ListQuery): Promise<Listed<UserRecord>>;
  /**
   * Deletes the user; DeleteConflict while it has access keys, inline or attached policies, or is
   * a member of a group (checked in that order, as AWS names them).
   */
  deleteUser(accountId: string, userName: string): Promise<DeleteResult>;

  // Groups
  createGroup(group: GroupRecord, maxGroups?: number): Promise<'ok' | 'exists' | LimitReached>;
  getGroup(accountId: string, groupName: string): Promise<GroupRecord | undefined>;
  listGroups(accountId: string, query: ListQuery): Promise<Listed<GroupRecord>>;
  /** DeleteConflict while it has members, inline or attached policies. */
  deleteGroup(accountId: string, groupName: string): Promise<DeleteResult>;
  /**
   * Adds the user to the group (again: no change). 'no-user' / 'no-group' when one is missing;
   * LimitReached when the user is already in `maxGroupsPerUser` groups.
   */
  addUserToGroup(
    accountId: string,
    groupName: string,
    userName: string,
    maxGroupsPerUser?: number,
  ): Promise<'ok' | 'no-user' | 'no-group' | LimitReached>;
  removeUserFromGroup(
    accountId: string,
    groupName: string,
    userName: string,
  ): Promise<'ok' | 'no-user' | 'no-group' | 'not-member'>;
  /** Members ordered by name; undefined if the group does not exist. */
  listGroupMembers(accountId: string, groupName: string): Promise<UserRecord[] | undefined>;
  /** Groups of the user ordered by name; undefined if the user does not exist. */
  listGroupsForUser(accountId: string, userName: string): Promise<GroupRecord[] | undefined>;

  // Roles
  createRole(role: RoleRecord, maxRoles?: number): Promise<'ok' | 'exists' | LimitReached>;
  getRole(accountId: string, roleName: string): Promise<RoleRecord | undefined>;
  listRoles(accountId: string, query: ListQuery): Promise<Listed<RoleRecord>>;
  /** Changes the trust policy, description or maximum session duration (those given). */
  updateRole(
    accountId: string,
    roleName: string,
    changes: Partial<Pick<RoleRecord, 'assumeRolePolicyDocument' | 'description' | 'maxSessionDuration'>>,
  ): Promise<'ok' | 'not-found'>;
  /** DeleteConflict while it has inline or attached policies. */
  deleteRole(accountId: string, roleName: string): Promise<DeleteResult>;

  // Tags and permissions boundaries of users and roles
  /**
   * Adds or replaces tags (keys without regard to case); LimitReached if the entity would hold more
   * than `maxTags`. Tags of groups are not kept (IAM has none).
   */
  tagEntity(ref: EntityRef, tags: readonly IamTag[], maxTags?: number): Promise<'ok' | 'not-found' | LimitReached>;
  untagEntity(ref: EntityRef, keys: readonly string[]): Promise<'ok' | 'not-found'>;
  /** Sets (an ARN) or removes (undefined) the permissions boundary of a user or role. */
  setPermissionsBoundary(ref: EntityRef, policyArn: string | undefined): Promise<'ok' | 'not-found'>;

  // Inline policies
  /**
   * Creates or replaces the entity's inline policy. With `maxAggregateSize`, LimitReached (usage =
   * the aggregate size it would have) when the sizes (domain/iam.ts policySize) of all the entity's
   * inline policies, this one replacing one of the same name, would pass it.
   */
  putInlinePolicy(policy: InlinePolicyRecord, maxAggregateSize?: number): Promise<'ok' | 'not-found' | LimitReached>;
  /** undefined when the entity or the policy does not exist. */
  getInlinePolicy(ref: EntityRef, policyName: string): Promise<InlinePolicyRecord | undefined>;
  /** The entity's inline policies ordered by name; undefined if the entity does not exist. */
  listInlinePolicies(ref: EntityRef): Promise<InlinePolicyRecord[] | undefined>;
  deleteInlinePolicy(ref: EntityRef, policyName: string): Promise<'ok' | 'no-entity' | 'not-found'>;

  // Customer managed policies
  /**
   * Inserts the policy with its first version (v1, the default). 'exists' if the account has a
   * policy of that name (any case, any path); LimitReached at `maxPolicies`.
   */
  createPolicy(
    policy: ManagedPolicyRecord,
    firstVersion: PolicyVersionRecord,
    maxPolicies?: number,
  ): Promise<'ok' | 'exists' | LimitReached>;
  getPolicy(policyArn: string): Promise<ManagedPolicyView | undefined>;
  listPolicies(accountId: string, query: PolicyListQuery): Promise<Listed<ManagedPolicyView>>;
  /** DeleteConflict while attached to an entity or while it has versions beside the default. */
  deletePolicy(policyArn: string): Promise<DeleteResult>;
  /**
   * Adds the next version (v<highest + 1>; ids are never reused) with `document`, made the default
   * if `setAsDefault`. LimitReached when the policy already has `maxVersions` versions.
   */
  createPolicyVersion(
    policyArn: string,
    document: string,
    setAsDefault: boolean,
    now: Date,
    maxVersions?: number,
  ): Promise<{ result: 'ok'; version: PolicyVersionRecord } | 'not-found' | LimitReached>;
  getPolicyVersion(policyArn: string, versionId: string): Promise<PolicyVersionRecord | undefined>;
  /** Versions newest first (as AWS lists them); undefined if the policy does not exist. */
  listPolicyVersions(policyArn: string): Promise<PolicyVersionRecord[] | undefined>;
  /** DeleteConflict 'default-version' for the default version. */
  deletePolicyVersion(policyArn: string, versionId: string): Promise<DeleteResult>;
  setDefaultPolicyVersion(policyArn: string, versionId: string, now: Date): Promise<'ok' | 'not-found'>;

  // Attachments of managed policies
  /**
   * Attaches the policy (again: no change). 'no-entity' if the entity is missing, 'no-policy' if
   * `policyArn` is a customer managed policy that is not stored (an AWS managed ARN is not
   * checked); LimitReached when the entity already has `maxAttached` policies.
   */
  attachPolicy(
    ref: EntityRef,
    policyArn: string,
    maxAttached?: number,
  ): Promise<'ok' | 'no-entity' | 'no-policy' | LimitReached>;
  detachPolicy(ref: EntityRef, policyArn: string): Promise<'ok' | 'no-entity' | 'not-attached'>;
  /** ARNs attached to the entity in the order attached; undefined if it does not exist. */
  listAttachedPolicies(ref: EntityRef): Promise<string[] | undefined>;
  /** The entities a policy is attached to (any account's; ListEntitiesForPolicy). */
  listEntitiesForPolicy(policyArn: string): Promise<{ kind: IamEntityKind; accountId: string; name: string }[]>;

  /** What grants a user or role its permissions, in one read; undefined if it does not exist. */
  policyDocumentsOf(accountId: string, kind: 'user' | 'role', name: string): Promise<PolicyDocumentsOf | undefined>;

  // IAM users' access keys (the access_keys table; getAccessKey reads them). A userName of
  // undefined means the account root's own keys (CreateAccessKey and the others without UserName).
  /**
   * Stores a new access key of the user (key.principalArn is the user's ARN, or the root's). 'not-found'
   * if the user is missing; LimitReached when it already has `maxKeys` keys (any status).
   */
  createUserAccessKey(
    userName: string | undefined,
    key: AccessKeyRecord,
    maxKeys?: number,
  ): Promise<'ok' | 'not-found' | LimitReached>;
  /** The user's keys ordered by creation; undefined if the user does not exist. */
  listUserAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeyRecord[] | undefined>;
  /** The name (as stored) of the user an access key belongs to; undefined for root and unknown keys. */
  accessKeyUserName(accessKeyId: string): Promise<string | undefined>;
  /** 'not-found' unless the key exists and belongs to that user of the account. */
  updateAccessKeyStatus(
    accountId: string,
    userName: string | undefined,
    accessKeyId: string,
    status: AccessKeyRecord['status'],
  ): Promise<'ok' | 'not-found'>;
  /**
   * Deletes the key if it belongs to that user; its wrapped secret is then pending erasure as after
   * deleteKey (eraseDeleted).
   */
  deleteUserAccessKey(
    accountId: string,
    userName: string | undefined,
    accessKeyId: string,
  ): Promise<'ok' | 'not-found'>;

  /**
   * `--dev` reset: deletes every IAM user, group, role, managed policy, inline policy, attachment
   * and IAM user access key of every account, in one transaction. Accounts and the roots' access
   * keys stay. The deleted secrets are pending erasure as after deleteKey.
   */
  resetIdentities(): Promise<void>;
}
