/**
 * The settings table and its resolution: precedence and sources, file line numbers (YAML and
 * JSON), every kind of problem in one error, rules across settings, secrets (on a test schema with
 * one), and the conversion to ServerOptions.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_MIN_FREE_BYTES, DEFAULT_RETENTION_DAYS } from '../audit/index.js';
import { DEFAULT_KEYGEN_QUEUE, defaultKeygenThreads } from '../crypto/index.js';
import { DEFAULT_RESOURCE_QUOTAS } from '../domain/index.js';
import { DEFAULT_HTTP_LIMITS } from '../server/http.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_HOST, DEFAULT_PORT } from '../server/index.js';
import {
  ConfigError,
  configAsJson,
  configAsYaml,
  envOf,
  fileKeyOf,
  flagOf,
  resolveConfig,
  setting,
  SETTINGS,
  toServerOptions,
  TRENT_SCHEMA,
  type ConfigInputs,
  type Schema,
} from './index.js';
import { boolean, nonEmptyString, portNumber } from './values.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trent-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function file(text: string, ext = 'yaml'): Promise<string> {
  const path = join(dir, `c${n++}.${ext}`);
  await writeFile(path, text);
  return path;
}

const inputs = (over: Partial<ConfigInputs> = {}): ConfigInputs => ({
  env: {},
  flags: {},
  context: { logsToTerminal: false },
  cwd: '/srv/trent',
  ...over,
});
const withFile = (path: string) => ({ file: { path, source: { kind: 'flag', flag: '--config' } as const } });

/** The problems of an invalid configuration, one formatted line each. */
async function problems(schema: Schema, given: ConfigInputs): Promise<string[]> {
  try {
    await resolveConfig(schema, given);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.replace(/^invalid configuration:\s*/, '').split('\n  ');
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('the settings table', () => {
  it("has the server's own defaults, so `trent serve` and startServer() agree", () => {
    const c = SETTINGS;
    expect(c.port.default).toBe(DEFAULT_PORT);
    expect(c.host.default).toBe(DEFAULT_HOST);
    expect(c.accountId.default).toBe(DEFAULT_ACCOUNT_ID);
    for (const key of Object.keys(DEFAULT_HTTP_LIMITS) as (keyof typeof DEFAULT_HTTP_LIMITS)[]) {
      expect(c[key].default).toBe(DEFAULT_HTTP_LIMITS[key]);
    }
    expect(c.auditRetentionDays.default).toBe(DEFAULT_RETENTION_DAYS);
    expect(c.auditMinFreeBytes.default).toBe(DEFAULT_MIN_FREE_BYTES);
    expect(c.keygenQueue.default).toBe(DEFAULT_KEYGEN_QUEUE);
    expect(c.keygenThreads.default()).toBe(defaultKeygenThreads());
    expect(c.quotas.default).toEqual(DEFAULT_RESOURCE_QUOTAS);
  });

  it("names flags, variables and file keys predictably, keeping today's flags", () => {
    const names = (name: keyof typeof SETTINGS) => [
      flagOf(name, SETTINGS[name]),
      envOf(name),
      fileKeyOf(name, SETTINGS[name]).join('.'),
    ];
    expect(names('dataDir')).toEqual(['--data-dir', 'TRENT_DATA_DIR', 'dataDir']);
    expect(names('devAllowRemote')).toEqual(['--dev-allow-remote', 'TRENT_DEV_ALLOW_REMOTE', 'devAllowRemote']);
    expect(names('tlsCert')).toEqual(['--tls-cert', 'TRENT_TLS_CERT', 'tls.cert']);
    expect(names('maxInflightBodyBytes')).toEqual([
      '--max-inflight-body-bytes',
      'TRENT_MAX_INFLIGHT_BODY_BYTES',
      'maxInflightBodyBytes',
    ]);
    expect(names('extraRegions')).toEqual(['--extra-region', 'TRENT_EXTRA_REGIONS', 'extraRegions']);
    expect(names('quotas')).toEqual(['--quota', 'TRENT_QUOTAS', 'quotas']);
    expect(names('auditRetentionDays')).toEqual([
      '--audit-retention-days',
      'TRENT_AUDIT_RETENTION_DAYS',
      'audit.retentionDays',
    ]);
    expect(names('logLevel')).toEqual(['--log-level', 'TRENT_LOG_LEVEL', 'log.level']);
    // Every file key is unique.
    const keys = Object.entries(SETTINGS).map(([name, row]) => fileKeyOf(name, row).join('.'));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('resolveConfig', () => {
  it('takes flags over variables over the file over defaults, and keeps each source', async () => {
    const path = await file('port: 1000\nhost: ::1\nmaxConnections: 10\ndataDir: data\nlog:\n  level: warn\n');
    const c = await resolveConfig(
      TRENT_SCHEMA,
      inputs({
        ...withFile(path),
        env: { TRENT_PORT: '2000', TRENT_HOST: '127.0.0.2', PATH: '/bin' },
        flags: { port: '3000' },
      }),
    );
    expect(c.values.port).toBe(3000);
    expect(c.sources.port).toEqual({ kind: 'flag', flag: '--port' });
    expect(c.values.host).toBe('127.0.0.2');
    expect(c.sources.host).toEqual({ kind: 'env', variable: 'TRENT_HOST' });
    expect(c.values.maxConnections).toBe(10);
    expect(c.sources.maxConnections).toEqual({ kind: 'file', file: path, line: 3 });
    expect(c.values.logLevel).toBe('warn');
    expect(c.sources.logLevel).toEqual({ kind: 'file', file: path, line: 6 });
    expect(c.values.requestTimeoutMs).toBe(30_000);
    expect(c.sources.requestTimeoutMs).toEqual({ kind: 'default' });
    // Relative paths in a file are the file's directory's.
    expect(c.values.dataDir).toBe(join(dir, 'data'));
    expect(c.file).toBe(path);
    // From flags, variables and defaults, they are the current directory's.
    const elsewhere = await resolveConfig(TRENT_SCHEMA, inputs({ flags: { tlsCert: 'c.pem', tlsKey: '/k.pem' } }));
    expect([elsewhere.values.dataDir, elsewhere.values.tlsCert, elsewhere.values.tlsKey]).toEqual([
      '/srv/trent/.trent',
      '/srv/trent/c.pem',
      '/k.pem',
    ]);
    const rootKey = await file('rootKey: file:keys/root\n');
    expect((await resolveConfig(TRENT_SCHEMA, inputs(withFile(rootKey)))).values.rootKey).toBe(
      `file:${join(dir, 'keys/root')}`,
    );
  });

  it('merges maps entry by entry, each entry with its source; lists are replaced whole', async () => {
    const path = await file('quotas:\n  keysPerRegion: 10\n  tagsPerKey: 3\nextraRegions: [us-east-7, eu-south-7]\n');
    const c = await resolveConfig(
      TRENT_SCHEMA,
      inputs({
        ...withFile(path),
        env: { TRENT_QUOTAS: 'tagsPerKey=4,aliasesPerKey=5', TRENT_EXTRA_REGIONS: 'us-west-9' },
        flags: { quotas: ['aliasesPerKey=6'] },
      }),
    );
    expect(c.values.quotas).toEqual({ ...DEFAULT_RESOURCE_QUOTAS, keysPerRegion: 10, tagsPerKey: 4, aliasesPerKey: 6 });
    expect(c.entrySources.quotas).toMatchObject({
      keysPerRegion: { kind: 'file', line: 2 },
      tagsPerKey: { kind: 'env', variable: 'TRENT_QUOTAS' },
      aliasesPerKey: { kind: 'flag', flag: '--quota' },
      grantsPerKey: { kind: 'default' },
    });
    expect(c.values.extraRegions).toEqual(['us-west-9']);
  });

  it('computes defaults that depend on the terminal, and `--no-<flag>` overrides a true', async () => {
    const tty = await resolveConfig(TRENT_SCHEMA, inputs({ context: { logsToTerminal: true } }));
    expect(tty.values.logFormat).toBe('pretty');
    expect((await resolveConfig(TRENT_SCHEMA, inputs())).values.logFormat).toBe('json');
    const off = await resolveConfig(TRENT_SCHEMA, inputs({ env: { TRENT_DEV: '1' }, flags: { dev: false } }));
    expect(off.values.dev).toBe(false);
    expect(off.sources.dev).toEqual({ kind: 'flag', flag: '--no-dev' });
  });

  it('reads JSON files with their line numbers', async () => {
    const path = await file('{\n  "port": 4600,\n  "tls": {\n    "selfSigned": true\n  }\n}\n', 'json');
    const c = await resolveConfig(TRENT_SCHEMA, inputs(withFile(path)));
    expect(c.values.tlsSelfSigned).toBe(true);
    expect(c.sources.tlsSelfSigned).toEqual({ kind: 'file', file: path, line: 4 });
    const bad = await file('{\n  "port": 4600,\n  "port": 4601\n}\n', 'json');
    expect(await problems(TRENT_SCHEMA, inputs(withFile(bad)))).toEqual([
      `key port (from ${bad} line 3): appears twice in its mapping; each setting may appear once`,
    ]);
  });

  it('reports every problem at once, each with its setting, source and what is allowed', async () => {
    const path = await file(
      [
        'port: 4599',
        'maxConections: 5',
        'maxConnections: -3',
        'tls:',
        '  cert: cert.pem',
        '  certificate: x',
        'quotas:',
        '  keysPerRegon: 3',
        'extraRegions: [us-east-7, mars-1]',
        'log: {level: verbose}',
        'dev: yes',
        'accountId: 12',
      ].join('\n'),
    );
    expect(
      await problems(
        TRENT_SCHEMA,
        inputs({
          ...withFile(path),
          env: { TRENT_PORT: 'abc', TRENT_MAX_CONECTIONS: '1', TRENT_BUILD_COMMIT: 'abc', TRENT_CONFIG: path },
          flags: { port: '99999', quotas: ['tagsPerKey=-1'] },
        }),
      ),
    ).toEqual([
      `unknown setting maxConections (from ${path} line 2): did you mean maxConnections?`,
      `unknown setting tls.certificate (from ${path} line 6): known here: cert, key, selfSigned`,
      'unknown variable TRENT_MAX_CONECTIONS (from environment TRENT_MAX_CONECTIONS): did you mean TRENT_MAX_CONNECTIONS?',
      'port = abc (from environment TRENT_PORT): must be a port number (0-65535)',
      'port = 99999 (from flag --port): must be a port number (0-65535)',
      `dev = yes (from ${path} line 11): must be true or false (in a variable also 1 or 0)`,
      `accountId = 12 (from ${path} line 12): must be 12 digits (quote it in a file, e.g. "111122223333")`,
      `maxConnections = -3 (from ${path} line 3): must be a positive integer`,
      `extraRegions[1] = mars-1 (from ${path} line 9): must be a region name of AWS's form (e.g. us-east-7, eu-south-3, cn-north-2)`,
      `quotas.keysPerRegon = 3 (from ${path} line 8): no quota is named keysPerRegon (did you mean keysPerRegion?); ` +
        'the quotas are the resource quotas keysPerRegion, aliasesPerKey, grantsPerKey, keyPolicyBytes, customKeyStoresPerRegion, ' +
        'onDemandRotationsPerKey, tagsPerKey (each a non-negative integer) and the request quotas symmetric, rsa, ecc, ' +
        'ml-dsa, GenerateDataKeyPair-<KeyPairSpec>, LookupEvents and the KMS operations with a quota of their own ' +
        '(CreateKey, DescribeKey, ...; README, "Request quotas") (each a positive number of requests per second)',
      'quotas.tagsPerKey = -1 (from flag --quota): must be a non-negative integer',
      `log.level = verbose (from ${path} line 10): must be one of trace, debug, info, warn, error, fatal, silent`,
      `tlsCert (from ${path} line 5) and tlsKey (not set): go together: give both or neither`,
    ]);
  });

  it('refuses settings that exclude or need each other', async () => {
    expect(
      await problems(
        TRENT_SCHEMA,
        inputs({
          env: { TRENT_TLS_SELF_SIGNED: 'true', TRENT_METRICS_HOST: '0.0.0.0' },
          flags: { tlsCert: 'c.pem', tlsKey: 'k.pem', headersTimeoutMs: '40000' },
        }),
      ),
    ).toEqual([
      'tlsSelfSigned (from environment TRENT_TLS_SELF_SIGNED) and tlsCert (from flag --tls-cert): exclude each other: give one or the other',
      'metricsHost (from environment TRENT_METRICS_HOST) and metricsPort (not set): metricsHost needs metricsPort',
      'headersTimeoutMs (from flag --headers-timeout-ms) and requestTimeoutMs (default): the headers timeout must not be longer than the request timeout',
    ]);
  });

  it('refuses files it cannot read or parse, and files of another kind', async () => {
    const missing = join(dir, 'missing.yaml');
    expect(await problems(TRENT_SCHEMA, inputs(withFile(missing)))).toEqual([
      `configuration file ${missing} (from flag --config): cannot be read (ENOENT)`,
    ]);
    const toml = await file('port = 1', 'toml');
    expect(await problems(TRENT_SCHEMA, inputs(withFile(toml)))).toEqual([
      `configuration file ${toml} (from flag --config): must end in .yaml, .yml or .json`,
    ]);
    const broken = await file('port: 1\nquotas: [1\n');
    expect((await problems(TRENT_SCHEMA, inputs(withFile(broken))))[0]).toMatch(
      new RegExp(`^the file \\(from ${broken} line \\d\\): is not valid YAML: `),
    );
    const list = await file('- port\n');
    expect(await problems(TRENT_SCHEMA, inputs(withFile(list)))).toEqual([
      `the file (from ${list} line 1): must be a mapping of settings`,
    ]);
    const section = await file('tls: true\n');
    expect(await problems(TRENT_SCHEMA, inputs(withFile(section)))).toEqual([
      `tls (from ${section} line 1): must be a mapping with cert, key, selfSigned`,
    ]);
    // An empty file or section sets nothing.
    const empty = await file('# nothing\nmetrics:\n');
    expect((await resolveConfig(TRENT_SCHEMA, inputs(withFile(empty)))).values.port).toBe(4599);
  });

  it('takes an empty variable as unset', async () => {
    const c = await resolveConfig(TRENT_SCHEMA, inputs({ env: { TRENT_PORT: '' } }));
    expect(c.sources.port).toEqual({ kind: 'default' });
  });
});

describe('secrets', () => {
  const schema: Schema = {
    settings: {
      name: setting({ type: nonEmptyString, default: 'trent', description: 'a name' }),
      password: setting({ type: nonEmptyString, secret: true, description: 'a secret' }),
      port: setting({ type: portNumber, default: 1, description: 'a port' }),
      on: setting({ type: boolean, default: false, description: 'a switch' }),
    },
    rules: [],
    otherVariables: [],
  };
  const SECRET = 'hunter2-correct-horse';

  it('are printed as (redacted) in YAML and JSON, with their source', async () => {
    const path = await file(`password: ${SECRET}\nport: 2\n`);
    const c = await resolveConfig(schema, inputs(withFile(path)));
    expect(c.values.password).toBe(SECRET);
    const yaml = configAsYaml(schema, c);
    const json = configAsJson(schema, c);
    for (const out of [yaml, json]) expect(out).not.toContain(SECRET);
    expect(yaml).toContain(`password: (redacted) # ${path} line 1`);
    expect(parse(yaml)).toEqual({ name: 'trent', password: '(redacted)', port: 2, on: false });
    expect(JSON.parse(json)).toEqual({
      configFile: path,
      settings: {
        name: { value: 'trent', source: 'default' },
        password: { value: '(redacted)', source: `${path} line 1` },
        port: { value: 2, source: `${path} line 2` },
        on: { value: false, source: 'default' },
      },
    });
  });

  it('an unset secret is shown as not set, and error messages never repeat a secret', async () => {
    const unset = await resolveConfig(schema, inputs());
    expect(configAsYaml(schema, unset)).toContain('# password: not set; default none');
    const path = await file(`password: [${SECRET}]\n`);
    const wrong = await problems(schema, inputs({ ...withFile(path), env: { TRENT_PASSWORD: ' ' } }));
    expect(wrong).toEqual([
      `password = (redacted) (from ${path} line 1): must be a non-empty string`,
      'password = (redacted) (from environment TRENT_PASSWORD): must be a non-empty string',
    ]);
  });
});

describe('toServerOptions', () => {
  it('gives startServer every setting', async () => {
    const c = await resolveConfig(
      TRENT_SCHEMA,
      inputs({
        flags: { tlsCert: '/c.pem', tlsKey: '/k.pem', metricsPort: '9100', quotas: ['keysPerRegion=3'] },
        env: { TRENT_EXTRA_REGIONS: 'us-east-7' },
      }),
    );
    const o = toServerOptions(c.values);
    expect(o).toMatchObject({
      dataDir: '/srv/trent/.trent',
      port: 4599,
      host: '127.0.0.1',
      dev: false,
      accountId: '111122223333',
      tls: { certFile: '/c.pem', keyFile: '/k.pem' },
      metricsListener: { host: '127.0.0.1', port: 9100 },
      httpLimits: DEFAULT_HTTP_LIMITS,
      extraRegions: ['us-east-7'],
      quotas: { ...DEFAULT_RESOURCE_QUOTAS, keysPerRegion: 3 },
      auditRetentionDays: 90,
      keygenQueue: 32,
    });
    expect(o.rootKey).toBeUndefined();
  });
});
