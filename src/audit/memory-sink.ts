/**
 * The audit sink of `--ephemeral`: events kept in memory, the last `capacity` of them in a ring
 * buffer so that a long test run's memory stays flat. Nothing is durable: `record` resolves at
 * once whether or not `durable` is asked for, and every event is gone when the process ends.
 */
import type { AuditEvent } from './event.js';
import type { AuditSink } from './sink.js';

/** Events kept by default: enough to look at a test's requests, small enough not to matter. */
export const DEFAULT_MEMORY_AUDIT_CAPACITY = 10_000;

export class MemoryAuditSink implements AuditSink {
  private readonly ring: (AuditEvent | undefined)[];
  /** Index the next event goes to. */
  private next = 0;
  private count = 0;
  private closed = false;

  constructor(readonly capacity: number = DEFAULT_MEMORY_AUDIT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.ring = new Array<AuditEvent | undefined>(capacity);
  }

  record(event: AuditEvent, _durable: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new Error('audit log is closed'));
    this.ring[this.next] = event;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    return Promise.resolve();
  }

  /** The events kept, oldest first. */
  events(): AuditEvent[] {
    const start = (this.next - this.count + this.capacity) % this.capacity;
    return Array.from({ length: this.count }, (_, i) => this.ring[(start + i) % this.capacity]!);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
