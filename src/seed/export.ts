/**
 * Seed export: the seed file (as a plain object, in parse.ts's format) that recreates a data
 * directory's keys, aliases and their settings. Keys pending deletion and AWS managed keys are
 * left out, with their aliases. Material only on request, with its ids, so that ciphertexts made under the exported
 * keys decrypt on a server seeded from the file.
 */
import { wrappingAad } from '../crypto/index.js';
import { partitionOf, type KeyRecord } from '../domain/index.js';
import type { KeyStore } from '../keystore/types.js';
import { defaultKeyPolicy } from '../policy/index.js';
import type { Storage } from '../storage/index.js';
import { materialToText } from './material.js';

export interface ExportOptions {
  includeMaterial: boolean;
}

const PAGE = 1000;
/** Keys in use, and imported keys waiting for their material; not keys pending deletion. */
const EXPORTED_STATES = new Set(['Enabled', 'Disabled', 'PendingImport']);

export async function exportSeed(storage: Storage, keyStore: KeyStore, opts: ExportOptions): Promise<unknown> {
  const accounts = new Map<string, Record<string, unknown>>();
  for (const { accountId, region } of await storage.listKeyScopes()) {
    const keys: KeyRecord[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await storage.listKeys(region, accountId, PAGE, after);
      // AWS managed keys are made by their service on first use, never by a seed file; seed files
      // do not describe multi-Region keys (a primary and its replicas across regions), nor keys
      // of a custom key store (their material never leaves the HSMs).
      keys.push(
        ...page.keys.filter(
          (k) =>
            k.keyManager === 'CUSTOMER' && !k.multiRegion && !k.customKeyStoreId && EXPORTED_STATES.has(k.keyState),
        ),
      );
      if (!page.more) break;
      after = page.keys.at(-1)?.keyId;
    }
    if (keys.length === 0) continue;
    const exportedKeys = [];
    for (const key of keys) exportedKeys.push(await exportKey(storage, keyStore, key, opts));
    const aliases: { AliasName: string; TargetKeyId: string }[] = [];
    let afterAlias: string | undefined;
    for (;;) {
      const page = await storage.listAliases(region, accountId, PAGE, afterAlias);
      for (const a of page.aliases) {
        if (keys.some((k) => k.keyId === a.targetKeyId))
          aliases.push({ AliasName: a.aliasName, TargetKeyId: a.targetKeyId });
      }
      if (!page.more) break;
      afterAlias = page.aliases.at(-1)?.aliasName;
    }
    const regions = (accounts.get(accountId) ?? {}) as Record<string, unknown>;
    regions[region] = { Keys: exportedKeys, ...(aliases.length ? { Aliases: aliases } : {}) };
    accounts.set(accountId, regions);
  }
  return { Accounts: [...accounts].map(([AccountId, Regions]) => ({ AccountId, Regions })) };
}

async function exportKey(
  storage: Storage,
  keyStore: KeyStore,
  key: KeyRecord,
  opts: ExportOptions,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {
    KeyId: key.keyId,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
    Description: key.description,
    Enabled: key.keyState !== 'Disabled',
    ...(key.origin === 'EXTERNAL' ? { Origin: 'EXTERNAL' } : {}),
  };
  if (key.tags.length) out.Tags = key.tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue }));
  if (key.policy !== defaultKeyPolicy(key.accountId, partitionOf(key.region))) out.Policy = key.policy;
  if (key.rotationEnabled) out.KeyRotationEnabled = true;
  if (key.rotationPeriodInDays !== undefined) out.RotationPeriodInDays = key.rotationPeriodInDays;
  if (opts.includeMaterial) {
    const materials = await storage.listKeyMaterials(key.arn);
    const list = [];
    // Imported material deleted or expired leaves an empty row (its id kept): nothing to export.
    for (const m of materials.filter((x) => x.wrapped.length > 0)) {
      const plaintext = await keyStore.unwrap(m.wrapped, wrappingAad('key-material', key.arn, m.materialId));
      list.push({ KeyMaterialId: m.materialId, KeyMaterial: materialToText(key.keySpec, plaintext) });
      plaintext.fill(0);
    }
    if (list.length > 0) out.KeyMaterial = list;
  }
  return out;
}
