/**
 * IAM identities as AWS has them: records of users, groups, roles and managed policies, their ids
 * and ARNs, the name rules and IAM's quotas. No I/O here; randomness comes in as a function.
 *
 * Names of users, groups, roles and policies are unique in an account without regard to case
 * ("names are not distinguished by case", IAM User Guide, "IAM identifiers"), and are stored and
 * shown with the case they were created with: `nameKey` is what storage compares.
 */
import { KmsError } from './errors.js';

/** IAM's tags: Key and Value as the IAM API spells them. Keys are unique without regard to case. */
export interface IamTag {
  Key: string;
  Value: string;
}

export type IamEntityKind = 'user' | 'group' | 'role';

/** An entity that holds inline policies and attached managed policies. */
export interface EntityRef {
  accountId: string;
  kind: IamEntityKind;
  /** As the caller wrote it; matched without regard to case. */
  name: string;
}

export interface UserRecord {
  accountId: string;
  userName: string;
  /** AIDA + 17 characters. */
  userId: string;
  /** '/' or '/a/b/'. */
  path: string;
  /** arn:aws:iam::<account>:user<path><name> */
  arn: string;
  createDate: Date;
  /** ARN of the managed policy set as permissions boundary. */
  permissionsBoundary?: string | undefined;
  tags: IamTag[];
}

export interface GroupRecord {
  accountId: string;
  groupName: string;
  /** AGPA + 17 characters. */
  groupId: string;
  path: string;
  arn: string;
  createDate: Date;
}

export interface RoleRecord {
  accountId: string;
  roleName: string;
  /** AROA + 17 characters. */
  roleId: string;
  path: string;
  arn: string;
  createDate: Date;
  /** The trust policy (JSON text as given). */
  assumeRolePolicyDocument: string;
  description?: string | undefined;
  /** Seconds, 3600..43200; AWS's default is 3600. */
  maxSessionDuration: number;
  permissionsBoundary?: string | undefined;
  tags: IamTag[];
}

export interface ManagedPolicyRecord {
  /** The owning account; 'aws' for AWS managed policies. */
  accountId: string;
  policyName: string;
  /** ANPA + 17 characters. */
  policyId: string;
  path: string;
  /** arn:aws:iam::<account>:policy<path><name> */
  arn: string;
  description?: string | undefined;
  /** 'v1', 'v2', ... */
  defaultVersionId: string;
  createDate: Date;
  /** When the default version last changed. */
  updateDate: Date;
  tags: IamTag[];
}

export interface PolicyVersionRecord {
  policyArn: string;
  versionId: string;
  /** JSON text as given. */
  document: string;
  isDefaultVersion: boolean;
  createDate: Date;
}

export interface InlinePolicyRecord {
  entity: EntityRef;
  policyName: string;
  document: string;
}

/** An IAM user's access key (the access_keys table, principalArn = the user's ARN). */
export interface UserAccessKeyRef {
  accountId: string;
  userName: string;
}

// Ids

/** Prefixes of IAM's unique ids ("IAM identifiers", "Unique identifiers"). */
export const IAM_ID_PREFIXES = {
  user: 'AIDA',
  group: 'AGPA',
  role: 'AROA',
  policy: 'ANPA',
  accessKey: 'AKIA',
  temporaryAccessKey: 'ASIA',
} as const;

export type IamIdKind = keyof typeof IAM_ID_PREFIXES;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A new id of the kind: the prefix and 17 upper-case base32 characters for entities
 * (AIDACKCEVSQ6C2EXAMPLE), 16 for access keys (AKIAIOSFODNN7EXAMPLE). `random(n)` gives n bytes.
 */
export function newIamId(kind: IamIdKind, random: (n: number) => Buffer): string {
  const length = kind === 'accessKey' || kind === 'temporaryAccessKey' ? 16 : 17;
  const bytes = random(length);
  let id: string = IAM_ID_PREFIXES[kind];
  for (let i = 0; i < length; i++) id += BASE32[bytes[i]! & 31];
  return id;
}

const ID_SHAPE = /^[A-Z]{4}[A-Z2-7]{16,17}$/;

/** Which kind an id is by its prefix and shape, if any. */
export function iamIdKind(id: string): IamIdKind | undefined {
  if (!ID_SHAPE.test(id)) return undefined;
  for (const [kind, prefix] of Object.entries(IAM_ID_PREFIXES) as [IamIdKind, string][]) {
    const length = kind === 'accessKey' || kind === 'temporaryAccessKey' ? 20 : 21;
    if (id.startsWith(prefix) && id.length === length) return kind;
  }
  return undefined;
}

// ARNs

