/**
 * The operator's experience of the built `trent` command (issue 14): the banner on a terminal and
 * its `trent env` command driving the AWS SDK and CLI, readable logs on a terminal and JSON lines
 * elsewhere, progress of encrypt and decrypt on a terminal only, the version, and the exit codes.
 * A terminal is a pseudo-terminal from util-linux `script` (Debian's bsdutils, always installed).
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { shellQuote } from '../src/cli/env.js';
import { awsCliOrSkip } from './helpers/aws-cli.js';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const SCRIPT = '/usr/bin/script';

/** An environment with nothing of the user's AWS set-up in it. */
function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

interface Run {
  child: ChildProcess;
  /** Everything written so far (on a terminal: stdout and stderr together, \r\n as \n). */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `trent args` with a pseudo-terminal as its stdin, stdout and stderr, or with pipes. */
function trent(args: string[], opts: { terminal: boolean; env: Record<string, string>; cwd?: string }): Run {
  const argv = [process.execPath, MAIN, ...args];
  const child = opts.terminal
    ? spawn(SCRIPT, ['-qfec', `exec ${argv.map(shellQuote).join(' ')}`, '/dev/null'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...opts.env, TERM: 'xterm' },
        cwd: opts.cwd,
      })
    : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env, cwd: opts.cwd });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
    output += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    output += c.toString();
  });
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  const normal = (s: string) => s.replaceAll('\r\n', '\n');
  return { child, output: () => normal(output), stdout: () => normal(stdout), stderr: () => stderr, exited };
}

async function until(run: Run, pattern: RegExp): Promise<RegExpExecArray> {
  for (;;) {
    const m = pattern.exec(run.output());
    if (m) return m;
    const done = await Promise.race([run.exited.then(() => true), new Promise((ok) => setTimeout(ok, 25, false))]);
    if (done) {
      const last = pattern.exec(run.output());
      if (last) return last;
      throw new Error(`trent exited before ${String(pattern)}:\n${run.output()}`);
    }
  }
}

/** Stops a server on a terminal as a person does: Ctrl-C, which the terminal turns into SIGINT. */
async function interrupt(run: Run): Promise<number | null> {
  run.child.stdin!.write('\x03');
  const code = await run.exited;
  run.child.stdin!.end();
  return code;
}

