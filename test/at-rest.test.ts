/**
 * What is on disk: no key material (symmetric, HMAC, asymmetric, post-quantum), data key or
 * secret access key in plaintext anywhere in the data directory; a wrapped material copied to
 * another key's row does not unwrap; files are 0600 and directories 0700; and a key deleted after
 * its waiting period leaves nothing of its material in any file of the data directory.
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  type KeySpec,
  type KeyUsageType,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import Database from 'better-sqlite3';
import { createPrivateKey } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrappingAad } from '../src/crypto/index.js';
import type { Logger } from '../src/services/kms/index.js';
import { startServer } from '../src/server/index.js';
import { followClock } from './helpers/kms.js';
import { ManualClock, silentLogger, startTestServer, type TestServer } from './helpers/server.js';

const DAY = 24 * 60 * 60 * 1000;

/** Every file below `dir` (database, WAL, audit log, ...) with its bytes. */
async function everyFile(dir: string): Promise<{ path: string; bytes: Buffer }[]> {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.push({ path, bytes: await readFile(path) });
    }
  }
  return files;
}

/** The bytes of every file below `dir`, except the files named `skip`. */
async function everyFileBytes(dir: string, skip = ''): Promise<Buffer> {
  const files = await everyFile(dir);
  return Buffer.concat(files.filter((f) => !f.path.endsWith(`/${skip}`)).map((f) => f.bytes));
}

/** A secret as it could appear in a file: raw, hex, base64 and base64url. */
const encodings = (secret: Buffer): Buffer[] => [
  secret,
  Buffer.from(secret.toString('hex')),
  Buffer.from(secret.toString('hex').toUpperCase()),
  Buffer.from(secret.toString('base64')),
  Buffer.from(secret.toString('base64url')),
];

const ML_DSA: Record<string, typeof ml_dsa44> = { ML_DSA_44: ml_dsa44, ML_DSA_65: ml_dsa65, ML_DSA_87: ml_dsa87 };
const ML_KEM: Record<string, typeof ml_kem768> = {
  ML_KEM_512: ml_kem512,
  ML_KEM_768: ml_kem768,
  ML_KEM_1024: ml_kem1024,
};

/**
 * Every form of a key's private material worth looking for: the material itself (the symmetric or
 * HMAC key, the PKCS#8 DER of an RSA, elliptic-curve or Ed25519 key, the ML-DSA or ML-KEM seed),
 * the private components of an asymmetric key (d, and RSA's primes and CRT values), and the
 * expanded secret key derived from a post-quantum seed.
 */
