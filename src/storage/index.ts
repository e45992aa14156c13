/**
 * Public surface of storage/: the contract and the factory the composition root calls. The
 * conformance suite (storage/conformance.ts) is for tests and is deliberately not exported here,
 * so runtime code never loads vitest.
 */
import { SqliteStorage } from './sqlite/index.js';
import type { Storage } from './types.js';

export type { CustomKeyStoreStorage } from './custom-key-store-types.js';
export type { ImportedKeyMaterial, ImportParametersRecord } from './import-types.js';
export type { MultiRegionStorage, RelatedKeyWrite } from './multi-region-types.js';
export type { KeyHoursRow, LimitReached, Page, SeedWrite, Storage, UsageRow, WriteResult } from './types.js';

export interface StorageOptions {
  /** Path of the SQLite database file, or ':memory:' for a private in-memory database. */
  sqlitePath: string;
}

/** Opens the configured storage and runs its pending migrations. */
export async function openStorage(opts: StorageOptions): Promise<Storage> {
  const storage = SqliteStorage.open(opts.sqlitePath);
  try {
    await storage.migrate();
  } catch (e) {
    await storage.close();
    throw e;
  }
  return storage;
}

export { withKeyCache } from './key-cache.js';
