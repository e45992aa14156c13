/**
 * Delivery to a destination that fails part-way (a bucket that stops answering): the cursor and
 * the chains move only once every object is stored, and the step done again writes the same
 * objects with the same bytes.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditDelivery, type DeliveryObserver, type DeliveryState } from './delivery.js';
import { PUBLIC_KEY_FILE } from './delivery-layout.js';
import type { LogDestination, StoredObject } from './destination.js';
import { digestKeyFromPrivate } from './digest-key.js';
import { validateTrail } from './validate.js';

const key = digestKeyFromPrivate(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

/** A bucket in memory whose puts fail while `failAfter` puts have been allowed. */
class FlakyBucket implements LogDestination {
  readonly bucket = 'trail';
  readonly keyPrefix = 'p/';
  readonly location = 's3://trail/p/';
  readonly objects = new Map<string, StoredObject>();
  readonly puts: string[] = [];
  /** Puts still allowed before every put fails; Infinity: all succeed. */
  allowed = Number.POSITIVE_INFINITY;

  put(k: string, body: Buffer | string, metadata: Record<string, string> = {}): Promise<void> {
    if (this.allowed <= 0) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }));
    this.allowed--;
    this.puts.push(k);
    this.objects.set(k, { body: Buffer.from(body), metadata });
    return Promise.resolve();
  }
  get(k: string): Promise<StoredObject | undefined> {
    return Promise.resolve(this.objects.get(k));
  }
  list(prefix: string): Promise<string[]> {
    return Promise.resolve([...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort());
  }
}

let root: string;
let eventsDir: string;
let statePath: string;
let now: Date;
let bucket: FlakyBucket;
let counts: { files: number; digests: number; failures: number };
const warnings: Record<string, unknown>[] = [];

const event = (n: number, region = 'us-east-1') =>
  JSON.stringify({
    eventID: `e${n}`,
    eventTime: `2026-03-01T10:00:${String(n).padStart(2, '0')}Z`,
    recipientAccountId: '111122223333',
    awsRegion: region,
  }) + '\n';

const observer: DeliveryObserver = {
  logFilesDelivered: (n) => (counts.files += n),
  digestsWritten: (n) => (counts.digests += n),
  failed: () => counts.failures++,
};

const newDelivery = () =>
  new AuditDelivery({
    eventsDir,
    destination: bucket,
    statePath,
    key,
    now: () => now,
    observer,
    onWarning: (_message, details) => warnings.push(details),
  });

