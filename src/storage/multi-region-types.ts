/**
 * The storage contract for multi-Region keys: a primary key and its replicas are rows of `keys`
 * in several regions of one account with the same key id (mrk-...), each with its own copies of
 * the shared key material, wrapped for its own ARN. These methods read a set of related keys and
 * write several of them in one transaction, so shared properties never drift apart.
 */
import type { KeyMaterialRecord, KeyRecord } from '../domain/types.js';
import type { LimitReached, WriteResult } from './types.js';

/** One key of a multi-key write: the record to store (compare-and-set) and a material to add. */
export interface RelatedKeyWrite {
  key: KeyRecord;
  /** Added as the key's newest material (its current one when key.currentMaterialId names it). */
  material?: KeyMaterialRecord | undefined;
}

export interface MultiRegionStorage {
  /** Every multi-Region key of the account with this key id, in any region, ordered by region. */
  relatedKeys(accountId: string, keyId: string): Promise<KeyRecord[]>;
  /**
   * Inserts a replica key with its materials (oldest first; copies of the primary's for the
   * replica's ARN, or empty placeholders of imported material not imported yet), one of which is
   * key.currentMaterialId, and writes `primary` (compare-and-set on the version its materials were
   * read at), so a rotation of the primary meanwhile makes one of the two writes retry with the
   * fresh set of keys. 'exists' when the key id is taken in the replica's region; 'conflict' or
   * 'not-found' for the primary; with `maxKeys`, LimitReached as createKey answers it. Nothing is
   * written unless 'ok'.
   */
  createReplicaKey(
    key: KeyRecord,
    materials: readonly KeyMaterialRecord[],
    primary: KeyRecord,
    maxKeys?: number,
  ): Promise<'ok' | 'exists' | 'conflict' | 'not-found' | LimitReached>;
  /**
   * Writes every key (compare-and-set on each version, like updateKey) and adds each material
   * given, in one transaction: all or nothing. 'conflict' or 'not-found' names the first key that
   * could not be written.
   */
  updateRelatedKeys(writes: readonly RelatedKeyWrite[]): Promise<WriteResult>;
  /** Keys whose transient state (Creating, Updating) ends at or before `now`, soonest first. */
  keysDueForTransition(now: Date, limit: number): Promise<KeyRecord[]>;
  /** Primary keys waiting in PendingReplicaDeletion for their replicas to be deleted. */
  keysPendingReplicaDeletion(limit: number): Promise<KeyRecord[]>;
}
