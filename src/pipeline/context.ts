/**
 * The global condition keys of a request (IAM User Guide, "AWS global condition context keys")
 * and the caller as the evaluator sees it. Every service starts its request context here and adds
 * its own keys (KMS: services/kms/condition-keys.ts).
 */
import type { Principal, Tag } from '../domain/index.js';
import type { ConditionValue, PrincipalFacts } from '../policy/index.js';
import type { Caller } from './types.js';

/** aws:PrincipalType: Account for root, User, AssumedRole. */
const PRINCIPAL_TYPE: Readonly<Record<Principal['type'], string>> = {
  Root: 'Account',
  IAMUser: 'User',
  AssumedRole: 'AssumedRole',
};

/** The ARNs a Principal element may name for this caller, and whether it is its account's root. */
export function principalFacts(principal: Principal): PrincipalFacts {
  const arns = principal.role ? [principal.arn, principal.role.arn] : [principal.arn];
  return { accountId: principal.accountId, arns, isRoot: principal.type === 'Root' };
}

export interface RequestTags {
  /** Tags the request adds (aws:RequestTag/*, aws:TagKeys). */
  requestTags?: readonly Tag[] | undefined;
  /** Keys of tags the request removes (aws:TagKeys). */
  tagKeys?: readonly string[] | undefined;
  /** Tags of the resource acted on (aws:ResourceTag/*). */
  resourceTags?: readonly Tag[] | undefined;
}

/** The global condition keys, by lowercased name. */
export function globalConditionKeys(caller: Caller, tags: RequestTags = {}): Map<string, ConditionValue> {
  const { principal } = caller;
  const context = new Map<string, ConditionValue>();
  context.set('aws:principalarn', principal.role?.arn ?? principal.arn);
  context.set('aws:principalaccount', principal.accountId);
  context.set('aws:principaltype', PRINCIPAL_TYPE[principal.type]);
  context.set('aws:userid', principal.principalId ?? principal.accountId);
  if (principal.userName !== undefined) context.set('aws:username', principal.userName);
  context.set('aws:sourceip', caller.sourceIp);
  context.set('aws:currenttime', caller.time.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  context.set('aws:epochtime', String(Math.floor(caller.time.getTime() / 1000)));
  context.set('aws:securetransport', String(caller.secure));
  context.set('aws:requestedregion', caller.region);
  context.set('aws:viaawsservice', 'false');
  context.set('aws:principalisawsservice', 'false');
  // Present only for temporary credentials (IAM User Guide, aws:MultiFactorAuthPresent).
  if (principal.session) {
    context.set('aws:multifactorauthpresent', String(principal.session.mfaAuthenticated));
    context.set('aws:tokenissuetime', principal.session.issuedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    if (principal.session.sourceIdentity !== undefined) {
      context.set('aws:sourceidentity', principal.session.sourceIdentity);
    }
  }
  for (const [k, v] of Object.entries(principal.tags ?? {})) context.set(`aws:principaltag/${k.toLowerCase()}`, v);
  for (const tag of tags.resourceTags ?? []) context.set(`aws:resourcetag/${tag.TagKey.toLowerCase()}`, tag.TagValue);
  for (const tag of tags.requestTags ?? []) context.set(`aws:requesttag/${tag.TagKey.toLowerCase()}`, tag.TagValue);
  const tagKeys = [...(tags.requestTags ?? []).map((t) => t.TagKey), ...(tags.tagKeys ?? [])];
  if (tags.requestTags !== undefined || tags.tagKeys !== undefined) context.set('aws:tagkeys', tagKeys);
  return context;
}
