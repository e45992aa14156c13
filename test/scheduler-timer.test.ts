/**
 * The scheduler as it runs in a real server, not called by hand: its timer does the due work by
 * itself, and work that came due while the server was down is done at the next start. Both are
 * observed from outside (the key is gone, the material changed, the service events are in the
 * audit files) by polling with a bounded number of attempts, never by sleeping a fixed time.
 */
import {
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  KMSClient,
  ListKeyRotationsCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { expectKmsError, followClock, newKey } from './helpers/kms.js';
import { ManualClock, silentLogger, startTestServer, type TestServer } from './helpers/server.js';

const DAY = 24 * 60 * 60 * 1000;
const START = new Date('2026-06-01T00:00:00Z');

/** Calls `check` until it returns true: at most `attempts` times, `everyMs` apart. */
async function eventually(what: string, check: () => Promise<boolean>, attempts = 200, everyMs = 25): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: still not true after ${attempts} attempts`);
}

/** True once DescribeKey answers NotFoundException for the key. */
async function isGone(kms: KMSClient, keyId: string): Promise<boolean> {
  try {
    await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    return false;
  } catch (e) {
    if ((e as Error).name === 'NotFoundException') return true;
    throw e;
  }
}

const currentMaterial = async (kms: KMSClient, keyId: string) =>
  (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId;

/** Every audit event of the data directory (`audit/events-YYYYMMDDHH.jsonl`, JSON lines). */
async function auditEvents(dataDir: string): Promise<Record<string, unknown>[]> {
  const dir = join(dataDir, 'audit');
  const events: Record<string, unknown>[] = [];
  for (const f of (await readdir(dir)).sort()) {
    expect(f).toMatch(/^events-\d{10}\.jsonl$/);
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n'))
      if (line) events.push(JSON.parse(line) as Record<string, unknown>);
  }
  return events;
}

const serviceEvents = async (dataDir: string) =>
  (await auditEvents(dataDir))
    .filter((e) => e.eventType === 'AwsServiceEvent')
    .map((e) => ({
      eventName: e.eventName,
      eventTime: e.eventTime,
      keyId: (e.serviceEventDetails as Record<string, string>).keyId,
      rotationType: (e.serviceEventDetails as Record<string, string>).rotationType,
    }));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("the scheduler's timer", () => {
  it('deletes and rotates due keys by itself, and leaves the rest', async () => {
    const clock = new ManualClock(START);
    const t: TestServer = await startTestServer({ clock, schedulerIntervalMs: 50 });
    cleanups.push(() => t.stop());
    const kms = followClock(t.client(), clock);

    const doomed = await newKey(kms, 'doomed in 7 days');
    const later = await newKey(kms, 'doomed in 30 days');
    const rotating = await newKey(kms, 'rotates every 90 days');
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: later.KeyId, PendingWindowInDays: 30 }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: rotating.KeyId, RotationPeriodInDays: 90 }));

    clock.advance(7 * DAY);
    await eventually('the timer deletes the key whose window ended', () => isGone(kms, doomed.KeyId!));
    await expectKmsError(
      kms.send(new DescribeKeyCommand({ KeyId: doomed.KeyId })),
      'NotFoundException',
      `Key '${doomed.Arn}' does not exist`,
    );
    // The run that deleted `doomed` saw the same time, and these were not due yet.
    expect((await kms.send(new DescribeKeyCommand({ KeyId: later.KeyId }))).KeyMetadata!.KeyState).toBe(
      'PendingDeletion',
    );
    expect(await currentMaterial(kms, rotating.KeyId!)).toBe(rotating.CurrentKeyMaterialId);

    clock.advance(83 * DAY);
    await eventually(
      'the timer rotates the key that is due',
      async () => (await currentMaterial(kms, rotating.KeyId!)) !== rotating.CurrentKeyMaterialId,
    );
    await eventually('the timer deletes the second key', () => isGone(kms, later.KeyId!));
    const rotations = (await kms.send(new ListKeyRotationsCommand({ KeyId: rotating.KeyId }))).Rotations;
    expect(rotations).toEqual([expect.objectContaining({ RotationType: 'AUTOMATIC', RotationDate: clock.now() })]);

    expect(await serviceEvents(t.dataDir)).toEqual([
      { eventName: 'DeleteKey', eventTime: '2026-06-08T00:00:00Z', keyId: doomed.KeyId, rotationType: undefined },
      // One run does deletions before rotations.
      { eventName: 'DeleteKey', eventTime: '2026-08-30T00:00:00Z', keyId: later.KeyId, rotationType: undefined },
      { eventName: 'RotateKey', eventTime: '2026-08-30T00:00:00Z', keyId: rotating.KeyId, rotationType: 'AUTOMATIC' },
    ]);
  });
});

describe('work missed while the server was down', () => {
  it('is done at the next start, with its service events in the audit', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trent-catch-up-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

    // First life: the timer is off, so nothing runs; the work is scheduled and the server stops.
    const before = new ManualClock(START);
    const first = await startTestServer({ clock: before, dataDir });
    const kms1 = followClock(first.client(), before);
    const doomed = await newKey(kms1, 'window ends while down');
    const rotating = await newKey(kms1, 'rotation due while down');
    const yearly = await newKey(kms1, 'rotation not due');
    await kms1.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
    await kms1.send(new EnableKeyRotationCommand({ KeyId: rotating.KeyId, RotationPeriodInDays: 90 }));
    await kms1.send(new EnableKeyRotationCommand({ KeyId: yearly.KeyId, RotationPeriodInDays: 365 }));
    await first.stop();
    expect(await serviceEvents(dataDir)).toEqual([]);

    // Second life, 100 days on: past the deletion date and the rotation date. The timer's interval
    // is an hour, so only the run at start can do the work while the test watches.
    const after = new ManualClock(new Date(START.getTime() + 100 * DAY));
    const second: RunningServer = await startServer({
      dataDir,
      port: 0,
      clock: after,
      logger: silentLogger,
      schedulerIntervalMs: 60 * 60 * 1000,
    });
    cleanups.push(() => second.close());
    expect(second.createdCredentials).toBeUndefined();
    const kms2 = followClock(
      new KMSClient({ endpoint: second.url, region: 'us-east-1', credentials: first.credentials, maxAttempts: 1 }),
      after,
    );
    cleanups.push(async () => kms2.destroy());

    await eventually('the run at start rotates the key that came due while down', async () => {
      return (await currentMaterial(kms2, rotating.KeyId!)) !== rotating.CurrentKeyMaterialId;
    });
    // Deletions come first in a run, so the rotation having happened means the deletion has too.
    await expectKmsError(
      kms2.send(new DescribeKeyCommand({ KeyId: doomed.KeyId })),
      'NotFoundException',
      `Key '${doomed.Arn}' does not exist`,
    );
    expect(await second.services.storage.listKeyMaterials(doomed.Arn!)).toEqual([]);
    expect(await currentMaterial(kms2, yearly.KeyId!)).toBe(yearly.CurrentKeyMaterialId);
    const rotations = (await kms2.send(new ListKeyRotationsCommand({ KeyId: rotating.KeyId }))).Rotations;
    expect(rotations).toEqual([expect.objectContaining({ RotationType: 'AUTOMATIC', RotationDate: after.now() })]);

    expect(await serviceEvents(dataDir)).toEqual([
      { eventName: 'DeleteKey', eventTime: '2026-09-09T00:00:00Z', keyId: doomed.KeyId, rotationType: undefined },
      { eventName: 'RotateKey', eventTime: '2026-09-09T00:00:00Z', keyId: rotating.KeyId, rotationType: 'AUTOMATIC' },
    ]);
  });
});
