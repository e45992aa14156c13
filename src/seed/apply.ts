/**
 * Applies a validated seed (parse.ts): creates what the file names and storage does not hold yet,
 * in one storage transaction. What exists already is left as it is (a restart with the same file
 * changes nothing, and changes made through the API since survive), unless it contradicts the file
 * (another KeySpec, KeyUsage or material, another secret): then nothing at all is written.
 */
import { constantTimeEqual, importedMaterialId, wrappingAad } from '../crypto/index.js';
import {
  accountRootArn,
  aliasArn,
  DAY_MS,
  keyArn,
  partitionOf,
  type AccessKeyRecord,
  type KeyMaterialRecord,
  type KeyRecord,
} from '../domain/index.js';
import type { Services } from '../services/kms/index.js';
import { defaultKeyPolicy } from '../policy/index.js';
import type { SeedWrite } from '../storage/index.js';
import { seededMaterialId } from './material.js';
import { SeedError, type Seed, type SeedKey, type SeedMaterial } from './parse.js';

/** Seeded imported material does not expire: a file carries no ValidTo. */
const NO_EXPIRY = 'KEY_MATERIAL_DOES_NOT_EXPIRE';

export interface SeedResult {
  accounts: number;
  accessKeys: number;
  keys: number;
  aliases: number;
}

export async function applySeed(services: Services, seed: Seed): Promise<SeedResult> {
  const { storage, keyStore } = services;
  const now = services.clock.now();
  const problems: string[] = [];
  const write: SeedWrite = { accounts: [], accessKeys: [], keys: [], aliases: [] };
  for (const account of seed.accounts) {
    if (!(await storage.getAccount(account.accountId))) {
      write.accounts.push({ accountId: account.accountId, createdAt: now });
    }
    for (const { accessKeyId, secretAccessKey } of account.accessKeys) {
      const aad = wrappingAad('access-key-secret', accessKeyId);
      const existing = await storage.getAccessKey(accessKeyId);
      if (existing) {
        const secret = await keyStore.unwrap(existing.wrappedSecret, aad);
        const same =
          existing.accountId === account.accountId && constantTimeEqual(secret, Buffer.from(secretAccessKey));
        secret.fill(0);
        if (!same) problems.push(`access key ${accessKeyId} exists with another account or secret`);
        continue;
      }
      const record: AccessKeyRecord = {
        accessKeyId,
        accountId: account.accountId,
        principalArn: accountRootArn(account.accountId),
        wrappedSecret: await keyStore.wrap(Buffer.from(secretAccessKey, 'utf8'), aad),
        status: 'Active',
        createdAt: now,
      };
      write.accessKeys.push(record);
    }
  }
  for (const key of seed.keys) {
    const existing = await storage.getKey(key.region, key.accountId, key.keyId);
    if (existing) {
      const conflict = await conflictOf(services, existing, key);
      if (conflict) problems.push(`${key.where}: key ${existing.arn} exists with ${conflict}`);
      continue;
    }
    write.keys.push(await newKey(services, key, now));
  }
  for (const alias of seed.aliases) {
    if (await storage.getAlias(alias.region, alias.accountId, alias.aliasName)) continue;
    write.aliases.push({
      accountId: alias.accountId,
      region: alias.region,
      aliasName: alias.aliasName,
      aliasArn: aliasArn(alias.region, alias.accountId, alias.aliasName),
      targetKeyId: alias.targetKeyId,
      creationDate: now,
      lastUpdatedDate: now,
    });
  }
  if (problems.length > 0) throw new SeedError(seed.path, problems);
  await storage.applySeed(write);
  return {
    accounts: write.accounts.length,
    accessKeys: write.accessKeys.length,
    keys: write.keys.length,
    aliases: write.aliases.length,
  };
}

/** What of a stored key contradicts the file, or undefined. */
async function conflictOf(services: Services, existing: KeyRecord, key: SeedKey): Promise<string | undefined> {
  if (existing.keySpec !== key.keySpec) return `KeySpec ${existing.keySpec}, not ${key.keySpec}`;
  if (existing.keyUsage !== key.keyUsage) return `KeyUsage ${existing.keyUsage}, not ${key.keyUsage}`;
  if (!key.materials) return undefined;
  // Seeded material ids are derived from the material, so comparing ids compares materials.
  // Materials a rotation added since may follow.
  const stored = await services.storage.listKeyMaterials(existing.arn);
  const same = key.materials.every((m, i) => stored[i]?.materialId === materialIdOf(key, existing.arn, i, m));
  return same ? undefined : 'other key material than the file gives';
}

/**
 * The id of a seeded material: the file's, else derived: as ImportKeyMaterial derives it for an
 * imported key (so importing the same material later finds it), from the file's position otherwise.
 */
function materialIdOf(key: SeedKey, arn: string, index: number, m: SeedMaterial): string {
  if (m.materialId) return m.materialId;
  return key.origin === 'EXTERNAL'
    ? importedMaterialId(key.keyId, m.material)
    : seededMaterialId(arn, index, m.material);
}

async function newKey(
  services: Services,
  key: SeedKey,
  now: Date,
): Promise<{ key: KeyRecord; materials: KeyMaterialRecord[] }> {
  const arn = keyArn(key.region, key.accountId, key.keyId);
  const external = key.origin === 'EXTERNAL';
  let materials: KeyMaterialRecord[];
  if (key.materials) {
    materials = await Promise.all(
      key.materials.map(async (m, i) => {
        const wrapped = await services.materials.wrap(
          arn,
          materialIdOf(key, arn, i, m),
          m.material,
          now,
          i > 0 ? 'ON_DEMAND' : undefined,
        );
        return external ? { ...wrapped, expirationModel: NO_EXPIRY } : wrapped;
      }),
    );
  } else {
    // An imported key without material waits for its import.
    materials = external ? [] : [await services.materials.create(arn, key.keySpec, now)];
  }
  const pendingImport = materials.length === 0;
  const record: KeyRecord = {
    arn,
    keyId: key.keyId,
    accountId: key.accountId,
    region: key.region,
    description: key.description,
    keySpec: key.keySpec,
    keyUsage: key.keyUsage,
    origin: key.origin,
    keyManager: 'CUSTOMER',
    keyState: pendingImport ? 'PendingImport' : key.enabled ? 'Enabled' : 'Disabled',
    creationDate: now,
    policy: key.policy ?? defaultKeyPolicy(key.accountId, partitionOf(key.region)),
    tags: key.tags,
    rotationEnabled: key.rotationEnabled,
    ...(key.rotationPeriodInDays !== undefined ? { rotationPeriodInDays: key.rotationPeriodInDays } : {}),
    ...(key.rotationEnabled && key.rotationPeriodInDays !== undefined
      ? { nextRotationDate: new Date(now.getTime() + key.rotationPeriodInDays * DAY_MS) }
      : {}),
    currentMaterialId: materials.at(-1)?.materialId ?? '',
    ...(external && !pendingImport ? { expirationModel: NO_EXPIRY } : {}),
    multiRegion: false,
    version: 0,
  };
  return { key: record, materials };
}