function privateForms(keySpec: string, material: Buffer): Buffer[] {
  const forms = [material];
  if (keySpec.startsWith('RSA_') || keySpec.startsWith('ECC_')) {
    const jwk = createPrivateKey({ key: material, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
    for (const part of [jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi]) {
      if (part !== undefined) forms.push(Buffer.from(part, 'base64url'));
    }
  }
  const mlDsa = ML_DSA[keySpec];
  if (mlDsa) forms.push(Buffer.from(mlDsa.keygen(material).secretKey));
  const mlKem = ML_KEM[keySpec];
  if (mlKem) forms.push(Buffer.from(mlKem.keygen(material).secretKey));
  return forms;
}

/**
 * 32-byte pieces of a blob: a blob longer than what fits in a database page is stored in pieces
 * that are not contiguous in the file, so a scan looks for each piece.
 */
function pieces(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 32 <= blob.length; i += 32) out.push(blob.subarray(i, i + 32));
  return out;
}

/** One key of each family of material (each spec row of crypto/key-material.ts has its own form). */
const SPECS: { KeySpec: KeySpec; KeyUsage: KeyUsageType }[] = [
  { KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' },
  { KeySpec: 'HMAC_224', KeyUsage: 'GENERATE_VERIFY_MAC' },
  { KeySpec: 'HMAC_512', KeyUsage: 'GENERATE_VERIFY_MAC' },
  { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' },
  { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
  { KeySpec: 'ECC_NIST_P521', KeyUsage: 'KEY_AGREEMENT' },
  { KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY' },
  { KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' },
  { KeySpec: 'ML_DSA_44', KeyUsage: 'SIGN_VERIFY' },
  { KeySpec: 'ML_DSA_87', KeyUsage: 'SIGN_VERIFY' },
  { KeySpec: 'ML_KEM_768', KeyUsage: 'ENCAPSULATE_DECAPSULATE' },
];

interface StoredMaterial {
  keySpec: string;
  wrapped: Buffer;
  forms: Buffer[];
}

/** The wrapped bytes and private forms of every material of `arn`. */
async function materialsOf(t: TestServer, arn: string, keySpec: string): Promise<StoredMaterial[]> {
  const { storage, materials } = t.server.services;
  const out = [];
  for (const m of await storage.listKeyMaterials(arn)) {
    const plaintext = (await materials.plaintext(arn, m.materialId))!;
    out.push({ keySpec, wrapped: m.wrapped, forms: privateForms(keySpec, plaintext) });
  }
  return out;
}

/** The secrets of `secrets` (with their encodings) found in `disk`, by description. */
function found(disk: Buffer, secrets: { what: string; secret: Buffer }[]): string[] {
  return secrets.flatMap(({ what, secret }) => (encodings(secret).some((e) => disk.includes(e)) ? [what] : []));
}

describe('data at rest', () => {
  let t: TestServer;
  let kms: KMSClient;

  beforeAll(async () => {
    t = await startTestServer();
    kms = t.client();
  });
  afterAll(async () => t?.stop());

  it('holds no key material of any spec, data key or secret access key in plaintext', async () => {
    const secrets: { what: string; secret: Buffer }[] = [];
    for (const spec of SPECS) {
      const key = (await kms.send(new CreateKeyCommand({ ...spec, Description: `at rest ${spec.KeySpec}` })))
        .KeyMetadata!;
      if (spec.KeySpec === 'SYMMETRIC_DEFAULT') await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
      for (const m of await materialsOf(t, key.Arn!, spec.KeySpec)) {
        m.forms.forEach((secret, i) => secrets.push({ what: `${spec.KeySpec} form ${i}`, secret }));
      }
    }
    // Two materials of the symmetric key, the material and its components of every other spec.
    expect(secrets.filter((s) => s.what.startsWith('SYMMETRIC_DEFAULT'))).toHaveLength(2);
    expect(secrets.filter((s) => s.what.startsWith('RSA_2048'))).toHaveLength(7);
    expect(secrets.filter((s) => s.what.startsWith('ML_KEM_768'))).toHaveLength(2);

    // Data keys and data key pairs are returned, never kept.
    const symmetric = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: symmetric.KeyId, KeySpec: 'AES_256' }));
    secrets.push({ what: 'data key', secret: Buffer.from(dataKey.Plaintext!) });
    for (const KeyPairSpec of ['RSA_2048', 'ECC_NIST_P256'] as const) {
      const pair = await kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec }));
      for (const [i, secret] of privateForms(KeyPairSpec, Buffer.from(pair.PrivateKeyPlaintext!)).entries()) {
        secrets.push({ what: `data key pair ${KeyPairSpec} form ${i}`, secret });
      }
    }

    const disk = await everyFileBytes(t.dataDir);
    // The scan sees what is there: the wrapped blobs are in the database.
    const wrapped = (await t.server.services.storage.listKeyMaterials(symmetric.Arn!))[0]!.wrapped;
    expect(disk.includes(wrapped)).toBe(true);
    expect(found(disk, secrets)).toEqual([]);

    const secret = Buffer.from(t.credentials.secretAccessKey);
    // The credentials file is the one place the secret is meant to be, once, for the operator.
    expect(found(await everyFileBytes(t.dataDir), [{ what: 'secret', secret }])).toEqual(['secret']);
    const outsideCredentialsFile = await everyFileBytes(t.dataDir, 'admin-credentials.json');
    expect(found(outsideCredentialsFile, [{ what: 'secret access key', secret }])).toEqual([]);
  });

  it('binds each wrapped material to its key and material id', async () => {
    const { services } = t.server;
    const a = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const b = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const wrappedA = (await services.storage.getKeyMaterial(a.Arn!, a.CurrentKeyMaterialId!))!.wrapped;
    await expect(
      services.keyStore.unwrap(wrappedA, wrappingAad('key-material', b.Arn!, b.CurrentKeyMaterialId!)),
    ).rejects.toThrow();
    await expect(
      services.keyStore.unwrap(wrappedA, wrappingAad('key-material', a.Arn!, b.CurrentKeyMaterialId!)),
    ).rejects.toThrow();
    expect(
      (await services.keyStore.unwrap(wrappedA, wrappingAad('key-material', a.Arn!, a.CurrentKeyMaterialId!))).length,
    ).toBe(32);
    // And the service still works with its own material.
    const enc = await kms.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: Buffer.from('x') }));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    expect(Buffer.from(dec.Plaintext!).toString()).toBe('x');
  });
});

