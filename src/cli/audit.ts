/**
 * `trent audit validate`: checks a delivery directory's log files and digest chain as
 * `aws cloudtrail validate-logs` checks a bucket (audit/validate.ts). Reads files only; no server.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PUBLIC_KEY_FILE, validateAuditDir } from '../audit/index.js';
import { EXIT_FAILURE } from './errors.js';
import { UsageError, UserError } from './errors.js';

interface Flags {
  auditDir: string;
  startTime?: string;
  endTime?: string;
  publicKey?: string;
}

function parseTime(flag: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const t = new Date(/^\d+$/.test(text) ? Number(text) * 1000 : text);
  if (Number.isNaN(t.getTime()))
    throw new UsageError(`${flag} must be a time such as 2026-01-31T12:00:00Z, got '${text}'`);
  return t;
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('audit log files and digests');
  audit
    .command('validate')
    .description(
      'validate the log files and the digest chain in a delivery directory (like aws cloudtrail validate-logs)',
    )
    .requiredOption('--audit-dir <dir>', "the delivery directory (the server's --audit-dir)")
    .option('--start-time <time>', 'validate digests ending at or after this time (ISO 8601 or epoch seconds)')
    .option('--end-time <time>', 'validate digests ending at or before this time; default now')
    .option('--public-key <file>', `the PEM public key; default <audit-dir>/${PUBLIC_KEY_FILE}`)
    .action(async (flags: Flags) => {
      const startTime = parseTime('--start-time', flags.startTime);
      const endTime = parseTime('--end-time', flags.endTime);
      const dir = resolve(flags.auditDir);
      const keyFile = resolve(flags.publicKey ?? join(dir, PUBLIC_KEY_FILE));
      const publicKeyPem = await readFile(keyFile, 'utf8').catch(() => {
        throw new UserError(`cannot read the public key ${keyFile}`);
      });
      const result = await validateAuditDir({ dir, publicKeyPem, startTime, endTime });
      process.stdout.write(result.lines.join('\n') + '\n');
      if (!result.ok) process.exitCode = EXIT_FAILURE;
    });
}