/** IAM ARNs of an entity: arn:aws:iam::<account>:<kind><path><name>. */
export function iamArn(
  kind: IamEntityKind | 'policy',
  accountId: string,
  path: string,
  name: string,
  partition = 'aws',
): string {
  return `arn:${partition}:iam::${accountId}:${kind}${path}${name}`;
}

export interface ParsedIamArn {
  partition: string;
  accountId: string;
  kind: IamEntityKind | 'policy';
  path: string;
  name: string;
}

const IAM_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):(user|group|role|policy)(\/(?:.*\/)?)([^/]+)$/;

/** Splits an IAM entity or policy ARN; undefined for anything else. */
export function parseIamArn(arn: string): ParsedIamArn | undefined {
  const m = IAM_ARN.exec(arn);
  if (!m) return undefined;
  return {
    partition: m[1]!,
    accountId: m[2]!,
    kind: m[3] as ParsedIamArn['kind'],
    path: m[4]!,
    name: m[5]!,
  };
}

/** The ARN of the account an AWS managed policy belongs to ('aws'). */
export const AWS_MANAGED_ACCOUNT = 'aws';

export const isAwsManagedPolicyArn = (arn: string): boolean => parseIamArn(arn)?.accountId === AWS_MANAGED_ACCOUNT;

// Names and paths

/** What storage compares names by: IAM names are unique without regard to case. */
export const nameKey = (name: string): string => name.toLowerCase();

/** Tag keys are unique without regard to case, too. */
export const tagKey = (key: string): string => key.toLowerCase();

/** Whether `path` begins with `prefix` (PathPrefix of List* calls; '/' matches all). */
export const pathMatches = (path: string, prefix: string | undefined): boolean =>
  prefix === undefined || path.startsWith(prefix);

/** The default path of every entity and policy. */
export const DEFAULT_PATH = '/';

/** Default MaxSessionDuration of a role, and its bounds (CreateRole). */
export const ROLE_SESSION_DURATION = { default: 3600, min: 3600, max: 43_200 } as const;

// Policies

/**
 * The size IAM counts for its policy size quotas: characters without white space ("IAM doesn't
 * count white space when calculating the size of a policy against this limit", IAM and AWS STS
 * quotas).
 */
export function policySize(document: string): number {
  let n = 0;
  for (const ch of document) if (!/\s/u.test(ch)) n++;
  return n;
}

/** The version id after the highest of `existing` ('v1' for none); ids are never reused. */
export function nextVersionId(highest: number): string {
  return `v${highest + 1}`;
}

/** The number of a version id ('v3' -> 3); undefined for anything that is not vN. */
export function versionNumber(versionId: string): number | undefined {
  const m = /^v([1-9]\d*)$/.exec(versionId);
  return m ? Number(m[1]) : undefined;
}

/**
 * IAM returns policy documents URL-encoded (GetUserPolicy PolicyDocument, GetPolicyVersion
 * Document, GetRole AssumeRolePolicyDocument): RFC 3986 percent-encoding, as encodeURIComponent
 * writes it, which the AWS CLI and SDK helpers decode.
 */
export const encodePolicyDocument = (document: string): string => encodeURIComponent(document);

// Tags

/** Merges `added` into `tags`: a key already present (without regard to case) gets the new value. */
export function mergeTags(tags: readonly IamTag[], added: readonly IamTag[]): IamTag[] {
  const merged = new Map(tags.map((t) => [tagKey(t.Key), { Key: t.Key, Value: t.Value }]));
  for (const t of added) merged.set(tagKey(t.Key), { Key: t.Key, Value: t.Value });
  return [...merged.values()];
}

/** `tags` without the keys named (without regard to case). */
export function removeTags(tags: readonly IamTag[], keys: readonly string[]): IamTag[] {
  const drop = new Set(keys.map(tagKey));
  return tags.filter((t) => !drop.has(tagKey(t.Key))).map((t) => ({ Key: t.Key, Value: t.Value }));
}

/** Tags as a record (aws:PrincipalTag/*), keys as written. */
export const tagRecord = (tags: readonly IamTag[]): Record<string, string> =>
  Object.fromEntries(tags.map((t) => [t.Key, t.Value]));

// Quotas

interface IamQuotaRow {
  default: number;
  /** The quota's name in AWS's LimitExceeded messages ("Cannot exceed quota for <name>: <n>"). */
  awsName: string;
  description: string;
}

