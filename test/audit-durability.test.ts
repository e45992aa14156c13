/**
 * The audit is fail-closed (DESIGN, "Audit and metering"): a request that returns secret material
 * or changes state is answered only after its event is durable, and fails when the event cannot be
 * written; read-only calls that return nothing secret go on. Proven with sinks injected around the
 * real file sink: one that fails on demand, one that holds durable writes until the test lets go.
 */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateRandomCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditSink } from '../src/audit/index.js';
import { INTERNAL_ERROR_MESSAGE } from '../src/protocol/index.js';
import { expectKmsError } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

async function eventNames(t: TestServer): Promise<string[]> {
  const dir = join(t.dataDir, 'audit');
  const names: string[] = [];
  for (const f of (await readdir(dir)).sort())
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n'))
      if (line) names.push((JSON.parse(line) as { eventName: string }).eventName);
  return names;
}

describe('a failing audit sink', () => {
  let t: TestServer;
  let kms: KMSClient;
  const sink = { failing: false, attempts: [] as { eventName: string; durable: boolean }[] };

  beforeAll(async () => {
    t = await startTestServer({
      auditSink: (file: AuditSink): AuditSink => ({
        record(event: AuditEvent, durable: boolean) {
          if (!sink.failing) return file.record(event, durable);
          sink.attempts.push({ eventName: event.eventName, durable });
          return Promise.reject(new Error('disk on fire'));
        },
        close: () => file.close(),
      }),
    });
    kms = t.client();
  });
  afterAll(async () => t.stop());

  it('fails every call that returns secret material or changes state, with nothing secret in the answer', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('p') }));
    sink.failing = true;
    try {
      const calls: [string, () => Promise<unknown>][] = [
        ['Decrypt', () => kms.send(new DecryptCommand({ CiphertextBlob }))],
        ['GenerateDataKey', () => kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }))],
        ['GenerateRandom', () => kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }))],
        ['CreateKey', () => kms.send(new CreateKeyCommand({}))],
        ['DisableKey', () => kms.send(new DisableKeyCommand({ KeyId: key.KeyId }))],
        [
          'CreateAlias',
          () => kms.send(new CreateAliasCommand({ AliasName: 'alias/audit-down', TargetKeyId: key.KeyId })),
        ],
        [
          'ScheduleKeyDeletion',
          () => kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 })),
        ],
      ];
      for (const [name, call] of calls) {
        const err = await expectKmsError(call(), 'KMSInternalException', INTERNAL_ERROR_MESSAGE);
        expect(err.$metadata?.httpStatusCode, name).toBe(500);
        // Nothing of a plaintext or data key came back with the error.
        expect(JSON.stringify(err), name).not.toMatch(/Plaintext|CiphertextBlob/);
      }
      expect(sink.attempts.map((a) => a.eventName)).toEqual(calls.map(([name]) => name));
      expect(sink.attempts.every((a) => a.durable)).toBe(true);

      // Read-only calls that return nothing secret go on; their lost events are logged.
      expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyId).toBe(key.KeyId);
      expect((await kms.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyId)).toContain(key.KeyId);
      await kms.send(new ListAliasesCommand({}));
      expect(t.logs.text()).toContain('audit log write failed');
      expect(t.logs.text()).toContain('disk on fire');
    } finally {
      sink.failing = false;
    }
    // Nothing that failed above was written; the trail resumes when the sink does.
    await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
    const names = await eventNames(t);
    expect(names).toEqual(['CreateKey', 'Encrypt', 'DescribeKey']);
  });
});

describe('a sink whose durable writes are slow', () => {
  let t: TestServer;
  let kms: KMSClient;
  /** Durable writes wait here until the test releases them; each arrival is announced. */
  const held: { eventName: string; release: () => void }[] = [];
  let arrived: () => void = () => {};
  /** Whether the next durable write is held. */
  let holding = false;

  beforeAll(async () => {
    t = await startTestServer({
      auditSink: (file: AuditSink): AuditSink => ({
        record(event: AuditEvent, durable: boolean) {
          if (!durable || !holding) return file.record(event, durable);
          return new Promise<void>((resolve, reject) => {
            const release = () => void file.record(event, durable).then(resolve, reject);
            held.push({ eventName: event.eventName, release });
            arrived();
          });
        },
        close: () => file.close(),
      }),
    });
    kms = t.client();
  });
  afterAll(async () => t.stop());

  const nextArrival = () => new Promise<void>((r) => (arrived = r));

  /** Sends `call`, waits until its durable write is held, then proves the answer waits for it. */
  async function answeredOnlyAfterDurable(eventName: string, call: () => Promise<unknown>, keyId: string) {
    holding = true;
    const arrival = nextArrival();
    let answered = false;
    const pending = call().then((out) => {
      answered = true;
      return out;
    });
    await arrival;
    holding = false;
    expect(held.map((h) => h.eventName)).toEqual([eventName]);
    // Other requests, non-durable ones, are answered meanwhile; this one is still pending.
    for (let i = 0; i < 3; i++) await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(answered).toBe(false);
    held.shift()!.release();
    const out = await pending;
    expect(answered).toBe(true);
    expect((await eventNames(t)).at(-1)).toBe(eventName);
    return out;
  }

  it('answers Decrypt, GenerateDataKey and CreateKey only after their events are durable', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('p') }));
    const decrypted = (await answeredOnlyAfterDurable(
      'Decrypt',
      () => kms.send(new DecryptCommand({ CiphertextBlob })),
      key.KeyId!,
    )) as { Plaintext: Uint8Array };
    expect(Buffer.from(decrypted.Plaintext).toString()).toBe('p');
    await answeredOnlyAfterDurable(
      'GenerateDataKey',
      () => kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' })),
      key.KeyId!,
    );
    await answeredOnlyAfterDurable('CreateKey', () => kms.send(new CreateKeyCommand({})), key.KeyId!);
    await answeredOnlyAfterDurable(
      'DisableKey',
      () => kms.send(new DisableKeyCommand({ KeyId: key.KeyId })),
      key.KeyId!,
    );
  });
});
