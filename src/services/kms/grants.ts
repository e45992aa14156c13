/**
 * Grants in KMS authorization and the grant operations' shared helpers: which names a caller has
 * for grantee and retiring principals, the grants of a key (cached per key, dropped when a grant of
 * the key is created, retired or revoked here), and grant tokens, which name a grant so that it
 * counts at once ("Using a grant token"): a token's grant is read from storage, past the cache.
 */
import { KmsError, type KeyRecord, type Principal } from '../../domain/index.js';
import { decodeGrantToken, type GrantRecord } from '../../domain/grants.js';
import {
  grantAllows,
  grantKeyKind,
  grantOperationOf,
  grantsAllowing,
  mayRetire,
  type GrantRequest,
} from '../../policy/grants.js';
import type { GrantListEntry } from '../../model/index.js';
import type { Storage } from '../../storage/types.js';
import type { Caller, Services } from './types.js';

/**
 * The names a grant's grantee or retiring principal may give this caller: its own ARN, and for a
 * role session also the role's ARN (a grant to a role allows each of its sessions).
 */
export function principalArnsOf(principal: Principal): string[] {
  return principal.role ? [principal.arn, principal.role.arn] : [principal.arn];
}

/** AWS answers a grant token it cannot read with InvalidGrantTokenException. */
export const invalidGrantToken = (): KmsError => new KmsError('InvalidGrantTokenException', 'Invalid grant token');

/** The grant ids the tokens name on `keyArn`; a token that is not one Trent issued is refused. */
export function grantIdsOfTokens(tokens: readonly string[], keyArn: string): string[] {
  const ids: string[] = [];
  for (const token of tokens) {
    const named = decodeGrantToken(token);
    if (!named) throw invalidGrantToken();
    if (named.keyArn === keyArn && !ids.includes(named.grantId)) ids.push(named.grantId);
  }
  return ids;
}

/** Throws InvalidGrantTokenException unless every token is one Trent issued. */
export function checkGrantTokens(tokens: readonly string[] | undefined): void {
  for (const token of tokens ?? []) if (!decodeGrantToken(token)) throw invalidGrantToken();
}

// The per-key cache

/**
 * How long a key's grants are reused without reading storage. Writes through this process drop
 * the entry at once; the bound covers writes by other processes sharing the database (AWS itself
 * is eventually consistent here, "usually less than five minutes").
 */
const CACHE_TTL_MS = 5_000;
const CACHE_MAX_KEYS = 2_000;

interface CacheEntry {
  grants: readonly GrantRecord[];
  at: number;
}

interface GrantCache {
  entries: Map<string, CacheEntry>;
  /** Per key, bumped by each invalidation: a read that started before one caches nothing. */
  generations: Map<string, number>;
}

/** One cache per storage object, so each server (and each test) has its own. */
const caches = new WeakMap<Storage, GrantCache>();

function cacheOf(storage: Storage): GrantCache {
  let cache = caches.get(storage);
  if (!cache) {
    cache = { entries: new Map(), generations: new Map() };
    caches.set(storage, cache);
  }
  return cache;
}

/** The key's grants, from the cache when fresh. */
export async function grantsOfKey(services: Services, keyArn: string): Promise<readonly GrantRecord[]> {
  const cache = cacheOf(services.storage);
  const now = performance.now();
  const hit = cache.entries.get(keyArn);
  if (hit && now - hit.at < CACHE_TTL_MS) return hit.grants;
  const generation = cache.generations.get(keyArn) ?? 0;
  const grants = Object.freeze(await services.storage.grantsForKey(keyArn));
  if ((cache.generations.get(keyArn) ?? 0) === generation) {
    cache.entries.delete(keyArn);
    if (cache.entries.size >= CACHE_MAX_KEYS) cache.entries.delete(cache.entries.keys().next().value!);
    cache.entries.set(keyArn, { grants, at: now });
  }
  return grants;
}

