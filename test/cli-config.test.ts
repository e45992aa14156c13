/**
 * Configuration as a user gives it to the built `trent` (issue 14): a YAML or JSON file,
 * TRENT_* variables and flags, in that order of precedence; every kind of invalid configuration
 * refused with its message and exit code 2 before anything starts; `trent config print`.
 * Secrets' redaction is tested on a schema with a secret (src/config/config.test.ts): no setting
 * of today's table is one.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

/** The environment without any TRENT_* variable of the one running the tests. */
const baseEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRENT_'))) as Record<string, string>;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function trent(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Result> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...baseEnv(), ...env },
    cwd,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((ok) => child.on('exit', (code) => ok({ code, stdout, stderr })));
}

/** `trent serve` until it is ready; then SIGTERM. The output up to then, and the exit code. */
async function serveOnce(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const child = spawn(process.execPath, [MAIN, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...baseEnv(), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  let stopped = false;
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (!stopped && stderr.includes('Trent is ready')) stopped = child.kill('SIGTERM');
  });
  const code = await new Promise<number | null>((ok) => child.on('exit', ok));
  return { code, stdout, stderr };
}

interface Printed {
  configFile?: string;
  settings: Record<string, { value: unknown; source: string; entries?: Record<string, string> }>;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trent-cli-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function configFile(text: string, ext = 'yaml'): Promise<string> {
  const path = join(dir, `trent-${n++}.${ext}`);
  await writeFile(path, text);
  return path;
}

describe('precedence', () => {
  it('flag over environment over file over default, each value with its source (trent config print --json)', async () => {
    const file = await configFile(
      ['port: 4601', 'host: 127.0.0.3', 'maxConnections: 11', 'quotas:', '  keysPerRegion: 5', '  tagsPerKey: 6'].join(
        '\n',
      ),
    );
    const r = await trent(
      ['config', 'print', '--json', '--config', file, '--max-connections', '13', '--quota', 'tagsPerKey=8'],
      { TRENT_HOST: '127.0.0.4', TRENT_MAX_CONNECTIONS: '12', TRENT_QUOTAS: 'tagsPerKey=7' },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { configFile: printedFile, settings } = JSON.parse(r.stdout) as Printed;
    expect(printedFile).toBe(file);
    expect(settings.port).toEqual({ value: 4601, source: `${file} line 1` });
    expect(settings.host).toEqual({ value: '127.0.0.4', source: 'environment TRENT_HOST' });
    expect(settings.maxConnections).toEqual({ value: 13, source: 'flag --max-connections' });
    expect(settings.requestTimeoutMs).toEqual({ value: 30000, source: 'default' });
    expect(settings.quotas!.value).toMatchObject({ keysPerRegion: 5, tagsPerKey: 8, aliasesPerKey: 50 });
    expect(settings.quotas!.entries).toMatchObject({
      keysPerRegion: `${file} line 5`,
      tagsPerKey: 'flag --quota',
      aliasesPerKey: 'default',
    });
  });

  it('`trent serve` runs with them: the account from the flag over the variable over the file', async () => {
    const run = async (name: string, env: Record<string, string>, flags: string[]) => {
      // dataDir in the file is taken from the file's directory.
      const sub = join(dir, name);
      await mkdir(sub);
      const file = join(sub, 'trent.json');
      await writeFile(file, JSON.stringify({ port: 0, dataDir: 'data', accountId: '100000000001' }, null, 2));
      const r = await serveOnce(['--config', file, ...flags], env);
      expect(r.code, r.stderr).toBe(0);
      // Piped: JSON log lines (the default off a terminal).
      expect(r.stderr).toMatch(/^\{"level":30,.*"msg":"Trent is ready"/m);
      const creds = JSON.parse(await readFile(join(sub, 'data', 'admin-credentials.json'), 'utf8')) as {
        accountId: string;
      };
      return creds.accountId;
    };
    expect(await run('file', {}, [])).toBe('100000000001');
    expect(await run('env', { TRENT_ACCOUNT_ID: '100000000002' }, [])).toBe('100000000002');
    expect(await run('flag', { TRENT_ACCOUNT_ID: '100000000002' }, ['--account-id', '100000000003'])).toBe(
      '100000000003',
    );
  });

  it('TRENT_CONFIG names the file when --config does not', async () => {
    const file = await configFile('keygen:\n  queue: 3\n');
    const r = await trent(['config', 'print', '--json'], { TRENT_CONFIG: file });
    expect((JSON.parse(r.stdout) as Printed).settings.keygenQueue).toEqual({ value: 3, source: `${file} line 2` });
  });
});

describe('invalid configuration', () => {
  /** `trent serve` with a data directory that must not be created: nothing starts. */
  const refused = async (args: string[], env: Record<string, string> = {}) => {
    const dataDir = join(dir, `never-${n++}`);
    const r = await trent(['serve', '--port', '0', '--data-dir', dataDir, ...args], env);
    expect(existsSync(dataDir)).toBe(false);
    expect(r.stdout).toBe('');
    return r;
  };
  const message = (r: Result) => r.stderr.replace(/^trent: invalid configuration:\s*/, '').trim();

  it('a value of the wrong type or range, naming the setting, the source and what is allowed', async () => {
    const file = await configFile('tls:\n  selfSigned: true\nmaxConnections: -3\n');
    const r = await refused(['--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `trent: invalid configuration: maxConnections = -3 (from ${file} line 3): must be a positive integer\n`,
    );
    const json = await configFile('{\n  "port": 4599,\n  "log": {\n    "level": "loud"\n  }\n}\n', 'json');
    expect(message(await refused(['--config', json]))).toBe(
      `log.level = loud (from ${json} line 4): must be one of trace, debug, info, warn, error, fatal, silent`,
    );
    const env = await refused([], { TRENT_MAX_INFLIGHT_BODY_BYTES: 'lots' });
    expect(env.code).toBe(2);
    expect(message(env)).toBe(
      'maxInflightBodyBytes = lots (from environment TRENT_MAX_INFLIGHT_BODY_BYTES): must be a positive integer',
    );
    const flag = await refused(['--extra-region', 'mars-1']);
    expect(flag.code).toBe(2);
    expect(message(flag)).toBe(
      "extraRegions[0] = mars-1 (from flag --extra-region): must be a region name of AWS's form (e.g. us-east-7, eu-south-3, cn-north-2)",
    );
  });

  it('an unknown setting in the file or the environment, with the nearest name', async () => {
    const file = await configFile('port: 0\nmaxConections: 5\naudit:\n  retention: 3\n');
    const r = await refused(['--config', file], { TRENT_KEYGEN_THREDS: '2' });
    expect(r.code).toBe(2);
    expect(
      message(r)
        .split('\n')
        .map((l) => l.trim()),
    ).toEqual([
      `unknown setting maxConections (from ${file} line 2): did you mean maxConnections?`,
      `unknown setting audit.retention (from ${file} line 4): did you mean audit.retentionDays?`,
      'unknown variable TRENT_KEYGEN_THREDS (from environment TRENT_KEYGEN_THREDS): did you mean TRENT_KEYGEN_THREADS?',
    ]);
    const quota = await refused(['--quota', 'keysPerRegon=3']);
    expect(message(quota)).toMatch(
      /^quotas\.keysPerRegon = 3 \(from flag --quota\): no quota is named keysPerRegon \(did you mean keysPerRegion\?\)/,
    );
  });

  it('a key given twice, a file that is not YAML, of another kind, or missing', async () => {
    const twice = await configFile('port: 0\nhost: 127.0.0.1\nport: 1\n');
    expect(message(await refused(['--config', twice]))).toBe(
      `key port (from ${twice} line 3): appears twice in its mapping; each setting may appear once`,
    );
    const broken = await configFile('port: 0\nquotas: {keysPerRegion: 1\n');
    const syntax = await refused(['--config', broken]);
    expect(syntax.code).toBe(2);
    expect(message(syntax)).toMatch(new RegExp(`^the file \\(from ${broken} line \\d\\): is not valid YAML: `));
    const ini = await configFile('port=0\n', 'ini');
    expect(message(await refused(['--config', ini]))).toBe(
      `configuration file ${ini} (from flag --config): must end in .yaml, .yml or .json`,
    );
    const missing = join(dir, 'missing.yaml');
    expect(message(await refused([], { TRENT_CONFIG: missing }))).toBe(
      `configuration file ${missing} (from environment TRENT_CONFIG): cannot be read (ENOENT)`,
    );
  });

  it('settings that need or exclude each other', async () => {
    const file = await configFile('tls:\n  cert: cert.pem\n');
    const r = await refused(['--config', file, '--tls-self-signed']);
    expect(r.code).toBe(2);
    expect(
      message(r)
        .split('\n')
        .map((l) => l.trim()),
    ).toEqual([
      `tlsCert (from ${file} line 2) and tlsKey (not set): go together: give both or neither`,
      `tlsSelfSigned (from flag --tls-self-signed) and tlsCert (from ${file} line 2): exclude each other: give one or the other`,
    ]);
  });

  it('even a value a higher source overrides, and every problem at once', async () => {
    const file = await configFile('port: -1\n');
    const r = await refused(['--config', file, '--port', '99999'], { TRENT_PORT: 'http' });
    expect(
      message(r)
        .split('\n')
        .map((l) => l.trim()),
    ).toEqual([
      `port = -1 (from ${file} line 1): must be a port number (0-65535)`,
      'port = http (from environment TRENT_PORT): must be a port number (0-65535)',
      'port = 99999 (from flag --port): must be a port number (0-65535)',
    ]);
  });

  it('`trent config print` refuses it as `trent serve` does', async () => {
    const r = await trent(['config', 'print', '--keygen-queue', '-1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'trent: invalid configuration: keygenQueue = -1 (from flag --keygen-queue): must be a non-negative integer\n',
    );
  });
});

describe('trent config print', () => {
  it('prints YAML with each source as a comment, which is itself a configuration file giving the same values', async () => {
    const file = await configFile('metrics:\n  port: 9109\nextraRegions: [us-east-7]\n');
    const r = await trent(['config', 'print', '--config', file, '--dev'], { TRENT_LOG_LEVEL: 'warn' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`# Configuration file: ${file}\n`);
    expect(r.stdout).toContain('\nport: 4599 # default\n');
    expect(r.stdout).toContain('\ndev: true # flag --dev\n');
    expect(r.stdout).toContain(
      `\nmetrics:\n  # host: not set; default 127.0.0.1 when metricsPort is set\n  port: 9109 # ${file} line 2\n`,
    );
    expect(r.stdout).toContain(`\nextraRegions: [ us-east-7 ] # ${file} line 3\n`);
    expect(r.stdout).toContain('\nlog:\n  level: warn # environment TRENT_LOG_LEVEL\n');

    const again = await configFile(r.stdout);
    const a = await trent(['config', 'print', '--json', '--config', file, '--dev'], { TRENT_LOG_LEVEL: 'warn' });
    const b = await trent(['config', 'print', '--json', '--config', again]);
    const values = (p: Result) =>
      Object.fromEntries(Object.entries((JSON.parse(p.stdout) as Printed).settings).map(([k, v]) => [k, v.value]));
    expect(b.code).toBe(0);
    expect(values(b)).toEqual(values(a));
  });

  it('lists every setting in `trent serve --help`, with its variable', async () => {
    const r = await trent(['serve', '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const [flag, env] of [
      ['--config <file>', 'TRENT_CONFIG'],
      ['--port <port>', 'TRENT_PORT'],
      ['--dev-allow-remote', 'TRENT_DEV_ALLOW_REMOTE'],
      ['--quota <name=value>', 'TRENT_QUOTAS'],
      ['--extra-region <region>', 'TRENT_EXTRA_REGIONS'],
      ['--log-format <format>', 'TRENT_LOG_FORMAT'],
    ]) {
      expect(help).toContain(flag);
      expect(help).toContain(env);
    }
  });
});
