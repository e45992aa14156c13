/**
 * Last successful cryptographic use of each key, for GetKeyLastUsage. Requests only note a use in
 * memory (no write on the hot path); `flush` writes what changed, one row per key, from a timer
 * and at shutdown. GetKeyLastUsage reads the stored row merged with what is not yet flushed, so
 * it is exact within this process and eventually consistent across processes, as AWS describes.
 */
import type { KeyUsageRecord } from '../../domain/index.js';
import { KeyLastUsageTrackingOperationValues } from '../../model/index.js';
import type { Storage } from '../../storage/types.js';

const TRACKED: ReadonlySet<string> = new Set(KeyLastUsageTrackingOperationValues);

export class KeyUsageTracker {
  private pending = new Map<string, KeyUsageRecord>();

  /** Notes a successful request of `operation` that used `keyArns` (ReEncrypt: both keys). */
  note(operation: string, keyArns: readonly string[], usedAt: Date, eventId: string, requestId: string): void {
    if (!TRACKED.has(operation)) return;
    for (const keyArn of new Set(keyArns)) this.pending.set(keyArn, { keyArn, operation, usedAt, eventId, requestId });
  }

  /** The newest known use of a key: stored, or noted here and not yet flushed. */
  async latest(storage: Storage, keyArn: string): Promise<KeyUsageRecord | undefined> {
    const noted = this.pending.get(keyArn);
    const stored = await storage.getKeyUsage(keyArn);
    if (!noted) return stored;
    return stored && stored.usedAt > noted.usedAt ? stored : noted;
  }

  async flush(storage: Storage): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await storage.recordKeyUsage([...batch.values()]);
    } catch (err) {
      // Keep what failed unless a newer use was noted meanwhile; the next flush retries.
      for (const [arn, usage] of batch) if (!this.pending.has(arn)) this.pending.set(arn, usage);
      throw err;
    }
  }
}
