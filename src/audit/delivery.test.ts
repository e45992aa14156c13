import { generateKeyPairSync } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditDelivery, type DeliveryState } from './delivery.js';
import { DELIVERY_STATE_FILE, PUBLIC_KEY_FILE } from './delivery-layout.js';
import { digestKeyFromPrivate } from './digest-key.js';
import { validateAuditDir } from './validate.js';

const key = digestKeyFromPrivate(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

let root: string;
let eventsDir: string;
let auditDir: string;
let now: Date;
const clock = () => now;

const event = (n: number, account = '111122223333', region = 'us-east-1') =>
  JSON.stringify({
    eventID: `e${n}`,
    eventTime: `2026-03-01T10:00:${String(n).padStart(2, '0')}Z`,
    recipientAccountId: account,
    awsRegion: region,
  }) + '\n';

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  return out.sort();
}

const records = async (path: string) =>
  (
    JSON.parse(gunzipSync(await readFile(join(auditDir, path))).toString()) as { Records: { eventID: string }[] }
  ).Records.map((r) => r.eventID);

const newDelivery = () => new AuditDelivery({ eventsDir, auditDir, key, now: clock });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'trent-delivery-'));
  eventsDir = join(root, 'audit');
  auditDir = join(root, 'cloudtrail');
  now = new Date('2026-03-01T10:05:00Z');
  await mkdir(eventsDir, { recursive: true });
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('AuditDelivery', () => {
  it('delivers one gzip log file per account and region in CloudTrail layout, each event once', async () => {
    await writeFile(
      join(eventsDir, 'events-2026030110.jsonl'),
      event(1) + event(2, '444455556666') + event(3, '111122223333', 'eu-west-1'),
    );
    const d = newDelivery();
    await d.open();
    const files = await d.deliverNow();
    expect(files.map((f) => f.s3Object.replace(/_[0-9a-f]{16}\.json\.gz$/, ''))).toEqual([
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/01/111122223333_CloudTrail_eu-west-1_20260301T1005Z',
      'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/111122223333_CloudTrail_us-east-1_20260301T1005Z',
      'AWSLogs/444455556666/CloudTrail/us-east-1/2026/03/01/444455556666_CloudTrail_us-east-1_20260301T1005Z',
    ]);
    expect(await records(files[1]!.s3Object)).toEqual(['e1']);
    expect(await d.deliverNow()).toEqual([]);

    // A line still being written waits for its newline; the next hour's file is read too.
    await appendFile(join(eventsDir, 'events-2026030110.jsonl'), event(4).slice(0, 10));
    await writeFile(join(eventsDir, 'events-2026030111.jsonl'), event(5));
    now = new Date('2026-03-01T11:10:00Z');
    const second = await d.deliverNow();
    expect(second).toHaveLength(1);
    expect(await records(second[0]!.s3Object)).toEqual(['e5']);

    const state = JSON.parse(await readFile(join(auditDir, DELIVERY_STATE_FILE), 'utf8')) as DeliveryState;
    expect(state.cursor).toEqual({ file: 'events-2026030111.jsonl', offset: event(5).length });
    expect((await stat(join(auditDir, DELIVERY_STATE_FILE))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(auditDir, PUBLIC_KEY_FILE), 'utf8')).toBe(key.publicKeyPem);

    // After a restart nothing is delivered again.
    const again = newDelivery();
    await again.open();
    expect(await again.deliverNow()).toEqual([]);
  });

  it('finishes a delivery a crash interrupted with the same names and bytes, and delivers nothing twice', async () => {
    const d = newDelivery();
    await d.open();
    await writeFile(join(eventsDir, 'events-2026030110.jsonl'), event(1));
    await d.deliverNow();
    const before = await readFile(join(auditDir, DELIVERY_STATE_FILE), 'utf8');
    await appendFile(join(eventsDir, 'events-2026030110.jsonl'), event(2) + event(3));
    const [file] = await d.deliverNow();
    const bytes = await readFile(join(auditDir, file!.s3Object));
    const after = JSON.parse(await readFile(join(auditDir, DELIVERY_STATE_FILE), 'utf8')) as DeliveryState;
    const filesAfter = await allFiles(auditDir);

    // The crash: the state still says "about to deliver", and the log file was never renamed.
    const crashed = JSON.parse(before) as DeliveryState;
    crashed.pending = { to: after.cursor!, time: now.toISOString() };
    await writeFile(join(auditDir, DELIVERY_STATE_FILE), JSON.stringify(crashed));
    await unlink(join(auditDir, file!.s3Object));
    now = new Date('2026-03-01T10:20:00Z');
    const restarted = newDelivery();
    await restarted.open();
    expect(await allFiles(auditDir)).toEqual(filesAfter);
    expect(await readFile(join(auditDir, file!.s3Object))).toEqual(bytes);
    expect(await restarted.deliverNow()).toEqual([]);
    expect(await records(file!.s3Object)).toEqual(['e2', 'e3']);
  });

  it('delivers events of no known recipient to the server account in us-east-1', async () => {
    await writeFile(
      join(eventsDir, 'events-2026030110.jsonl'),
      event(1, '', '') + event(2, '111122223333', 'xx-nowhere-9'),
    );
    const d = new AuditDelivery({
      eventsDir,
      auditDir,
      key,
      now: clock,
      fallbackAccount: '444455556666',
      isRegion: (r) => r === 'us-east-1',
    });
    await d.open();
    const files = await d.deliverNow();
    expect(files.map((f) => `${f.account}/${f.region}`)).toEqual(['111122223333/us-east-1', '444455556666/us-east-1']);
  });

  it('delivers and digests on its timers, and once more at close', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const d = newDelivery();
      await d.open();
      d.start(300_000, 3_600_000);
      await writeFile(join(eventsDir, 'events-2026030110.jsonl'), event(1));
      vi.advanceTimersByTime(300_000);
      // Serialized after the timer's run: it finds nothing left.
      expect(await d.deliverNow()).toEqual([]);
      expect((await allFiles(auditDir)).filter((f) => f.includes('/CloudTrail/'))).toHaveLength(1);
      now = new Date('2026-03-01T11:05:00Z');
      vi.advanceTimersByTime(3_300_000);
      await d.deliverNow();
      expect((await allFiles(auditDir)).filter((f) => f.includes('/CloudTrail-Digest/'))).toHaveLength(2); // digest + .sig
      await appendFile(join(eventsDir, 'events-2026030110.jsonl'), event(2));
      now = new Date('2026-03-01T11:06:00Z');
      await d.close();
      vi.advanceTimersByTime(3_600_000); // stopped: nothing more
      const files = await allFiles(auditDir);
      expect(files.filter((f) => f.includes('/CloudTrail/'))).toHaveLength(2);
      expect(files.filter((f) => f.endsWith('.json.gz') && f.includes('/CloudTrail-Digest/'))).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('delivers a long backlog in bounded batches, every event once', async () => {
    const lines = [1, 2, 3, 4, 5].map((n) => event(n)).join('');
    await writeFile(join(eventsDir, 'events-2026030109.jsonl'), lines);
    await writeFile(join(eventsDir, 'events-2026030110.jsonl'), event(6));
    const d = new AuditDelivery({ eventsDir, auditDir, key, now: clock, maxBatchBytes: event(1).length * 2 + 1 });
    await d.open();
    const files = await d.deliverNow();
    expect(files).toHaveLength(3);
    const ids: string[] = [];
    for (const f of files) ids.push(...(await records(f.s3Object)));
    expect(ids).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(await d.deliverNow()).toEqual([]);
  });

  it('writes signed digests that chain, also when nothing was delivered, and they validate', async () => {
    const d = newDelivery();
    await d.open();
    await writeFile(join(eventsDir, 'events-2026030110.jsonl'), event(1) + event(2));
    await d.deliverNow();
    now = new Date('2026-03-01T11:00:00Z');
    const [first] = await d.digestNow();
    expect(first).toBe(
      'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/01/111122223333_CloudTrail-Digest_us-east-1_trent_us-east-1_20260301T110000Z.json.gz',
    );
    const digest = JSON.parse(gunzipSync(await readFile(join(auditDir, first!))).toString()) as Record<string, unknown>;
    expect(digest).toMatchObject({
      awsAccountId: '111122223333',
      digestStartTime: '2026-03-01T10:05:00Z',
      digestEndTime: '2026-03-01T11:00:00Z',
      digestS3Object: first,
      digestSignatureAlgorithm: 'SHA256withRSA',
      digestPublicKeyFingerprint: key.fingerprint,
      previousDigestSignature: null,
      oldestEventTime: '2026-03-01T10:00:01Z',
      newestEventTime: '2026-03-01T10:00:02Z',
    });
    expect(digest.logFiles).toHaveLength(1);
    now = new Date('2026-03-01T12:00:00Z');
    const [second] = await d.digestNow();
    const next = JSON.parse(gunzipSync(await readFile(join(auditDir, second!))).toString()) as Record<string, unknown>;
    const sig = JSON.parse(await readFile(join(auditDir, `${first}.sig`), 'utf8')) as { signature: string };
    expect(next).toMatchObject({ previousDigestS3Object: first, previousDigestSignature: sig.signature, logFiles: [] });
    // Two digests in the same second never share a name.
    const [third] = await d.digestNow();
    expect(third).toContain('20260301T120001Z');

    const result = await validateAuditDir({ dir: auditDir, publicKeyPem: key.publicKeyPem, now });
    expect(result).toMatchObject({ ok: true, digests: { valid: 3, total: 3 }, logFiles: { valid: 1, total: 1 } });
    const other = digestKeyFromPrivate(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    const wrongKey = await validateAuditDir({ dir: auditDir, publicKeyPem: other.publicKeyPem, now });
    expect(wrongKey.ok).toBe(false);
  });
});
