/**
 * Progress of long CLI work (encrypt, decrypt, and later backup, restore, seed, audit validate):
 * bytes done, rate and time left, redrawn in place on a terminal a few times a second, then one
 * final line. On anything but a terminal it writes nothing, so scripts and pipes stay quiet.
 */

export interface ProgressFacts {
  /** What is being done, e.g. `encrypting`. */
  label: string;
  done: number;
  /** Undefined when the size is unknown (a pipe): then no percentage and no time left. */
  total: number | undefined;
  elapsedMs: number;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> `1.5 KiB`; below 1 KiB, whole bytes. */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** Seconds as `42s`, `3m05s` or `2h07m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Bytes per second so far, or undefined before there is anything to measure. */
function rate(facts: ProgressFacts): number | undefined {
  return facts.elapsedMs > 0 && facts.done > 0 ? (facts.done * 1000) / facts.elapsedMs : undefined;
}

/** `encrypting 512.0 MiB / 1.0 GiB  50%  210.3 MiB/s  2s left` (parts unknown yet are left out). */
export function formatProgress(facts: ProgressFacts): string {
  const perSecond = rate(facts);
  const parts = [
    facts.total === undefined
      ? `${facts.label} ${formatBytes(facts.done)}`
      : `${facts.label} ${formatBytes(facts.done)} / ${formatBytes(facts.total)}`,
  ];
  if (facts.total !== undefined && facts.total > 0) {
    parts.push(`${Math.min(100, Math.floor((facts.done * 100) / facts.total))}%`.padStart(4));
  }
  if (perSecond !== undefined) {
    parts.push(`${formatBytes(perSecond)}/s`);
    if (facts.total !== undefined && facts.total >= facts.done) {
      parts.push(`${formatDuration((facts.total - facts.done) / perSecond)} left`);
    }
  }
  return parts.join('  ');
}

/** `encrypting 1.0 GiB in 4s (210.3 MiB/s)`: the line left on the terminal at the end. */
export function formatProgressDone(facts: ProgressFacts): string {
  const perSecond = rate(facts);
  const took = `${facts.label} ${formatBytes(facts.done)} in ${formatDuration(facts.elapsedMs / 1000)}`;
  return perSecond === undefined ? took : `${took} (${formatBytes(perSecond)}/s)`;
}

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  /** Where to draw; default process.stderr. Nothing is written unless it is a terminal. */
  stream?: ProgressStream;
  /** False turns progress off (`--quiet`). */
  enabled?: boolean;
  /** Shortest time between redraws; default 200 ms (five a second at most). */
  intervalMs?: number;
  /** Milliseconds from some fixed point; default performance.now. */
  now?: () => number;
}

export interface Progress {
  /** The work has reached `done` bytes in all. */
  update(done: number): void;
  /** The work has ended: draw the final line (only if it succeeded) and end it with a newline. */
  finish(succeeded: boolean): void;
}

const ERASE_LINE = '\r\x1b[K';

/** A progress line on stream, if it is a terminal and progress is enabled; otherwise a no-op. */
export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.enabled === false || stream.isTTY !== true) return { update() {}, finish() {} };
  const now = opts.now ?? (() => performance.now());
  const intervalMs = opts.intervalMs ?? 200;
  const started = now();
  let lastDraw = -Infinity;
  let done = 0;
  let drawn = false;
  const facts = (): ProgressFacts => ({ label: opts.label, done, total: opts.total, elapsedMs: now() - started });
  return {
    update(bytes) {
      done = bytes;
      const t = now();
      if (t - lastDraw < intervalMs) return;
      lastDraw = t;
      stream.write(ERASE_LINE + formatProgress(facts()));
      drawn = true;
    },
    finish(succeeded) {
      if (succeeded) stream.write(ERASE_LINE + formatProgressDone(facts()) + '\n');
      else if (drawn) stream.write('\n');
    },
  };
}
