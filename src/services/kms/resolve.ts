/** Turns what a caller passed as KeyId into a key record, with AWS's errors for each form. */
import { aliasArn, keyArn, KmsError, parseKeyIdentifier, type KeyRecord } from '../../domain/index.js';
import { ensureManagedKey, managedKeyServiceOf } from './managed-keys.js';
import type { Caller, KeyRule, Services } from './types.js';

/**
 * The key `identifier` names, as operations see it: a key of a custom key store is presented by
 * the runtime (CustomKeyStores.present: its CloudHsmClusterId, and KeyState Unavailable while the
 * store is not connected), so the key-state table and DescribeKey see what AWS shows. Other keys
 * cost nothing more.
 */
export async function resolveKey(
  identifier: string,
  rule: KeyRule,
  caller: Caller,
  services: Services,
): Promise<KeyRecord> {
  const key = await storedKey(identifier, rule, caller, services);
  return services.customKeyStores.present(key, services.storage);
}

async function storedKey(identifier: string, rule: KeyRule, caller: Caller, services: Services): Promise<KeyRecord> {
  const parsed = parseKeyIdentifier(identifier);
  if (!parsed) throw new KmsError('NotFoundException', `Invalid keyId '${identifier}'`);
  const { storage } = services;

  switch (parsed.kind) {
    case 'keyId': {
      const key = await storage.getKey(caller.region, caller.principal.accountId, parsed.keyId);
      if (!key) throw notFound(keyArn(caller.region, caller.principal.accountId, parsed.keyId));
      return key;
    }
    case 'keyArn': {
      if (parsed.region !== caller.region) throw new KmsError('NotFoundException', `Invalid arn ${parsed.region}`);
      if (parsed.accountId !== caller.principal.accountId && !rule.crossAccount) throw notFound(identifier);
      const key = await storage.getKey(parsed.region, parsed.accountId, parsed.keyId);
      // The ARN is compared whole: region, account and id found the row, the partition must match too.
      if (!key || key.arn !== parsed.arn) throw notFound(identifier);
      return key;
    }
    case 'aliasName':
    case 'aliasArn': {
      if (!rule.aliases) throw new KmsError('NotFoundException', `Invalid keyId '${identifier}'`);
      const region = parsed.kind === 'aliasArn' ? parsed.region : caller.region;
      const accountId = parsed.kind === 'aliasArn' ? parsed.accountId : caller.principal.accountId;
      if (region !== caller.region) throw new KmsError('NotFoundException', `Invalid arn ${region}`);
      if (accountId !== caller.principal.accountId && !rule.crossAccount) {
        throw new KmsError('NotFoundException', `Alias ${aliasArn(region, accountId, parsed.aliasName)} is not found.`);
      }
      const found = await storage.getAlias(region, accountId, parsed.aliasName);
      const otherArn = parsed.kind === 'aliasArn' && parsed.arn !== aliasArn(region, accountId, parsed.aliasName);
      // A predefined alias/aws/... of the caller's own account: its AWS managed key is created on first use.
      const managed =
        !found && !otherArn && accountId === caller.principal.accountId && managedKeyServiceOf(parsed.aliasName);
      if (managed) return ensureManagedKey(managed, region, accountId, services);
      const alias = parsed.kind === 'aliasArn' && found?.aliasArn !== parsed.arn ? undefined : found;
      if (!alias)
        throw new KmsError('NotFoundException', `Alias ${aliasArn(region, accountId, parsed.aliasName)} is not found.`);
      const key = await storage.getKey(region, accountId, alias.targetKeyId);
      if (!key) throw notFound(keyArn(region, accountId, alias.targetKeyId));
      return key;
    }
  }
}

const notFound = (arn: string): KmsError => new KmsError('NotFoundException', `Key '${arn}' does not exist`);

/** The alias name a key identifier names (alias name or alias ARN), for kms:RequestAlias. */
export function aliasNamed(identifier: string): string | undefined {
  if (!identifier.startsWith('alias/') && !identifier.includes(':alias/')) return undefined;
  const parsed = parseKeyIdentifier(identifier);
  return parsed && (parsed.kind === 'aliasName' || parsed.kind === 'aliasArn') ? parsed.aliasName : undefined;
}
