/**
 * AssumeRole (AWS STS API Reference): temporary credentials of a role session, if the role's trust
 * policy and the caller's policies allow it (trust.ts). Authorization happens in `run`, since the
 * trust policy is the role's, so the operation declares no action for the pipeline.
 */
import { KmsError, nameKey } from '../../../domain/index.js';
import type { sts } from '../../../model/index.js';
import { defineServiceOperation } from '../../../pipeline/service.js';
import { assumedRoleArn, parseRoleArn } from '../identity.js';
import { checkPolicyArns, checkSessionPolicy, packedPolicySize, sessionTags } from '../session-input.js';
import { issueSession } from '../sessions.js';
import { assumeRoleDenied, authorizeAssumeRole } from '../trust.js';

const DEFAULT_DURATION_SECONDS = 3600;
/** "Role chaining limits your AWS CLI or AWS API role session to a maximum of one hour." */
const CHAINED_MAX_DURATION_SECONDS = 3600;

export const assumeRole = defineServiceOperation<sts.AssumeRoleRequest, sts.AssumeRoleResponse>({
  name: 'AssumeRole',
  // CloudTrail records AssumeRole as read-only; its answer holds a secret, so the event is durable.
  readOnly: true,
  async run({ input, caller, services, now }) {
    const { principal } = caller;
    if (principal.type === 'Root') {
      throw new KmsError('AccessDenied', 'Roles may not be assumed by root accounts.');
    }
    if (input.SerialNumber !== undefined || input.TokenCode !== undefined) {
      // Trent has no MFA devices, so no code can be valid.
      throw new KmsError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ');
    }
    const target = parseRoleArn(input.RoleArn);
    if (!target) throw new KmsError('ValidationError', 'Request ARN is invalid');
    const role = await services.storage.getRole(target.accountId, target.name);
    if (!role || role.path !== target.path || nameKey(role.roleName) !== nameKey(target.name)) {
      throw assumeRoleDenied(caller, 'sts:AssumeRole', input.RoleArn);
    }
    await authorizeAssumeRole(caller, services, role, input);

    // Credentials that are themselves temporary make this role chaining.
    const chained = principal.session !== undefined;
    const duration = input.DurationSeconds ?? DEFAULT_DURATION_SECONDS;
    if (chained && duration > CHAINED_MAX_DURATION_SECONDS) {
      throw new KmsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    if (duration > role.maxSessionDuration) {
      throw new KmsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }

    const sourceIdentity = checkedSourceIdentity(input.SourceIdentity, principal.session?.sourceIdentity);
    const tags = sessionTags(input, principal);
    checkSessionPolicy(input.Policy);
    const policyArns = await checkPolicyArns(services.storage, role.accountId, input.PolicyArns);
    const packs = input.Policy !== undefined || policyArns.length > 0 || Object.keys(tags.tags).length > 0;
    const packed = packs ? packedPolicySize(input.Policy, policyArns, tags.tags) : undefined;

    const sessionName = input.RoleSessionName;
    const arn = assumedRoleArn({ ...target, name: role.roleName }, sessionName);
    const assumedRoleId = `${role.roleId}:${sessionName}`;
    const { credentials } = await issueSession(
      services,
      {
        accountId: role.accountId,
        principalType: 'AssumedRole',
        principalArn: arn,
        principalId: assumedRoleId,
        subjectId: role.roleId,
        role: { arn: role.arn, roleId: role.roleId, name: role.roleName, path: role.path, sessionName },
        sessionPolicies: input.Policy !== undefined ? [input.Policy] : [],
        policyArns,
        tags: tags.tags,
        transitiveTagKeys: tags.transitiveTagKeys,
        sourceIdentity,
        mfaAuthenticated: principal.session?.mfaAuthenticated ?? false,
      },
      now,
      duration,
    );
    return {
      Credentials: credentials,
      AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn },
      ...(packed !== undefined ? { PackedPolicySize: packed } : {}),
      ...(sourceIdentity !== undefined ? { SourceIdentity: sourceIdentity } : {}),
    };
  },
});

/**
 * "You cannot use a value that begins with the text aws:"; once set, a source identity stays for
 * every session chained from it (IAM User Guide, "Monitor and control actions taken with assumed
 * roles").
 */
function checkedSourceIdentity(requested: string | undefined, inherited: string | undefined): string | undefined {
  if (requested !== undefined && requested.toLowerCase().startsWith('aws:')) {
    throw new KmsError('ValidationError', 'SourceIdentity cannot begin with the reserved prefix aws:');
  }
  if (inherited !== undefined && requested !== undefined && requested !== inherited) {
    throw new KmsError('AccessDenied', 'The source identity of a role chaining session cannot be changed.');
  }
  return inherited ?? requested;
}
