/**
 * The scheduler's timer with fake timers and a stub storage: one run at start, one run at a time,
 * and a tick that finds a run still going is skipped, not queued behind it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../domain/index.js';
import type { Services } from '../services/kms/index.js';
import { startScheduler } from './scheduler.js';

/** Services whose storage counts the runs (each run asks once for keys due for deletion) and can hold one. */
function stubServices() {
  let runs = 0;
  let release: (() => void) | undefined;
  let hold = false;
  const errors: unknown[] = [];
  const services = {
    clock: new ManualClock(),
    logger: { info() {}, warn() {}, error: (o: unknown) => errors.push(o) },
    storage: {
      keysDueForDeletion: async () => {
        runs++;
        if (hold) await new Promise<void>((r) => (release = r));
        return [];
      },
      eraseDeleted: async () => 'done',
      deleteExpiredSessions: async () => 0,
      keysDueForRotation: async () => [],
      expiredKeyMaterials: async () => [],
      deleteExpiredImportParameters: async () => 0,
      keysPendingReplicaDeletion: async () => [],
      keysDueForTransition: async () => [],
      parametersWithPolicies: async () => [],
    },
  } as unknown as Services;
  return {
    services,
    errors,
    runs: () => runs,
    hold: (on: boolean) => (hold = on),
    release: () => release?.(),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startScheduler', () => {
  it('runs once at start, then once per interval', async () => {
    const s = stubServices();
    const scheduler = startScheduler(s.services, 1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.runs()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(s.runs()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.runs()).toBe(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(s.runs()).toBe(5);
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.runs()).toBe(5);
  });

  it('skips ticks while a run is still going instead of queueing them', async () => {
    const s = stubServices();
    s.hold(true);
    const scheduler = startScheduler(s.services, 50);
    await vi.advanceTimersByTimeAsync(50 * 20);
    expect(s.runs()).toBe(1);
    s.hold(false);
    s.release();
    await vi.advanceTimersByTimeAsync(0);
    // Nothing was queued: the next run is the next tick's.
    expect(s.runs()).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(s.runs()).toBe(2);
    await scheduler.stop();
  });

  it('logs a failed run and keeps running', async () => {
    const s = stubServices();
    let calls = 0;
    (s.services.storage as unknown as { keysDueForDeletion: () => Promise<never[]> }).keysDueForDeletion = async () => {
      calls++;
      if (calls === 1) throw new Error('database is locked');
      return [];
    };
    const scheduler = startScheduler(s.services, 100);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(2);
    expect(s.errors).toHaveLength(1);
    await scheduler.stop();
  });

  it('stop waits for the run in progress', async () => {
    const s = stubServices();
    s.hold(true);
    const scheduler = startScheduler(s.services, 50);
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    s.release();
    await stopping;
    expect(stopped).toBe(true);
  });
});
