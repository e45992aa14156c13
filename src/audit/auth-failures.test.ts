import { describe, expect, it } from 'vitest';
import { AuthFailureLimiter, OTHER_SOURCES } from './auth-failures.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);

describe('events of failed authentication, per source', () => {
  it('records a burst, counts the rest, and summarises the window once it has ended', () => {
    const limiter = new AuthFailureLimiter({ burst: 3, intervalMs: 60_000 });
    const admitted = Array.from({ length: 10 }, (_, i) =>
      limiter.admit('10.0.0.1', i % 2 ? 'InvalidSignatureException' : 'IncompleteSignatureException', at(i)),
    );
    expect(admitted.map((a) => a.record)).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(admitted.every((a) => a.summary === undefined)).toBe(true);
    // Another source has its own budget.
    expect(limiter.admit('10.0.0.2', 'InvalidSignatureException', at(10)).record).toBe(true);

    expect(limiter.sweep(at(30))).toEqual([]); // the window (from the first suppressed, at 3 s) has not ended
    const [summary, ...rest] = limiter.sweep(at(63));
    expect(rest).toEqual([]);
    expect(summary).toMatchObject({
      eventVersion: '1.11',
      userIdentity: null,
      eventTime: '2026-01-01T00:01:03Z',
      eventSource: 'kms.amazonaws.com',
      eventName: 'AuthenticationFailureSummary',
      sourceIPAddress: '10.0.0.1',
      readOnly: true,
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      eventCategory: 'Management',
      serviceEventDetails: {
        sourceIPAddress: '10.0.0.1',
        suppressedEvents: 7,
        errorCodes: { InvalidSignatureException: 4, IncompleteSignatureException: 3 },
        windowStart: '2026-01-01T00:00:03Z',
        windowEnd: '2026-01-01T00:01:03Z',
      },
    });
    expect(limiter.sweep(at(200))).toEqual([]); // counted once only
  });

  it('refills the bucket over the interval, so a steady source gets burst events per interval', () => {
    const limiter = new AuthFailureLimiter({ burst: 6, intervalMs: 60_000 });
    let recorded = 0;
    let summarised = 0;
    // One failure a second for ten minutes.
    for (let s = 0; s < 600; s++) {
      const { record, summary } = limiter.admit('10.0.0.9', 'InvalidSignatureException', at(s));
      if (record) recorded++;
      if (summary) summarised += summary.serviceEventDetails!.suppressedEvents as number;
    }
    summarised += limiter
      .sweep(at(600), true)
      .reduce((n, e) => n + (e.serviceEventDetails!.suppressedEvents as number), 0);
    expect(recorded).toBeGreaterThanOrEqual(6 + 59);
    expect(recorded).toBeLessThanOrEqual(6 + 60);
    expect(recorded + summarised).toBe(600);
  });

  it('writes, in the event of a new window, the summary of the previous one', () => {
    const limiter = new AuthFailureLimiter({ burst: 1, intervalMs: 60_000 });
    limiter.admit('a', 'X', at(0));
    limiter.admit('a', 'X', at(1));
    const later = limiter.admit('a', 'X', at(70));
    expect(later.record).toBe(true);
    expect(later.summary?.serviceEventDetails).toMatchObject({ suppressedEvents: 1, errorCodes: { X: 1 } });
  });

  it('holds at most maxSources sources; the rest share one entry, and idle sources are dropped', () => {
    const limiter = new AuthFailureLimiter({ burst: 1, intervalMs: 60_000, maxSources: 100 });
    let recorded = 0;
    for (let i = 0; i < 100_000; i++)
      if (limiter.admit(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 'X', at(0)).record) recorded++;
    expect(limiter.size).toBe(101);
    // 100 sources with their own burst, then one for everyone else.
    expect(recorded).toBe(101);
    const summaries = limiter.sweep(at(61));
    expect(summaries.map((e) => e.sourceIPAddress)).toEqual([OTHER_SOURCES]);
    expect(summaries[0]!.serviceEventDetails).toMatchObject({ suppressedEvents: 100_000 - 101 });
    limiter.sweep(at(600));
    expect(limiter.size).toBe(0);
  });

  it('summarises every open window at shutdown', () => {
    const limiter = new AuthFailureLimiter({ burst: 1 });
    limiter.admit('a', 'X', at(0));
    limiter.admit('a', 'X', at(1));
    expect(limiter.sweep(at(2))).toEqual([]);
    expect(limiter.sweep(at(2), true).map((e) => e.serviceEventDetails!.suppressedEvents)).toEqual([1]);
  });
});
