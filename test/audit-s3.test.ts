/**
 * CloudTrail delivery to an S3 bucket through a real server and a real S3-compatible server
 * (s3rver): log files and digests in CloudTrail's layout under the key prefix, the signature in
 * the digest's object metadata, `trent audit validate --audit-s3-bucket` accepting them and
 * reporting tampering, and a bucket that is down for a while: nothing is lost, nothing doubles.
 */
import { CreateKeyCommand, DecryptCommand, EncryptCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logFileObject, PUBLIC_KEY_FILE, S3_DELIVERY_STATE_FILE } from '../src/audit/index.js';
import { resolveConfig, toServerOptions, TRENT_SCHEMA } from '../src/config/index.js';
import { ManualClock } from '../src/domain/index.js';
import { MAIN } from './helpers/cli.js';
import { startTestServer, type TestServer } from './helpers/server.js';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const ACCOUNT = '111122223333';
const BUCKET = 'trail';
const PREFIX = 'org/trent';
// s3rver's built-in account.
const S3_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };

let root: string;
let s3Dir: string;
let s3rver: S3rverInstance;
let port: number;
let endpoint: string;
let s3: S3Client;
let t: TestServer;
const clock = new ManualClock(new Date());
const saved: Record<string, string | undefined> = {};

const startS3 = async (atPort: number) => {
  s3rver = new S3rver({
    port: atPort,
    address: '127.0.0.1',
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: BUCKET }],
  });
  return (await s3rver.run()).port;
};

async function keys(prefix = `${PREFIX}/`): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
    out.push(...(r.Contents ?? []).map((o) => o.Key!));
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out.sort();
}

async function object(key: string): Promise<{ body: Buffer; metadata: Record<string, string> }> {
  const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { body: Buffer.from(await r.Body!.transformToByteArray()), metadata: r.Metadata ?? {} };
}

const logKeys = async () => (await keys()).filter((k) => k.includes('/CloudTrail/'));
const digestKeys = async () => (await keys()).filter((k) => k.includes('/CloudTrail-Digest/'));

async function deliveredEventIds(): Promise<string[]> {
  const ids: string[] = [];
  for (const key of await logKeys()) {
    const { Records } = JSON.parse(gunzipSync((await object(key)).body).toString()) as {
      Records: { eventID: string }[];
    };
    ids.push(...Records.map((r) => r.eventID));
  }
  return ids;
}

async function journalEventIds(): Promise<string[]> {
  const dir = join(t.dataDir, 'audit');
  const ids: string[] = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort())
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean))
      ids.push((JSON.parse(line) as { eventID: string }).eventID);
  return ids;
}

/** Async: s3rver runs in this process, and a synchronous spawn would stop it from answering. */
function validate(...args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [MAIN, 'audit', 'validate', '--audit-s3-bucket', BUCKET, '--audit-s3-endpoint', endpoint, ...args],
      { env: { ...process.env, ...S3_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, out }));
  });
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${t.server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no metric ${name}`);
  return Number(line.slice(name.length + 1));
}

async function kmsCalls(): Promise<void> {
  const kms = t.client();
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 's3 delivery' }));
  const { CiphertextBlob } = await kms.send(
    new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: Buffer.from('not in any log file') }),
  );
  await kms.send(new DecryptCommand({ CiphertextBlob }));
  await t.client({ region: 'eu-west-1' }).send(new ListKeysCommand({}));
  // Last a call whose event is written before its answer: every event before it is written too.
  await kms.send(new CreateKeyCommand({}));
}

beforeAll(async () => {
  for (const [k, v] of Object.entries(S3_ENV)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  root = await mkdtemp(join(tmpdir(), 'trent-audit-s3-'));
  s3Dir = join(root, 's3');
  port = await startS3(0);
  endpoint = `http://127.0.0.1:${port}`;
  s3 = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: {
      accessKeyId: S3_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: S3_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
  t = await startTestServer({
    dataDir: join(root, 'data'),
    clock,
    auditS3: { bucket: BUCKET, endpoint, prefix: `/${PREFIX}/` },
    auditIntervalSeconds: 3600,
    digestIntervalSeconds: 3600,
  });
  await kmsCalls();
  await t.server.auditDelivery!.deliverNow();
  await t.server.auditDelivery!.digestNow();
  await kmsCalls();
  await t.server.auditDelivery!.deliverNow();
  clock.advance(1000);
  await t.server.auditDelivery!.digestNow();
}, 30_000);

afterAll(async () => {
  await t?.stop();
  s3?.destroy();
  await s3rver?.close().catch(() => undefined);
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rm(root, { recursive: true, force: true });
});

