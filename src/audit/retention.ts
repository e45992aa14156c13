/**
 * Retention of the local trail: hourly files (`events-YYYYMMDDHH.jsonl`) whose hour ended more than
 * `retentionDays` days before `now` are deleted. 0 keeps every file. The time is the injected
 * clock's, so tests move it forward instead of waiting.
 */
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const FILE = /^events-(\d{4})(\d{2})(\d{2})(\d{2})\.jsonl$/;

/** CloudTrail's event history keeps 90 days; so does the local trail unless told otherwise. */
export const DEFAULT_RETENTION_DAYS = 90;

/** The start of the hour a trail file holds, or undefined for any other file name. */
export function fileHour(name: string): Date | undefined {
  const m = FILE.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h] = m.map(Number) as [number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h));
}

/** Deletes the files past retention and returns their names; other files are left alone. */
export async function pruneAuditFiles(dir: string, now: Date, retentionDays: number): Promise<string[]> {
  if (!(retentionDays > 0)) return [];
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const deleted: string[] = [];
  for (const name of names.sort()) {
    const hour = fileHour(name);
    if (!hour || hour.getTime() + HOUR_MS > cutoff) continue;
    await unlink(join(dir, name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    deleted.push(name);
  }
  return deleted;
}
