/** ARNs and key identifiers as AWS KMS writes and accepts them. */

import { partitionOf } from './regions.js';

export const DEFAULT_PARTITION = 'aws';

export function keyArn(region: string, accountId: string, keyId: string): string {
  return `arn:${partitionOf(region)}:kms:${region}:${accountId}:key/${keyId}`;
}

export function aliasArn(region: string, accountId: string, aliasName: string): string {
  return `arn:${partitionOf(region)}:kms:${region}:${accountId}:${aliasName}`;
}

export function accountRootArn(accountId: string, region = 'us-east-1'): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:root`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MRK = /^mrk-[0-9a-f]{32}$/;

/** A KMS key id: a lowercase UUID, or mrk- and 32 hex digits for multi-Region keys. */
export function isKeyId(s: string): boolean {
  return UUID.test(s) || MRK.test(s);
}

export type KeyIdentifier =
  | { kind: 'keyId'; keyId: string }
  | { kind: 'keyArn'; arn: string; region: string; accountId: string; keyId: string }
  | { kind: 'aliasName'; aliasName: string }
  | { kind: 'aliasArn'; arn: string; region: string; accountId: string; aliasName: string };

const ARN = /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\d{12}):(.+)$/;

/**
 * Classifies what a caller passed as KeyId. Returns undefined for text that is none of the four
 * forms (the caller answers NotFoundException: Invalid keyId ...).
 */
export function parseKeyIdentifier(s: string): KeyIdentifier | undefined {
  if (s.startsWith('alias/')) return { kind: 'aliasName', aliasName: s };
  if (s.startsWith('arn:')) {
    const m = ARN.exec(s);
    if (!m) return undefined;
    const [, , region, accountId, resource] = m as unknown as [string, string, string, string, string];
    if (resource.startsWith('key/')) {
      const keyId = resource.slice(4);
      return isKeyId(keyId) ? { kind: 'keyArn', arn: s, region, accountId, keyId } : undefined;
    }
    if (resource.startsWith('alias/')) return { kind: 'aliasArn', arn: s, region, accountId, aliasName: resource };
    return undefined;
  }
  return isKeyId(s) ? { kind: 'keyId', keyId: s } : undefined;
}
