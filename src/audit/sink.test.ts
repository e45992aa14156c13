import { mkdtemp, open, readFile, readdir, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServiceEvent } from './event.js';
import { FileAuditSink } from './sink.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trent-sink-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const event = (n: number) =>
  buildServiceEvent({
    eventName: `E${n}`,
    keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    time: new Date('2026-01-02T03:04:05Z'),
  });

/** Opens files for real, but every datasync waits for the test to release it. */
function watchedOpen(log: string[]) {
  const releases: (() => void)[] = [];
  let datasyncs = 0;
  const openFile = async (path: string, flags: string, mode: number): Promise<FileHandle> => {
    const handle = await open(path, flags, mode);
    return new Proxy(handle, {
      get(target, prop, receiver) {
        if (prop === 'appendFile')
          return async (data: string) => {
            log.push('append');
            await target.appendFile(data);
          };
        if (prop === 'datasync')
          return async () => {
            datasyncs++;
            log.push('datasync called');
            await new Promise<void>((r) => releases.push(r));
            await target.datasync();
            log.push('datasync done');
          };
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
  return { openFile, releases, datasyncs: () => datasyncs };
}

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  // Several turns of the event loop: enough for any resolved promise chain to run.
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return done;
};

describe('FileAuditSink', () => {
  it('resolves a durable record only after datasync of the file has completed', async () => {
    const log: string[] = [];
    const watch = watchedOpen(log);
    const sink = new FileAuditSink(dir, () => new Date('2026-01-02T03:04:05Z'), { openFile: watch.openFile });
    const durable = sink.record(event(1), true).then(() => log.push('resolved'));
    await new Promise<void>(function wait(r) {
      if (watch.releases.length) r();
      else setImmediate(() => wait(r));
    });
    expect(await settled(durable)).toBe(false);
    expect(log).toEqual(['append', 'datasync called']);
    watch.releases.shift()!();
    await durable;
    expect(log).toEqual(['append', 'datasync called', 'datasync done', 'resolved']);
    await sink.close();
  });

  it('shares one datasync among the records of a batch, and none for a batch with no durable record', async () => {
    const log: string[] = [];
    const watch = watchedOpen(log);
    const sink = new FileAuditSink(dir, () => new Date('2026-01-02T03:04:05Z'), { openFile: watch.openFile });
    await Promise.all([sink.record(event(1), false), sink.record(event(2), false)]);
    expect(watch.datasyncs()).toBe(0);
    const batch = Promise.all([sink.record(event(3), true), sink.record(event(4), false), sink.record(event(5), true)]);
    while (!watch.releases.length) await new Promise((r) => setImmediate(r));
    watch.releases.shift()!();
    await batch;
    expect(watch.datasyncs()).toBe(1);
    await sink.close();
    const [file] = await readdir(dir);
    const names = (await readFile(join(dir, file!), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { eventName: string }).eventName);
    expect(names).toEqual(['E1', 'E2', 'E3', 'E4', 'E5']);
  });

  it('rejects every record of a batch whose datasync fails', async () => {
    const failing = async (path: string, flags: string, mode: number): Promise<FileHandle> => {
      const handle = await open(path, flags, mode);
      return new Proxy(handle, {
        get(target, prop, receiver) {
          if (prop === 'datasync') return () => Promise.reject(new Error('EIO'));
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    };
    const sink = new FileAuditSink(dir, () => new Date('2026-01-02T03:04:05Z'), { openFile: failing });
    await expect(sink.record(event(1), true)).rejects.toThrow('EIO');
    await sink.close();
  });
});