/** Drops the cached grants of a key (after CreateGrant, RetireGrant, RevokeGrant). */
export function grantsChanged(services: Services, keyArn: string): void {
  const cache = cacheOf(services.storage);
  cache.entries.delete(keyArn);
  cache.generations.set(keyArn, (cache.generations.get(keyArn) ?? 0) + 1);
}

/** Drops every cached grant of the storage (call after Storage.resetAll). */
export function forgetGrants(storage: Storage): void {
  const cache = caches.get(storage);
  if (!cache) return;
  cache.entries.clear();
  for (const key of cache.generations.keys()) cache.generations.set(key, (cache.generations.get(key) ?? 0) + 1);
}

// Authorization

/** The grants of the key a request may use: the key's, and those its grant tokens name. */
async function candidateGrants(
  services: Services,
  key: KeyRecord,
  grantTokens: readonly string[],
): Promise<readonly GrantRecord[]> {
  const tokenIds = grantIdsOfTokens(grantTokens, key.arn);
  const known = await grantsOfKey(services, key.arn);
  const missing = tokenIds.filter((id) => !known.some((g) => g.grantId === id));
  if (missing.length === 0) return known;
  const fresh = await Promise.all(missing.map((id) => services.storage.getGrant(key.arn, id)));
  return [...known, ...fresh.filter((g): g is GrantRecord => g !== undefined)];
}

/** Grants that allowed CreateGrant for a request (CreateGrant then checks its grant is narrower). */
const createGrantAllowedBy = new WeakMap<Caller, { keyArn: string; grants: readonly GrantRecord[] }>();

function requestFor(
  key: KeyRecord,
  caller: Caller,
  action: string,
  encryptionContext?: Record<string, string>,
): GrantRequest {
  return {
    operation: grantOperationOf(action) ?? '',
    principalArns: principalArnsOf(caller.principal),
    encryptionContext,
    keyKind: grantKeyKind(key),
  };
}

/**
 * The grant that allows `caller` to perform `action` on `key` under `encryptionContext`, if any
 * (the pipeline asks after the policies implicitly denied). `grantTokens` name grants that count
 * even if the cache has not seen them yet; a token Trent did not issue is InvalidGrantTokenException.
 */
export async function grantsAllow(
  services: Services,
  key: KeyRecord,
  caller: Caller,
  action: string,
  encryptionContext: Record<string, string> | undefined,
  grantTokens: readonly string[],
): Promise<GrantRecord | undefined> {
  const operation = grantOperationOf(action);
  if (!operation) {
    checkGrantTokens(grantTokens);
    return undefined;
  }
  if (operation === 'RetireGrant') {
    checkGrantTokens(grantTokens);
    return retirableBy(services, key, caller);
  }
  const grants = await candidateGrants(services, key, grantTokens);
  const request = requestFor(key, caller, action, encryptionContext);
  if (operation === 'CreateGrant') {
    const allowing = grantsAllowing(grants, request);
    if (allowing.length > 0) createGrantAllowedBy.set(caller, { keyArn: key.arn, grants: allowing });
    return allowing[0];
  }
  return grantAllows(grants, request);
}

/** The grant a RetireGrant request names, noted while its key is found (before authorization). */
const retireTargets = new WeakMap<Caller, { keyArn: string; grantId: string }>();

/** RetireGrant names the grant it retires before the pipeline authorizes kms:RetireGrant. */
export function noteRetireTarget(caller: Caller, keyArn: string, grantId: string): void {
  retireTargets.set(caller, { keyArn, grantId });
}

/**
 * "The grant determines who can retire it": kms:RetireGrant on a key is allowed by the grant
 * being retired, read from storage (a grant just created counts), when the caller is its
 * retiring principal, its grantee and it includes RetireGrant, or the root of the account that
 * issued it.
 */
