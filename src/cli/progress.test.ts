import { describe, expect, it } from 'vitest';
import {
  createProgress,
  formatBytes,
  formatDuration,
  formatProgress,
  formatProgressDone,
  type ProgressStream,
} from './progress.js';

const MiB = 1024 * 1024;

describe('progress formatting', () => {
  it('writes sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(512 * MiB)).toBe('512.0 MiB');
    expect(formatBytes(1024 * MiB)).toBe('1.0 GiB');
  });

  it('writes durations as seconds, minutes or hours', () => {
    expect(formatDuration(0.4)).toBe('0s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(2 * 3600 + 7 * 60 + 30)).toBe('2h07m');
    expect(formatDuration(-3)).toBe('0s');
  });

  it('shows bytes done, percentage, rate and time left', () => {
    expect(formatProgress({ label: 'encrypting', done: 512 * MiB, total: 1024 * MiB, elapsedMs: 2000 })).toBe(
      'encrypting 512.0 MiB / 1.0 GiB   50%  256.0 MiB/s  2s left',
    );
  });

  it('leaves out what it cannot know yet', () => {
    expect(formatProgress({ label: 'decrypting', done: 0, total: 10 * MiB, elapsedMs: 0 })).toBe(
      'decrypting 0 B / 10.0 MiB    0%',
    );
    // A pipe has no size: bytes and rate only.
    expect(formatProgress({ label: 'encrypting', done: 3 * MiB, total: undefined, elapsedMs: 1000 })).toBe(
      'encrypting 3.0 MiB  3.0 MiB/s',
    );
  });

  it('never claims more than 100% or negative time when a file grew while being read', () => {
    const line = formatProgress({ label: 'encrypting', done: 12 * MiB, total: 10 * MiB, elapsedMs: 1000 });
    expect(line).toBe('encrypting 12.0 MiB / 10.0 MiB  100%  12.0 MiB/s');
  });

  it('sums the work up at the end', () => {
    expect(formatProgressDone({ label: 'encrypting', done: 1024 * MiB, total: 1024 * MiB, elapsedMs: 4000 })).toBe(
      'encrypting 1.0 GiB in 4s (256.0 MiB/s)',
    );
    expect(formatProgressDone({ label: 'encrypting', done: 0, total: 0, elapsedMs: 0 })).toBe('encrypting 0 B in 0s');
  });
});

function terminal(isTTY: boolean): ProgressStream & { out: string } {
  return {
    isTTY,
    out: '',
    write(chunk: string) {
      this.out += chunk;
    },
  };
}

describe('createProgress', () => {
  it('redraws in place at most once per interval on a terminal, then leaves a final line', () => {
    const stream = terminal(true);
    let t = 0;
    const p = createProgress({ label: 'encrypting', total: 4 * MiB, stream, intervalMs: 200, now: () => t });
    for (let i = 1; i <= 40; i++) {
      t = i * 25; // a chunk every 25 ms: 1 s in all
      p.update(i * 0.1 * MiB);
    }
    p.finish(true);
    const draws = stream.out.split('\r\x1b[K').filter((s) => s !== '');
    // 1000 ms at one redraw per 200 ms, plus the final line.
    expect(draws.length).toBe(6);
    expect(draws[0]).toBe('encrypting 102.4 KiB / 4.0 MiB    2%  4.0 MiB/s  1s left');
    expect(draws.at(-1)).toBe('encrypting 4.0 MiB in 1s (4.0 MiB/s)\n');
    expect(stream.out.match(/\n/g)).toHaveLength(1);
  });

  it('ends a drawn line without a summary when the work failed', () => {
    const stream = terminal(true);
    const p = createProgress({ label: 'decrypting', total: 10, stream, now: () => 0 });
    p.update(5);
    p.finish(false);
    expect(stream.out).toBe('\r\x1b[Kdecrypting 5 B / 10 B   50%\n');
  });

  it('writes nothing when the stream is not a terminal, or when disabled (--quiet)', () => {
    for (const [stream, enabled] of [
      [terminal(false), true],
      [terminal(true), false],
    ] as const) {
      const p = createProgress({ label: 'encrypting', total: 10, stream, enabled });
      p.update(5);
      p.finish(true);
      expect(stream.out).toBe('');
    }
  });
});
