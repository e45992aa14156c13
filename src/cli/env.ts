/**
 * `trent env`: the shell commands that point the AWS CLI and SDKs at Trent as its administrator,
 * for `eval "$(trent env)"`. The one command that prints a secret access key, on purpose.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ADMIN_CREDENTIALS_FILE } from '../server/index.js';
import type { Command } from 'commander';
import { UsageError, UserError } from './errors.js';
import { DEFAULT_ENDPOINT, DEFAULT_REGION } from './kms-client.js';

export interface AdminCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Characters a POSIX shell takes literally outside quotes. */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** value as one word of a POSIX shell: bare when that is safe, else in single quotes. */
export function shellQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export interface EnvFacts extends AdminCredentials {
  endpointUrl: string;
  region: string;
}

/**
 * The lines `trent env` prints. A session token or a KMS-specific endpoint left in the
 * environment would win over these (SigV4 would send the token; the SDKs prefer
 * AWS_ENDPOINT_URL_KMS), so both are unset. AWS_DEFAULT_REGION is for the AWS CLI v1 and tools
 * that read only it.
 */
export function renderEnv(facts: EnvFacts): string {
  const vars: [string, string][] = [
    ['AWS_ENDPOINT_URL', facts.endpointUrl],
    ['AWS_ACCESS_KEY_ID', facts.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', facts.secretAccessKey],
    ['AWS_REGION', facts.region],
    ['AWS_DEFAULT_REGION', facts.region],
  ];
  return [
    'unset AWS_SESSION_TOKEN AWS_ENDPOINT_URL_KMS',
    ...vars.map(([name, value]) => `export ${name}=${shellQuote(value)}`),
  ]
    .map((line) => `${line}\n`)
    .join('');
}

/** Reads `<dataDir>/admin-credentials.json`, with a one-line UserError when it is missing or bad. */
export async function readAdminCredentials(dataDir: string): Promise<AdminCredentials> {
  const file = join(resolve(dataDir), ADMIN_CREDENTIALS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UserError(
        `no administrator credentials at ${file}: start the server once with this data directory ` +
          `(trent serve --data-dir ${shellQuote(resolve(dataDir))}) to create them`,
      );
    }
    throw new UserError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UserError(`${file} is not JSON`);
  }
  const { accessKeyId, secretAccessKey } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') {
    throw new UserError(`${file} has no accessKeyId and secretAccessKey`);
  }
  return { accessKeyId, secretAccessKey };
}

/** Registers `trent env`. */
export function registerEnv(program: Command): void {
  program
    .command('env')
    .summary('print the AWS environment variables for the administrator (prints the secret access key)')
    .description(
      "Print shell commands that point the AWS CLI and SDKs at Trent as the account's administrator, " +
        'for eval "$(trent env)". This prints the SECRET ACCESS KEY from <data-dir>/admin-credentials.json, ' +
        'on purpose: it is the one command that does. Do not run it where its output is logged or shared.',
    )
    .option('--data-dir <dir>', 'data directory holding admin-credentials.json', './.trent')
    .option('--endpoint-url <url>', "the server's URL, for AWS_ENDPOINT_URL", DEFAULT_ENDPOINT)
    .option('--region <region>', 'region, for AWS_REGION and AWS_DEFAULT_REGION', DEFAULT_REGION)
    .action(async (o: { dataDir: string; endpointUrl: string; region: string }) => {
      if (!URL.canParse(o.endpointUrl)) throw new UsageError(`--endpoint-url is not a URL: ${o.endpointUrl}`);
      const credentials = await readAdminCredentials(o.dataDir);
      process.stdout.write(renderEnv({ ...credentials, endpointUrl: o.endpointUrl, region: o.region }));
    });
}
