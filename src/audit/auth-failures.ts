/**
 * Bounds the audit events of requests that failed authentication, per source IP address: a token
 * bucket lets `burst` events a source through at once and `burst` more per `intervalMs`; the rest
 * are counted, and written as one `AuthenticationFailureSummary` service event per source and
 * window. Authenticated callers are never limited here (they are accountable, and quotas apply).
 * The table of sources is bounded: past `maxSources`, new sources share one entry, reported with
 * the source `OTHER_SOURCES`. Time comes from the caller (the injected clock).
 */
import { randomUUID } from 'node:crypto';
import { EVENT_VERSION, type AuditEvent } from './event.js';

export interface AuthFailureLimits {
  /** Events a source may have recorded at once, and per interval; default 10. */
  burst: number;
  /** Refill period of the bucket and length of a summary window; default 60 s. */
  intervalMs: number;
  /** Sources tracked one by one; default 10,000 (about 2 MB). */
  maxSources: number;
}

export const DEFAULT_AUTH_FAILURE_LIMITS: AuthFailureLimits = { burst: 10, intervalMs: 60_000, maxSources: 10_000 };

/** The source named in the summary of every source that did not fit in the table. */
export const OTHER_SOURCES = 'other';

interface Source {
  tokens: number;
  refilledAt: number;
  suppressed: number;
  errorCodes: Record<string, number>;
  windowStart: number;
}

const eventTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class AuthFailureLimiter {
  private readonly sources = new Map<string, Source>();
  private readonly limits: AuthFailureLimits;

  constructor(limits: Partial<AuthFailureLimits> = {}) {
    this.limits = { ...DEFAULT_AUTH_FAILURE_LIMITS, ...limits };
  }

  /** Sources in the table now (for tests of its bound). */
  get size(): number {
    return this.sources.size;
  }

  /**
   * Whether this failure's own event may be written. Also returns the summary of the source's
   * previous window when that window has ended, for the caller to write.
   */
  admit(sourceIp: string, errorCode: string, now: Date): { record: boolean; summary?: AuditEvent } {
    const t = now.getTime();
    const key = this.sources.has(sourceIp) || this.sources.size < this.limits.maxSources ? sourceIp : OTHER_SOURCES;
    let source = this.sources.get(key);
    if (!source) {
      source = { tokens: this.limits.burst, refilledAt: t, suppressed: 0, errorCodes: {}, windowStart: t };
      this.sources.set(key, source);
    }
    const summary =
      source.suppressed && t - source.windowStart >= this.limits.intervalMs ? this.close(key, t) : undefined;
    this.refill(source, t);
    if (source.tokens >= 1) {
      source.tokens -= 1;
      return { record: true, ...(summary ? { summary } : {}) };
    }
    if (!source.suppressed) source.windowStart = t;
    source.suppressed += 1;
    source.errorCodes[errorCode] = (source.errorCodes[errorCode] ?? 0) + 1;
    return { record: false, ...(summary ? { summary } : {}) };
  }

  /**
   * Summaries of every window that has ended (all windows when `all`, at shutdown), and drops
   * sources whose bucket is full again, so the table holds only recent failures.
   */
  sweep(now: Date, all = false): AuditEvent[] {
    const t = now.getTime();
    const out: AuditEvent[] = [];
    for (const [key, source] of this.sources) {
      if (source.suppressed && (all || t - source.windowStart >= this.limits.intervalMs)) out.push(this.close(key, t));
      this.refill(source, t);
      if (!source.suppressed && source.tokens >= this.limits.burst) this.sources.delete(key);
    }
    return out;
  }

  private refill(source: Source, t: number): void {
    const gained = ((t - source.refilledAt) * this.limits.burst) / this.limits.intervalMs;
    if (gained > 0) source.tokens = Math.min(this.limits.burst, source.tokens + gained);
    source.refilledAt = Math.max(source.refilledAt, t);
  }

  private close(key: string, t: number): AuditEvent {
    const source = this.sources.get(key)!;
    const event = summaryEvent(key, source, t);
    source.suppressed = 0;
    source.errorCodes = {};
    source.windowStart = t;
    return event;
  }
}

/**
 * The summary, shaped as a CloudTrail service event (KMS wrote it, not a caller): no identity (the
 * callers were not authenticated), the source in sourceIPAddress and serviceEventDetails.
 */
function summaryEvent(sourceIp: string, source: Source, end: number): AuditEvent {
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: null,
    eventTime: eventTime(end),
    eventSource: 'kms.amazonaws.com',
    eventName: 'AuthenticationFailureSummary',
    awsRegion: '',
    sourceIPAddress: sourceIp,
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    eventID: randomUUID(),
    readOnly: true,
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: '',
    serviceEventDetails: {
      sourceIPAddress: sourceIp,
      suppressedEvents: source.suppressed,
      errorCodes: { ...source.errorCodes },
      windowStart: eventTime(source.windowStart),
      windowEnd: eventTime(end),
    },
    eventCategory: 'Management',
  };
}
