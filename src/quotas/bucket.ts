/**
 * Admission against a request quota: one token bucket per (account, Region, quota), in this
 * process. A bucket holds at most one second's worth of requests (the quota's value, and at least
 * one), starts full and refills continuously at the quota's rate, so a caller below the quota is
 * never refused, a burst of up to one second's worth passes at once (AWS allows bursts: "AWS KMS
 * throttles all subsequent DescribeKey requests in that second" once a second's quota is used),
 * and a sustained rate above the quota is held to it.
 *
 * `RequestAdmission` is the seam for processes sharing one PostgreSQL database (README, "Request
 * quotas"): admission stays a synchronous, in-memory decision on the request's path, and a shared
 * implementation refills its local buckets from the database in the background instead of from
 * the clock alone.
 */

export interface QuotaKey {
  accountId: string;
  region: string;
  quota: string;
}

export interface RequestAdmission {
  /** Whether one more request of `key` may go on at `nowMs`, with the quota at `rate` per second. */
  admit(key: QuotaKey, rate: number, nowMs: number): boolean;
}

/** A bucket's capacity: one second's worth, and at least one request (for quotas below 1/s). */
export const burstOf = (rate: number): number => Math.max(1, rate);

/** A tolerance for the float sums of refills (0.1 × 10 s must give one whole request). */
const EPSILON = 1e-9;

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly rate: number,
    nowMs: number,
  ) {
    this.tokens = burstOf(rate);
    this.at = nowMs;
  }

  /** Takes one request's token, if there is one. */
  take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1 - EPSILON) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /** Full again: the same as a new bucket, so it can be forgotten. */
  full(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= burstOf(this.rate) - EPSILON;
  }

  private refill(nowMs: number): void {
    // A clock set back (a test's manual clock) refills nothing and restarts from the new time.
    if (nowMs > this.at)
      this.tokens = Math.min(burstOf(this.rate), this.tokens + ((nowMs - this.at) / 1000) * this.rate);
    this.at = nowMs;
  }
}

/** Buckets beyond which full ones are forgotten (a full bucket is the same as none). */
const SWEEP_AT = 10_000;

/** Every bucket in this process's memory: right for one process, or for each process alone. */
export class InProcessAdmission implements RequestAdmission {
  private readonly buckets = new Map<string, TokenBucket>();

  admit(key: QuotaKey, rate: number, nowMs: number): boolean {
    const id = `${key.accountId}/${key.region}/${key.quota}`;
    let bucket = this.buckets.get(id);
    if (!bucket || bucket.rate !== rate) {
      if (this.buckets.size >= SWEEP_AT) this.sweep(nowMs);
      bucket = new TokenBucket(rate, nowMs);
      this.buckets.set(id, bucket);
    }
    return bucket.take(nowMs);
  }

  /** Buckets held now (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(nowMs: number): void {
    for (const [id, bucket] of this.buckets) if (bucket.full(nowMs)) this.buckets.delete(id);
  }
}