/** A logger that keeps what it is given. */
function capturingLogger(): Logger & { warnings: { obj: Record<string, unknown>; msg: string }[] } {
  const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
  return {
    warnings,
    info() {},
    error() {},
    warn(obj, msg = '') {
      warnings.push({ obj: obj as Record<string, unknown>, msg });
    },
  };
}

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

/** The mode of every file and directory below `dir` (not `dir` itself), by path relative to it. */
async function modesBelow(dir: string): Promise<{ files: Map<string, number>; dirs: Map<string, number> }> {
  const files = new Map<string, number>();
  const dirs = new Map<string, number>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const relative = path.slice(dir.length + 1);
    if (entry.isDirectory()) dirs.set(relative, await modeOf(path));
    else files.set(relative, await modeOf(path));
  }
  return { files, dirs };
}

function expectPrivateModes({ files, dirs }: { files: Map<string, number>; dirs: Map<string, number> }): void {
  const open = (m: Map<string, number>, expected: number) =>
    [...m].filter(([, mode]) => mode !== expected).map(([p, mode]) => `${p} ${mode.toString(8)}`);
  expect(open(files, 0o600)).toEqual([]);
  expect(open(dirs, 0o700)).toEqual([]);
}

describe('file modes of the data directory', () => {
  let dataDir: string;

  beforeAll(async () => {
    // A data directory made beforehand with the usual umask (022).
    dataDir = await mkdtemp(join(tmpdir(), 'trent-modes-'));
    await chmod(dataDir, 0o755);
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('creates every file 0600 and every directory 0700 in an existing 0755 directory, and warns', async () => {
    const logger = capturingLogger();
    const t = await startTestServer({ dataDir, logger });
    try {
      const kms = t.client();
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('audited') }));
      await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));

      const running = await modesBelow(dataDir);
      for (const name of ['root-key', 'admin-credentials.json', 'trent.db', 'trent.db-wal', 'trent.db-shm']) {
        expect(running.files.has(name), name).toBe(true);
      }
      expect([...running.files.keys()].some((p) => /^audit\/events-\d{10}\.jsonl$/.test(p))).toBe(true);
      expect(running.dirs.has('audit')).toBe(true);
      expectPrivateModes(running);
      expect(await modeOf(dataDir)).toBe(0o755);
      expect(logger.warnings).toContainEqual({
        obj: { dataDir, mode: '0755' },
        msg: expect.stringContaining('data directory') as string,
      });
    } finally {
      await t.stop();
    }
    expectPrivateModes(await modesBelow(dataDir));
  });

  it('takes group and other permissions away from an older Trent files, and warns about the root key', async () => {
    // As an older Trent left them: database files and the audit directory open to others.
    for (const name of ['trent.db', 'audit']) await chmod(join(dataDir, name), name === 'audit' ? 0o755 : 0o644);
    await chmod(join(dataDir, 'root-key'), 0o640);
    const logger = capturingLogger();
    const server = await startServer({ dataDir, port: 0, schedulerIntervalMs: 0, logger });
    try {
      const { files, dirs } = await modesBelow(dataDir);
      expect(files.get('trent.db')).toBe(0o600);
      expect(files.get('trent.db-wal')).toBe(0o600);
      expect(dirs.get('audit')).toBe(0o700);
      // The root key file is the operator's: reported, not changed.
      expect(files.get('root-key')).toBe(0o640);
      expect(logger.warnings).toContainEqual({
        obj: { file: join(dataDir, 'root-key') },
        msg: expect.stringContaining('root key file') as string,
      });
    } finally {
      await server.close();
    }
  });
});

