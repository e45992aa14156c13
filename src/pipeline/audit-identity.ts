/** CloudTrail's userIdentity of an authenticated caller (front door and calls on its behalf). */
import type { AuditIdentity } from '../audit/index.js';
import type { Principal } from '../domain/index.js';

/** CloudTrail's userIdentity for the caller (CloudTrail userIdentity element). */
export function auditIdentity(principal: Principal): AuditIdentity {
  const { session, role } = principal;
  return {
    type: principal.type,
    principalId: principal.principalId ?? principal.accountId,
    arn: principal.arn,
    accountId: principal.accountId,
    accessKeyId: principal.accessKeyId,
    ...(principal.type === 'IAMUser' && principal.userName !== undefined ? { userName: principal.userName } : {}),
    ...(session
      ? {
          sessionContext: {
            ...(role
              ? {
                  sessionIssuer: {
                    type: 'Role' as const,
                    principalId: role.roleId,
                    arn: role.arn,
                    accountId: principal.accountId,
                    userName: role.name,
                  },
                  webIdFederationData: {},
                }
              : {}),
            attributes: {
              creationDate: session.issuedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
              mfaAuthenticated: String(session.mfaAuthenticated),
            },
            ...(session.sourceIdentity !== undefined ? { sourceIdentity: session.sourceIdentity } : {}),
          },
        }
      : {}),
  };
}
