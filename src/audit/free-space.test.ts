import { describe, expect, it } from 'vitest';
import { FreeSpaceFloor, statfsFreeBytes } from './free-space.js';

describe('the free-space floor of the audit directory', () => {
  it('reads at most once per maxAgeMs of the injected clock, one read at a time', async () => {
    let now = 0;
    let free = 1000;
    let reads = 0;
    const readings: [number, boolean, boolean][] = [];
    const floor = new FreeSpaceFloor({
      dir: '/unused',
      minFreeBytes: 500,
      now: () => new Date(now),
      maxAgeMs: 1000,
      freeBytes: async () => {
        reads++;
        return free;
      },
      onReading: (f, below, changed) => readings.push([f, below, changed]),
    });
    expect(await Promise.all([floor.ok(), floor.ok(), floor.ok()])).toEqual([true, true, true]);
    expect(reads).toBe(1);
    free = 100;
    now = 999;
    expect(await floor.ok()).toBe(true); // the reading is still fresh
    now = 1000;
    expect(await floor.ok()).toBe(false);
    free = 600;
    now = 2500;
    expect(await floor.ok()).toBe(true);
    expect(reads).toBe(3);
    expect(readings).toEqual([
      [1000, false, false],
      [100, true, true],
      [600, false, true],
    ]);
  });

  it('keeps the last state when a reading fails, and is off at 0', async () => {
    let fail = false;
    const errors: unknown[] = [];
    const floor = new FreeSpaceFloor({
      dir: '/unused',
      minFreeBytes: 500,
      now: () => new Date(),
      maxAgeMs: 0,
      freeBytes: async () => {
        if (fail) throw new Error('EIO');
        return 1;
      },
      onError: (err) => errors.push(err),
    });
    expect(await floor.ok()).toBe(false);
    fail = true;
    expect(await floor.ok()).toBe(false);
    expect(errors).toHaveLength(1);
    const off = new FreeSpaceFloor({
      dir: '/unused',
      minFreeBytes: 0,
      now: () => new Date(),
      freeBytes: async () => 0,
    });
    expect(await off.ok()).toBe(true);
  });

  it('reads the real free space with statfs', async () => {
    expect(await statfsFreeBytes(process.cwd())).toBeGreaterThan(0);
  });
});