/** IAM's quotas ("IAM and AWS STS quotas", IAM User Guide), one row each. */
export const IAM_QUOTAS = {
  usersPerAccount: { default: 5000, awsName: 'UsersPerAccount', description: 'IAM users per account' },
  groupsPerAccount: { default: 300, awsName: 'GroupsPerAccount', description: 'Groups per account' },
  rolesPerAccount: { default: 1000, awsName: 'RolesPerAccount', description: 'Roles per account' },
  managedPoliciesPerAccount: {
    default: 1500,
    awsName: 'PoliciesPerAccount',
    description: 'Customer managed policies per account',
  },
  accessKeysPerUser: { default: 2, awsName: 'AccessKeysPerUser', description: 'Access keys per user' },
  groupsPerUser: { default: 10, awsName: 'GroupsPerUser', description: 'Groups an IAM user can be a member of' },
  policiesPerUser: { default: 10, awsName: 'PoliciesPerUser', description: 'Managed policies attached to a user' },
  policiesPerGroup: { default: 10, awsName: 'PoliciesPerGroup', description: 'Managed policies attached to a group' },
  policiesPerRole: { default: 10, awsName: 'PoliciesPerRole', description: 'Managed policies attached to a role' },
  versionsPerPolicy: { default: 5, awsName: 'VersionsPerPolicy', description: 'Versions of a managed policy' },
  tagsPerEntity: { default: 50, awsName: 'TagsPerEntity', description: 'Tags per user, role or policy' },
  userInlinePolicySize: {
    default: 2048,
    awsName: 'UserPolicySize',
    description: 'Aggregate inline policy size of a user, in characters',
  },
  groupInlinePolicySize: {
    default: 5120,
    awsName: 'GroupPolicySize',
    description: 'Aggregate inline policy size of a group, in characters',
  },
  roleInlinePolicySize: {
    default: 10_240,
    awsName: 'RolePolicySize',
    description: 'Aggregate inline policy size of a role, in characters',
  },
  managedPolicySize: { default: 6144, awsName: 'PolicySize', description: 'Managed policy size, in characters' },
  roleTrustPolicySize: { default: 2048, awsName: 'ACLSizePerRole', description: 'Role trust policy size' },
} as const satisfies Record<string, IamQuotaRow>;

export type IamQuotaName = keyof typeof IAM_QUOTAS;
export type IamQuotas = Readonly<Record<IamQuotaName, number>>;

export const DEFAULT_IAM_QUOTAS: IamQuotas = Object.freeze(
  Object.fromEntries(Object.entries(IAM_QUOTAS).map(([name, row]) => [name, row.default])) as Record<
    IamQuotaName,
    number
  >,
);

/** The attached-policies quota of an entity kind. */
export const ATTACHED_POLICIES_QUOTA: Readonly<Record<IamEntityKind, IamQuotaName>> = {
  user: 'policiesPerUser',
  group: 'policiesPerGroup',
  role: 'policiesPerRole',
};

/** The aggregate inline-policy size quota of an entity kind. */
export const INLINE_POLICY_SIZE_QUOTA: Readonly<Record<IamEntityKind, IamQuotaName>> = {
  user: 'userInlinePolicySize',
  group: 'groupInlinePolicySize',
  role: 'roleInlinePolicySize',
};

// Errors, in the words IAM answers with (as recorded in public issue threads and tools that
// replay them, e.g. "Cannot exceed quota for UsersPerAccount: 5000"); NoSuchEntity for a non-member
// in RemoveUserFromGroup is not recorded anywhere public and its message is ours.

const entityWords: Record<IamEntityKind, string> = { user: 'user', group: 'group', role: 'role' };

export const IamErrors = {
  noSuchEntity: (kind: IamEntityKind, name: string): KmsError =>
    new KmsError('NoSuchEntity', `The ${entityWords[kind]} with name ${name} cannot be found.`),
  entityExists: (kind: IamEntityKind, name: string): KmsError =>
    new KmsError(
      'EntityAlreadyExists',
      `${kind === 'user' ? 'User' : kind === 'group' ? 'Group' : 'Role'} with name ${name} already exists.`,
    ),
  policyExists: (name: string): KmsError =>
    new KmsError('EntityAlreadyExists', `A policy called ${name} already exists. Duplicate names are not allowed.`),
  noSuchPolicy: (arn: string): KmsError => new KmsError('NoSuchEntity', `Policy ${arn} was not found.`),
  policyNotAttachable: (arn: string): KmsError =>
    new KmsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`),
  policyNotAttached: (arn: string): KmsError => new KmsError('NoSuchEntity', `Policy ${arn} was not found.`),
  noSuchPolicyVersion: (arn: string, versionId: string): KmsError =>
    new KmsError('NoSuchEntity', `Policy ${arn} version ${versionId} does not exist or is not attachable.`),
  noSuchInlinePolicy: (kind: IamEntityKind, policyName: string): KmsError =>
    new KmsError('NoSuchEntity', `The ${entityWords[kind]} policy with name ${policyName} cannot be found.`),
  noSuchAccessKey: (accessKeyId: string): KmsError =>
    new KmsError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`),
  notInGroup: (userName: string, groupName: string): KmsError =>
    new KmsError('NoSuchEntity', `The user with name ${userName} cannot be found in group ${groupName}.`),
  quotaExceeded: (quota: IamQuotaName, limit: number): KmsError =>
    new KmsError('LimitExceeded', `Cannot exceed quota for ${IAM_QUOTAS[quota].awsName}: ${limit}`),
  inlinePolicyTooLarge: (kind: IamEntityKind, name: string, limit: number): KmsError =>
    new KmsError('LimitExceeded', `Maximum policy size of ${limit} bytes exceeded for ${entityWords[kind]} ${name}`),
  versionsExceeded: (limit: number): KmsError =>
    new KmsError(
      'LimitExceeded',
      `A managed policy can have up to ${limit} versions. Before you create a new version, you must delete an existing version.`,
    ),
  tagsExceeded: (): KmsError => new KmsError('LimitExceeded', 'The number of tags has reached the maximum limit.'),
  duplicateTagKeys: (): KmsError =>
    new KmsError('InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.'),
  deleteConflict: (reason: DeleteConflictReason): KmsError => new KmsError('DeleteConflict', DELETE_CONFLICTS[reason]),
  malformedPolicy: (message: string): KmsError => new KmsError('MalformedPolicyDocument', message),
} as const;

