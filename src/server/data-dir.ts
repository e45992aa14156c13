/**
 * The data directory's permissions: the directories Trent creates are 0700 and its files 0600
 * (the database files: storage/sqlite; the root key: keystore/; the audit log: audit/). A data
 * directory or root key file that group or others can reach is reported, not changed: the
 * operator chose it, and may have a reason (a backup agent's group, say).
 */
import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../services/kms/index.js';

export const AUDIT_DIRECTORY = 'audit';

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

/**
 * Creates `dataDir` and its audit directory (0700), tightens an audit directory an older Trent
 * left open to group or others, and warns when `dataDir` itself is open to them.
 */
export async function prepareDataDirectory(dataDir: string, logger: Logger): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const { mode } = await stat(dataDir);
  if ((mode & 0o077) !== 0) {
    logger.warn(
      { dataDir, mode: octal(mode) },
      'the data directory is open to group or others (expected 0700); its files are 0600, but run chmod 700 on it',
    );
  }
  const audit = join(dataDir, AUDIT_DIRECTORY);
  await mkdir(audit, { recursive: true, mode: 0o700 });
  const auditMode = (await stat(audit)).mode;
  if ((auditMode & 0o077) !== 0) await chmod(audit, auditMode & 0o700);
}

/** Warns when the root key file is open to group or others (keystore/ reports it, we log it). */
export function warnIfRootKeyOpen(keyStore: { path: string; permissionsTooOpen: boolean }, logger: Logger): void {
  if (keyStore.permissionsTooOpen) {
    logger.warn(
      { file: keyStore.path },
      'the root key file is open to group or others (expected 0600): anyone who can read it and the database has every key',
    );
  }
}
