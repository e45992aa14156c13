/**
 * `trent seed export`: writes the seed file (docs/seed-files.md) that recreates a data directory's
 * keys and aliases. It opens the database as a second connection (SQLite WAL lets it read while
 * the server runs). Material only with `--include-material --dev`: it writes plaintext keys.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { openKeyStore } from '../keystore/index.js';
import { exportSeed } from '../seed/index.js';
import { openStorage } from '../storage/index.js';
import { UsageError, UserError } from './errors.js';

interface ExportFlags {
  dataDir: string;
  out?: string;
  rootKey?: string;
  includeMaterial?: boolean;
  dev?: boolean;
}

export function registerSeed(program: Command): void {
  const seed = program.command('seed').description('seed files for tests and development (docs/seed-files.md)');
  seed
    .command('export')
    .description("write the seed file that recreates a data directory's keys, aliases and settings")
    .requiredOption('--data-dir <dir>', 'the data directory')
    .option('--out <file>', 'write here (.yaml, .yml or .json); default YAML on standard output')
    .option('--root-key <spec>', 'where the root key is, file:PATH; default file:<data-dir>/root-key')
    .option('--include-material', 'include key material in plaintext (needs --dev: for dev data directories only)')
    .option('--dev', 'confirm the data directory is a development one (required by --include-material)')
    .action(async (flags: ExportFlags) => {
      if (flags.includeMaterial && !flags.dev) {
        throw new UsageError('--include-material needs --dev: it writes plaintext key material');
      }
      const format = flags.out === undefined ? 'yaml' : extname(flags.out).toLowerCase() === '.json' ? 'json' : 'yaml';
      if (flags.out !== undefined && !['.json', '.yaml', '.yml'].includes(extname(flags.out).toLowerCase())) {
        throw new UsageError('--out must end in .yaml, .yml or .json');
      }
      const dataDir = resolve(flags.dataDir);
      if (!existsSync(join(dataDir, 'trent.db'))) throw new UserError(`no Trent database in ${dataDir}`);
      const keyStore = await openKeyStore(flags.rootKey, dataDir, { pin: process.env.TRENT_ROOT_KEY_PIN });
      try {
        const storage = await openStorage({ sqlitePath: join(dataDir, 'trent.db') });
        try {
          const seedFile = await exportSeed(storage, keyStore, { includeMaterial: flags.includeMaterial === true });
          const text = format === 'json' ? JSON.stringify(seedFile, null, 2) + '\n' : stringify(seedFile);
          if (flags.includeMaterial) {
            process.stderr.write(
              'trent: WARNING: the seed file holds plaintext key material; keep it out of production\n',
            );
          }
          if (flags.out === undefined) process.stdout.write(text);
          else await writeFile(flags.out, text, { mode: flags.includeMaterial ? 0o600 : 0o644 });
        } finally {
          await storage.close();
        }
      } finally {
        await keyStore.close();
      }
    });
}