const state = async () => JSON.parse(await readFile(statePath, 'utf8')) as DeliveryState;
const ids = (o: StoredObject) =>
  (JSON.parse(gunzipSync(o.body).toString()) as { Records: { eventID: string }[] }).Records.map((r) => r.eventID);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'trent-delivery-retry-'));
  eventsDir = join(root, 'audit');
  statePath = join(root, 'state.json');
  now = new Date('2026-03-01T10:05:00Z');
  bucket = new FlakyBucket();
  counts = { files: 0, digests: 0, failures: 0 };
  warnings.length = 0;
  await mkdir(eventsDir, { recursive: true });
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('AuditDelivery to a destination that fails', () => {
  it('opens while the destination fails, and stores the public key with the first delivery', async () => {
    bucket.allowed = 0;
    const d = newDelivery();
    await d.open();
    expect(warnings).toEqual([{ destination: 's3://trail/p/', error: 'Error', message: 'connect ECONNREFUSED' }]);
    expect(counts.failures).toBe(1);
    bucket.allowed = Number.POSITIVE_INFINITY;
    await d.deliverNow();
    expect(bucket.objects.get(`p/${PUBLIC_KEY_FILE}`)?.body.toString()).toBe(key.publicKeyPem);
  });

  it('keeps the cursor until every log file of the batch is stored, then redoes it identically', async () => {
    await writeFile(join(eventsDir, 'events-2026030110.jsonl'), event(1) + event(2, 'eu-west-1'));
    const d = newDelivery();
    await d.open();
    bucket.allowed = 1; // the first region's log file, not the second's
    await expect(d.deliverNow()).rejects.toThrow('ECONNREFUSED');
    expect(counts).toEqual({ files: 0, digests: 0, failures: 1 });
    const stuck = await state();
    expect(stuck.cursor).toBeNull();
    expect(stuck.pending).toBeDefined();
    const [first] = bucket.puts.filter((k) => k.includes('/CloudTrail/'));
    const firstBytes = bucket.objects.get(first!)!.body;
    expect(await d.lagSeconds()).toBe(299); // e1 at 10:00:01, now 10:05:00

    // Recorded while the bucket was down: comes in the same deliverNow, after the batch.
    await writeFile(join(eventsDir, 'events-2026030111.jsonl'), event(3));
    now = new Date('2026-03-01T11:30:00Z');
    bucket.allowed = Number.POSITIVE_INFINITY;
    const delivered = await d.deliverNow();
    expect(delivered[0]!.s3Object).toBe(first);
    expect(bucket.objects.get(first!)!.body).toEqual(firstBytes);
    expect(delivered.map((f) => f.s3Object.slice(0, 60))).toEqual([
      'p/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/01/11112',
      'p/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/11112',
      'p/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/11112',
    ]);
    // The redone batch keeps the minute it was begun in.
    expect(delivered[1]!.s3Object).toContain('_20260301T1005Z_');
    expect(delivered[2]!.s3Object).toContain('_20260301T1130Z_');
    const all = [...bucket.objects].filter(([k]) => k.includes('/CloudTrail/')).flatMap(([, o]) => ids(o));
    expect(all.sort()).toEqual(['e1', 'e2', 'e3']);
    expect(counts.files).toBe(3);
    expect(await d.lagSeconds()).toBe(0);
  });

  it('moves the chains only once every digest is stored; the run done again is the same', async () => {
    await writeFile(join(eventsDir, 'events-2026030110.jsonl'), event(1) + event(2, 'eu-west-1'));
    const d = newDelivery();
    await d.open();
    await d.deliverNow();
    bucket.allowed = 1; // eu-west-1's digest, not us-east-1's
    await expect(d.digestNow()).rejects.toThrow('ECONNREFUSED');
    expect((await state()).chains).toEqual({});
    const [euDigest] = bucket.puts.filter((k) => k.includes('/CloudTrail-Digest/'));
    const euBytes = bucket.objects.get(euDigest!)!.body;

    // Delivered while the digest run was stuck: listed by the next digest, not this one.
    await writeFile(join(eventsDir, 'events-2026030111.jsonl'), event(3));
    now = new Date('2026-03-01T11:00:00Z');
    bucket.allowed = Number.POSITIVE_INFINITY;
    await d.deliverNow();
    const digests = await d.digestNow();
    expect(digests[0]).toBe(euDigest);
    expect(bucket.objects.get(euDigest!)!.body).toEqual(euBytes);
    const us = JSON.parse(gunzipSync(bucket.objects.get(digests[1]!)!.body).toString()) as {
      previousDigestS3Object: string | null;
      logFiles: unknown[];
      digestEndTime: string;
    };
    expect(us.previousDigestS3Object).toBeNull();
    expect(us.logFiles).toHaveLength(1);
    expect(us.digestEndTime).toBe('2026-03-01T10:05:00Z');
    now = new Date('2026-03-01T12:00:00Z');
    const next = await d.digestNow();
    const us2 = JSON.parse(gunzipSync(bucket.objects.get(next[1]!)!.body).toString()) as {
      previousDigestS3Bucket: string;
      previousDigestS3Object: string;
      logFiles: { s3Bucket: string }[];
    };
    expect(us2).toMatchObject({ previousDigestS3Bucket: 'trail', previousDigestS3Object: digests[1] });
    expect(us2.logFiles).toEqual([expect.objectContaining({ s3Bucket: 'trail' })]);
    expect(counts.digests).toBe(4);

    const result = await validateTrail({ destination: bucket, publicKeyPem: key.publicKeyPem, now });
    expect(result.lines.filter((l) => l.includes('INVALID'))).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
