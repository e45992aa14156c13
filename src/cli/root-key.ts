/**
 * `trent root-key import`: moves an installation's root key from its file into a PKCS#11 token
 * (docs/hsm.md). The file's 32 bytes become the token's `trent-root-key`, sensitive and not
 * extractable, so every blob already wrapped keeps unwrapping (the HSM store wraps in the
 * software store's layout) and nothing in the database changes. The command checks the file
 * against the database before and the token against it after. The PIN comes from
 * TRENT_ROOT_KEY_PIN only (a flag would show it to other users of the machine).
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DEFAULT_ROOT_KEY_FILE,
  HsmError,
  KeyStoreError,
  loadPkcs11,
  openKeyStore,
  parseRootKeySpec,
  readRootKeyFile,
  type KeyStore,
} from '../keystore/index.js';
import { checkRootKey, RootKeyMismatchError } from '../server/root-key-check.js';
import { openStorage } from '../storage/index.js';
import { UsageError, UserError } from './errors.js';

interface Flags {
  to: string;
  from?: string;
  dataDir: string;
}

const PIN_VARIABLE = 'TRENT_ROOT_KEY_PIN';

export function registerRootKey(program: Command): void {
  const rootKey = program.command('root-key').description('the root key that wraps all key material at rest');
  rootKey
    .command('import')
    .description(
      `move the root key file into a PKCS#11 token (docs/hsm.md); the token's user PIN comes from ${PIN_VARIABLE}`,
    )
    .requiredOption('--to <spec>', 'the token, pkcs11:<module-path>:<token-label>')
    .option('--from <spec>', 'the root key file, file:PATH; default file:<data-dir>/root-key')
    .option('--data-dir <dir>', 'the data directory whose database the root key protects', './.trent')
    .action(async (flags: Flags) => {
      process.stdout.write(await importRootKey(flags, process.env[PIN_VARIABLE]));
    });
}

/** Does the work of `trent root-key import`; returns what to print. Exported for tests. */
export async function importRootKey(flags: Flags, pin: string | undefined): Promise<string> {
  const target = parseRootKeySpec(flags.to);
  if (!target.ok) throw new UsageError(`--to ${flags.to}: ${target.problem}`);
  if (flags.from !== undefined && !/^file:./.test(flags.from)) throw new UsageError('--from must be file:PATH');
  if (pin === undefined || pin === '') throw new UserError(`set ${PIN_VARIABLE} to the user PIN of the token`);
  const dataDir = resolve(flags.dataDir);
  const file = flags.from ? resolve(flags.from.slice('file:'.length)) : join(dataDir, DEFAULT_ROOT_KEY_FILE);
  const modulePath = resolve(target.value.modulePath);
  const spec = `pkcs11:${modulePath}:${target.value.tokenLabel}`;
  const database = join(dataDir, 'trent.db');
  const storage = existsSync(database) ? await openStorage({ sqlitePath: database }) : undefined;
  try {
    const check = async (keyStore: KeyStore, what: string) => {
      if (!storage) return;
      try {
        await checkRootKey(storage, keyStore);
      } catch (err) {
        if (err instanceof RootKeyMismatchError)
          throw new UserError(`${what} does not match the database in ${dataDir}`);
        throw err;
      }
    };
    const key = await readRootKeyFile(file).catch((err: unknown) => {
      throw err instanceof KeyStoreError ? new UserError(err.message) : err;
    });
    try {
      const software = await openKeyStore(`file:${file}`, dataDir);
      try {
        await check(software, `the root key file ${file}`);
      } finally {
        await software.close();
      }
      const { Pkcs11RootKeyStore } = await loadPkcs11();
      await Pkcs11RootKeyStore.importKey({ modulePath, tokenLabel: target.value.tokenLabel, pin }, key).catch(
        (err: unknown) => {
          throw err instanceof HsmError
            ? new UserError(`cannot import into token ${target.value.tokenLabel}: ${err.message}`)
            : err;
        },
      );
    } finally {
      key.fill(0);
    }
    const hsm = await openKeyStore(spec, dataDir, { pin });
    try {
      await check(hsm, `the root key in token ${target.value.tokenLabel}`);
    } finally {
      await hsm.close();
    }
  } finally {
    await storage?.close();
  }
  return [
    `The root key of ${file} is now the root key of token ${target.value.tokenLabel} (trent-root-key).`,
    `Start Trent with --root-key ${spec} and ${PIN_VARIABLE} set.`,
    `Then destroy ${file} and every copy of it (backups included): while a copy exists, anyone holding it and the database has every key.`,
    '',
  ].join('\n');
}