/** Why a delete is refused (storage answers one; AWS's DeleteConflict messages below). */
export type DeleteConflictReason =
  | 'access-keys'
  | 'attached-policies'
  | 'inline-policies'
  | 'groups'
  | 'members'
  | 'policy-attached'
  | 'policy-versions'
  | 'default-version';

export const DELETE_CONFLICTS: Readonly<Record<DeleteConflictReason, string>> = {
  'access-keys': 'Cannot delete entity, must delete access keys first.',
  'attached-policies': 'Cannot delete entity, must detach all policies first.',
  'inline-policies': 'Cannot delete entity, must delete policies first.',
  groups: 'Cannot delete entity, must remove users from group first.',
  members: 'Cannot delete entity, must remove users from group first.',
  'policy-attached': 'Cannot delete a policy attached to entities.',
  'policy-versions':
    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
  'default-version': 'Cannot delete the default version of a policy.',
};

// AWS managed policies (a few, for tests that attach them): one row each

export interface AwsManagedPolicy {
  name: string;
  /** Trent's own stable id for the policy (AWS's ids are not published for every policy). */
  policyId: string;
  path: string;
  description: string;
  document: string;
}

const allow = (statement: object): string => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

/** The AWS managed policies Trent knows; their version is always v1, created at AWS_MANAGED_DATE. */
export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = [
  {
    name: 'AdministratorAccess',
    policyId: 'ANPAIWMBCKSKIEE64ZLYK',
    path: '/',
    description: 'Provides full access to AWS services and resources.',
    document: allow({ Effect: 'Allow', Action: '*', Resource: '*' }),
  },
  {
    name: 'IAMFullAccess',
    policyId: 'ANPAI7XKCFMBPM3QQRRVQ',
    path: '/',
    description: 'Provides full access to IAM via the AWS Management Console.',
    document: allow({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }),
  },
  {
    name: 'IAMReadOnlyAccess',
    policyId: 'ANPAJKSO7NDY4T57MWDSQ',
    path: '/',
    description: 'Provides read only access to IAM via the AWS Management Console.',
    document: allow({
      Effect: 'Allow',
      Action: ['iam:GenerateCredentialReport', 'iam:Get*', 'iam:List*'],
      Resource: '*',
    }),
  },
  {
    name: 'AWSKeyManagementServicePowerUser',
    policyId: 'ANPAJNPP7PPPPMJRV2SA4',
    path: '/',
    description: 'Provides access to AWS Key Management Service (KMS).',
    document: allow({
      Effect: 'Allow',
      Action: [
        'kms:CreateAlias',
        'kms:CreateKey',
        'kms:DeleteAlias',
        'kms:Describe*',
        'kms:GenerateRandom',
        'kms:Get*',
        'kms:List*',
        'kms:TagResource',
        'kms:UntagResource',
        'iam:ListGroups',
        'iam:ListRoles',
        'iam:ListUsers',
      ],
      Resource: '*',
    }),
  },
];

export const AWS_MANAGED_DATE = new Date('2015-02-06T18:39:46Z');

/** The AWS managed policy of an ARN (arn:aws:iam::aws:policy/<path><name>), if Trent knows it. */
export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  const parsed = parseIamArn(arn);
  if (parsed?.accountId !== AWS_MANAGED_ACCOUNT || parsed.kind !== 'policy') return undefined;
  return AWS_MANAGED_POLICIES.find((p) => p.name === parsed.name && p.path === parsed.path);
}
