import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnwrapError, wrappingAad } from '../crypto/index.js';
import { KeyStoreError, openKeyStore, SoftwareKeyStore, type OpenedKeyStore } from './index.js';

const arn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const m1 = 'a'.repeat(64);
const m2 = 'b'.repeat(64);

let dir: string;
const opened: OpenedKeyStore[] = [];
async function openStore(path: string): Promise<SoftwareKeyStore> {
  const s = await SoftwareKeyStore.open(path);
  opened.push(s);
  return s;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trent-keystore-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('SoftwareKeyStore', () => {
  it('creates the root key file with mode 0600 in the documented format', async () => {
    const path = join(dir, 'root-key');
    const store = await openStore(path);
    expect(store.created).toBe(true);
    expect(store.permissionsTooOpen).toBe(false);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'latin1');
    expect(text).toMatch(/^TRENT-ROOT-KEY-V1\n[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(text.split('\n')[1] as string, 'base64').length).toBe(32);
    expect(readdirSync(dir)).toEqual(['root-key']); // no temporary file left behind
  });

  it('reopening gives the same key: what one wraps the other unwraps', async () => {
    const path = join(dir, 'root-key');
    const a = await openStore(path);
    const aad = wrappingAad('key-material', arn, m1);
    const secret = randomBytes(32);
    const wrapped = await a.wrap(secret, aad);
    const b = await openStore(path);
    expect(b.created).toBe(false);
    expect(await b.unwrap(wrapped, aad)).toEqual(secret);
  });

  it('a different root key does not unwrap', async () => {
    const a = await openStore(join(dir, 'one'));
    const b = await openStore(join(dir, 'two'));
    const aad = wrappingAad('key-material', arn, m1);
    await expect(b.unwrap(await a.wrap(randomBytes(32), aad), aad)).rejects.toBeInstanceOf(UnwrapError);
  });

  it('unwrap fails under different associated data', async () => {
    const store = await openStore(join(dir, 'root-key'));
    const wrapped = await store.wrap(randomBytes(32), wrappingAad('key-material', arn, m1));
    await expect(store.unwrap(wrapped, wrappingAad('key-material', arn, m2))).rejects.toBeInstanceOf(UnwrapError);
    await expect(store.unwrap(wrapped, Buffer.alloc(0))).rejects.toBeInstanceOf(UnwrapError);
  });

  it("a blob copied under another record's associated data does not unwrap", async () => {
    const store = await openStore(join(dir, 'root-key'));
    // Two rows: material m1 of key A, and an access key's secret. Swap their blobs.
    const materialAad = wrappingAad('key-material', arn, m1);
    const secretAad = wrappingAad('access-key-secret', 'AKIAEXAMPLE');
    const otherKeyAad = wrappingAad('key-material', arn.replace('ab', 'ac'), m1);
    const material = await store.wrap(randomBytes(32), materialAad);
    const secret = await store.wrap(Buffer.from('secret-access-key'), secretAad);
    await expect(store.unwrap(material, secretAad)).rejects.toBeInstanceOf(UnwrapError);
    await expect(store.unwrap(secret, materialAad)).rejects.toBeInstanceOf(UnwrapError);
    await expect(store.unwrap(material, otherKeyAad)).rejects.toBeInstanceOf(UnwrapError);
    expect((await store.unwrap(secret, secretAad)).toString()).toBe('secret-access-key');
  });

  it('concurrent first opens end with one key', async () => {
    const path = join(dir, 'root-key');
    const stores = await Promise.all(Array.from({ length: 8 }, () => openStore(path)));
    expect(stores.filter((s) => s.created).length).toBe(1);
    const aad = wrappingAad('key-material', arn, m1);
    const wrapped = await stores[0]!.wrap(Buffer.from('x'), aad);
    for (const s of stores) expect((await s.unwrap(wrapped, aad)).toString()).toBe('x');
    expect(readdirSync(dir)).toEqual(['root-key']);
  });

  it('racing processes end with one key', async () => {
    const path = join(dir, 'root-key');
    const script = `
      const { SoftwareKeyStore } = await import(${JSON.stringify(new URL('./software.ts', import.meta.url).href)});
      const { wrappingAad } = await import(${JSON.stringify(new URL('../crypto/index.ts', import.meta.url).href)});
      const s = await SoftwareKeyStore.open(process.argv[1]);
      process.stdout.write(JSON.stringify({ created: s.created, blob: (await s.wrap(Buffer.from('p'), wrappingAad('t'))).toString('hex') }));
    `;
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const run = promisify(execFile);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => run(tsx, ['--input-type=module', '-e', script, path], { encoding: 'utf8' })),
    );
    const parsed = results.map((r) => JSON.parse(r.stdout) as { created: boolean; blob: string });
    expect(parsed.filter((p) => p.created).length).toBe(1);
    const store = await openStore(path);
    for (const p of parsed)
      expect((await store.unwrap(Buffer.from(p.blob, 'hex'), wrappingAad('t'))).toString()).toBe('p');
    expect(readdirSync(dir)).toEqual(['root-key']);
  });

  it('flags a root key file readable by group or others, and still loads it', async () => {
    const path = join(dir, 'root-key');
    const a = await openStore(path);
    const aad = wrappingAad('key-material', arn, m1);
    const wrapped = await a.wrap(Buffer.from('x'), aad);
    chmodSync(path, 0o640);
    const b = await openStore(path);
    expect(b.permissionsTooOpen).toBe(true);
    expect((await b.unwrap(wrapped, aad)).toString()).toBe('x');
  });

  it('follows a symlink to a regular file (e.g. a mounted secret)', async () => {
    const target = join(dir, 'real-key');
    await openStore(target);
    symlinkSync(target, join(dir, 'link'));
    const s = await openStore(join(dir, 'link'));
    expect(s.created).toBe(false);
  });

  it('refuses a path that is not a regular file, or a file in another format', async () => {
    mkdirSync(join(dir, 'a-directory'));
    await expect(SoftwareKeyStore.open(join(dir, 'a-directory'))).rejects.toBeInstanceOf(KeyStoreError);
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    await expect(SoftwareKeyStore.open(join(dir, 'fifo'))).rejects.toBeInstanceOf(KeyStoreError);
    const bad = [
      '',
      randomBytes(32).toString('latin1'),
      `TRENT-ROOT-KEY-V1\n${randomBytes(32).toString('base64')}`,
      `TRENT-ROOT-KEY-V2\n${randomBytes(32).toString('base64')}\n`,
      `TRENT-ROOT-KEY-V1\n${randomBytes(31).toString('base64')}\n`,
      `TRENT-ROOT-KEY-V1\n${randomBytes(32).toString('base64')}\n\n`,
      `TRENT-ROOT-KEY-V1\n${randomBytes(32).toString('base64').slice(0, 42)}B=\n`, // non-canonical base64
    ];
    for (const [i, content] of bad.entries()) {
      const p = join(dir, `bad-${i}`);
      writeFileSync(p, content, { encoding: 'latin1', mode: 0o600 });
      await expect(SoftwareKeyStore.open(p), `case ${i}`).rejects.toBeInstanceOf(KeyStoreError);
    }
  });

  it('does not replace a dangling symlink with a new key', async () => {
    const link = join(dir, 'dangling');
    symlinkSync(join(dir, 'missing'), link);
    await expect(SoftwareKeyStore.open(link)).rejects.toBeInstanceOf(KeyStoreError);
  });

  it('close() zeroes the key and refuses further use', async () => {
    const store = await SoftwareKeyStore.open(join(dir, 'root-key'));
    const key = (store as unknown as { key: Buffer }).key;
    expect(key.equals(Buffer.alloc(32))).toBe(false);
    await store.close();
    expect(key.equals(Buffer.alloc(32))).toBe(true);
    await expect(store.wrap(Buffer.from('x'), Buffer.alloc(0))).rejects.toBeInstanceOf(KeyStoreError);
  });
});