async function retirableBy(services: Services, key: KeyRecord, caller: Caller): Promise<GrantRecord | undefined> {
  const target = retireTargets.get(caller);
  if (target?.keyArn !== key.arn) return undefined;
  const grant = await services.storage.getGrant(key.arn, target.grantId);
  // A grant already retired or revoked: what the retiring principal is told, as the key owner is.
  if (!grant) throw grantNotFound(target.grantId, key.arn);
  return mayRetire(grant, { principalArns: principalArnsOf(caller.principal) }) ? grant : undefined;
}

/**
 * When grants (not a policy) allowed this request's kms:CreateGrant on `keyArn`: those grants, of
 * which the new grant must be equal to or narrower than one. Undefined when a policy allowed it.
 */
export function createGrantParents(caller: Caller, keyArn: string): readonly GrantRecord[] | undefined {
  const allowed = createGrantAllowedBy.get(caller);
  return allowed?.keyArn === keyArn ? allowed.grants : undefined;
}

// What the grant operations share

/** A grant as ListGrants and ListRetirableGrants show it (GrantListEntry). */
export function grantListEntry(grant: GrantRecord): GrantListEntry {
  const c = grant.constraints;
  const constraints =
    c &&
    (c.encryptionContextEquals !== undefined || c.encryptionContextSubset !== undefined || c.sourceArn !== undefined)
      ? {
          ...(c.encryptionContextSubset !== undefined
            ? { EncryptionContextSubset: { ...c.encryptionContextSubset } }
            : {}),
          ...(c.encryptionContextEquals !== undefined
            ? { EncryptionContextEquals: { ...c.encryptionContextEquals } }
            : {}),
          ...(c.sourceArn !== undefined ? { SourceArn: c.sourceArn } : {}),
        }
      : undefined;
  return {
    KeyId: grant.keyArn,
    GrantId: grant.grantId,
    ...(grant.name !== undefined ? { Name: grant.name } : {}),
    CreationDate: grant.creationDate,
    ...(grant.granteePrincipal !== undefined ? { GranteePrincipal: grant.granteePrincipal } : {}),
    ...(grant.retiringPrincipal !== undefined ? { RetiringPrincipal: grant.retiringPrincipal } : {}),
    IssuingAccount: grant.issuingAccount,
    Operations: [...grant.operations],
    ...(constraints ? { Constraints: constraints } : {}),
    ...(grant.granteeServicePrincipal !== undefined ? { GranteeServicePrincipal: grant.granteeServicePrincipal } : {}),
    ...(grant.retiringServicePrincipal !== undefined
      ? { RetiringServicePrincipal: grant.retiringServicePrincipal }
      : {}),
  };
}

/** Pages of ListGrants and ListRetirableGrants: AWS documents 1 to 100, default 50. */
export const GRANT_LIST_DEFAULT = 50;
export const GRANT_LIST_MAX = 100;

/**
 * Principals a grant may name (CreateGrant GranteePrincipal, RetiringPrincipal): an account root,
 * IAM user or role, an assumed-role session or a federated user, by ARN, or an AWS service
 * principal (`logs.amazonaws.com`).
 */
const PRINCIPAL_ARN =
  /^arn:aws[a-z-]*:(iam::\d{12}:(root|user\/.+|role\/.+)|sts::\d{12}:(assumed-role\/[^/]+\/.+|federated-user\/.+))$/;
const SERVICE_PRINCIPAL = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

export function checkPrincipal(member: string, principal: string | undefined): void {
  if (principal === undefined || PRINCIPAL_ARN.test(principal)) return;
  if (!principal.startsWith('arn:') && SERVICE_PRINCIPAL.test(principal)) return;
  throw new KmsError('InvalidArnException', `${member} ${principal} is not a valid principal.`);
}

/** A grant id is 64 hexadecimal characters (GrantId example in RetireGrant). */
export function checkGrantId(grantId: string): void {
  if (!/^[0-9a-f]{64}$/.test(grantId)) throw new KmsError('InvalidGrantIdException', 'Invalid grant ID');
}

export const grantNotFound = (grantId: string, keyArn: string): KmsError =>
  new KmsError('NotFoundException', `Grant ID ${grantId} not found for key ${keyArn}`);
