/**
 * Native HTTPS (issue 15, finding 13): the AWS SDK and the AWS CLI v2 over TLS trusting Trent's
 * certificate; TLS 1.2 and 1.3 only, AEAD ciphers only; a reload gives new connections the new
 * certificate while open connections go on; plain HTTP and dev mode stay on loopback unless asked.
 */
import { CreateKeyCommand, DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { X509Certificate } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/server/index.js';
import { ensureSelfSigned } from '../src/server/tls.js';
import { awsCliOrSkip, runAwsKms } from './helpers/aws-cli.js';
import { silentLogger, startTestServer, type TestServer } from './helpers/server.js';

let dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'trent-tls-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

function tlsHandshake(port: number, options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((ok, fail) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => ok(socket));
    socket.once('error', fail);
  });
}

describe('HTTPS with a certificate and key', () => {
  let t: TestServer;
  let certA: Buffer;
  let certB: Buffer;
  let certFile: string;
  let keyFile: string;
  let other: { certFile: string; keyFile: string };

  beforeAll(async () => {
    const a = await ensureSelfSigned(await tempDir());
    other = await ensureSelfSigned(await tempDir());
    const served = await tempDir();
    certFile = join(served, 'cert.pem');
    keyFile = join(served, 'key.pem');
    await copyFile(a.certFile, certFile);
    await copyFile(a.keyFile, keyFile);
    certA = await readFile(a.certFile);
    certB = await readFile(other.certFile);
    t = await startTestServer({ tls: { certFile, keyFile } });
  });
  afterAll(async () => t.stop());

  const sdk = (ca: Buffer, agent = new https.Agent({ ca, keepAlive: true })) =>
    t.client({ requestHandler: { httpsAgent: agent } });

  it('serves the AWS SDK over https://', async () => {
    expect(t.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const kms = sdk(certA);
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('tls') }));
    const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(Plaintext!).toString()).toBe('tls');
  });

  it('speaks TLS 1.3 and 1.2 with AEAD ciphers only, and refuses TLS 1.1 and CBC', async () => {
    const v13 = await tlsHandshake(t.server.port, { ca: certA });
    expect(v13.getProtocol()).toBe('TLSv1.3');
    v13.destroy();
    const v12 = await tlsHandshake(t.server.port, { ca: certA, maxVersion: 'TLSv1.2' });
    expect(v12.getProtocol()).toBe('TLSv1.2');
    expect(v12.getCipher().name).toMatch(/GCM|CHACHA20/);
    v12.destroy();
    await expect(
      tlsHandshake(t.server.port, {
        ca: certA,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      }),
    ).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    await expect(
      tlsHandshake(t.server.port, { ca: certA, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256' }),
    ).rejects.toMatchObject({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
  });

  it('reloads the certificate for new connections while open ones go on', async () => {
    const agent = new https.Agent({ ca: [certA, certB], keepAlive: true, maxSockets: 1 });
    const kms = sdk(certA, agent);
    await kms.send(new CreateKeyCommand({}));
    const [socket] = Object.values(agent.freeSockets).flat();
    expect(socket).toBeDefined();

    await copyFile(other.certFile, certFile);
    await copyFile(other.keyFile, keyFile);
    await t.server.reloadTls();

    // The open connection goes on: same socket, still serving.
    await kms.send(new CreateKeyCommand({}));
    expect(Object.values(agent.freeSockets).flat()).toEqual([socket]);
    expect((socket as tls.TLSSocket).getPeerX509Certificate()!.raw).toEqual(new X509Certificate(certA).raw);
    // A new connection gets the new certificate, which the old trust no longer accepts.
    const fresh = await tlsHandshake(t.server.port, { ca: certB });
    expect(fresh.getPeerX509Certificate()!.raw).toEqual(new X509Certificate(certB).raw);
    fresh.destroy();
    await expect(tlsHandshake(t.server.port, { ca: certA })).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    agent.destroy();
  });
});

describe('a self-signed certificate', () => {
  it('is made once in the data directory, key 0600, for localhost, 127.0.0.1 and ::1', async () => {
    const dir = await tempDir();
    const files = await ensureSelfSigned(dir);
    expect((await stat(files.keyFile)).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(await readFile(files.certFile));
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    const again = await ensureSelfSigned(dir);
    expect(new X509Certificate(await readFile(again.certFile)).fingerprint256).toBe(cert.fingerprint256);
  });
});

describe('exposure', () => {
  it('refuses plain HTTP on an address that is not loopback unless asked', async () => {
    const dataDir = await tempDir();
    await expect(startServer({ dataDir, host: '0.0.0.0', port: 0, logger: silentLogger })).rejects.toThrow(
      /refusing to serve plain HTTP on 0\.0\.0\.0, which is not a loopback address.*--insecure-http/,
    );
    const s = await startServer({
      dataDir,
      host: '0.0.0.0',
      port: 0,
      insecureHttp: true,
      logger: silentLogger,
      schedulerIntervalMs: 0,
    });
    expect(s.url).toMatch(/^http:\/\/0\.0\.0\.0:/);
    await s.close();
  });

  it('refuses dev mode on an address that is not loopback unless asked', async () => {
    const dataDir = await tempDir();
    await expect(
      startServer({ dataDir, host: '::', port: 0, dev: true, tlsSelfSigned: true, logger: silentLogger }),
    ).rejects.toThrow(/refusing --dev on ::.*--dev-allow-remote/);
  });
});

const AWS = awsCliOrSkip('test/tls.test.ts (AWS CLI over HTTPS)');

describe.skipIf(!AWS)('the AWS CLI v2 over HTTPS', () => {
  let t: TestServer;
  let home: string;
  beforeAll(async () => {
    home = await tempDir();
    t = await startTestServer({ tlsSelfSigned: true });
  });
  afterAll(async () => t.stop());

  const aws = (args: string[]) => runAwsKms({ aws: AWS!, endpoint: t.server.url, home, ...t.credentials }, args);

  it('encrypts and decrypts with --ca-bundle, and refuses the certificate without it', async () => {
    const ca = t.server.tlsFiles!.certFile;
    const created = await aws(['create-key', '--ca-bundle', ca]);
    expect(created.stderr).toBe('');
    const keyId = (JSON.parse(created.stdout) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
    const enc = await aws(['encrypt', '--key-id', keyId, '--plaintext', 'aGVsbG8=', '--ca-bundle', ca]);
    expect(enc.code).toBe(0);
    const blob = (JSON.parse(enc.stdout) as { CiphertextBlob: string }).CiphertextBlob;
    const dec = await aws(['decrypt', '--ciphertext-blob', blob, '--ca-bundle', ca]);
    expect(JSON.parse(dec.stdout)).toMatchObject({ Plaintext: 'aGVsbG8=' });
    const untrusted = await aws(['list-keys']);
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/SSL|certificate/i);
  }, 60_000);
});
