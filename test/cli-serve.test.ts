/**
 * `trent serve` as a user runs it: first start creates the account and writes the administrator's
 * credentials (0600) without printing the secret; a restart reuses the data; SIGTERM lets
 * in-flight requests finish and exits 0; --dev says loudly that it is on.
 */
import { CreateKeyCommand, EncryptCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, serveReady } from './helpers/cli.js';

const serve = (dataDir: string, ...flags: string[]) => serveReady(['--data-dir', dataDir, ...flags]);

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'trent-serve-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('trent serve', () => {
  it('creates the account on first start, keeps secrets out of its output, and shuts down cleanly', async () => {
    const s = await serve(dataDir, '--account-id', '444455556666');
    const health = await fetch(`${s.url}/health`);
    expect(health.status).toBe(200);

    const file = join(dataDir, 'admin-credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'root-key'))).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(creds).sort()).toEqual(['accessKeyId', 'accountId', 'secretAccessKey']);
    expect(creds.accountId).toBe('444455556666');
    expect(creds.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(s.output()).toContain(file);
    expect(s.output()).not.toContain(creds.secretAccessKey);

    // An agent that shows when each request's bytes are on their connection.
    const sockets: net.Socket[] = [];
    const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });
    const createConnection = agent.createConnection.bind(agent);
    agent.createConnection = ((...args: Parameters<typeof createConnection>) => {
      const socket = createConnection(...args) as net.Socket;
      sockets.push(socket);
      return socket;
    }) as typeof agent.createConnection;
    const kms = new KMSClient({
      endpoint: s.url,
      region: 'eu-central-1',
      maxAttempts: 1,
      credentials: { accessKeyId: creds.accessKeyId!, secretAccessKey: creds.secretAccessKey! },
      requestHandler: { httpAgent: agent },
    });
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(key.Arn).toMatch(/^arn:aws:kms:eu-central-1:444455556666:key\//);

    // Every request the server has received is answered after SIGTERM (issue 15, finding 16):
    // 20 Encrypts on fresh connections, SIGTERM as soon as their bytes are written. A reset or
    // a hang-up is a lost request and fails the test.
    const first = sockets.length;
    const inFlight = Array.from({ length: 20 }, () =>
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('in flight') })),
    );
    const written = (c: net.Socket) => c.bytesWritten > 0 && c.writableLength === 0;
    while (sockets.length < first + 20 || !sockets.slice(first).every(written)) {
      await new Promise((r) => setImmediate(r));
    }
    s.child.kill('SIGTERM');
    const results = await Promise.allSettled(inFlight);
    expect(await s.exited).toBe(0);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([]);
    kms.destroy();

    // A restart reuses the account, the key and the credentials; no new credentials file.
    const again = await serve(dataDir, '--account-id', '444455556666');
    const kms2 = new KMSClient({
      endpoint: again.url,
      region: 'eu-central-1',
      maxAttempts: 1,
      credentials: { accessKeyId: creds.accessKeyId!, secretAccessKey: creds.secretAccessKey! },
    });
    const keys = (await kms2.send(new ListKeysCommand({}))).Keys!;
    expect(keys.map((k) => k.KeyId)).toEqual([key.KeyId]);
    expect(again.output()).not.toContain('created account');
    kms2.destroy();
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('warns loudly in --dev mode and accepts any well-formed credentials as the account root', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trent-dev-'));
    const s = await serve(dir, '--dev');
    expect(s.output()).toMatch(/DEV MODE/);
    const kms = new KMSClient({
      endpoint: s.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIAANYTHINGATALL000', secretAccessKey: 'not-checked' },
    });
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(key.AWSAccountId).toBe('111122223333');
    kms.destroy();
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses bad flags with a message', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--account-id', '12'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    expect(code).not.toBe(0);
    expect(err).toMatch(/account-id.*12 digits/s);
  });
});

describe('trent serve with the wrong root key', () => {
  it('refuses to start, saying why, instead of failing every request later', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trent-rootkey-'));
    const first = await serve(dir);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const otherKey = join(dir, 'another-root-key');
    const child = spawn(
      process.execPath,
      [MAIN, 'serve', '--port', '0', '--data-dir', dir, '--root-key', `file:${otherKey}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    expect(code).not.toBe(0);
    expect(err).toContain('The root key does not match this database');
    await rm(dir, { recursive: true, force: true });
  });
});

describe('trent serve over the network (issue 15, findings 13 and 14)', () => {
  const refused = async (...flags: string[]) => {
    const dir = await mkdtemp(join(tmpdir(), 'trent-expose-'));
    const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--data-dir', dir, ...flags], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    await rm(dir, { recursive: true, force: true });
    return { code, err };
  };

  it('refuses plain HTTP, and dev mode, on an address that is not loopback unless asked', async () => {
    const plain = await refused('--host', '0.0.0.0');
    expect(plain.code).not.toBe(0);
    expect(plain.err).toMatch(/refusing to serve plain HTTP on 0\.0\.0\.0.*--tls-cert.*--insecure-http/s);
    const dev = await refused('--host', '0.0.0.0', '--insecure-http', '--dev');
    expect(dev.code).not.toBe(0);
    expect(dev.err).toMatch(/refusing --dev on 0\.0\.0\.0.*--dev-allow-remote/s);
  });

  it('serves HTTPS with a self-signed certificate, says how to trust it, reloads on SIGHUP, and moves /metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trent-tls-serve-'));
    const s = await serve(dir, '--tls-self-signed', '--metrics-port', '0');
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = join(dir, 'tls', 'self-signed-cert.pem');
    expect(s.output()).toContain(`--ca-bundle ${ca}`);
    expect(s.output()).toContain(`AWS_CA_BUNDLE=${ca}`);
    expect((await stat(join(dir, 'tls', 'self-signed-key.pem'))).mode & 0o777).toBe(0o600);
    const metricsUrl = /"metricsUrl":"([^"]+)"/.exec(s.output())![1]!;

    const creds = JSON.parse(await readFile(join(dir, 'admin-credentials.json'), 'utf8')) as Record<string, string>;
    const agent = new https.Agent({ ca: await readFile(ca), keepAlive: true, maxSockets: 1 });
    const kms = new KMSClient({
      endpoint: s.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: creds.accessKeyId!, secretAccessKey: creds.secretAccessKey! },
      requestHandler: { httpsAgent: agent },
    });
    await kms.send(new CreateKeyCommand({}));
    s.child.kill('SIGHUP');
    while (!s.output().includes('SIGHUP: TLS certificate and key reloaded'))
      await new Promise((r) => setTimeout(r, 25));
    // The kept-alive connection and new ones both go on after the reload.
    await kms.send(new ListKeysCommand({}));
    agent.destroy();
    await kms.send(new ListKeysCommand({}));
    expect(await (await fetch(metricsUrl)).text()).toMatch(
      /^trent_requests_total\{operation="ListKeys",outcome="ok"\} 2$/m,
    );
    kms.destroy();
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });
});
