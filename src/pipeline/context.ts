/**
 * The condition keys of a request (IAM User Guide, "AWS global condition context keys") and the
 * caller as the evaluator sees it. A request context computes a key only when a policy asks for
 * it: most decisions (the default key policy) read none, and a request should not pay for the
 * dozens of keys it could be asked. Every service starts from the global keys here and adds a
 * source of its own (KMS: services/kms/condition-keys.ts).
 */
import type { Principal, Tag } from '../domain/index.js';
import type { ConditionContext, ConditionValue, PrincipalFacts } from '../policy/index.js';
import type { Caller } from './types.js';

/** Answers one lowercased condition key, or undefined when the request does not have it. */
export type ConditionSource = (key: string) => ConditionValue | undefined;

/** Keys answered by `sources` in order, with values `set` explicitly taking precedence. */
export class RequestContext implements ConditionContext {
  private readonly values = new Map<string, ConditionValue>();
  private readonly sources: ConditionSource[];

  constructor(...sources: ConditionSource[]) {
    this.sources = sources;
  }

  /** Adds a source consulted after those given before. */
  add(source: ConditionSource): this {
    this.sources.push(source);
    return this;
  }

  set(key: string, value: ConditionValue): this {
    this.values.set(key, value);
    return this;
  }

  get(key: string): ConditionValue | undefined {
    const set = this.values.get(key);
    if (set !== undefined) return set;
    for (const source of this.sources) {
      const value = source(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }
}

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

/** ISO 8601 to the second, as IAM writes times. */
const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

type GlobalRow = (caller: Caller, tags: RequestTags) => ConditionValue | undefined;

/** The global keys, by lowercased name. */
const GLOBAL_KEYS: ReadonlyMap<string, GlobalRow> = new Map<string, GlobalRow>([
  ['aws:principalarn', ({ principal }) => principal.role?.arn ?? principal.arn],
  ['aws:principalaccount', ({ principal }) => principal.accountId],
  ['aws:principaltype', ({ principal }) => PRINCIPAL_TYPE[principal.type]],
  ['aws:userid', ({ principal }) => principal.principalId ?? principal.accountId],
  ['aws:username', ({ principal }) => principal.userName],
  // A service calling on the caller's behalf calls from its own network, not the caller's
  // (IAM User Guide, aws:SourceIp and aws:ViaAWSService: forward access sessions).
  ['aws:sourceip', (caller) => (caller.via ? undefined : caller.sourceIp)],
  ['aws:currenttime', (caller) => isoSeconds(caller.time)],
  ['aws:epochtime', (caller) => String(Math.floor(caller.time.getTime() / 1000))],
  ['aws:securetransport', (caller) => String(caller.secure)],
  ['aws:requestedregion', (caller) => caller.region],
  ['aws:viaawsservice', (caller) => String(caller.via !== undefined)],
  ['aws:principalisawsservice', () => 'false'],
  // Present only for temporary credentials (IAM User Guide, aws:MultiFactorAuthPresent).
  ['aws:multifactorauthpresent', ({ principal }) => principal.session && String(principal.session.mfaAuthenticated)],
  ['aws:tokenissuetime', ({ principal }) => principal.session && isoSeconds(principal.session.issuedAt)],
  ['aws:sourceidentity', ({ principal }) => principal.session?.sourceIdentity],
  [
    'aws:tagkeys',
    (_, tags) =>
      tags.requestTags !== undefined || tags.tagKeys !== undefined
        ? [...(tags.requestTags ?? []).map((t) => t.TagKey), ...(tags.tagKeys ?? [])]
        : undefined,
  ],
]);

/** The value of the tag whose key equals `lowerKey` without regard to case (tag condition keys fold). */
function tagValue(tags: readonly Tag[] | undefined, lowerKey: string): string | undefined {
  return tags?.find((t) => t.TagKey.toLowerCase() === lowerKey)?.TagValue;
}

function principalTag(principal: Principal, lowerKey: string): string | undefined {
  for (const [k, v] of Object.entries(principal.tags ?? {})) if (k.toLowerCase() === lowerKey) return v;
  return undefined;
}

/** The global condition keys of the caller's request, computed when asked. */
export function globalConditionKeys(caller: Caller, tags: RequestTags = {}): RequestContext {
  return new RequestContext((key) => {
    const row = GLOBAL_KEYS.get(key);
    if (row) return row(caller, tags);
    if (key.startsWith('aws:principaltag/')) return principalTag(caller.principal, key.slice(17));
    if (key.startsWith('aws:resourcetag/')) return tagValue(tags.resourceTags, key.slice(16));
    if (key.startsWith('aws:requesttag/')) return tagValue(tags.requestTags, key.slice(15));
    return undefined;
  });
}
