/**
 * The storage contract for KMS grants. A grant belongs to one key and goes when the key goes
 * (deleteKey, resetAll). Creating one counts the key's grants and the grantee's grants on the key
 * in the same transaction as the insert, so concurrent creates cannot together pass a quota.
 */
import type { GrantRecord } from '../domain/grants.js';
import type { Page } from './types.js';

export interface GrantLimits {
  /** Grants per KMS key (AWS: 50,000). */
  perKey: number;
  /** Grants for a given principal per KMS key (AWS: 500). */
  perGrantee: number;
}

export type CreateGrantResult =
  /** The grant was inserted. */
  | { readonly result: 'created'; readonly grant: GrantRecord }
  /** A grant of the key with the same name and parameters exists; nothing was written. */
  | { readonly result: 'existing'; readonly grant: GrantRecord }
  /** A quota is reached: `usage` grants of the key (or of the grantee on the key) exist. */
  | { readonly result: 'limit'; readonly limit: keyof GrantLimits; readonly usage: number };

export interface GrantFilter {
  grantId?: string | undefined;
  granteePrincipal?: string | undefined;
  granteeServicePrincipal?: string | undefined;
}

export interface RetirableGrantsQuery {
  /** The region of the keys (ListRetirableGrants lists one region, keys of any account). */
  region: string;
  /** Exactly one of these. */
  retiringPrincipal?: string | undefined;
  retiringServicePrincipal?: string | undefined;
}

export interface GrantStorage {
  /**
   * Inserts `grant` (its key must exist, otherwise this rejects). When `grant.name` is set and a
   * grant of the same key has that name and the same parameters (domain sameGrantParameters),
   * nothing is written and that grant is returned ('existing'). Otherwise the quotas are checked:
   * the key's grants, then the grantee's grants on the key.
   */
  createGrant(grant: GrantRecord, limits: GrantLimits): Promise<CreateGrantResult>;
  getGrant(keyArn: string, grantId: string): Promise<GrantRecord | undefined>;
  /**
   * The key's grants in the order they were created, optionally only those matching every given
   * filter. `after` is a `next` of an earlier page; a page holds at most `limit` grants.
   */
  listGrants(keyArn: string, limit: number, after?: string, filter?: GrantFilter): Promise<Page<GrantRecord>>;
  /** Grants of any account's keys in the region whose retiring principal is the one asked for, in creation order. */
  listRetirableGrants(query: RetirableGrantsQuery, limit: number, after?: string): Promise<Page<GrantRecord>>;
  /** Deletes one grant of the key (RetireGrant, RevokeGrant). */
  deleteGrant(keyArn: string, grantId: string): Promise<'ok' | 'not-found'>;
  /** Every grant of the key, in creation order (authorization reads this; callers may cache it). */
  grantsForKey(keyArn: string): Promise<GrantRecord[]>;
}
