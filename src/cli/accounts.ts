/**
 * `trent accounts create` and `trent accounts list`: accounts and their root access keys, written
 * straight to the data directory's database as a second connection (SQLite WAL lets it write while
 * the server runs; the server finds a new key on its first use).
 */
import type { Command } from 'commander';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openKeyStore, type KeyStore } from '../keystore/index.js';
import { createRootAccessKey } from '../server/credentials.js';
import { openStorage, type Storage } from '../storage/index.js';
import { UsageError, UserError } from './errors.js';

interface Flags {
  dataDir: string;
  rootKey?: string;
  accountId?: string;
}

const ACCOUNT_ID = /^[0-9]{12}$/;

async function withDataDir<T>(flags: Flags, work: (storage: Storage, keyStore: KeyStore) => Promise<T>): Promise<T> {
  const dataDir = resolve(flags.dataDir);
  if (!existsSync(join(dataDir, 'trent.db'))) {
    throw new UserError(
      `no Trent database in ${dataDir}: start the server once (trent serve --data-dir ${flags.dataDir})`,
    );
  }
  // A pkcs11: root key takes its PIN from TRENT_ROOT_KEY_PIN, as `trent serve` does.
  const keyStore = await openKeyStore(flags.rootKey, dataDir, { pin: process.env.TRENT_ROOT_KEY_PIN });
  try {
    const storage = await openStorage({ sqlitePath: join(dataDir, 'trent.db') });
    try {
      return await work(storage, keyStore);
    } finally {
      await storage.close();
    }
  } finally {
    await keyStore.close();
  }
}

/** A random 12-digit account id that no account has, not starting with 0 (as AWS's look). */
async function freshAccountId(storage: Storage): Promise<string> {
  for (;;) {
    const id = String(randomInt(1, 10)) + String(randomInt(0, 1e11)).padStart(11, '0');
    if (!(await storage.getAccount(id))) return id;
  }
}

export function registerAccounts(program: Command): void {
  const accounts = program.command('accounts').description('accounts and their root access keys');
  accounts
    .command('create')
    .description('create an account and its root access key; prints {accountId, accessKeyId, secretAccessKey}')
    .option('--account-id <id>', '12 digits; default a random new id')
    .option('--data-dir <dir>', 'the data directory', './.trent')
    .option('--root-key <spec>', 'where the root key is, file:PATH; default file:<data-dir>/root-key')
    .action(async (flags: Flags) => {
      if (flags.accountId !== undefined && !ACCOUNT_ID.test(flags.accountId)) {
        throw new UsageError(`--account-id must be 12 digits, got '${flags.accountId}'`);
      }
      const created = await withDataDir(flags, async (storage, keyStore) => {
        const accountId = flags.accountId ?? (await freshAccountId(storage));
        if (flags.accountId !== undefined && (await storage.getAccount(accountId))) {
          throw new UserError(`account ${accountId} exists already`);
        }
        return createRootAccessKey(storage, keyStore, accountId, new Date());
      });
      process.stdout.write(JSON.stringify(created, null, 2) + '\n');
    });
  accounts
    .command('list')
    .description('list the accounts as a JSON array of {accountId, createdAt}')
    .option('--data-dir <dir>', 'the data directory', './.trent')
    .option('--root-key <spec>', 'where the root key is, file:PATH; default file:<data-dir>/root-key')
    .action(async (flags: Flags) => {
      const all = await withDataDir(flags, (storage) => storage.listAccounts());
      const listed = all.map((a) => ({ accountId: a.accountId, createdAt: a.createdAt.toISOString() }));
      process.stdout.write(JSON.stringify(listed, null, 2) + '\n');
    });
}
