/**
 * Access keys: creation of root keys (first start, CLI) and the credential lookup SigV4
 * verification uses, for every kind of credentials Trent issues: root access keys, IAM users'
 * access keys (AKIA...) and STS session credentials (ASIA...). Secrets are stored wrapped under the
 * key store; unwrapped secrets are cached in memory only, in a bounded cache that IAM writes drop
 * (invalidate(), connected to the IdentityResolver's changed() by the composition root).
 */
import { randomBytes } from 'node:crypto';
import { SESSION_SECRET_RECORD, type CredentialLookup, type CredentialRecord } from '../auth/index.js';
import { wrappingAad } from '../crypto/index.js';
import { accountRootArn, tagKey, type AccessKeyRecord, type Principal } from '../domain/index.js';
import type { KeyStore } from '../keystore/index.js';
import { identityPrincipalSource, type CachingIdentityResolver } from '../pipeline/identity.js';
import type { Storage } from '../storage/index.js';
import type { SessionRecord } from '../storage/session-types.js';

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

export { SESSION_SECRET_RECORD };

/**
 * What the lookup needs from IAM (the IAM helper's pipeline/identity.ts provides it). Without it,
 * a user's access key is that user with the facts its ARN gives, and a role session carries its
 * session tags only.
 */
export interface PrincipalSource {
  /** The principal of an IAM user's access key (principalArn a user ARN); undefined if the user is gone. */
  principalForAccessKey(record: AccessKeyRecord): Promise<Principal | undefined>;
  /** The current tags of a user or role (aws:PrincipalTag); undefined if it no longer exists. */
  entityTags(
    accountId: string,
    kind: 'user' | 'role',
    name: string,
  ): Promise<Readonly<Record<string, string>> | undefined>;
}

export interface CredentialLookupOptions {
  /** Entries kept (unwrapped secrets); default 1000. */
  maxCached?: number | undefined;
  identities?: PrincipalSource | undefined;
}

/** A credential lookup whose cache can be dropped, after any IAM write. */
export interface CachingCredentialLookup extends CredentialLookup {
  /** Drops every cached credential: a deactivated or deleted key, or a changed user or role, is read afresh. */
  invalidate(): void;
}

/** Looks credentials up in storage, keeping unwrapped secrets in a bounded in-memory cache. */
export function credentialLookup(
  storage: Storage,
  keyStore: KeyStore,
  options: CredentialLookupOptions = {},
): CachingCredentialLookup {
  const maxCached = options.maxCached ?? 1000;
  const cache = new Map<string, CredentialRecord>();
  /** Bumped by invalidate(): a read that started before it caches nothing. */
  let generation = 0;

  const read = (accessKeyId: string): Promise<CredentialRecord | undefined> =>
    isSessionAccessKeyId(accessKeyId)
      ? sessionCredentials(storage, keyStore, accessKeyId, options.identities)
      : accessKeyCredentials(storage, keyStore, accessKeyId, options.identities);

  const lookup = async (accessKeyId: string): Promise<CredentialRecord | undefined> => {
    const hit = cache.get(accessKeyId);
    if (hit) return hit;
    const started = generation;
    const entry = await read(accessKeyId);
    if (!entry || started !== generation) return entry;
    if (cache.size >= maxCached) cache.delete(cache.keys().next().value!);
    cache.set(accessKeyId, entry);
    return entry;
  };
  return Object.assign(lookup, {
    invalidate() {
      cache.clear();
      generation++;
    },
  });
}

/**
 * The server's lookup: IAM users and roles from storage (pipeline/identity.ts), its cache dropped
 * by every IAM write the resolver hears of (`changed()`).
 */
export function serverCredentialLookup(
  storage: Storage,
  keyStore: KeyStore,
  identity: Pick<CachingIdentityResolver, 'onChanged'>,
  maxCached?: number,
): CachingCredentialLookup {
  const lookup = credentialLookup(storage, keyStore, { identities: identityPrincipalSource(storage), maxCached });
  identity.onChanged(() => lookup.invalidate());
  return lookup;
}

/** STS session credentials' access key ids begin ASIA (IAM User Guide, "Unique identifiers"). */
export const isSessionAccessKeyId = (accessKeyId: string): boolean => accessKeyId.startsWith('ASIA');

async function accessKeyCredentials(
  storage: Storage,
  keyStore: KeyStore,
  accessKeyId: string,
  identities: PrincipalSource | undefined,
): Promise<CredentialRecord | undefined> {
  const record = await storage.getAccessKey(accessKeyId);
  if (!record || record.status !== 'Active') return undefined;
  const principal = record.principalArn.endsWith(':root')
    ? rootPrincipal(record)
    : identities
      ? await identities.principalForAccessKey(record)
      : userPrincipalFromArn(record);
  if (!principal) return undefined;
  const secret = await keyStore.unwrap(record.wrappedSecret, wrappingAad('access-key-secret', accessKeyId));
  const entry: CredentialRecord = { secretAccessKey: secret.toString('utf8'), principal };
  secret.fill(0);
  return entry;
}