function sh(
  script: string,
  env: Record<string, string>,
  cwd = ROOT,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn('bash', ['-c', script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((ok) => child.on('exit', (code) => ok({ code, out, err })));
}

/** Creates a key and lists keys with the AWS SDK for JavaScript configured by the environment only. */
const SDK_FROM_ENV = `
import { CreateKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
const kms = new KMSClient({ maxAttempts: 1 });
const key = (await kms.send(new CreateKeyCommand({ Description: 'from trent env' }))).KeyMetadata;
const keys = (await kms.send(new ListKeysCommand({}))).Keys.map((k) => k.KeyId);
console.log(JSON.stringify({ arn: key.Arn, keys }));
`;

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'trent-ux-home-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('first start on a terminal', () => {
  it('prints a banner whose `trent env` command makes the AWS SDK and CLI work, and readable logs', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trent-ux-'));
    try {
      const s = trent(['serve', '--port', '0', '--data-dir', dataDir], { terminal: true, env: cleanEnv(home) });
      const url = (await until(s, /Trent is ready at (http:\/\/127\.0\.0\.1:\d+)\n/))[1]!;
      await until(s, /client configuration\.\n\n/);
      const out = s.output();
      const credentialsFile = join(dataDir, 'admin-credentials.json');
      expect(out).toContain(`  mode         strict: every request needs a valid SigV4 signature`);
      expect(out).toContain(`  data         ${dataDir}\n`);
      expect(out).toContain(`  credentials  ${credentialsFile} (created now, mode 0600; the secret is only there)\n`);
      const evalLine = `    eval "$(npx trent env --data-dir ${dataDir} --endpoint-url ${url})"\n`;
      expect(out).toContain(evalLine);
      expect(out).toContain('    aws kms list-keys\n');
      expect(out).toContain('The AWS CLI before 2.13 ignores AWS_ENDPOINT_URL');
      // Readable log lines, no JSON.
      expect(out).toMatch(/^\d\d:\d\d:\d\d INFO {2}Trent is ready url=http:\/\/127\.0\.0\.1:\d+ mode=strict /m);
      expect(out).not.toMatch(/^\{/m);
      const creds = JSON.parse(await readFile(credentialsFile, 'utf8')) as Record<string, string>;
      expect(out).not.toContain(creds.secretAccessKey);

      const health = await fetch(`${url}/health`);
      expect(await health.json()).toEqual({ status: 'ok', version: pkg.version });

      // The banner's own command, run as printed (npx finds this package's `trent`), then the SDK
      // with nothing but the environment it set.
      const env = cleanEnv(home, { AWS_SESSION_TOKEN: 'a stale token', AWS_REGION: 'eu-west-3' });
      const viaSdk = await sh(`${evalLine.trim()} && node --input-type=module -e ${shellQuote(SDK_FROM_ENV)}`, env);
      expect(viaSdk, viaSdk.err).toMatchObject({ code: 0 });
      const made = JSON.parse(viaSdk.out) as { arn: string; keys: string[] };
      expect(made.arn).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\//);
      expect(made.keys).toEqual([made.arn.split('/')[1]]);

      // The AWS CLI v2 (the CLI before 2.13 needs --endpoint-url, as the banner says).
      const aws = awsCliOrSkip('trent env with the AWS CLI');
      if (aws) {
        const viaCli = await sh(
          `${evalLine.trim()} && ${shellQuote(aws)} --endpoint-url "$AWS_ENDPOINT_URL" kms list-keys --output json`,
          env,
        );
        expect(viaCli, viaCli.err).toMatchObject({ code: 0 });
        expect((JSON.parse(viaCli.out) as { Keys: { KeyArn: string }[] }).Keys.map((k) => k.KeyArn)).toEqual([
          made.arn,
        ]);
      }

      expect(await interrupt(s)).toBe(0);
      // (after the ^C the terminal echoes)
      expect(s.output()).toMatch(/\d\d:\d\d:\d\d INFO {2}shutting down signal=SIGINT$/m);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('says dev mode loudly, and follows --log-format and --log-level', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trent-ux-'));
    try {
      const s = trent(
        ['serve', '--port', '0', '--data-dir', dataDir, '--dev', '--log-format', 'json', '--log-level', 'warn'],
        {
          terminal: true,
          env: cleanEnv(home),
        },
      );
      await until(s, /client configuration\.\n\n/);
      expect(s.output()).toMatch(/^ {2}mode {9}dev: DEV MODE, signatures are NOT checked/m);
      const logLines = s
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      // warn and above only: the dev-mode warning, not the info lines.
      expect(logLines.map((l) => (JSON.parse(l) as { level: number; msg: string }).msg)).toEqual([
        'DEV MODE: signatures are NOT checked; every caller is the root of the account',
      ]);
      expect(await interrupt(s)).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('trent serve off a terminal', () => {
  it('writes JSON lines only, saying what the banner says, and nothing on stdout', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trent-ux-'));
    try {
      const s = trent(['serve', '--port', '0', '--data-dir', dataDir], { terminal: false, env: cleanEnv(home) });
      await until(s, /Trent is ready"\}\n/);
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
      expect(s.stdout()).toBe('');
      const entries = s
        .stderr()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const ready = entries.find((e) => e.msg === 'Trent is ready')!;
      expect(ready).toMatchObject({
        level: 30,
        mode: 'strict',
        dataDir,
        accountId: '111122223333',
        credentialsFile: join(dataDir, 'admin-credentials.json'),
      });
      expect(ready.awsCli).toBe(`eval "$(npx trent env --data-dir ${dataDir} --endpoint-url ${String(ready.url)})"`);
      expect(entries.at(-1)).toMatchObject({ msg: 'shutting down', signal: 'SIGTERM' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('writes readable lines with --log-format pretty', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trent-ux-'));
    try {
      const s = trent(['serve', '--port', '0', '--data-dir', dataDir, '--log-format', 'pretty'], {
        terminal: false,
        env: cleanEnv(home),
      });
      await until(s, /INFO {2}Trent is ready url=/);
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
      expect(s.stdout()).toBe('');
      for (const line of s.stderr().trimEnd().split('\n')) expect(line).toMatch(/^\d\d:\d\d:\d\d (INFO |WARN |ERROR) /);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('progress of trent encrypt and decrypt', () => {
  let dataDir: string;
  let server: Run;
  let env: Record<string, string>;
  let keyArn: string;
  const plain = () => join(dataDir, 'big.bin');
  const SIZE = 16 * 1024 * 1024;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'trent-ux-progress-'));
    server = trent(['serve', '--port', '0', '--data-dir', dataDir], { terminal: false, env: cleanEnv(home) });
    const url = (await until(server, /"url":"(http:\/\/[^"]+)"[^\n]*Trent is ready/))[1]!;
    const creds = JSON.parse(await readFile(join(dataDir, 'admin-credentials.json'), 'utf8')) as Record<string, string>;
    const kms = new KMSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: creds.accessKeyId!, secretAccessKey: creds.secretAccessKey! },
    });
    keyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    kms.destroy();
    env = cleanEnv(home, {
      AWS_ENDPOINT_URL: url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: creds.accessKeyId!,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey!,
    });
    await writeFile(plain(), randomBytes(SIZE));
  });
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('draws bytes, rate and time left on a terminal, then a final line', async () => {
    const enc = trent(['encrypt', '--key-id', keyArn, '--in', plain(), '--out', `${plain()}.enc`], {
      terminal: true,
      env,
    });
    expect(await enc.exited, enc.output()).toBe(0);
    const out = enc.output();
    // Redrawn in place: carriage return and erase-line before each drawing.
    const draws = out.split('\r\x1b[K').slice(1);
    expect(draws.length).toBeGreaterThanOrEqual(2);
    expect(draws[0]).toMatch(/^encrypting \d+(\.\d)? (B|KiB|MiB) \/ 16\.0 MiB +\d+%/);
    expect(draws.at(-1)).toMatch(
      new RegExp(
        `^encrypting 16\\.0 MiB in \\d+s \\([\\d.]+ [KMG]iB/s\\)\\nencrypted ${SIZE} bytes into \\d+ bytes\\n$`,
      ),
    );

    const dec = trent(['decrypt', '--in', `${plain()}.enc`, '--out', `${plain()}.dec`], { terminal: true, env });
    expect(await dec.exited, dec.output()).toBe(0);
    expect(dec.output()).toContain('\r\x1b[Kdecrypting 16.0 MiB in ');
    expect((await readFile(`${plain()}.dec`)).equals(await readFile(plain()))).toBe(true);
  });

  it('draws nothing when piped, and nothing with --quiet', async () => {
    const enc = trent(['encrypt', '--key-id', keyArn, '--in', plain(), '--out', `${plain()}.enc2`], {
      terminal: false,
      env,
    });
    expect(await enc.exited, enc.stderr()).toBe(0);
    expect(enc.stderr()).toMatch(new RegExp(`^encrypted ${SIZE} bytes into \\d+ bytes\\n$`));
    expect(enc.stdout()).toBe('');

    const quiet = trent(['decrypt', '--quiet', '--in', `${plain()}.enc2`, '--out', `${plain()}.dec2`], {
      terminal: true,
      env,
    });
    expect(await quiet.exited, quiet.output()).toBe(0);
    expect(quiet.output()).toBe('');
  });
});

describe('version and exit codes', () => {
  const run = async (args: string[], extra: Record<string, string> = {}) => {
    const r = trent(args, { terminal: false, env: cleanEnv(home, extra), cwd: home });
    return { code: await r.exited, stdout: r.stdout(), stderr: r.stderr() };
  };

  it('prints the version of Trent, Node.js and OpenSSL, and the build commit', async () => {
    const expected = `trent ${pkg.version} (commit abc1234)\nNode.js ${process.versions.node}\nOpenSSL ${process.versions.openssl}\n`;
    for (const args of [['--version'], ['version']]) {
      expect(await run(args, { TRENT_BUILD_COMMIT: 'abc1234' })).toEqual({ code: 0, stdout: expected, stderr: '' });
    }
    const plainVersion = await run(['--version']);
    expect(plainVersion.code).toBe(0);
    expect(plainVersion.stdout).toMatch(
      new RegExp(`^trent ${pkg.version.replaceAll('.', '\\.')}( \\(commit [0-9a-f]+\\))?\\n`),
    );
  });

  it('exits 0 on success, 1 with one line on a failure the user can fix, 2 on bad usage', async () => {
    expect((await run(['--help'])).code).toBe(0);

    const missing = join(home, 'no-such-dir');
    const noCreds = await run(['env', '--data-dir', missing]);
    expect(noCreds).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `trent: no administrator credentials at ${missing}/admin-credentials.json: start the server once with ` +
        `this data directory (trent serve --data-dir ${missing}) to create them\n`,
    });
    expect(await run(['decrypt', '--in', join(home, 'nothing.enc'), '--out', join(home, 'out')])).toEqual({
      code: 1,
      stdout: '',
      stderr: `trent: no such file: ${join(home, 'nothing.enc')}\n`,
    });

    const unknownFlag = await run(['serve', '--no-such-flag']);
    expect(unknownFlag).toMatchObject({ code: 2, stdout: '' });
    expect(unknownFlag.stderr).toMatch(/^trent: unknown option '--no-such-flag'/);
    expect(await run(['serve', '--port', 'x'])).toMatchObject({ code: 2 });
    // Bad usage found by the command itself.
    const together = await run(['serve', '--port', '0', '--data-dir', join(home, 'd'), '--tls-cert', 'c.pem']);
    expect(together).toMatchObject({ code: 2, stdout: '' });
    expect(together.stderr).toMatch(/^trent: .*tls-?cert.*go together/i);
    // No command at all: help on stderr, bad usage.
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: trent');
  });
});
