/**
 * The root key in an HSM (issue 9), black-box on SoftHSM2: `trent serve --root-key
 * pkcs11:<module>:<label>` creates the root key in the token and serves Encrypt and Decrypt
 * through @aws-sdk/client-kms, across a restart; a wrong PIN or a missing token fails the start
 * with a clear message, having changed nothing; `trent root-key import` moves an installation
 * from its root key file into the token; the PIN is in no output. `trent` runs from the sources
 * (tsx), so the test does not depend on a build.
 */
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Token } from '../src/keystore/pkcs11/index.js';
import { readSecurityAttributes } from '../src/keystore/pkcs11/objects.js';
import { createSoftHsm, SOFTHSM_MODULE, USER_PIN, type SoftHsm } from './helpers/softhsm.js';

const TSX = resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
const MAIN = resolve(import.meta.dirname, '..', 'src', 'cli', 'main.ts');

interface Served {
  url: string | undefined;
  output: () => string;
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

let hsm: SoftHsm;
let dataDir: string;
const running: Served[] = [];

beforeEach(() => {
  hsm = createSoftHsm();
  hsm.initToken('trent-root');
  dataDir = mkdtempSync(join(tmpdir(), 'trent-hsm-data-'));
});
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  hsm.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

function env(pin?: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...hsm.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete e.TRENT_ROOT_KEY_PIN;
  if (pin !== undefined) e.TRENT_ROOT_KEY_PIN = pin;
  return e;
}

/** `trent serve --port 0 --log-format json ARGS`, until it is ready or has exited. */
async function serve(args: string[], pin?: string): Promise<Served> {
  const child = spawn(TSX, [MAIN, 'serve', '--port', '0', '--log-format', 'json', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: env(pin),
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  const url = await new Promise<string | undefined>((ok) => {
    const onData = () => {
      const found = /"url":"(https?:\/\/[^"]+)"[^\n]*Trent is ready/.exec(output);
      if (found) ok(found[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => ok(undefined));
  });
  const served: Served = {
    url,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  running.push(served);
  return served;
}

async function trent(args: string[], pin?: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(TSX, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: env(pin) });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((ok) => child.on('exit', ok));
  return { code, out };
}

function kms(url: string): KMSClient {
  const creds = JSON.parse(readFileSync(join(dataDir, 'admin-credentials.json'), 'utf8')) as Record<string, string>;
  return new KMSClient({
    endpoint: url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: creds.accessKeyId!, secretAccessKey: creds.secretAccessKey! },
  });
}

/** The token's objects: labels and security attributes. */
function tokenObjects(): { label: string; sensitive: boolean; extractable: boolean; never: boolean; wrap: boolean }[] {
  const token = Token.open({ modulePath: SOFTHSM_MODULE, label: 'trent-root', pin: USER_PIN });
  try {
    const lib = (token as unknown as { module: { lib: import('../src/keystore/pkcs11/binding.js').PKCS11 } }).module
      .lib;
    const session = lib.C_OpenSession(
      lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === 'trent-root')!,
      6,
    );
    try {
      lib.C_FindObjectsInit(session, []);
      const handles = lib.C_FindObjects(session, 100);
      lib.C_FindObjectsFinal(session);
      return handles.map((h) => {
        const a = readSecurityAttributes(lib, session, h);
        const label = String(lib.C_GetAttributeValue(session, h, [{ type: 3 }])[0]?.value ?? '');
        return {
          label,
          sensitive: a.CKA_SENSITIVE,
          extractable: a.CKA_EXTRACTABLE,
          never: a.CKA_NEVER_EXTRACTABLE,
          wrap: a.CKA_WRAP,
        };
      });
    } finally {
      lib.C_CloseSession(session);
    }
  } finally {
    token.close();
  }
}

const ROOT_KEY = `pkcs11:${SOFTHSM_MODULE}:trent-root`;

// Each test starts `trent` several times from the sources (tsx): seconds each on a busy machine.
describe('trent serve --root-key pkcs11:', { timeout: 240_000 }, () => {
  it('creates the root key in the token and serves Encrypt and Decrypt, across a restart', async () => {
    const first = await serve(['--root-key', ROOT_KEY], USER_PIN);
    expect(first.url, first.output()).toBeDefined();
    const client = kms(first.url!);
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    const { CiphertextBlob } = await client.send(
      new EncryptCommand({
        KeyId: KeyMetadata!.KeyId!,
        Plaintext: Buffer.from('kept in the HSM'),
        EncryptionContext: { a: 'b' },
      }),
    );
    const plain = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { a: 'b' } }));
    expect(Buffer.from(plain.Plaintext!).toString()).toBe('kept in the HSM');
    client.destroy();
    expect(await first.stop()).toBe(0);
    expect(existsSync(join(dataDir, 'root-key'))).toBe(false); // no root key file
    expect(tokenObjects()).toEqual([
      { label: 'trent-root-key', sensitive: true, extractable: false, never: true, wrap: false },
    ]);

    const second = await serve(['--root-key', ROOT_KEY], USER_PIN);
    expect(second.url, second.output()).toBeDefined();
    const again = kms(second.url!);
    const reread = await again.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { a: 'b' } }));
    expect(Buffer.from(reread.Plaintext!).toString()).toBe('kept in the HSM');
    again.destroy();
    await second.stop();
    expect(tokenObjects().length).toBe(1);
    for (const s of [first, second]) expect(s.output()).not.toContain(USER_PIN);
  });

  it('a wrong PIN or a missing token fails the start clearly, having changed nothing; the PIN is never shown', async () => {
    const wrongPin = 'Wrong-Pin-Shown-Nowhere-77';
    const wrong = await serve(['--root-key', ROOT_KEY], wrongPin);
    expect(wrong.url).toBeUndefined();
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toContain(
      'cannot open the root key in token trent-root: the user PIN of token trent-root is incorrect',
    );
    expect(wrong.output()).not.toContain(wrongPin);
    const absent = await serve(['--root-key', `pkcs11:${SOFTHSM_MODULE}:no-such-token`], USER_PIN);
    expect(await absent.exited).toBe(1);
    expect(absent.output()).toContain(`no token labelled no-such-token in PKCS#11 module ${SOFTHSM_MODULE}`);
    // Nothing changed: no database, no root key file, nothing in the token.
    expect(readdirSync(dataDir).filter((f) => f.startsWith('trent.db') || f === 'root-key')).toEqual([]);
    expect(tokenObjects()).toEqual([]);
    // No PIN at all is bad usage, caught by the configuration (exit 2).
    const noPin = await serve(['--root-key', ROOT_KEY]);
    expect(await noPin.exited).toBe(2);
    expect(noPin.output()).toContain('a pkcs11: root key needs rootKeyPin (TRENT_ROOT_KEY_PIN)');
    // `trent config print` shows the PIN redacted.
    const printed = await trent(['config', 'print', '--root-key', ROOT_KEY], USER_PIN);
    expect(printed.out).toContain('rootKeyPin: (redacted) # environment TRENT_ROOT_KEY_PIN');
    expect(printed.out).not.toContain(USER_PIN);
  });
});

