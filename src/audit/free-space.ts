/**
 * The free-space floor of the audit directory: below `minFreeBytes`, Trent refuses new work rather
 * than fill the disk (the audit fails closed, so a full disk would stop every Decrypt and state
 * change anyway, with nothing telling the operator why). The free space is read with statfs at
 * most once per `maxAgeMs` of the injected clock, one read at a time.
 */
import { statfs } from 'node:fs/promises';

/** Default floor: 64 MiB, so the refusal comes while the rest of the system still has room. */
export const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024;

export type FreeBytes = (dir: string) => Promise<number>;

/** Bytes available to this (unprivileged) process on the file system holding `dir`. */
export const statfsFreeBytes: FreeBytes = async (dir) => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

export interface FreeSpaceFloorOptions {
  dir: string;
  minFreeBytes: number;
  now: () => Date;
  freeBytes?: FreeBytes | undefined;
  maxAgeMs?: number | undefined;
  /** Called with each reading, and when the state changes (for the metrics and the log). */
  onReading?: ((freeBytes: number, below: boolean, changed: boolean) => void) | undefined;
  /** Called when a reading fails; the last known state stands. */
  onError?: ((err: unknown) => void) | undefined;
}

export class FreeSpaceFloor {
  private below = false;
  private checkedAt = -Infinity;
  private reading: Promise<void> | undefined;

  constructor(private readonly opts: FreeSpaceFloorOptions) {}

  /** Whether there is room for new work; false below the floor. */
  async ok(): Promise<boolean> {
    if (!(this.opts.minFreeBytes > 0)) return true;
    if (this.opts.now().getTime() - this.checkedAt >= (this.opts.maxAgeMs ?? 1000)) await this.check();
    return !this.below;
  }

  /** Reads the free space now (at start, and when the cached reading is too old). */
  check(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    try {
      const free = await (this.opts.freeBytes ?? statfsFreeBytes)(this.opts.dir);
      const below = free < this.opts.minFreeBytes;
      const changed = below !== this.below;
      this.below = below;
      this.checkedAt = this.opts.now().getTime();
      this.opts.onReading?.(free, below, changed);
    } catch (err) {
      this.checkedAt = this.opts.now().getTime();
      this.opts.onError?.(err);
    }
  }
}
