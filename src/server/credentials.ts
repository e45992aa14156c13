/**
 * Access keys: creation (first start, CLI) and the credential lookup SigV4 verification uses.
 * Secrets are stored wrapped under the key store; unwrapped secrets are cached in memory only.
 */
import { randomBytes } from 'node:crypto';
import type { CredentialLookup, CredentialRecord } from '../auth/index.js';
import { wrappingAad } from '../crypto/index.js';
import { accountRootArn, type Principal } from '../domain/index.js';
import type { KeyStore } from '../keystore/index.js';
import type { Storage } from '../storage/index.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** AKIA + 16 base32 characters, like AWS access key ids. */
export function newAccessKeyId(): string {
  const bytes = randomBytes(16);
  let id = 'AKIA';
  for (const b of bytes) id += BASE32[b & 31];
  return id;
}

/** 40 characters of base64 (30 random bytes), like AWS secret access keys. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export interface NewAccessKey {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Creates the account if needed and an access key for its root; returns the secret once. */
export async function createRootAccessKey(
  storage: Storage,
  keyStore: KeyStore,
  accountId: string,
  now: Date,
): Promise<NewAccessKey> {
  if (!(await storage.getAccount(accountId))) await storage.putAccount({ accountId, createdAt: now });
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const wrappedSecret = await keyStore.wrap(
    Buffer.from(secretAccessKey, 'utf8'),
    wrappingAad('access-key-secret', accessKeyId),
  );
  await storage.putAccessKey({
    accessKeyId,
    accountId,
    principalArn: accountRootArn(accountId),
    wrappedSecret,
    status: 'Active',
    createdAt: now,
  });
  return { accountId, accessKeyId, secretAccessKey };
}

/** Looks access keys up in storage, keeping unwrapped secrets in a bounded in-memory cache. */
export function credentialLookup(storage: Storage, keyStore: KeyStore, maxCached = 1000): CredentialLookup {
  const cache = new Map<string, CredentialRecord>();
  return async (accessKeyId) => {
    const hit = cache.get(accessKeyId);
    if (hit) return hit;
    const record = await storage.getAccessKey(accessKeyId);
    if (!record || record.status !== 'Active') return undefined;
    const secret = await keyStore.unwrap(record.wrappedSecret, wrappingAad('access-key-secret', accessKeyId));
    const principal: Principal = {
      accountId: record.accountId,
      arn: record.principalArn,
      accessKeyId,
      type: record.principalArn.endsWith(':root') ? 'Root' : 'IAMUser',
    };
    const entry: CredentialRecord = { secretAccessKey: secret.toString('utf8'), principal };
    secret.fill(0);
    if (cache.size >= maxCached) cache.delete(cache.keys().next().value!);
    cache.set(accessKeyId, entry);
    return entry;
  };
}