function rootPrincipal(record: AccessKeyRecord): Principal {
  return {
    accountId: record.accountId,
    arn: record.principalArn,
    accessKeyId: record.accessKeyId,
    type: 'Root',
    principalId: record.accountId,
  };
}

/** arn:aws:iam::<account>:user<path><name>: the name is what follows the last slash. */
function userPrincipalFromArn(record: AccessKeyRecord): Principal {
  const resource = record.principalArn.split(':').slice(5).join(':');
  return {
    accountId: record.accountId,
    arn: record.principalArn,
    accessKeyId: record.accessKeyId,
    type: 'IAMUser',
    userName: resource.slice(resource.lastIndexOf('/') + 1),
  };
}

async function sessionCredentials(
  storage: Storage,
  keyStore: KeyStore,
  accessKeyId: string,
  identities: PrincipalSource | undefined,
): Promise<CredentialRecord | undefined> {
  const session = await storage.getSession(accessKeyId);
  if (!session) return undefined;
  let entityTags: Readonly<Record<string, string>> | undefined = {};
  if (identities && session.role) {
    entityTags = await identities.entityTags(session.accountId, 'role', session.role.name);
  } else if (identities && session.userName !== undefined) {
    entityTags = await identities.entityTags(session.accountId, 'user', session.userName);
  }
  // The role or user is gone (its sessions are deleted with it; this covers the moment between).
  if (!entityTags) return undefined;
  const secret = await keyStore.unwrap(session.wrappedSecret, wrappingAad(SESSION_SECRET_RECORD, accessKeyId));
  const entry: CredentialRecord = {
    secretAccessKey: secret.toString('utf8'),
    principal: sessionPrincipal(session, entityTags),
    sessionTokenHash: session.tokenHash,
    expiration: session.expiration,
  };
  secret.fill(0);
  return entry;
}

/** The caller a session's credentials authenticate as. */
export function sessionPrincipal(session: SessionRecord, entityTags: Readonly<Record<string, string>> = {}): Principal {
  const principal: Principal = {
    accountId: session.accountId,
    arn: session.principalArn,
    accessKeyId: session.accessKeyId,
    type: session.principalType,
    principalId: session.principalId,
    tags: withSessionTags(entityTags, session.tags),
    session: {
      kind: session.role ? 'AssumeRole' : 'GetSessionToken',
      policies: session.sessionPolicies,
      policyArns: session.policyArns,
      issuedAt: session.issuedAt,
      expiration: session.expiration,
      mfaAuthenticated: session.mfaAuthenticated,
      sourceIdentity: session.sourceIdentity,
      transitiveTagKeys: session.transitiveTagKeys,
    },
  };
  if (session.role) principal.role = { ...session.role };
  if (session.userName !== undefined) principal.userName = session.userName;
  return principal;
}

/**
 * Tags of the role or user with the session's over them: "If the session tag and the role tag
 * have the same key, the session tag value overrides" (IAM User Guide, "Passing session tags in
 * AWS STS"); keys compare without regard to case, as IAM's tag keys do.
 */
function withSessionTags(
  entityTags: Readonly<Record<string, string>>,
  sessionTags: Readonly<Record<string, string>>,
): Record<string, string> {
  const overridden = new Set(Object.keys(sessionTags).map(tagKey));
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(entityTags)) if (!overridden.has(tagKey(k))) tags[k] = v;
  return Object.assign(tags, sessionTags);
}

/**
 * Expired sessions are kept this long, so that their credentials answer ExpiredTokenException (as
 * AWS's do) rather than UnrecognizedClientException, then deleted.
 */
export const EXPIRED_SESSION_RETENTION_MS = 24 * 60 * 60 * 1000;
const SWEEP_BATCH = 500;

/**
 * Deletes the sessions that expired more than EXPIRED_SESSION_RETENTION_MS before `now`, in
 * batches; returns how many. The scheduler calls it (then eraseDeleted, as after key deletions).
 */
export async function sweepExpiredSessions(storage: Storage, now: Date, maxBatches = 20): Promise<number> {
  const before = new Date(now.getTime() - EXPIRED_SESSION_RETENTION_MS);
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await storage.deleteExpiredSessions(before, SWEEP_BATCH);
    total += n;
    if (n < SWEEP_BATCH) break;
  }
  return total;
}
