/**
 * GetSessionToken (AWS STS API Reference): temporary credentials of an IAM user or of the account
 * root, with the caller's own permissions. "No permissions are required", so nothing is authorized;
 * it must be called with long-term credentials. Durations: 900 s to 129,600 s (36 hours) for a
 * user, default 43,200 s; for the root at most 3,600 s, its default ("Credentials based on account
 * credentials can range from 900 seconds (15 minutes) up to 3,600 seconds (1 hour)").
 */
import { temporaryCredentialRefusal } from '../../../auth/index.js';
import { KmsError } from '../../../domain/index.js';
import type { sts } from '../../../model/index.js';
import { defineServiceOperation } from '../../../pipeline/service.js';
import { issueSession } from '../sessions.js';

const USER_DEFAULT_SECONDS = 43_200;
const ROOT_MAX_SECONDS = 3600;

export const getSessionToken = defineServiceOperation<sts.GetSessionTokenRequest, sts.GetSessionTokenResponse>({
  name: 'GetSessionToken',
  readOnly: true,
  async run({ input, caller, services, now }) {
    const { principal } = caller;
    const refusal = temporaryCredentialRefusal(principal, 'sts', 'GetSessionToken');
    if (refusal) throw refusal;
    if (input.SerialNumber !== undefined || input.TokenCode !== undefined) {
      // Trent has no MFA devices, so no code can be valid.
      throw new KmsError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ');
    }
    const isRoot = principal.type === 'Root';
    const requested = input.DurationSeconds ?? (isRoot ? ROOT_MAX_SECONDS : USER_DEFAULT_SECONDS);
    // AWS shortens a root session asked for longer rather than refusing it.
    const duration = isRoot ? Math.min(requested, ROOT_MAX_SECONDS) : requested;
    const principalId = principal.principalId ?? principal.accountId;
    const { credentials } = await issueSession(
      services,
      {
        accountId: principal.accountId,
        principalType: principal.type,
        principalArn: principal.arn,
        principalId,
        subjectId: principalId,
        userName: principal.userName,
        sessionPolicies: [],
        policyArns: [],
        tags: {},
        transitiveTagKeys: [],
        mfaAuthenticated: false,
      },
      now,
      duration,
    );
    return { Credentials: credentials };
  },
});