describe('openKeyStore', () => {
  it('defaults to <dataDir>/root-key, creating dataDir', async () => {
    const dataDir = join(dir, 'data', 'nested');
    const s = await openKeyStore(undefined, dataDir);
    opened.push(s);
    expect(s.path).toBe(join(dataDir, 'root-key'));
    expect(statSync(join(dataDir, 'root-key')).mode & 0o777).toBe(0o600);
  });

  it('accepts file:PATH', async () => {
    const s = await openKeyStore(`file:${join(dir, 'custom')}`, join(dir, 'unused'));
    opened.push(s);
    expect(s.path).toBe(join(dir, 'custom'));
    expect(statSync(join(dir, 'custom')).isFile()).toBe(true);
  });

  it('rejects other specs', async () => {
    await expect(openKeyStore('pkcs11:slot=0', dir)).rejects.toBeInstanceOf(KeyStoreError);
    await expect(openKeyStore('file:', dir)).rejects.toBeInstanceOf(KeyStoreError);
  });

  it('memory: makes a root key in memory and writes nothing', async () => {
    const missing = join(dir, 'not-created');
    const a = await openKeyStore('memory:', missing);
    const b = await openKeyStore('memory:', missing);
    expect(a.path).toBe('memory:');
    expect(a.permissionsTooOpen).toBe(false);
    const aad = wrappingAad('test');
    const wrapped = await a.wrap(Buffer.from('secret'), aad);
    expect((await a.unwrap(wrapped, aad)).toString()).toBe('secret');
    await expect(b.unwrap(wrapped, aad)).rejects.toBeInstanceOf(UnwrapError);
    expect(readdirSync(dir)).toEqual([]);
    await a.close();
    await b.close();
  });
});
