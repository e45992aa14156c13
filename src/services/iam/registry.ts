/**
 * The IAM operations Trent offers, typed against the generated list of operation names; the
 * model's others (password policies, SAML and OIDC providers, server certificates, ...) answer as
 * not offered. Credentials Trent does not keep (MFA devices, SSH keys, ...) list as empty.
 */
import type { iam } from '../../model/index.js';
import type { ServiceOperation } from '../../pipeline/service.js';
import { addUserToGroup } from './operations/add-user-to-group.js';
import { attachGroupPolicy } from './operations/attach-group-policy.js';
import { attachRolePolicy } from './operations/attach-role-policy.js';
import { attachUserPolicy } from './operations/attach-user-policy.js';
import { createAccessKey } from './operations/create-access-key.js';
import { createGroup } from './operations/create-group.js';
import { createPolicy } from './operations/create-policy.js';
import { createPolicyVersion } from './operations/create-policy-version.js';
import { createRole } from './operations/create-role.js';
import { createUser } from './operations/create-user.js';
import { deleteAccessKey } from './operations/delete-access-key.js';
import { deleteGroup } from './operations/delete-group.js';
import { deleteGroupPolicy } from './operations/delete-group-policy.js';
import { deletePolicy } from './operations/delete-policy.js';
import { deletePolicyVersion } from './operations/delete-policy-version.js';
import { deleteRole } from './operations/delete-role.js';
import { deleteRolePermissionsBoundary } from './operations/delete-role-permissions-boundary.js';
import { deleteRolePolicy } from './operations/delete-role-policy.js';
import { deleteUser } from './operations/delete-user.js';
import { deleteUserPermissionsBoundary } from './operations/delete-user-permissions-boundary.js';
import { deleteUserPolicy } from './operations/delete-user-policy.js';
import { detachGroupPolicy } from './operations/detach-group-policy.js';
import { detachRolePolicy } from './operations/detach-role-policy.js';
import { detachUserPolicy } from './operations/detach-user-policy.js';
import { getAccessKeyLastUsed } from './operations/get-access-key-last-used.js';
import { getGroup } from './operations/get-group.js';
import { getGroupPolicy } from './operations/get-group-policy.js';
import { getLoginProfile } from './operations/get-login-profile.js';
import { getPolicy } from './operations/get-policy.js';
import { getPolicyVersion } from './operations/get-policy-version.js';
import { getRole } from './operations/get-role.js';
import { getRolePolicy } from './operations/get-role-policy.js';
import { getUser } from './operations/get-user.js';
import { getUserPolicy } from './operations/get-user-policy.js';
import { listAccessKeys } from './operations/list-access-keys.js';
import { listAttachedGroupPolicies } from './operations/list-attached-group-policies.js';
import { listAttachedRolePolicies } from './operations/list-attached-role-policies.js';
import { listAttachedUserPolicies } from './operations/list-attached-user-policies.js';
import { listEntitiesForPolicy } from './operations/list-entities-for-policy.js';
import { listGroupPolicies } from './operations/list-group-policies.js';
import { listGroups } from './operations/list-groups.js';
import { listGroupsForUser } from './operations/list-groups-for-user.js';
import { listInstanceProfilesForRole } from './operations/list-instance-profiles-for-role.js';
import { listMfaDevices } from './operations/list-mfa-devices.js';
import { listPolicies } from './operations/list-policies.js';
import { listPolicyVersions } from './operations/list-policy-versions.js';
import { listRolePolicies } from './operations/list-role-policies.js';
import { listRoleTags } from './operations/list-role-tags.js';
import { listRoles } from './operations/list-roles.js';
import { listServiceSpecificCredentials } from './operations/list-service-specific-credentials.js';
import { listSigningCertificates } from './operations/list-signing-certificates.js';
import { listSshPublicKeys } from './operations/list-ssh-public-keys.js';
import { listUserPolicies } from './operations/list-user-policies.js';
import { listUserTags } from './operations/list-user-tags.js';
import { listUsers } from './operations/list-users.js';
import { putGroupPolicy } from './operations/put-group-policy.js';
import { putRolePermissionsBoundary } from './operations/put-role-permissions-boundary.js';
import { putRolePolicy } from './operations/put-role-policy.js';
import { putUserPermissionsBoundary } from './operations/put-user-permissions-boundary.js';
import { putUserPolicy } from './operations/put-user-policy.js';
import { removeUserFromGroup } from './operations/remove-user-from-group.js';
import { setDefaultPolicyVersion } from './operations/set-default-policy-version.js';
import { tagRole } from './operations/tag-role.js';
import { tagUser } from './operations/tag-user.js';
import { untagRole } from './operations/untag-role.js';
import { untagUser } from './operations/untag-user.js';
import { updateAccessKey } from './operations/update-access-key.js';
import { updateAssumeRolePolicy } from './operations/update-assume-role-policy.js';
import { updateRole } from './operations/update-role.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own input and output types
export const IAM_OPERATIONS: Partial<Record<iam.OperationName, ServiceOperation<any, any>>> = {
  AddUserToGroup: addUserToGroup,
  AttachGroupPolicy: attachGroupPolicy,
  AttachRolePolicy: attachRolePolicy,
  AttachUserPolicy: attachUserPolicy,
  CreateAccessKey: createAccessKey,
  CreateGroup: createGroup,
  CreatePolicy: createPolicy,
  CreatePolicyVersion: createPolicyVersion,
  CreateRole: createRole,
  CreateUser: createUser,
  DeleteAccessKey: deleteAccessKey,
  DeleteGroup: deleteGroup,
  DeleteGroupPolicy: deleteGroupPolicy,
  DeletePolicy: deletePolicy,
  DeletePolicyVersion: deletePolicyVersion,
  DeleteRole: deleteRole,
  DeleteRolePermissionsBoundary: deleteRolePermissionsBoundary,
  DeleteRolePolicy: deleteRolePolicy,
  DeleteUser: deleteUser,
  DeleteUserPermissionsBoundary: deleteUserPermissionsBoundary,
  DeleteUserPolicy: deleteUserPolicy,
  DetachGroupPolicy: detachGroupPolicy,
  DetachRolePolicy: detachRolePolicy,
  DetachUserPolicy: detachUserPolicy,
  GetAccessKeyLastUsed: getAccessKeyLastUsed,
  GetGroup: getGroup,
  GetGroupPolicy: getGroupPolicy,
  GetLoginProfile: getLoginProfile,
  GetPolicy: getPolicy,
  GetPolicyVersion: getPolicyVersion,
  GetRole: getRole,
  GetRolePolicy: getRolePolicy,
  GetUser: getUser,
  GetUserPolicy: getUserPolicy,
  ListAccessKeys: listAccessKeys,
  ListAttachedGroupPolicies: listAttachedGroupPolicies,
  ListAttachedRolePolicies: listAttachedRolePolicies,
  ListAttachedUserPolicies: listAttachedUserPolicies,
  ListEntitiesForPolicy: listEntitiesForPolicy,
  ListGroupPolicies: listGroupPolicies,
  ListGroups: listGroups,
  ListGroupsForUser: listGroupsForUser,
  ListInstanceProfilesForRole: listInstanceProfilesForRole,
  ListMFADevices: listMfaDevices,
  ListPolicies: listPolicies,
  ListPolicyVersions: listPolicyVersions,
  ListRolePolicies: listRolePolicies,
  ListRoleTags: listRoleTags,
  ListRoles: listRoles,
  ListServiceSpecificCredentials: listServiceSpecificCredentials,
  ListSigningCertificates: listSigningCertificates,
  ListSSHPublicKeys: listSshPublicKeys,
  ListUserPolicies: listUserPolicies,
  ListUserTags: listUserTags,
  ListUsers: listUsers,
  PutGroupPolicy: putGroupPolicy,
  PutRolePermissionsBoundary: putRolePermissionsBoundary,
  PutRolePolicy: putRolePolicy,
  PutUserPermissionsBoundary: putUserPermissionsBoundary,
  PutUserPolicy: putUserPolicy,
  RemoveUserFromGroup: removeUserFromGroup,
  SetDefaultPolicyVersion: setDefaultPolicyVersion,
  TagRole: tagRole,
  TagUser: tagUser,
  UntagRole: untagRole,
  UntagUser: untagUser,
  UpdateAccessKey: updateAccessKey,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  UpdateRole: updateRole,
};
