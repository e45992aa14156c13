/**
 * What SQLite leaves in the data directory: database files 0600 whatever the directory's mode,
 * and nothing of a deleted key's rows in the database, WAL or shared-memory file once
 * eraseDeleted() is done, including what an older Trent (without secure_delete) left behind.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeyMaterialRecord, KeyRecord } from '../../domain/index.js';
import { openStorage } from '../index.js';
import type { Storage } from '../types.js';

const root = mkdtempSync(join(tmpdir(), 'trent-sqlite-at-rest-'));
/** A fresh directory with mode 0755, as `mkdir` leaves it under the usual umask. */
function openDirectory(): string {
  const dir = mkdtempSync(join(root, 'd-'));
  chmodSync(dir, 0o755);
  return dir;
}

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const T0 = new Date('2026-01-01T00:00:00Z');
const ACCOUNT = '111122223333';

function keyWithMaterial(n: number, wrappedLength: number): { key: KeyRecord; material: KeyMaterialRecord } {
  const keyId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const arn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`;
  const materialId = randomBytes(32).toString('hex');
  return {
    key: {
      arn,
      keyId,
      accountId: ACCOUNT,
      region: 'us-east-1',
      description: `key ${n}`,
      keySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
      origin: 'AWS_KMS',
      keyManager: 'CUSTOMER',
      keyState: 'Enabled',
      creationDate: T0,
      policy: '{}',
      tags: [],
      rotationEnabled: false,
      currentMaterialId: materialId,
      multiRegion: false,
      version: 1,
    },
    // Sizes from a symmetric key's 60 bytes to an RSA-4096 key's PKCS#8 on overflow pages.
    material: { keyArn: arn, materialId, wrapped: randomBytes(wrappedLength), createdAt: T0 },
  };
}

/** Every file of `dir`, concatenated. */
function everyFileBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
}

const modeOf = (path: string): number => statSync(path).mode & 0o777;
const SIZES = [60, 300, 1200, 2500, 4000, 9000];

/** Creates keys of every size, deletes every other one, and returns the wrapped blobs of both halves. */
async function createAndDeleteHalf(storage: Storage): Promise<{ deleted: Buffer[]; kept: Buffer[] }> {
  const deleted: Buffer[] = [];
  const kept: Buffer[] = [];
  const created = [];
  for (let i = 0; i < 4 * SIZES.length; i++) {
    const k = keyWithMaterial(i, SIZES[i % SIZES.length]!);
    await storage.createKey(k.key, k.material);
    created.push(k);
  }
  for (const [i, k] of created.entries()) {
    if (i % 2 === 0) {
      expect(await storage.deleteKey(k.key)).toBe('ok');
      deleted.push(k.material.wrapped);
    } else {
      kept.push(k.material.wrapped);
    }
  }
  return { deleted, kept };
}

/**
 * 32-byte pieces of a blob: a blob longer than a page lies on overflow pages, in pieces that are
 * not contiguous in the file, so the scan looks for each piece.
 */
function pieces(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 32 <= blob.length; i += 32) out.push(blob.subarray(i, i + 32));
  return out;
}

function expectErased(dir: string, { deleted, kept }: { deleted: Buffer[]; kept: Buffer[] }): void {
  const disk = everyFileBytes(dir);
  // Every surviving key's blob is found: the scan can see what is there.
  expect(kept.filter((b) => !pieces(b).some((p) => disk.includes(p)))).toHaveLength(0);
  expect(deleted.flatMap(pieces).filter((p) => disk.includes(p))).toHaveLength(0);
}

describe('SQLite files at rest', () => {
  it('creates the database, WAL and shared-memory files 0600 in a 0755 directory', async () => {
    const dir = openDirectory();
    const storage = await openStorage({ sqlitePath: join(dir, 'trent.db') });
    try {
      const k = keyWithMaterial(1, 60);
      await storage.createKey(k.key, k.material);
      expect(readdirSync(dir).sort()).toEqual(['trent.db', 'trent.db-shm', 'trent.db-wal']);
      for (const name of readdirSync(dir)) expect([name, modeOf(join(dir, name))]).toEqual([name, 0o600]);
    } finally {
      await storage.close();
    }
  });

  it('takes group and other permissions away from database files that have them', async () => {
    const dir = openDirectory();
    const path = join(dir, 'trent.db');
    await (await openStorage({ sqlitePath: path })).close();
    // An older Trent's files, and a WAL and shared-memory file a crash left behind.
    for (const name of ['trent.db', 'trent.db-wal', 'trent.db-shm']) {
      closeSync(openSync(join(dir, name), 'a'));
      chmodSync(join(dir, name), 0o644);
    }
    const storage = await openStorage({ sqlitePath: path });
    try {
      for (const name of ['trent.db', 'trent.db-wal', 'trent.db-shm']) {
        expect([name, modeOf(join(dir, name))]).toEqual([name, 0o600]);
      }
    } finally {
      await storage.close();
    }
  });

  it('leaves nothing of deleted keys in the WAL or the database once eraseDeleted is done', async () => {
    const dir = openDirectory();
    const storage = await openStorage({ sqlitePath: join(dir, 'trent.db') });
    let blobs;
    try {
      blobs = await createAndDeleteHalf(storage);
      expect(await storage.eraseDeleted()).toBe('done');
      expectErased(dir, blobs);
      // Nothing pending: done at once.
      expect(await storage.eraseDeleted()).toBe('done');
    } finally {
      await storage.close();
    }
    expect(readdirSync(dir)).toEqual(['trent.db']);
    expectErased(dir, blobs);
  });

  it('leaves nothing of a replaced secret access key once eraseDeleted is done', async () => {
    const dir = openDirectory();
    const storage = await openStorage({ sqlitePath: join(dir, 'trent.db') });
    try {
      const record = {
        accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
        accountId: ACCOUNT,
        principalArn: `arn:aws:iam::${ACCOUNT}:root`,
        status: 'Active' as const,
        createdAt: T0,
      };
      const replaced = randomBytes(58);
      const current = randomBytes(58);
      await storage.putAccessKey({ ...record, wrappedSecret: replaced });
      await storage.putAccessKey({ ...record, wrappedSecret: current });
      expect(await storage.eraseDeleted()).toBe('done');
      expectErased(dir, { deleted: [replaced], kept: [current] });
    } finally {
      await storage.close();
    }
  });

  it('answers busy while another connection reads an older snapshot, and erases once it is gone', async () => {
    const dir = openDirectory();
    const path = join(dir, 'trent.db');
    const storage = await openStorage({ sqlitePath: path });
    const reader = new Database(path);
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM key_materials').get();
      const blobs = await createAndDeleteHalf(storage);
      expect(await storage.eraseDeleted()).toBe('busy');
      reader.exec('COMMIT');
      expect(await storage.eraseDeleted()).toBe('done');
      expectErased(dir, blobs);
    } finally {
      reader.close();
      await storage.close();
    }
  });

  it('rebuilds once a database whose deletions predate secure_delete', async () => {
    const dir = openDirectory();
    const path = join(dir, 'trent.db');
    const first = await openStorage({ sqlitePath: path });
    const blobs = await createAndDeleteHalf(first);
    // Undo the deletions, then delete again as an older Trent did: secure_delete off, no erasure.
    await first.close();
    const legacy = new Database(path);
    legacy.pragma('secure_delete = OFF');
    legacy.prepare("DELETE FROM settings WHERE name LIKE 'sqlite.secure-delete%'").run();
    const insertKey = legacy.prepare(
      "INSERT INTO key_materials (key_arn, material_id, seq, wrapped, created_at) VALUES ('x', ?, ?, ?, 0)",
    );
    legacy.pragma('foreign_keys = OFF');
    blobs.deleted.forEach((wrapped, i) => insertKey.run(`m${i}`, i, wrapped));
    legacy.prepare("DELETE FROM key_materials WHERE key_arn = 'x'").run();
    legacy.close();
    // The older Trent's leftovers are there, in free pages or the unused space of pages.
    const before = everyFileBytes(dir);
    expect(blobs.deleted.flatMap(pieces).filter((p) => before.includes(p)).length).toBeGreaterThan(0);

    const reopened = await openStorage({ sqlitePath: path });
    try {
      expectErased(dir, blobs);
    } finally {
      await reopened.close();
    }
    expectErased(dir, blobs);
  });
});