describe('delivery to S3', () => {
  it("puts log files in CloudTrail's layout under the key prefix, every event once", async () => {
    const logs = await logKeys();
    expect(logs.length).toBeGreaterThanOrEqual(4);
    for (const key of logs)
      expect(key).toMatch(
        /^org\/trent\/AWSLogs\/111122223333\/CloudTrail\/(us-east-1|eu-west-1)\/\d{4}\/\d{2}\/\d{2}\/111122223333_CloudTrail_(us-east-1|eu-west-1)_\d{8}T\d{4}Z_[0-9A-Za-z]{16}\.json\.gz$/,
      );
    const delivered = await deliveredEventIds();
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(delivered.sort()).toEqual((await journalEventIds()).sort());
    const { Records } = JSON.parse(gunzipSync((await object(logs[0]!)).body).toString()) as {
      Records: { eventSource: string; recipientAccountId: string }[];
    };
    expect(Records[0]!.eventSource).toBe('kms.amazonaws.com');
    expect(Records[0]!.recipientAccountId).toBe(ACCOUNT);
    // The state stays in the data directory; the bucket holds only what CloudTrail's would.
    expect(await readFile(join(t.dataDir, S3_DELIVERY_STATE_FILE), 'utf8')).toContain('"cursor"');
    expect((await keys()).filter((k) => !k.includes('/AWSLogs/'))).toEqual([`${PREFIX}/${PUBLIC_KEY_FILE}`]);
  });

  it('writes digests that name the bucket, carry their signature as metadata and chain', async () => {
    const us = (await digestKeys()).filter((k) => k.includes('/us-east-1/'));
    expect(us).toHaveLength(2);
    for (const key of us)
      expect(key).toMatch(
        /^org\/trent\/AWSLogs\/111122223333\/CloudTrail-Digest\/us-east-1\/\d{4}\/\d{2}\/\d{2}\/111122223333_CloudTrail-Digest_us-east-1_trent_us-east-1_\d{8}T\d{6}Z\.json\.gz$/,
      );
    const publicKey = createPublicKey((await object(`${PREFIX}/${PUBLIC_KEY_FILE}`)).body);
    const [first, second] = await Promise.all(us.map((k) => object(k)));
    const d1 = JSON.parse(gunzipSync(first!.body).toString()) as Record<string, unknown> & {
      logFiles: { s3Bucket: string; s3Object: string }[];
    };
    const d2 = JSON.parse(gunzipSync(second!.body).toString()) as Record<string, unknown>;
    expect(d1).toMatchObject({ digestS3Bucket: BUCKET, digestS3Object: us[0], previousDigestS3Bucket: null });
    expect(d1.logFiles.length).toBeGreaterThan(0);
    for (const f of d1.logFiles) {
      expect(f.s3Bucket).toBe(BUCKET);
      expect(f.s3Object.startsWith(`${PREFIX}/AWSLogs/`)).toBe(true);
    }
    expect(first!.metadata['signature-algorithm']).toBe('SHA256withRSA');
    const hash = (await import('node:crypto')).createHash('sha256').update(gunzipSync(first!.body)).digest('hex');
    const signed = `${d1.digestEndTime as string}\n${BUCKET}/${us[0]}\n${hash}\nnull`;
    expect(verify('sha256', Buffer.from(signed), publicKey, Buffer.from(first!.metadata.signature!, 'hex'))).toBe(true);
    expect(d2).toMatchObject({
      digestS3Bucket: BUCKET,
      previousDigestS3Bucket: BUCKET,
      previousDigestS3Object: us[0],
      previousDigestHashValue: hash,
      previousDigestSignature: first!.metadata.signature,
    });
  });

  it('validates through the CLI, and reports a changed, a deleted and an inserted log file', async () => {
    const ok = await validate('--audit-s3-prefix', PREFIX);
    expect(ok.out).toMatch(/(\d+)\/\1 digest files valid/);
    expect(ok.out).toMatch(/(\d+)\/\1 log files valid/);
    expect(ok.out).toContain(`s3://${BUCKET}/${PREFIX}/AWSLogs/`);
    expect(ok.status).toBe(0);

    const [log] = await logKeys();
    const original = (await object(log!)).body;
    const changed = gunzipSync(original).toString().replace('kms.amazonaws.com', 'kms.amazonaws.org');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: log, Body: gzipSync(changed) }));
    let r = await validate('--audit-s3-prefix', PREFIX);
    expect(r.out).toContain(`Log file s3://${BUCKET}/${log} INVALID: hash value doesn't match`);
    expect(r.status).toBe(1);

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: log }));
    r = await validate('--audit-s3-prefix', PREFIX);
    expect(r.out).toContain(`Log file s3://${BUCKET}/${log} INVALID: not found`);
    expect(r.status).toBe(1);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: log, Body: original }));

    const forged = `${PREFIX}/${logFileObject(ACCOUNT, 'us-east-1', new Date(clock.now().getTime() - 3_600_000), '0123456789abcdef')}`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: forged, Body: gzipSync('{"Records":[]}') }));
    r = await validate('--audit-s3-prefix', PREFIX);
    expect(r.out).toContain(`Log file s3://${BUCKET}/${forged} INVALID: not listed in any digest`);
    expect(r.status).toBe(1);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: forged }));

    // Without the prefix there is nothing there, not even the public key.
    r = await validate();
    expect(r.out).toContain(`cannot read the public key s3://${BUCKET}/${PUBLIC_KEY_FILE}`);
    expect(r.status).toBe(1);
    expect((await validate('--audit-s3-prefix', PREFIX)).status).toBe(0);
  }, 30_000);

  it('keeps serving while the bucket is down, then delivers every event exactly once', async () => {
    const delivery = t.server.auditDelivery!;
    const failuresBefore = await metric('trent_audit_delivery_failures_total');
    const filesBefore = await metric('trent_audit_log_files_delivered_total');
    expect(await metric('trent_audit_delivery_lag_seconds')).toBe(0);
    expect(await metric('trent_audit_digests_written_total')).toBeGreaterThanOrEqual(4);
    await s3rver.close();

    await kmsCalls();
    clock.advance(90_000);
    await expect(delivery.deliverNow()).rejects.toThrow();
    await expect(delivery.digestNow()).rejects.toThrow();
    // Requests are still answered, and /metrics shows the failures and how old the backlog is.
    await kmsCalls();
    expect(await metric('trent_audit_delivery_failures_total')).toBe(failuresBefore + 2);
    expect(await metric('trent_audit_delivery_lag_seconds')).toBeGreaterThanOrEqual(90);
    expect(await metric('trent_audit_log_files_delivered_total')).toBe(filesBefore);
    const state = JSON.parse(await readFile(join(t.dataDir, S3_DELIVERY_STATE_FILE), 'utf8')) as {
      pending?: unknown;
    };
    expect(state.pending).toBeDefined();

    expect(await startS3(port)).toBe(port);
    await delivery.deliverNow();
    clock.advance(1000);
    await delivery.digestNow();
    const delivered = await deliveredEventIds();
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(delivered.sort()).toEqual((await journalEventIds()).sort());
    expect(await metric('trent_audit_delivery_lag_seconds')).toBe(0);
    expect(await metric('trent_audit_log_files_delivered_total')).toBeGreaterThan(filesBefore);
    const r = await validate('--audit-s3-prefix', PREFIX);
    expect(r.out).toMatch(/(\d+)\/\1 log files valid/);
    expect(r.status).toBe(0);
  }, 30_000);
});

