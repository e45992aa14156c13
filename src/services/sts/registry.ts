/**
 * The STS operations Trent offers, typed against the generated list of operation names; the
 * model's others (AssumeRoleWithSAML, GetFederationToken, ...) answer as not offered.
 */
import type { sts } from '../../model/index.js';
import type { ServiceOperation } from '../../pipeline/service.js';
import { assumeRole } from './operations/assume-role.js';
import { getCallerIdentity } from './operations/get-caller-identity.js';
import { getSessionToken } from './operations/get-session-token.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own input and output types
export const STS_OPERATIONS: Partial<Record<sts.OperationName, ServiceOperation<any, any>>> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
  GetSessionToken: getSessionToken,
};

/**
 * Shapes the audit must never show although the model does not mark them sensitive: the session
 * token (tokenType) of issued credentials. SecretAccessKey is sensitive in the model already.
 */
export const STS_SECRET_SHAPES: readonly string[] = ['tokenType'];
