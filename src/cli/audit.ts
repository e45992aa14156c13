/**
 * `trent audit validate`: checks the log files and the digest chain of a delivery directory or an
 * S3 bucket as `aws cloudtrail validate-logs` checks a bucket (audit/validate.ts). Reads only; no
 * server. A bucket is read with the usual AWS credentials and region (AWS_ACCESS_KEY_ID, ...).
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  DirectoryDestination,
  openS3Destination,
  PUBLIC_KEY_FILE,
  validateTrail,
  type LogDestination,
} from '../audit/index.js';
import { EXIT_FAILURE } from './errors.js';
import { UsageError, UserError } from './errors.js';

interface Flags {
  auditDir?: string;
  auditS3Bucket?: string;
  auditS3Endpoint?: string;
  auditS3Prefix?: string;
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

async function destinationOf(flags: Flags): Promise<LogDestination> {
  if ((flags.auditDir === undefined) === (flags.auditS3Bucket === undefined))
    throw new UsageError('give one of --audit-dir and --audit-s3-bucket');
  if (flags.auditDir !== undefined) {
    if (flags.auditS3Endpoint !== undefined || flags.auditS3Prefix !== undefined)
      throw new UsageError('--audit-s3-endpoint and --audit-s3-prefix go with --audit-s3-bucket');
    return new DirectoryDestination(resolve(flags.auditDir));
  }
  try {
    return await openS3Destination({
      bucket: flags.auditS3Bucket!,
      endpoint: flags.auditS3Endpoint,
      prefix: flags.auditS3Prefix,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** What a failed read of the bucket says, without a stack or a credential. */
const readFailure = (where: string, err: unknown) =>
  new UserError(`cannot read ${where}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('audit log files and digests');
  audit
    .command('validate')
    .description(
      'validate the log files and the digest chain in a delivery directory or bucket (like aws cloudtrail validate-logs)',
    )
    .option('--audit-dir <dir>', "the delivery directory (the server's --audit-dir)")
    .option('--audit-s3-bucket <name>', "the delivery bucket (the server's --audit-s3-bucket)")
    .option('--audit-s3-endpoint <url>', 'an S3-compatible endpoint for the bucket (path-style)')
    .option('--audit-s3-prefix <prefix>', "the bucket's key prefix (the server's --audit-s3-prefix)")
    .option('--start-time <time>', 'validate digests ending at or after this time (ISO 8601 or epoch seconds)')
    .option('--end-time <time>', 'validate digests ending at or before this time; default now')
    .option('--public-key <file>', `the PEM public key; default ${PUBLIC_KEY_FILE} in the directory or bucket`)
    .action(async (flags: Flags) => {
      const startTime = parseTime('--start-time', flags.startTime);
      const endTime = parseTime('--end-time', flags.endTime);
      const destination = await destinationOf(flags);
      try {
        const publicKeyPem = await readPublicKey(destination, flags.publicKey);
        const result = await validateTrail({ destination, publicKeyPem, startTime, endTime }).catch((err: unknown) => {
          throw readFailure(destination.location, err);
        });
        process.stdout.write(result.lines.join('\n') + '\n');
        if (!result.ok) process.exitCode = EXIT_FAILURE;
      } finally {
        destination.close?.();
      }
    });
}

async function readPublicKey(destination: LogDestination, file: string | undefined): Promise<string> {
  if (file !== undefined) {
    const path = resolve(file);
    return readFile(path, 'utf8').catch(() => {
      throw new UserError(`cannot read the public key ${path}`);
    });
  }
  const key = destination.keyPrefix + PUBLIC_KEY_FILE;
  const where =
    destination instanceof DirectoryDestination ? resolve(destination.dir, key) : `s3://${destination.bucket}/${key}`;
  const found = await destination.get(key).catch((err: unknown) => {
    throw readFailure(where, err);
  });
  if (!found) throw new UserError(`cannot read the public key ${where}`);
  return found.body.toString('utf8');
}
