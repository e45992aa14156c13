/**
 * CloudTrail log-file delivery and digests through a real server (docs/operations.md "Audit log
 * files and digests"): log files in CloudTrail's layout holding every event once, digests that
 * chain, the built `trent audit validate` accepting them and reporting each kind of tampering.
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  ListKeysCommand,
} from '@aws-sdk/client-kms';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/server/index.js';
import { MAIN } from './helpers/cli.js';
import { leaks } from './helpers/log-capture.js';
import { silentLogger, startTestServer, type TestServer } from './helpers/server.js';

const ACCOUNT = '111122223333';
let t: TestServer;
let root: string;
let dataDir: string;
let auditDir: string;
const secrets = new Map<string, Buffer>();

async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  return out.sort();
}

const logFiles = async (dir: string) => (await filesBelow(dir)).filter((f) => /\/CloudTrail\/.*\.json\.gz$/.test(f));
const digestFiles = async (dir: string) =>
  (await filesBelow(dir)).filter((f) => /CloudTrail-Digest\/.*\.json\.gz$/.test(f));

async function jsonLineEventIds(): Promise<string[]> {
  const dir = join(dataDir, 'audit');
  const ids: string[] = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort())
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean))
      ids.push((JSON.parse(line) as { eventID: string }).eventID);
  return ids;
}

async function deliveredEventIds(dir: string): Promise<string[]> {
  const ids: string[] = [];
  for (const f of await logFiles(dir)) {
    const { Records } = JSON.parse(gunzipSync(await readFile(join(dir, f))).toString()) as {
      Records: { eventID: string }[];
    };
    ids.push(...Records.map((r) => r.eventID));
  }
  return ids;
}

function validate(dir: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [MAIN, 'audit', 'validate', '--audit-dir', dir, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

async function copyOf(name: string): Promise<string> {
  const dir = join(root, name);
  await cp(auditDir, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'trent-delivery-bb-'));
  dataDir = join(root, 'data');
  auditDir = join(root, 'trail');
  t = await startTestServer({ dataDir, auditDir, auditIntervalSeconds: 3600, digestIntervalSeconds: 3600 });
  const kms = t.client();
  const eu = t.client({ region: 'eu-west-1' });
  const delivery = t.server.auditDelivery!;
  const plaintext = Buffer.from('a plaintext that must never reach a log file');
  secrets.set('plaintext', plaintext);
  secrets.set('secret access key', Buffer.from(t.credentials.secretAccessKey));

  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: plaintext }));
  await kms.send(new DecryptCommand({ CiphertextBlob }));
  const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: KeyMetadata!.KeyId!, KeySpec: 'AES_256' }));
  secrets.set('data key', Buffer.from(dataKey.Plaintext!));
  await delivery.deliverNow();
  await delivery.digestNow();

  await kms.send(new ListKeysCommand({}));
  await eu.send(new CreateKeyCommand({ Description: 'in Ireland' }));
  await delivery.deliverNow();
  await delivery.digestNow();

  await kms.send(new ListKeysCommand({}));
  await delivery.deliverNow();
  await delivery.digestNow();
}, 60_000);

afterAll(async () => {
  await t.stop();
  await rm(root, { recursive: true, force: true });
});

describe('audit log files', () => {
  it('delivers every recorded event exactly once in CloudTrail layout, per account and region', async () => {
    const logs = await logFiles(auditDir);
    expect(logs.length).toBe(4);
    for (const f of logs)
      expect(f).toMatch(
        new RegExp(
          `^AWSLogs/${ACCOUNT}/CloudTrail/(us-east-1|eu-west-1)/\\d{4}/\\d{2}/\\d{2}/${ACCOUNT}_CloudTrail_\\1_\\d{8}T\\d{4}Z_[0-9a-f]{16}\\.json\\.gz$`,
        ),
      );
    expect(logs.filter((f) => f.includes('/eu-west-1/'))).toHaveLength(1);
    const delivered = await deliveredEventIds(auditDir);
    expect(delivered.sort()).toEqual((await jsonLineEventIds()).sort());
    expect(new Set(delivered).size).toBe(delivered.length);
  });

  it('writes digests that chain per region and list each log file with its SHA-256', async () => {
    const digests = await digestFiles(auditDir);
    expect(digests.filter((d) => d.includes('/us-east-1/'))).toHaveLength(3);
    expect(digests.filter((d) => d.includes('/eu-west-1/'))).toHaveLength(2);
    for (const d of digests)
      expect(d).toMatch(/_CloudTrail-Digest_(us-east-1|eu-west-1)_trent_\1_\d{8}T\d{6}Z\.json\.gz$/);
    const us = digests.filter((d) => d.includes('/us-east-1/')).sort();
    const last = JSON.parse(gunzipSync(await readFile(join(auditDir, us[2]!))).toString()) as Record<string, unknown>;
    const sig = JSON.parse(await readFile(join(auditDir, `${us[1]}.sig`), 'utf8')) as Record<string, unknown>;
    expect(sig.signatureAlgorithm).toBe('SHA256withRSA');
    expect(last).toMatchObject({ previousDigestS3Object: us[1], previousDigestSignature: sig.signature });
    expect(await readFile(join(auditDir, 'trent-digest-public-key.pem'), 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('never holds a plaintext, a data key or a secret access key, raw or compressed', async () => {
    for (const f of await filesBelow(auditDir)) {
      const raw = await readFile(join(auditDir, f));
      expect(leaks(raw, secrets), f).toEqual([]);
      if (f.endsWith('.gz')) expect(leaks(gunzipSync(raw), secrets), f).toEqual([]);
    }
  });
});

describe('trent audit validate', () => {
  it('reports every digest and log file valid, exit 0', () => {
    const { status, out } = validate(auditDir);
    expect(out).toContain('5/5 digest files valid');
    expect(out).toContain('4/4 log files valid');
    expect(out).toMatch(/Digest file s3:\/\/trent-audit-dir\/AWSLogs\/\S+ valid/);
    expect(status).toBe(0);
  });

  it('checks against the public key it is given, and refuses a time it cannot read', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
    const pem = join(root, 'other.pem');
    await writeFile(pem, other);
    const wrong = validate(auditDir, '--public-key', pem);
    expect(wrong.out).toContain('INVALID: public key not found');
    expect(wrong.status).toBe(1);
    const bad = validate(auditDir, '--start-time', 'yesterday-ish');
    expect(bad.out).toContain("--start-time must be a time such as 2026-01-31T12:00:00Z, got 'yesterday-ish'");
    expect(bad.status).toBe(2);
  });

  it('reports a changed log file', async () => {
    const dir = await copyOf('changed');
    const [log] = await logFiles(dir);
    const content = gunzipSync(await readFile(join(dir, log!)));
    content[20] = content[20]! ^ 1;
    await writeFile(join(dir, log!), gzipSync(content));
    const { status, out } = validate(dir);
    expect(out).toContain(`Log file s3://trent-audit-dir/${log} INVALID: hash value doesn't match`);
    expect(out).toContain('3/4 log files valid');
    expect(status).toBe(1);
  });

  it('reports a deleted log file', async () => {
    const dir = await copyOf('deleted');
    const [, log] = await logFiles(dir);
    await unlink(join(dir, log!));
    const { status, out } = validate(dir);
    expect(out).toContain(`Log file s3://trent-audit-dir/${log} INVALID: not found`);
    expect(status).toBe(1);
  });

  it('reports an inserted log file', async () => {
    const dir = await copyOf('inserted');
    const [log] = await logFiles(dir);
    // Named as if delivered earlier that day, before the digests that would have listed it.
    const forged = log!.replace(/T\d{4}Z_[0-9a-f]{16}\.json\.gz$/, 'T0000Z_0123456789abcdef.json.gz');
    await writeFile(join(dir, forged), gzipSync(JSON.stringify({ Records: [] })));
    const { status, out } = validate(dir);
    expect(out).toContain(`Log file s3://trent-audit-dir/${forged} INVALID: not listed in any digest`);
    expect(out).toContain('4/5 log files valid');
    expect(status).toBe(1);
  });

  it('reports a removed digest and a changed one', async () => {
    const removed = await copyOf('removed-digest');
    const us = (await digestFiles(removed)).filter((d) => d.includes('/us-east-1/')).sort();
    await unlink(join(removed, us[1]!));
    const r = validate(removed);
    expect(r.out).toContain(`Digest file s3://trent-audit-dir/${us[1]} INVALID: not found`);
    expect(r.status).toBe(1);

    const changed = await copyOf('changed-digest');
    const digest = JSON.parse(gunzipSync(await readFile(join(changed, us[0]!))).toString()) as { logFiles: unknown[] };
    digest.logFiles = [];
    await writeFile(join(changed, us[0]!), gzipSync(JSON.stringify(digest)));
    const c = validate(changed);
    expect(c.out).toContain(`Digest file s3://trent-audit-dir/${us[0]} INVALID: signature verification failed`);
    expect(c.status).toBe(1);
  });

  it('reports two digests whose places were swapped', async () => {
    const dir = await copyOf('reordered-digests');
    const us = (await digestFiles(dir)).filter((d) => d.includes('/us-east-1/')).sort();
    for (const suffix of ['', '.sig']) {
      const [a, b] = [join(dir, us[0]! + suffix), join(dir, us[1]! + suffix)];
      const [first, second] = [await readFile(a), await readFile(b)];
      await writeFile(a, second);
      await writeFile(b, first);
    }
    const { status, out } = validate(dir);
    expect(out).toMatch(new RegExp(`Digest file s3://trent-audit-dir/${us[0]!.replace(/[.]/g, '\\.')} INVALID`));
    expect(out).toMatch(new RegExp(`Digest file s3://trent-audit-dir/${us[1]!.replace(/[.]/g, '\\.')} INVALID`));
    expect(status).toBe(1);
  });
});

describe('delivery across a restart', () => {
  it('delivers what was recorded before shutdown once, and goes on after the restart', async () => {
    await t.client().send(new ListKeysCommand({}));
    await t.server.close();
    const again = await startServer({ dataDir, auditDir, port: 0, schedulerIntervalMs: 0, logger: silentLogger });
    try {
      expect(await again.auditDelivery!.deliverNow()).toEqual([]);
      const delivered = await deliveredEventIds(auditDir);
      expect(delivered.sort()).toEqual((await jsonLineEventIds()).sort());
      expect(new Set(delivered).size).toBe(delivered.length);
      await again.auditDelivery!.digestNow();
    } finally {
      await again.close();
    }
    const { status, out } = validate(auditDir);
    expect(out).toMatch(/(\d+)\/\1 log files valid/);
    expect(status).toBe(0);
  });
});

describe('ephemeral mode', () => {
  it('delivers nothing, and refuses a delivery directory', async () => {
    const s = await startServer({
      dataDir: join(root, 'never'),
      dev: true,
      ephemeral: true,
      port: 0,
      logger: silentLogger,
    });
    try {
      expect(s.auditDelivery).toBeUndefined();
    } finally {
      await s.close();
    }
    await expect(
      startServer({
        dataDir: join(root, 'never'),
        dev: true,
        ephemeral: true,
        auditDir: join(root, 'x'),
        port: 0,
        logger: silentLogger,
      }),
    ).rejects.toThrow('--ephemeral excludes --audit-dir');
    await expect(readdir(join(root, 'never'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
