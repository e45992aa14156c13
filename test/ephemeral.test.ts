/**
 * `--ephemeral`: everything in memory, nothing written to disk. Through startServer and through
 * `trent serve`, the data directory is never created and the working directory stays empty; two
 * ephemeral servers share nothing, and stopping one loses everything. Refused without --dev.
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  KMSClient,
  ListKeysCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditSink } from '../src/audit/index.js';
import { startServer, type ServerOptions } from '../src/server/index.js';
import { spawnServe } from './helpers/cli.js';
import { silentLogger, startTestServer, type TestServer } from './helpers/server.js';

let work: string;
let missing: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'trent-ephemeral-'));
  missing = join(work, 'no-such-dir', 'data');
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Every path under `dir`, recursively. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

const ephemeral = (opts: Pick<ServerOptions, 'auditSink'> = {}) =>
  startTestServer({ dataDir: missing, dev: true, ephemeral: true, ...opts });

async function exercise(t: TestServer): Promise<string> {
  const kms = t.client();
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'ephemeral' }));
  const keyId = KeyMetadata!.KeyId!;
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('hello') }));
  const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob }));
  expect(Buffer.from(Plaintext!).toString()).toBe('hello');
  const doomed = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed, PendingWindowInDays: 7 }));
  await t.server.runScheduledWork();
  return keyId;
}

describe('ephemeral mode through startServer', () => {
  it('serves CreateKey, Encrypt, Decrypt and ScheduleKeyDeletion without writing anything', async () => {
    let sink: MemoryAuditSink | undefined;
    const t = await ephemeral({
      auditSink: (inner) => {
        expect(inner).toBeInstanceOf(MemoryAuditSink);
        sink = inner as MemoryAuditSink;
        return inner;
      },
    });
    expect(t.server.createdCredentials?.accessKeyId).toMatch(/^AKIA/);
    await exercise(t);
    // The audit trail is in memory.
    expect(sink!.events().map((e) => e.eventName)).toEqual(
      expect.arrayContaining(['CreateKey', 'Encrypt', 'Decrypt', 'ScheduleKeyDeletion']),
    );
    expect(await tree(work)).toEqual([]);
    await t.stop();
    expect(await tree(work)).toEqual([]);
    expect(t.logs.text()).not.toContain(missing);
  });

  it('accepts any well-formed credentials', async () => {
    const t = await ephemeral();
    const kms = t.client({ credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await kms.send(new CreateKeyCommand({}));
    expect((await kms.send(new ListKeysCommand({}))).Keys).toHaveLength(1);
    await t.stop();
  });

  it('gives two servers nothing in common, and loses everything on stop', async () => {
    const a = await ephemeral();
    const b = await ephemeral();
    const keyId = await exercise(a);
    const { CiphertextBlob } = await a.client().send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    await expect(b.client().send(new DescribeKeyCommand({ KeyId: keyId }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(b.client().send(new DecryptCommand({ CiphertextBlob }))).rejects.toMatchObject({
      name: expect.stringMatching(/^(NotFoundException|InvalidCiphertextException)$/),
    });
    expect((await b.client().send(new ListKeysCommand({}))).Keys).toEqual([]);
    await a.stop();
    await b.stop();

    // The same data directory again: a fresh, empty server.
    const again = await ephemeral();
    expect(again.server.createdCredentials).toBeDefined();
    expect((await again.client().send(new ListKeysCommand({}))).Keys).toEqual([]);
    await again.stop();
    expect(await tree(work)).toEqual([]);
  });

  it('is refused without dev mode, with --tls-self-signed and with --root-key', async () => {
    const base = { dataDir: missing, port: 0, logger: silentLogger, ephemeral: true };
    await expect(startServer(base)).rejects.toThrow(
      '--ephemeral needs --dev: ephemeral mode (nothing written to disk) is for tests and development only',
    );
    await expect(startServer({ ...base, dev: true, tlsSelfSigned: true })).rejects.toThrow(
      '--ephemeral excludes --tls-self-signed',
    );
    await expect(startServer({ ...base, dev: true, rootKey: `file:${join(work, 'k')}` })).rejects.toThrow(
      '--ephemeral excludes --root-key',
    );
    expect(await tree(work)).toEqual([]);
  });
});

/** Runs `trent serve` in `cwd` until it is ready (or exits), with the output so far. */
const serve = (cwd: string, ...flags: string[]) =>
  spawnServe(flags, { cwd, env: { ...process.env, TRENT_LOG_FORMAT: 'json' } });

describe('trent serve --ephemeral', () => {
  it('writes nothing in the working directory or the data directory', async () => {
    const s = serve(work, '--dev', '--ephemeral', '--data-dir', missing);
    const url = await s.ready;
    expect(url, s.output()).toBeDefined();
    const kms = new KMSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: Buffer.from('hi') }),
    );
    await kms.send(new DecryptCommand({ CiphertextBlob }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: KeyMetadata!.KeyId!, PendingWindowInDays: 7 }));
    kms.destroy();
    expect(s.output()).toContain('ephemeral: nothing is written to disk');
    expect(s.output()).not.toContain('admin-credentials');
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(await tree(work)).toEqual([]);
  });

  it('is refused without --dev, naming both', async () => {
    const s = serve(work, '--ephemeral', '--data-dir', missing);
    expect(await s.ready).toBeUndefined();
    expect(await s.exited).toBe(2);
    expect(s.output()).toContain('ephemeral (from flag --ephemeral) and dev (default)');
    expect(s.output()).toContain('ephemeral needs dev (--ephemeral needs --dev)');
    expect(await tree(work)).toEqual([]);
  });

  it('is refused with --tls-self-signed', async () => {
    const s = serve(work, '--dev', '--ephemeral', '--tls-self-signed', '--data-dir', missing);
    expect(await s.exited).toBe(2);
    expect(s.output()).toContain('tlsSelfSigned (from flag --tls-self-signed)');
    expect(await tree(work)).toEqual([]);
  });
});
