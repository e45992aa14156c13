/** Finding the entity an operation names, or answering NoSuchEntity as IAM does. */
import {
  AWS_MANAGED_DATE,
  IamErrors,
  KmsError,
  awsManagedPolicy,
  parseIamArn,
  type GroupRecord,
  type RoleRecord,
  type UserRecord,
} from '../../domain/index.js';
import type { Caller, Services } from '../../pipeline/types.js';
import type { ManagedPolicyView } from '../../storage/identity-types.js';
import { accountOf } from './context.js';

export async function requireUser(services: Services, caller: Caller, userName: string): Promise<UserRecord> {
  const user = await services.storage.getUser(accountOf(caller), userName);
  if (!user) throw IamErrors.noSuchEntity('user', userName);
  return user;
}

export async function requireGroup(services: Services, caller: Caller, groupName: string): Promise<GroupRecord> {
  const group = await services.storage.getGroup(accountOf(caller), groupName);
  if (!group) throw IamErrors.noSuchEntity('group', groupName);
  return group;
}

export async function requireRole(services: Services, caller: Caller, roleName: string): Promise<RoleRecord> {
  const role = await services.storage.getRole(accountOf(caller), roleName);
  if (!role) throw IamErrors.noSuchEntity('role', roleName);
  return role;
}

/**
 * The user an operation with an optional UserName acts on: the one named, or the caller itself
 * (GetUser, CreateAccessKey, ... "If you do not specify a user name, IAM determines the user name
 * implicitly based on the Amazon Web Services access key ID signing the request"). undefined: the
 * caller is the account root and acts on its own keys.
 */
export function implicitUserName(caller: Caller, userName: string | undefined): string | undefined {
  if (userName !== undefined) return userName;
  const { principal } = caller;
  if (principal.type === 'Root') return undefined;
  if (principal.type === 'IAMUser' && principal.userName !== undefined) return principal.userName;
  throw new KmsError('ValidationError', 'Must specify userName when calling with non-User credentials');
}

/** A policy ARN must be an IAM policy ARN at all; anything else is InvalidInput as IAM says. */
export function checkPolicyArn(policyArn: string): void {
  const parsed = parseIamArn(policyArn);
  if (parsed?.kind !== 'policy') throw new KmsError('InvalidInput', `ARN ${policyArn} is not valid.`);
}

/** A customer managed policy of storage, or an AWS managed one of domain/iam.ts's table. */
export async function findManagedPolicy(services: Services, policyArn: string): Promise<ManagedPolicyView | undefined> {
  checkPolicyArn(policyArn);
  const stored = await services.storage.getPolicy(policyArn);
  if (stored) return stored;
  const aws = awsManagedPolicy(policyArn);
  if (!aws) return undefined;
  const attached = await services.storage.listEntitiesForPolicy(policyArn);
  return {
    accountId: 'aws',
    policyName: aws.name,
    policyId: aws.policyId,
    path: aws.path,
    arn: policyArn,
    description: aws.description,
    defaultVersionId: 'v1',
    createDate: AWS_MANAGED_DATE,
    updateDate: AWS_MANAGED_DATE,
    tags: [],
    attachmentCount: attached.length,
    permissionsBoundaryUsageCount: 0,
  };
}

export async function requireManagedPolicy(services: Services, policyArn: string): Promise<ManagedPolicyView> {
  const policy = await findManagedPolicy(services, policyArn);
  if (!policy) throw IamErrors.noSuchPolicy(policyArn);
  return policy;
}

/** A policy that may be attached (or set as a boundary): it must exist. */
export async function requireAttachable(services: Services, policyArn: string): Promise<ManagedPolicyView> {
  const policy = await findManagedPolicy(services, policyArn);
  if (!policy) throw IamErrors.policyNotAttachable(policyArn);
  return policy;
}
