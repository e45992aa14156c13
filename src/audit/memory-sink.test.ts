import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './event.js';
import { DEFAULT_MEMORY_AUDIT_CAPACITY, MemoryAuditSink } from './memory-sink.js';

const event = (n: number) => ({ eventID: `e-${n}` }) as unknown as AuditEvent;
const ids = (sink: MemoryAuditSink) => sink.events().map((e) => e.eventID);

describe('MemoryAuditSink', () => {
  it('keeps events oldest first while below its capacity', async () => {
    const sink = new MemoryAuditSink(3);
    expect(sink.events()).toEqual([]);
    await sink.record(event(1), true);
    await sink.record(event(2), false);
    expect(ids(sink)).toEqual(['e-1', 'e-2']);
  });

  it('keeps only the last `capacity` events', async () => {
    const sink = new MemoryAuditSink(3);
    for (let n = 1; n <= 10; n++) await sink.record(event(n), n % 2 === 0);
    expect(ids(sink)).toEqual(['e-8', 'e-9', 'e-10']);
  });

  it('stays at its default bound of 10,000 events', async () => {
    const sink = new MemoryAuditSink();
    expect(sink.capacity).toBe(DEFAULT_MEMORY_AUDIT_CAPACITY);
    expect(DEFAULT_MEMORY_AUDIT_CAPACITY).toBe(10_000);
    for (let n = 0; n < 25_000; n++) await sink.record(event(n), true);
    const kept = ids(sink);
    expect(kept).toHaveLength(10_000);
    expect(kept[0]).toBe('e-15000');
    expect(kept.at(-1)).toBe('e-24999');
  });

  it('resolves durable writes at once, and refuses events once closed', async () => {
    const sink = new MemoryAuditSink(2);
    let resolved = false;
    const write = sink.record(event(1), true).then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(true);
    await write;
    await sink.close();
    await expect(sink.record(event(2), false)).rejects.toThrow('audit log is closed');
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new MemoryAuditSink(0)).toThrow(RangeError);
    expect(() => new MemoryAuditSink(1.5)).toThrow(RangeError);
  });
});
