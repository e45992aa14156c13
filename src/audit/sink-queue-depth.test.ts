/** FileAuditSink.queueDepth, which /metrics shows as trent_audit_queue_depth. */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildServiceEvent } from './event.js';
import { FileAuditSink } from './sink.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trent-sink-depth-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const event = (n: number) =>
  buildServiceEvent({
    eventName: `E${n}`,
    keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    time: new Date('2026-01-02T03:04:05Z'),
  });

const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

it('counts the events recorded and not yet written and fsynced, the batch being synced included', async () => {
  const releases: (() => void)[] = [];
  const openFile = async (path: string, flags: string, mode: number): Promise<FileHandle> => {
    const handle = await open(path, flags, mode);
    return new Proxy(handle, {
      get(target, prop, receiver) {
        if (prop === 'datasync')
          return async () => {
            await new Promise<void>((r) => releases.push(r));
            await target.datasync();
          };
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  const sink = new FileAuditSink(dir, () => new Date('2026-01-02T03:04:05Z'), { openFile });
  expect(sink.queueDepth).toBe(0);
  const first = [sink.record(event(1), true), sink.record(event(2), false)];
  expect(sink.queueDepth).toBe(2);
  while (releases.length === 0) await turns(1);
  // The first batch waits for its fsync; a third event waits behind it.
  const third = sink.record(event(3), true);
  expect(sink.queueDepth).toBe(3);
  releases.shift()!();
  await Promise.all(first);
  while (releases.length === 0) await turns(1);
  expect(sink.queueDepth).toBe(1);
  releases.shift()!();
  await third;
  await turns();
  expect(sink.queueDepth).toBe(0);
  await sink.close();
});
