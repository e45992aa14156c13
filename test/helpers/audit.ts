/** The audit journal of a test server: every event of its `<dataDir>/audit/events-*.jsonl` files, oldest first. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function journalEvents<E = Record<string, unknown>>(dataDir: string): Promise<E[]> {
  const dir = join(dataDir, 'audit');
  const events: E[] = [];
  for (const f of (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort())
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) if (line) events.push(JSON.parse(line) as E);
  return events;
}
