/**
 * Records as the IAM API shows them (model shapes of src/model/iam). Policy documents are
 * returned URL-encoded, as IAM does.
 */
import {
  encodePolicyDocument,
  parseIamArn,
  type AccessKeyRecord,
  type GroupRecord,
  type IamTag,
  type PolicyVersionRecord,
  type RoleRecord,
  type UserRecord,
} from '../../domain/index.js';
import type { iam } from '../../model/index.js';
import type { ManagedPolicyView } from '../../storage/identity-types.js';

const boundaryView = (arn: string | undefined): iam.AttachedPermissionsBoundary | undefined =>
  arn === undefined ? undefined : { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn };

const tagsView = (tags: readonly IamTag[]): iam.Tag[] | undefined =>
  tags.length === 0 ? undefined : tags.map((t) => ({ Key: t.Key, Value: t.Value }));

/** Drops members whose value is undefined, so the encoder sees only what is there. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** GetUser and CreateUser show tags and the boundary; ListUsers shows neither (withDetails false). */
export const userView = (u: UserRecord, withDetails = true): iam.User =>
  defined({
    Path: u.path,
    UserName: u.userName,
    UserId: u.userId,
    Arn: u.arn,
    CreateDate: u.createDate,
    PermissionsBoundary: withDetails ? boundaryView(u.permissionsBoundary) : undefined,
    Tags: withDetails ? tagsView(u.tags) : undefined,
  });

export const groupView = (g: GroupRecord): iam.Group => ({
  Path: g.path,
  GroupName: g.groupName,
  GroupId: g.groupId,
  Arn: g.arn,
  CreateDate: g.createDate,
});

/** GetRole shows the trust policy (URL-encoded), boundary and tags; ListRoles the trust policy too. */
export const roleView = (r: RoleRecord, withDetails = true): iam.Role =>
  defined({
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: r.createDate,
    AssumeRolePolicyDocument: encodePolicyDocument(r.assumeRolePolicyDocument),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    PermissionsBoundary: withDetails ? boundaryView(r.permissionsBoundary) : undefined,
    Tags: withDetails ? tagsView(r.tags) : undefined,
  });

export const policyView = (p: ManagedPolicyView, withTags = true): iam.Policy =>
  defined({
    PolicyName: p.policyName,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: p.attachmentCount,
    PermissionsBoundaryUsageCount: p.permissionsBoundaryUsageCount,
    IsAttachable: true,
    Description: withTags ? p.description : undefined,
    CreateDate: p.createDate,
    UpdateDate: p.updateDate,
    Tags: withTags ? tagsView(p.tags) : undefined,
  });

/** ListPolicyVersions leaves the document out; GetPolicyVersion and CreatePolicyVersion show it. */
export const versionView = (v: PolicyVersionRecord, withDocument = true): iam.PolicyVersion =>
  defined({
    Document: withDocument ? encodePolicyDocument(v.document) : undefined,
    VersionId: v.versionId,
    IsDefaultVersion: v.isDefaultVersion,
    CreateDate: v.createDate,
  });

export const attachedPolicyView = (arn: string): iam.AttachedPolicy => ({
  PolicyName: parseIamArn(arn)?.name ?? arn,
  PolicyArn: arn,
});

export const accessKeyMetadataView = (k: AccessKeyRecord, userName: string | undefined): iam.AccessKeyMetadata =>
  defined({ UserName: userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: k.createdAt });
