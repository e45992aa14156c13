/**
 * The storage contract for custom key stores (CreateCustomKeyStore and the rest): one row per key
 * store, unique by name in its account and Region and by CloudHSM cluster over the whole server,
 * written with compare-and-set on CustomKeyStoreRecord.version. Keys name their store by
 * KeyRecord.customKeyStoreId; a store that holds keys (any state, pending deletion included)
 * cannot be deleted.
 */
import type { CustomKeyStoreRecord } from '../domain/types.js';
import type { LimitReached, WriteResult } from './types.js';

export interface CustomKeyStoreStorage {
  /**
   * Inserts a new key store. 'name-in-use' when its account and Region have a store of that name;
   * 'cluster-in-use' when any store (any account or Region) uses its cluster; with `maxPerRegion`,
   * LimitReached when its account and Region hold that many already. Checks and insert are one
   * transaction.
   */
  createCustomKeyStore(
    record: CustomKeyStoreRecord,
    maxPerRegion?: number,
  ): Promise<'ok' | 'name-in-use' | 'cluster-in-use' | LimitReached>;
  getCustomKeyStore(
    region: string,
    accountId: string,
    customKeyStoreId: string,
  ): Promise<CustomKeyStoreRecord | undefined>;
  getCustomKeyStoreByName(region: string, accountId: string, name: string): Promise<CustomKeyStoreRecord | undefined>;
  /**
   * The key stores of an account and Region ordered by customKeyStoreId, at most `limit`, those
   * after `after` (an id) when given.
   */
  listCustomKeyStores(
    region: string,
    accountId: string,
    limit: number,
    after?: string,
  ): Promise<CustomKeyStoreRecord[]>;
  /** Every key store of every account and Region whose connectRequested is true (reconnected at start). */
  customKeyStoresToConnect(): Promise<CustomKeyStoreRecord[]>;
  /**
   * Compare-and-set on `record.version` (the version read; the stored one becomes version + 1).
   * 'name-in-use' and 'cluster-in-use' as createCustomKeyStore, against the other stores.
   */
  updateCustomKeyStore(record: CustomKeyStoreRecord): Promise<WriteResult | 'name-in-use' | 'cluster-in-use'>;
  /** Deletes it (compare-and-set); 'has-keys' while any key names it, and nothing changes. */
  deleteCustomKeyStore(record: CustomKeyStoreRecord): Promise<WriteResult | 'has-keys'>;
  /** How many keys (any state) name this key store. */
  countKeysInCustomKeyStore(customKeyStoreId: string): Promise<number>;
}
