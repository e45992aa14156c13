/**
 * What AssumeRole's caller asks the session to carry: session tags and transitive tag keys (with
 * those a chained session inherits), session policies (Policy, PolicyArns) and the packed size
 * they take. AWS STS API Reference, AssumeRole; IAM User Guide, "Passing session tags in AWS STS"
 * and "Session policies".
 */
import { deflateRawSync } from 'node:zlib';
import { KmsError, awsManagedPolicy, isAwsManagedPolicyArn, tagKey, type Principal } from '../../domain/index.js';
import type { sts } from '../../model/index.js';
import { validateIdentityPolicy } from '../../policy/index.js';
import type { Storage } from '../../storage/types.js';

const invalidParameter = (message: string) => new KmsError('InvalidParameterValue', message);

export interface SessionTags {
  tags: Record<string, string>;
  transitiveTagKeys: string[];
}

/**
 * The session's tags: the transitive tags of the calling session (role chaining), which stay
 * transitive and cannot be changed, and the request's Tags, of which TransitiveTagKeys pass on.
 */
export function sessionTags(
  input: Pick<sts.AssumeRoleRequest, 'Tags' | 'TransitiveTagKeys'>,
  caller: Principal,
): SessionTags {
  const inherited = inheritedTransitiveTags(caller);
  const tags: Record<string, string> = { ...inherited.tags };
  const seen = new Set<string>();
  for (const { Key, Value } of input.Tags ?? []) {
    const key = tagKey(Key);
    if (seen.has(key))
      throw invalidParameter('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(key);
    if (inherited.keys.has(key)) {
      throw invalidParameter(
        `The tag key ${Key} is a transitive tag key of the calling session and cannot be set again.`,
      );
    }
    tags[Key] = Value;
  }
  const transitive = [...inherited.names];
  for (const key of input.TransitiveTagKeys ?? []) {
    if (!seen.has(tagKey(key))) {
      throw invalidParameter('The specified transitive tag key must be included in the requested tags.');
    }
    if (!transitive.some((k) => tagKey(k) === tagKey(key))) transitive.push(key);
  }
  return { tags, transitiveTagKeys: transitive };
}

function inheritedTransitiveTags(caller: Principal): {
  tags: Record<string, string>;
  keys: Set<string>;
  names: string[];
} {
  const names = [...(caller.session?.transitiveTagKeys ?? [])];
  const tags: Record<string, string> = {};
  const keys = new Set(names.map(tagKey));
  for (const [k, v] of Object.entries(caller.tags ?? {})) if (keys.has(tagKey(k))) tags[k] = v;
  return { tags, keys, names };
}

/** AssumeRole's Policy: an identity policy, validated as IAM validates one. */
export function checkSessionPolicy(policy: string | undefined): void {
  if (policy === undefined) return;
  const validation = validateIdentityPolicy(policy);
  if (!validation.ok) throw new KmsError('MalformedPolicyDocument', validation.message);
}

/**
 * AssumeRole's PolicyArns: managed policies of the role's account or AWS managed ones Trent
 * knows; ARNs of the model's PolicyDescriptorType list.
 */
export async function checkPolicyArns(
  storage: Storage,
  roleAccountId: string,
  descriptors: readonly sts.PolicyDescriptorType[] | undefined,
): Promise<string[]> {
  const arns: string[] = [];
  for (const { arn } of descriptors ?? []) {
    if (arn === undefined) continue;
    const known = isAwsManagedPolicyArn(arn)
      ? awsManagedPolicy(arn) !== undefined
      : arn.split(':')[4] === roleAccountId && (await storage.getPolicy(arn)) !== undefined;
    if (!known) throw new KmsError('ValidationError', `Policy ${arn} does not exist or is not attachable.`);
    arns.push(arn);
  }
  return arns;
}

/**
 * "The plaintext that you use for both inline and managed session policies can't exceed 2,048
 * characters" (AssumeRole, Policy); session tags count against the same packed space. AWS's
 * packing is its own binary format; Trent packs the minified policy, the ARNs and the tags with
 * DEFLATE and answers how much of PACKED_BYTES that takes, in percent (PackedPolicySize).
 */
export const MAX_SESSION_POLICY_PLAINTEXT = 2048;
export const PACKED_BYTES = 2048;

export function packedPolicySize(
  policy: string | undefined,
  policyArns: readonly string[],
  tags: Record<string, string>,
): number {
  const minified = policy === undefined ? '' : JSON.stringify(JSON.parse(policy));
  const plaintext = minified.length + policyArns.reduce((n, arn) => n + arn.length, 0);
  const packed = deflateRawSync(Buffer.from(JSON.stringify([minified, policyArns, tags]), 'utf8')).length;
  const percent = Math.max(
    Math.ceil((packed * 100) / PACKED_BYTES),
    plaintext > MAX_SESSION_POLICY_PLAINTEXT ? Math.ceil((plaintext * 100) / MAX_SESSION_POLICY_PLAINTEXT) : 0,
  );
  if (percent > 100) {
    throw new KmsError(
      'PackedPolicyTooLarge',
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
    );
  }
  return percent;
}
