import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeyMaterialRecord, KeyRecord } from '../../domain/index.js';
import { describeStorageConformance } from '../conformance.js';
import { describeIdentityConformance } from '../conformance-identity.js';
import { describeSessionStorageConformance } from '../conformance-sessions.js';
import { describeGrantStorageConformance } from '../conformance-grants.js';
import { describeUsageStorageConformance } from '../conformance-usage.js';
import { describeImportStorageConformance } from '../conformance-imports.js';
import { describeMultiRegionStorageConformance } from '../conformance-multi-region.js';
import { describeParameterStorageConformance } from '../conformance-parameters.js';
import { describeCustomKeyStoreStorageConformance } from '../conformance-custom-key-stores.js';
import { openStorage, withKeyCache, type Storage } from '../index.js';
import { migrations } from './migrations.js';
import { SqliteStorage } from './sqlite-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'trent-sqlite-'));
let fileCounter = 0;
const freshFile = (): string => join(dir, `db-${++fileCounter}.sqlite`);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describeStorageConformance('sqlite :memory:', () => openStorage({ sqlitePath: ':memory:' }));
describeStorageConformance('sqlite file', () => openStorage({ sqlitePath: freshFile() }));
describeIdentityConformance('sqlite :memory:', () => openStorage({ sqlitePath: ':memory:' }));
describeIdentityConformance('sqlite file', () => openStorage({ sqlitePath: freshFile() }));
describeIdentityConformance('sqlite :memory: behind the key cache', async () =>
  withKeyCache(await openStorage({ sqlitePath: ':memory:' })),
);
describeStorageConformance('sqlite :memory: behind the key cache', async () =>
  withKeyCache(await openStorage({ sqlitePath: ':memory:' })),
);
describeSessionStorageConformance('sqlite :memory:', () => openStorage({ sqlitePath: ':memory:' }));
describeSessionStorageConformance('sqlite file', () => openStorage({ sqlitePath: freshFile() }));
describeSessionStorageConformance('sqlite :memory: behind the key cache', async () =>
  withKeyCache(await openStorage({ sqlitePath: ':memory:' })),
);
describeGrantStorageConformance('sqlite :memory:', () => openStorage({ sqlitePath: ':memory:' }));
describeGrantStorageConformance('sqlite file', () => openStorage({ sqlitePath: freshFile() }));
describeGrantStorageConformance('sqlite :memory: behind the key cache', async () =>
  withKeyCache(await openStorage({ sqlitePath: ':memory:' })),
);
describeUsageStorageConformance('sqlite :memory:', () => openStorage({ sqlitePath: ':memory:' }));
describeUsageStorageConformance('sqlite file', () => openStorage({ sqlitePath: freshFile() }));
describeUsageStorageConformance('sqlite :memory: behind the key cache', async () =>
  withKeyCache(await openStorage({ sqlitePath: ':memory:' })),
);
describeImportStorageConformance('sqlite :memory:', () => openStorage({ sqlitePath: ':memory:' }));
describeParameterStorageConformance('sqlite :memory:', () => openStorage({ sqlitePath: ':memory:' }));
describeParameterStorageConformance('sqlite file', () => openStorage({ sqlitePath: freshFile() }));
describeImportStorageConformance('sqlite file', () => openStorage({ sqlitePath: freshFile() }));
describeImportStorageConformance('sqlite :memory: behind the key cache', async () =>
  withKeyCache(await openStorage({ sqlitePath: ':memory:' })),
);
describeMultiRegionStorageConformance('sqlite :memory:', () => openStorage({ sqlitePath: ':memory:' }));
describeMultiRegionStorageConformance('sqlite :memory: behind the key cache', async () =>
  withKeyCache(await openStorage({ sqlitePath: ':memory:' })),
);

/** A fresh file database per test, and a reopen of the last one opened. */
function fileDatabase(): { open: () => Promise<Storage>; reopen: (storage: Storage) => Promise<Storage> } {
  let path = '';
  return {
    open: () => openStorage({ sqlitePath: (path = freshFile()) }),
    reopen: async (storage) => {
      await storage.close();
      return openStorage({ sqlitePath: path });
    },
  };
}
const customKeyStoreFile = fileDatabase();
describeCustomKeyStoreStorageConformance('sqlite :memory:', () => openStorage({ sqlitePath: ':memory:' }));
describeCustomKeyStoreStorageConformance('sqlite file', customKeyStoreFile.open, customKeyStoreFile.reopen);
describeCustomKeyStoreStorageConformance('sqlite :memory: behind the key cache', async () =>
  withKeyCache(await openStorage({ sqlitePath: ':memory:' })),
);

