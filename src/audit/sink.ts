/**
 * The durable audit log: events appended as JSON lines to one file per hour under the audit
 * directory, with group commit. `record(event, durable)` resolves after the event is written and,
 * when durable, fsynced — many concurrent requests share one fsync. When a new hour's file is
 * opened, files past the retention period are deleted (retention.ts).
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEvent } from './event.js';
import { DEFAULT_RETENTION_DAYS, pruneAuditFiles } from './retention.js';

export interface AuditSink {
  record(event: AuditEvent, durable: boolean): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  line: string;
  durable: boolean;
  done: (err?: unknown) => void;
}

const hourOf = (d: Date): string => d.toISOString().slice(0, 13).replace(/[-T]/g, '');

export interface FileAuditSinkOptions {
  /** Days an hourly file is kept; 0 keeps them all. Default 90. */
  retentionDays?: number | undefined;
  /** Told of the files retention deleted, or of a failure to delete them. */
  onPruned?: ((files: string[]) => void) | undefined;
  onPruneError?: ((err: unknown) => void) | undefined;
  /** How a file is opened; tests replace it to watch the FileHandle. */
  openFile?: ((path: string, flags: string, mode: number) => Promise<FileHandle>) | undefined;
}

export class FileAuditSink implements AuditSink {
  private queue: Pending[] = [];
  /** Events recorded, and of those written or failed: batches go in order, so both only grow. */
  private recorded = 0;
  private settled = 0;
  /** `written()` calls waiting for `settled` to reach the count they were made at. */
  private readonly waiters: { upTo: number; resolve: () => void }[] = [];
  private flushing: Promise<void> | undefined;
  private file: { hour: string; handle: FileHandle } | undefined;
  private closed = false;
  private pruning: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly now: () => Date = () => new Date(),
    private readonly options: FileAuditSinkOptions = {},
  ) {}

  record(event: AuditEvent, durable: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new Error('audit log is closed'));
    this.recorded++;
    return new Promise((resolve, reject) => {
      this.queue.push({ line: JSON.stringify(event) + '\n', durable, done: (err) => (err ? reject(err) : resolve()) });
      this.flushing ??= this.flush();
    });
  }

  /**
   * Resolves once every event recorded before the call is in its file (written, not necessarily
   * fsynced) or failed to be: what a reader of the files (LookupEvents, audit/lookup.ts) waits for.
   */
  written(): Promise<void> {
    if (this.settled >= this.recorded) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo: this.recorded, resolve }));
  }

  /** Events recorded and not yet written (and, when durable, fsynced): for /metrics. */
  get queueDepth(): number {
    return this.recorded - this.settled;
  }

  private async flush(): Promise<void> {
    // Let the requests finishing in this turn of the event loop join the batch.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      try {
        const handle = await this.handleFor(this.now());
        await handle.appendFile(batch.map((p) => p.line).join(''));
        if (batch.some((p) => p.durable)) await handle.datasync();
        for (const p of batch) p.done();
      } catch (err) {
        for (const p of batch) p.done(err);
      }
      this.settled += batch.length;
      // Waiters came in the order of their counts: the first not yet reached stops the rest.
      while (this.waiters.length && this.waiters[0]!.upTo <= this.settled) this.waiters.shift()!.resolve();
    }
    this.flushing = undefined;
  }

  private async handleFor(now: Date): Promise<FileHandle> {
    const hour = hourOf(now);
    if (this.file?.hour === hour) return this.file.handle;
    await this.file?.handle.close();
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const handle = await (this.options.openFile ?? open)(join(this.dir, `events-${hour}.jsonl`), 'a', 0o600);
    this.file = { hour, handle };
    // A new hour: old hours may have passed the retention period. Not awaited by this batch.
    void this.prune(now);
    return handle;
  }

  /** Deletes files past retention (also run by the server's hourly timer). One run at a time. */
  prune(now: Date = this.now()): Promise<void> {
    this.pruning ??= pruneAuditFiles(this.dir, now, this.options.retentionDays ?? DEFAULT_RETENTION_DAYS)
      .then(
        (files) => {
          if (files.length) this.options.onPruned?.(files);
        },
        (err: unknown) => this.options.onPruneError?.(err),
      )
      .finally(() => {
        this.pruning = undefined;
      });
    return this.pruning;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    await this.pruning;
    await this.file?.handle.close();
    this.file = undefined;
  }
}