describe('trent root-key import', { timeout: 240_000 }, () => {
  it('moves an installation from its root key file into the token: old ciphertexts and credentials keep working', async () => {
    const before = await serve([]);
    expect(before.url, before.output()).toBeDefined();
    const client = kms(before.url!);
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    const { CiphertextBlob } = await client.send(
      new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: Buffer.from('from the file era') }),
    );
    client.destroy();
    await before.stop();

    const noPin = await trent(['root-key', 'import', '--to', ROOT_KEY, '--data-dir', dataDir]);
    expect(noPin.code).toBe(1);
    expect(noPin.out).toContain('set TRENT_ROOT_KEY_PIN');
    const imported = await trent(['root-key', 'import', '--to', ROOT_KEY, '--data-dir', dataDir], USER_PIN);
    expect(imported.code, imported.out).toBe(0);
    expect(imported.out).toContain(`Start Trent with --root-key ${ROOT_KEY}`);
    expect(imported.out).not.toContain(USER_PIN);
    expect(tokenObjects()).toEqual([
      { label: 'trent-root-key', sensitive: true, extractable: false, never: false, wrap: false },
    ]);
    const twice = await trent(['root-key', 'import', '--to', ROOT_KEY, '--data-dir', dataDir], USER_PIN);
    expect(twice.code).toBe(1);
    expect(twice.out).toContain('already holds a root key');

    // The file is gone (the operator destroys it): the token alone opens everything.
    rmSync(join(dataDir, 'root-key'));
    const after = await serve(['--root-key', ROOT_KEY], USER_PIN);
    expect(after.url, after.output()).toBeDefined();
    const again = kms(after.url!); // the administrator's secret access key unwraps too
    const plain = await again.send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(plain.Plaintext!).toString()).toBe('from the file era');
    again.destroy();
    await after.stop();
  });

  it("refuses a root key file that is not the database's", async () => {
    const before = await serve([]);
    await before.stop();
    const other = mkdtempSync(join(tmpdir(), 'trent-other-'));
    try {
      const { SoftwareKeyStore } = await import('../src/keystore/index.js');
      await (await SoftwareKeyStore.open(join(other, 'root-key'))).close();
      const res = await trent(
        ['root-key', 'import', '--to', ROOT_KEY, '--from', `file:${join(other, 'root-key')}`, '--data-dir', dataDir],
        USER_PIN,
      );
      expect(res.code).toBe(1);
      expect(res.out).toContain('does not match the database');
      expect(tokenObjects()).toEqual([]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('--hsm-cluster at start', () => {
  it('a trust anchor that cannot be read fails the start, naming it', async () => {
    const { startServer } = await import('../src/server/index.js');
    const missing = join(hsm.dir, 'missing-ca.pem');
    await expect(
      startServer({
        port: 0,
        dataDir,
        schedulerIntervalMs: 0,
        logger: { info() {}, warn() {}, error() {} },
        hsmClusters: [
          {
            clusterId: 'cluster-2a23b4cdefg',
            modulePath: SOFTHSM_MODULE,
            tokenLabels: ['a', 'b'],
            trustAnchorPath: missing,
          },
        ],
      }),
    ).rejects.toThrow(`the trust anchor certificate ${missing} cannot be read`);
    const started = await startServer({
      port: 0,
      dataDir,
      schedulerIntervalMs: 0,
      logger: { info() {}, warn() {}, error() {} },
      hsmClusters: [
        {
          clusterId: 'cluster-2a23b4cdefg',
          modulePath: SOFTHSM_MODULE,
          tokenLabels: ['a', 'b'],
          trustAnchorPath: hsm.trustAnchor,
        },
      ],
    });
    await started.close();
  });
});