const T0 = new Date('2026-01-01T00:00:00.007Z');
const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
const arn = `arn:aws:kms:us-east-1:111122223333:key/${keyId}`;
const materialId = 'ab'.repeat(32);

const persistedKey: KeyRecord = {
  arn,
  keyId,
  accountId: '111122223333',
  region: 'us-east-1',
  description: 'persisted',
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  origin: 'AWS_KMS',
  keyManager: 'CUSTOMER',
  keyState: 'Enabled',
  creationDate: T0,
  policy: '{}',
  tags: [{ TagKey: 'k', TagValue: 'v' }],
  rotationEnabled: false,
  currentMaterialId: materialId,
  multiRegion: false,
  version: 1,
};
const persistedMaterial: KeyMaterialRecord = {
  keyArn: arn,
  materialId,
  wrapped: Buffer.from('wrapped'),
  createdAt: T0,
};

describe('SqliteStorage on a file', () => {
  it('uses WAL, synchronous=FULL, foreign keys, a busy timeout and secure_delete', async () => {
    const path = freshFile();
    const storage = SqliteStorage.open(path);
    try {
      expect(storage.settings()).toEqual({
        journalMode: 'wal',
        synchronous: 2, // FULL
        foreignKeys: true,
        busyTimeoutMs: 5000,
        secureDelete: true,
      });
    } finally {
      await storage.close();
    }
    // WAL is recorded in the file itself.
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('configures an in-memory database the same way except for WAL', async () => {
    const storage = SqliteStorage.open(':memory:');
    try {
      expect(storage.settings()).toMatchObject({
        journalMode: 'memory',
        synchronous: 2,
        foreignKeys: true,
        secureDelete: true,
      });
    } finally {
      await storage.close();
    }
  });

  it('keeps data across close and reopen', async () => {
    const path = freshFile();
    const first = await openStorage({ sqlitePath: path });
    await first.putAccount({ accountId: '111122223333', createdAt: T0 });
    await first.createKey(persistedKey, persistedMaterial);
    await first.close();

    const second = await openStorage({ sqlitePath: path });
    try {
      expect(await second.getAccount('111122223333')).toEqual({
        accountId: '111122223333',
        createdAt: T0,
      });
      const key = await second.getKey('us-east-1', '111122223333', keyId);
      expect(key?.description).toBe('persisted');
      expect(key?.creationDate).toEqual(T0);
      expect((await second.getKeyMaterial(arn, materialId))?.wrapped).toEqual(Buffer.from('wrapped'));
    } finally {
      await second.close();
    }

    const db = new Database(path, { readonly: true });
    try {
      const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      expect(versions).toEqual(migrations.map((_, i) => i + 1));
    } finally {
      db.close();
    }
  });

  it('compare-and-set holds across two connections to one file', async () => {
    const path = freshFile();
    const a = await openStorage({ sqlitePath: path });
    const b = await openStorage({ sqlitePath: path });
    try {
      await a.createKey(persistedKey, persistedMaterial);
      const readByA = (await a.getKey('us-east-1', '111122223333', keyId))!;
      const readByB = (await b.getKey('us-east-1', '111122223333', keyId))!;
      expect(await b.updateKey({ ...readByB, description: 'b wins' })).toBe('ok');
      expect(await a.updateKey({ ...readByA, description: 'a loses' })).toBe('conflict');
      expect(await a.deleteKey(readByA)).toBe('conflict');
      expect((await a.getKey('us-east-1', '111122223333', keyId))?.description).toBe('b wins');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a database migrated by a newer version', async () => {
    const path = freshFile();
    await (await openStorage({ sqlitePath: path })).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migrations.length + 1, 0);
    db.close();
    await expect(openStorage({ sqlitePath: path })).rejects.toThrow(/newer/);
  });

  it('refuses to be used before migrate()', async () => {
    const storage = SqliteStorage.open(':memory:');
    await expect(storage.getAccount('111122223333')).rejects.toThrow(/migrate/);
    await storage.close();
  });
});
