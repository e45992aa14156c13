/**
 * The built `trent encrypt` / `trent decrypt` commands (dist/cli/main.js; `npm test` builds first)
 * against a real server: a 64 MiB file round-trips byte for byte with flat memory, tampered
 * messages leave no output behind, and a key disabled after encryption stops decryption.
 */
import { CreateAliasCommand, CreateKeyCommand, DisableKeyCommand } from '@aws-sdk/client-kms';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, open, readdir, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

const CLI = resolve(import.meta.dirname, '../dist/cli/main.js');
const TIME = '/usr/bin/time';
const FILE_SIZE = 64 * 1024 * 1024;
const MAX_RSS_BYTES = 200 * 1024 * 1024;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the node process, in bytes. */
  peakRss: number;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes `size` random bytes in 1 MiB chunks and returns their sha256. */
async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size;) {
      const chunk = randomBytes(Math.min(1024 * 1024, size - written));
      hash.update(chunk);
      await handle.write(chunk);
      written += chunk.length;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

describe('trent encrypt / decrypt end to end', () => {
  let t: TestServer;
  let dir: string;
  let keyId: string;
  const alias = 'alias/envelope-e2e';
  const useTime = existsSync(TIME);

  /** Runs the built CLI with credentials in the environment only; measures its peak RSS. */
  function trent(args: string[]): Promise<RunResult> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      AWS_ACCESS_KEY_ID: t.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: t.credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const full = [CLI, ...args, '--endpoint-url', t.server.url];
    // GNU time writes its report to the file given by -o, keeping the command's stderr clean.
    const timeReport = join(dir, `time-${randomBytes(4).toString('hex')}.txt`);
    const child = useTime
      ? spawn(TIME, ['-v', '-o', timeReport, process.execPath, ...full], { env, cwd: dir })
      : spawn(process.execPath, full, { env, cwd: dir });
    let stdout = '';
    let stderr = '';
    let polledPeakKb = 0;
    const poll = useTime
      ? undefined
      : setInterval(() => {
          void readFile(`/proc/${child.pid}/status`, 'utf8').then(
            (s) => {
              const kb = Number(/VmHWM:\s+(\d+) kB/.exec(s)?.[1] ?? 0);
              polledPeakKb = Math.max(polledPeakKb, kb);
            },
            () => undefined,
          );
        }, 25);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    return new Promise((resolvePromise, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        if (poll) clearInterval(poll);
        void (async () => {
          let peakKb = polledPeakKb;
          if (useTime) {
            const report = await readFile(timeReport, 'utf8');
            await rm(timeReport, { force: true });
            peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1] ?? NaN);
            // GNU time exits with the command's status; a signal shows in its report.
            if (/Command terminated by signal/.test(report)) code = code ?? 128;
          }
          resolvePromise({ code, stdout, stderr, peakRss: peakKb * 1024 });
        })().catch(reject);
      });
    });
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (\`npm test\` does)`);
    t = await startTestServer();
    dir = await mkdtemp(join(tmpdir(), 'trent-envelope-'));
    const kms = t.client();
    const key = await kms.send(new CreateKeyCommand({ Description: 'envelope e2e' }));
    keyId = key.KeyMetadata!.KeyId!;
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
  });

  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a 64 MiB file byte for byte in flat memory, and refuses it once tampered', async () => {
    const plain = join(dir, 'big.bin');
    const sealed = join(dir, 'big.bin.enc');
    const opened = join(dir, 'big.bin.out');
    const expected = await writeRandomFile(plain, FILE_SIZE);

    const enc = await trent([
      'encrypt',
      '--key-id',
      alias,
      '--in',
      plain,
      '--out',
      sealed,
      '--encryption-context',
      'purpose=e2e',
    ]);
    expect(enc, enc.stderr).toMatchObject({ code: 0 });
    // (stderr may also carry the AWS SDK's Node version warning)
    expect(enc.stderr).toMatch(new RegExp(`^encrypted ${FILE_SIZE} bytes into \\d+ bytes$`, 'm'));
    const sealedSize = (await stat(sealed)).size;
    expect(sealedSize).toBeGreaterThan(FILE_SIZE);
    // Flat memory: the 64 MiB file is never held whole (nor the ciphertext).
    expect(enc.peakRss).toBeGreaterThan(0);
    expect(enc.peakRss).toBeLessThan(MAX_RSS_BYTES);

    const dec = await trent(['decrypt', '--in', sealed, '--out', opened, '--encryption-context', 'purpose=e2e']);
    expect(dec, dec.stderr).toMatchObject({ code: 0 });
    expect(dec.stderr).toContain(`decrypted ${sealedSize} bytes into ${FILE_SIZE} bytes\n`);
    expect(dec.peakRss).toBeLessThan(MAX_RSS_BYTES);
    expect((await stat(opened)).size).toBe(FILE_SIZE);
    expect(await sha256File(opened)).toBe(expected);
    await rm(opened);

    // A flipped bit in the last frame: the earlier 64 MiB decrypt and authenticate, and still no
    // output may appear (nor a leftover temporary file).
    const before = (await readdir(dir)).sort();
    const handle = await open(sealed, 'r+');
    try {
      const at = sealedSize - 300;
      const b = Buffer.alloc(1);
      await handle.read(b, 0, 1, at);
      b[0]! ^= 0x01;
      await handle.write(b, 0, 1, at);
    } finally {
      await handle.close();
    }
    const tampered = await trent(['decrypt', '--in', sealed, '--out', opened]);
    expect(tampered.code).not.toBe(0);
    expect(tampered.stderr).toMatch(/^trent: /m);
    expect(existsSync(opened)).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(before);
  });

  it('refuses a message whose header was tampered with, leaving no output', async () => {
    const plain = join(dir, 'small.bin');
    const sealed = join(dir, 'small.bin.enc');
    const opened = join(dir, 'small.bin.out');
    await writeFile(plain, randomBytes(100_000));
    const enc = await trent(['encrypt', '--key-id', keyId, '--in', plain, '--out', sealed]);
    expect(enc, enc.stderr).toMatchObject({ code: 0 });

    const bytes = await readFile(sealed);
    for (const at of [40, Math.floor(bytes.length / 2)]) {
      const copy = Buffer.from(bytes);
      copy[at]! ^= 0x80;
      const bad = join(dir, `tampered-${at}.enc`);
      await writeFile(bad, copy);
      const r = await trent(['decrypt', '--in', bad, '--out', opened]);
      expect(r.code, `byte ${at}`).not.toBe(0);
      expect(r.stderr).toMatch(/^trent: /m);
      expect(existsSync(opened)).toBe(false);
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to decrypt once the key has been disabled, with DisabledException', async () => {
    const kms = t.client();
    const key = await kms.send(new CreateKeyCommand({ Description: 'to be disabled' }));
    const plain = join(dir, 'disabled.bin');
    const sealed = join(dir, 'disabled.bin.enc');
    const opened = join(dir, 'disabled.bin.out');
    await writeFile(plain, randomBytes(10_000));
    const enc = await trent(['encrypt', '--key-id', key.KeyMetadata!.Arn!, '--in', plain, '--out', sealed]);
    expect(enc, enc.stderr).toMatchObject({ code: 0 });

    await kms.send(new DisableKeyCommand({ KeyId: key.KeyMetadata!.KeyId! }));
    const r = await trent(['decrypt', '--in', sealed, '--out', opened]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`DisabledException: ${key.KeyMetadata!.Arn!} is disabled.`);
    expect(existsSync(opened)).toBe(false);
  });
});