describe('a bucket that does not answer at start', () => {
  it('starts, answers requests, and warns without a secret', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    const down = await startTestServer({
      dataDir: join(root, 'down'),
      auditS3: { bucket: BUCKET, endpoint: `http://127.0.0.1:${closedPort}` },
      auditIntervalSeconds: 3600,
    });
    try {
      const { KeyMetadata } = await down.client().send(new CreateKeyCommand({}));
      expect(KeyMetadata?.KeyId).toBeDefined();
      await expect(down.server.auditDelivery!.deliverNow()).rejects.toThrow();
      const logs = down.logs.text();
      expect(logs).toContain('audit delivery failed; will retry');
      expect(logs).toContain(`s3://${BUCKET}/`);
      expect(logs).not.toContain(S3_ENV.AWS_SECRET_ACCESS_KEY);
    } finally {
      await down.stop();
    }
  }, 30_000);
});

describe('the S3 settings', () => {
  it('come from a configuration file section and reach the server options', async () => {
    const file = join(root, 'trent.yaml');
    await writeFile(file, 'audit:\n  s3Bucket: trail\n  s3Endpoint: http://127.0.0.1:9000\n  s3Prefix: org/trent\n');
    const resolved = await resolveConfig(TRENT_SCHEMA, {
      file: { path: file, source: { kind: 'flag', flag: '--config' } },
      env: {},
      flags: {},
      context: { logsToTerminal: false },
      cwd: root,
    });
    expect(toServerOptions(resolved.values).auditS3).toEqual({
      bucket: 'trail',
      endpoint: 'http://127.0.0.1:9000',
      prefix: 'org/trent',
    });
    expect(toServerOptions(resolved.values).auditDir).toBeUndefined();
  });
});