describe('deletion after the waiting period', () => {
  const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
  let dataDir: string;
  let t: TestServer;
  let kms: KMSClient;

  beforeAll(async () => {
    // Our own directory, so that it outlives the server for the scan after shutdown.
    dataDir = await mkdtemp(join(tmpdir(), 'trent-deletion-'));
    t = await startTestServer({ clock, logger: silentLogger, dataDir });
    kms = followClock(t.client(), clock);
  });
  afterAll(async () => {
    await t?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('leaves nothing of a deleted key material in any file of the data directory', async () => {
    const doomed: StoredMaterial[] = [];
    const kept: StoredMaterial[] = [];
    const doomedArns: string[] = [];
    for (const spec of SPECS) {
      for (const fate of ['doomed', 'kept'] as const) {
        // One survivor of each kind proves the scan finds what is there; a few are enough.
        if (fate === 'kept' && !['SYMMETRIC_DEFAULT', 'RSA_2048', 'ML_DSA_87'].includes(spec.KeySpec)) continue;
        const key = (await kms.send(new CreateKeyCommand({ ...spec, Description: `${fate} ${spec.KeySpec}` })))
          .KeyMetadata!;
        if (spec.KeySpec === 'SYMMETRIC_DEFAULT') await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
        const materials = await materialsOf(t, key.Arn!, spec.KeySpec);
        if (fate === 'kept') {
          kept.push(...materials);
          continue;
        }
        doomed.push(...materials);
        doomedArns.push(key.Arn!);
        await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
      }
    }
    expect(doomed).toHaveLength(SPECS.length + 1);

    const scan = async () => {
      const disk = await everyFileBytes(t.dataDir);
      return {
        keptMissing: kept.filter((m) => !pieces(m.wrapped).some((p) => disk.includes(p))).map((m) => m.keySpec),
        doomedWrapped: doomed.filter((m) => pieces(m.wrapped).some((p) => disk.includes(p))).map((m) => m.keySpec),
        doomedPlaintext: doomed
          .filter((m) => m.forms.some((f) => encodings(f).some((e) => disk.includes(e))))
          .map((m) => m.keySpec),
      };
    };
    // Before the deletion the scan finds every wrapped material: it can fail.
    expect((await scan()).doomedWrapped).toHaveLength(doomed.length);

    clock.advance(7 * DAY);
    expect((await t.server.runScheduledWork()).deleted.sort()).toEqual([...doomedArns].sort());
    // While the server runs: nothing in trent.db, its WAL or anywhere else.
    expect(await scan()).toEqual({ keptMissing: [], doomedWrapped: [], doomedPlaintext: [] });

    await t.stop();
    // After shutdown (the WAL is folded into trent.db): nothing in the database's free pages either.
    expect(await scan()).toEqual({ keptMissing: [], doomedWrapped: [], doomedPlaintext: [] });
  });
});

describe('deletion while another process reads the database', () => {
  const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
  const logger = capturingLogger();
  let t: TestServer;
  let kms: KMSClient;

  beforeAll(async () => {
    t = await startTestServer({ clock, logger });
    kms = followClock(t.client(), clock);
  });
  afterAll(async () => t?.stop());

  it('warns that the erasure waits, and erases at the next run once the reader is gone', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const [material] = await materialsOf(t, key.Arn!, 'SYMMETRIC_DEFAULT');
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    // A sqlite3 shell or a backup holding a read transaction on the snapshot before the deletion.
    const reader = new Database(join(t.dataDir, 'trent.db'), { readonly: true });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM key_materials').get();
      clock.advance(7 * DAY);
      expect((await t.server.runScheduledWork()).deleted).toEqual([key.Arn]);
      expect(logger.warnings).toContainEqual({
        obj: { deletedKeys: 1 },
        msg: expect.stringContaining('another connection') as string,
      });
      expect((await everyFileBytes(t.dataDir)).includes(material!.wrapped)).toBe(true);
      reader.exec('COMMIT');
    } finally {
      reader.close();
    }
    const warned = logger.warnings.length;
    expect((await t.server.runScheduledWork()).deleted).toEqual([]);
    expect(logger.warnings).toHaveLength(warned);
    const disk = await everyFileBytes(t.dataDir);
    expect(pieces(material!.wrapped).some((p) => disk.includes(p))).toBe(false);
    expect(material!.forms.some((f) => encodings(f).some((e) => disk.includes(e)))).toBe(false);
  });
});
