import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileHour, pruneAuditFiles } from './retention.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trent-retention-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('retention of the local trail', () => {
  it('reads the hour of a trail file from its name only', () => {
    expect(fileHour('events-2026010203.jsonl')).toEqual(new Date('2026-01-02T03:00:00Z'));
    expect(fileHour('events-2026010203.jsonl.tmp')).toBeUndefined();
    expect(fileHour('digest-2026010203.json')).toBeUndefined();
  });

  it('deletes the hours that ended more than N days ago, and nothing else', async () => {
    const names = [
      'events-2026010100.jsonl', // ended 2026-01-01T01:00Z
      'events-2026010822.jsonl', // ended 2026-01-08T23:00Z: exactly 7 days before now
      'events-2026010823.jsonl', // ends 2026-01-09T00:00Z: inside the window
      'events-2026011523.jsonl',
      'notes.txt',
    ];
    for (const n of names) await writeFile(join(dir, n), '{}\n');
    const now = new Date('2026-01-15T23:00:00Z');
    expect(await pruneAuditFiles(dir, now, 7)).toEqual(['events-2026010100.jsonl', 'events-2026010822.jsonl']);
    expect((await readdir(dir)).sort()).toEqual(['events-2026010823.jsonl', 'events-2026011523.jsonl', 'notes.txt']);
  });

  it('keeps everything with 0 days, and minds no missing directory', async () => {
    await writeFile(join(dir, 'events-2000010100.jsonl'), '{}\n');
    expect(await pruneAuditFiles(dir, new Date('2026-01-01T00:00:00Z'), 0)).toEqual([]);
    expect(await readdir(dir)).toEqual(['events-2000010100.jsonl']);
    expect(await pruneAuditFiles(join(dir, 'missing'), new Date(), 1)).toEqual([]);
  });
});
