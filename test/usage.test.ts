/**
 * `trent usage` against a known sequence of calls: the built CLI reads the counters the server
 * flushed at shutdown, and its counts agree with the audit trail of the same calls.
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyPairCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrent } from './helpers/cli.js';
import { followClock } from './helpers/kms.js';
import { ManualClock, silentLogger, startTestServer } from './helpers/server.js';
import { startServer } from '../src/server/index.js';

interface Report {
  period: string;
  lines: {
    accountId: string;
    region: string;
    keyArn: string;
    operation: string;
    priceClass: string;
    requests: number;
    costUsd: number;
  }[];
  keyMonths: { accountId: string; region: string; keyArn: string; hours: number; costUsd: number }[];
  parameterMonths: { accountId: string; region: string; parameterArn: string; hours: number; costUsd: number }[];
  totalUsd: number;
}

let dataDir: string;
let keyArn: string;
let accountId: string;
let period: string;

async function auditEvents(dir: string): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.jsonl')) continue;
    const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
    for (const line of text.split('\n')) if (line.trim()) events.push(JSON.parse(line) as Record<string, unknown>);
  }
  return events;
}

async function usage(...args: string[]): Promise<Report> {
  const run = await runTrent('usage', '--data-dir', dataDir, '--format', 'json', '--month', period, ...args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Report;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'trent-usage-'));
  const t = await startTestServer({ dataDir });
  try {
    const kms = t.client();
    const created = await kms.send(new CreateKeyCommand({}));
    keyArn = created.KeyMetadata!.Arn!;
    accountId = created.KeyMetadata!.AWSAccountId!;
    period = created.KeyMetadata!.CreationDate!.toISOString().slice(0, 7);
    const blobs: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) {
      const out = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from(`secret ${i}`) }));
      blobs.push(out.CiphertextBlob!);
    }
    for (const blob of blobs.slice(0, 3)) await kms.send(new DecryptCommand({ CiphertextBlob: blob }));
    await kms.send(new GenerateDataKeyPairCommand({ KeyId: keyArn, KeyPairSpec: 'RSA_2048' }));
    await expect(kms.send(new DescribeKeyCommand({ KeyId: 'alias/does-not-exist' }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  } finally {
    // Stopping flushes the counters.
    await t.stop();
  }
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('trent usage', () => {
  it('bills the calls made, by key, operation and price class', async () => {
    const report = await usage();
    expect(report.period).toBe(period);
    const line = (keyArn: string, operation: string, priceClass: string, requests: number, costUsd: number) => ({
      accountId,
      region: 'us-east-1',
      keyArn,
      operation,
      priceClass,
      requests,
      costUsd,
    });
    expect(report.lines).toEqual([
      // The failed call named no key.
      line('', 'DescribeKey', 'symmetric', 1, 0),
      // Ten symmetric requests are within the 20,000 free ones.
      line(keyArn, 'CreateKey', 'symmetric', 1, 0),
      line(keyArn, 'Decrypt', 'symmetric', 3, 0),
      line(keyArn, 'Encrypt', 'symmetric', 5, 0),
      // Not in the free tier: $12.00 per 10,000.
      line(keyArn, 'GenerateDataKeyPair', 'rsa-generate-data-key-pair', 1, 0.0012),
    ]);
    // The key existed for less than an hour: one started hour of a $1 month.
    const { hours, keyMonthUsd } = monthOf(period);
    expect(report.keyMonths).toEqual([{ accountId, region: 'us-east-1', keyArn, hours: 1, costUsd: keyMonthUsd }]);
    expect(keyMonthUsd).toBe(Math.round(1e6 / hours) / 1e6);
    expect(report.totalUsd).toBe(Math.round((0.0012 + keyMonthUsd) * 1e6) / 1e6);
  });

  it('agrees with the audit trail of the same calls', async () => {
    const events = (await auditEvents(join(dataDir, 'audit'))).filter((e) => e.eventType !== 'AwsServiceEvent');
    const fromAudit = new Map<string, number>();
    for (const e of events) {
      const resources = (e.resources as { ARN: string }[] | undefined) ?? [];
      const id = `${(e.userIdentity as { accountId: string }).accountId} ${e.awsRegion as string} ${resources[0]?.ARN ?? ''} ${e.eventName as string}`;
      fromAudit.set(id, (fromAudit.get(id) ?? 0) + 1);
    }
    const report = await usage();
    const fromUsage = new Map(
      report.lines.map((l) => [`${l.accountId} ${l.region} ${l.keyArn} ${l.operation}`, l.requests]),
    );
    expect(fromUsage).toEqual(fromAudit);
    expect(events).toHaveLength(11);
  });

  it('shows only the account asked for', async () => {
    const other = await usage('--account', '999988887777');
    expect(other).toEqual({ period, lines: [], keyMonths: [], parameterMonths: [], totalUsd: 0 });
  });

  it('prices with --price-table', async () => {
    const file = join(dataDir, 'prices.yaml');
    await writeFile(
      file,
      'freeRequestsPerMonth: 0\nkeyMonthUsd: 0\nrequestClasses:\n  symmetric:\n    usdPer10000: 100\n',
    );
    const report = await usage('--price-table', file);
    // 10 symmetric requests at $0.01 each, the key pair at $0.0012, key-months free.
    expect(report.lines.map((l) => l.costUsd)).toEqual([0.01, 0.01, 0.03, 0.05, 0.0012]);
    expect(report.totalUsd).toBe(0.1012);
  });

  it('prints a table and CSV', async () => {
    const table = await runTrent('usage', '--data-dir', dataDir, '--month', period);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`Usage for ${period}`);
    expect(table.stdout).toMatch(/GenerateDataKeyPair\s+rsa-generate-data-key-pair\s+1\s+0\.001200/);
    const csv = await runTrent('usage', '--data-dir', dataDir, '--month', period, '--format', 'csv');
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('period,kind,accountId,region,keyArn,operation,priceClass,requests,hours,costUsd');
    expect(rows).toContain(`${period},requests,${accountId},us-east-1,${keyArn},Encrypt,symmetric,5,,0.000000`);
    expect(rows.at(-1)).toMatch(new RegExp(`^${period},total,,,,,,,,0\\.0025`));
  });

  it('reads while a server runs, with the price table that server was started with', async () => {
    const file = join(dataDir, 'server-prices.json');
    await writeFile(file, JSON.stringify({ requestClasses: { 'rsa-generate-data-key-pair': { usdPer10000: 50 } } }));
    const running = await startServer({
      dataDir,
      port: 0,
      schedulerIntervalMs: 0,
      logger: silentLogger,
      priceTable: file,
    });
    try {
      const report = await usage();
      // What the first server flushed at shutdown; the key pair at $50 per 10,000.
      expect(report.lines.map((l) => [l.operation, l.requests, l.costUsd])).toEqual([
        ['DescribeKey', 1, 0],
        ['CreateKey', 1, 0],
        ['Decrypt', 3, 0],
        ['Encrypt', 5, 0],
        ['GenerateDataKeyPair', 1, 0.005],
      ]);
    } finally {
      await running.close();
    }
  });

  it('refuses to start a server with a bad price table', async () => {
    const file = join(dataDir, 'bad-server-prices.yaml');
    await writeFile(file, 'requestClasses:\n  symmetric:\n    usdPer10000: -1\n');
    const start = startServer({ dataDir: join(dataDir, 'refused'), port: 0, logger: silentLogger, priceTable: file });
    await expect(start).rejects.toThrow(
      `price table ${file}: requestClasses.symmetric.usdPer10000 must be a non-negative number`,
    );
  });

  it('explains bad usage and bad price tables', async () => {
    const month = await runTrent('usage', '--data-dir', dataDir, '--month', '2026-13');
    expect(month.code).toBe(2);
    expect(month.stderr).toBe("trent: --month must be YYYY-MM, got '2026-13'\n");
    const file = join(dataDir, 'bad.json');
    await writeFile(file, '{"keyMonthUsd": "one"}');
    const bad = await runTrent('usage', '--data-dir', dataDir, '--price-table', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`trent: price table ${file}: keyMonthUsd must be a non-negative number\n`);
  });
});

describe('trent usage of a key deleted after its waiting period', () => {
  it('keeps the hours the key was charged, by month, once the key is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trent-usage-deleted-'));
    const clock = new ManualClock(new Date('2026-01-31T14:00:00Z'));
    const t = await startTestServer({ dataDir: dir, clock });
    let arn: string;
    try {
      const kms = followClock(t.client(), clock);
      arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
      // Charged from January 31 14:00 until it is scheduled, February 2 00:00: 10 hours, then 24.
      clock.advance(34 * 3_600_000);
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: arn, PendingWindowInDays: 7 }));
      clock.advance(8 * 86_400_000);
      expect((await t.server.runScheduledWork()).deleted).toEqual([arn]);
    } finally {
      await t.stop();
    }
    try {
      const read = async (month: string) => {
        const run = await runTrent('usage', '--data-dir', dir, '--format', 'json', '--month', month);
        expect(run.code).toBe(0);
        return (JSON.parse(run.stdout) as Report).keyMonths.filter((k) => k.keyArn === arn);
      };
      expect((await read('2026-01')).map((k) => k.hours)).toEqual([10]);
      expect((await read('2026-02')).map((k) => k.hours)).toEqual([24]);
      expect(await read('2026-03')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function monthOf(p: string): { hours: number; keyMonthUsd: number } {
  const [y, m] = p.split('-').map(Number) as [number, number];
  const hours = (Date.UTC(y, m, 1) - Date.UTC(y, m - 1, 1)) / 3_600_000;
  return { hours, keyMonthUsd: Math.round(1e6 / hours) / 1e6 };
}
