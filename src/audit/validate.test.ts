import { generateKeyPairSync } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditDelivery } from './delivery.js';
import { digestKeyFromPrivate } from './digest-key.js';
import { validateAuditDir } from './validate.js';

const key = digestKeyFromPrivate(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
let root: string;
let auditDir: string;
let digests: string[];

const event = (n: number) =>
  JSON.stringify({
    eventID: `e${n}`,
    eventTime: `2026-03-01T10:00:0${n}Z`,
    recipientAccountId: '111122223333',
    awsRegion: 'us-east-1',
  }) + '\n';

async function copy(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  for (const e of await readdir(auditDir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const rel = join(e.parentPath, e.name).slice(auditDir.length + 1);
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await copyFile(join(auditDir, rel), join(dir, rel));
  }
  return dir;
}

const check = (dir: string) => validateAuditDir({ dir, publicKeyPem: key.publicKeyPem });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'trent-validate-'));
  const eventsDir = join(root, 'events');
  auditDir = join(root, 'trail');
  await mkdir(eventsDir);
  let now = new Date('2026-03-01T10:10:00Z');
  const d = new AuditDelivery({ eventsDir, auditDir, key, now: () => now });
  await d.open();
  digests = [];
  for (let i = 1; i <= 3; i++) {
    await writeFile(join(eventsDir, 'events-2026030110.jsonl'), event(i), { flag: 'a' });
    await d.deliverNow();
    now = new Date(now.getTime() + 3_600_000);
    digests.push(...(await d.digestNow()));
  }
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('validateAuditDir', () => {
  it('accepts an untouched directory and selects digests by end time', async () => {
    expect(await check(auditDir)).toMatchObject({
      ok: true,
      digests: { valid: 3, total: 3 },
      logFiles: { valid: 3, total: 3 },
    });
    const some = await validateAuditDir({
      dir: auditDir,
      publicKeyPem: key.publicKeyPem,
      startTime: new Date('2026-03-01T11:30:00Z'),
      endTime: new Date('2026-03-01T12:30:00Z'),
    });
    expect(some).toMatchObject({ ok: true, digests: { valid: 1, total: 1 }, logFiles: { valid: 1, total: 1 } });
    expect(some.lines).toContain('Results requested for 2026-03-01T11:30:00Z to 2026-03-01T12:30:00Z');
  });

  it('reports reordered digests', async () => {
    const dir = await copy('reordered');
    await rename(join(dir, digests[0]!), join(dir, 'tmp'));
    await rename(join(dir, digests[1]!), join(dir, digests[0]!));
    await rename(join(dir, 'tmp'), join(dir, digests[1]!));
    const r = await check(dir);
    expect(r.ok).toBe(false);
    expect(r.lines).toContain(
      `Digest file s3://trent-audit-dir/${digests[1]} INVALID: has been moved from its original location`,
    );
  });

  it('reports a digest inserted into the chain and one whose signature is gone', async () => {
    const dir = await copy('inserted');
    const forged = digests[1]!.replace(/T\d{6}Z/, 'T113000Z');
    await copyFile(join(dir, digests[1]!), join(dir, forged));
    await rm(join(dir, `${digests[2]}.sig`));
    const r = await check(dir);
    expect(r.lines).toContain(`Digest file s3://trent-audit-dir/${forged} INVALID: not part of the digest chain`);
    expect(r.lines).toContain(`Digest file s3://trent-audit-dir/${digests[2]} INVALID: signature not found`);
    expect(r.ok).toBe(false);
  });

  it('finds no digest in an empty directory and says so', async () => {
    const dir = join(root, 'empty');
    await mkdir(dir);
    const r = await check(dir);
    expect(r.ok).toBe(false);
    expect(r.lines).toContain('No digests found');
  });
});
