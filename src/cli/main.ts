#!/usr/bin/env node
/** The `trent` command: thin wrappers over the server and the envelope-encryption library. */
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_ENDPOINT, DEFAULT_REGION, kmsClientConfigFromEnv } from './kms-client.js';
import { stat } from 'node:fs/promises';
import { registerConfig } from './config.js';
import { readAdminCredentials, renderEnv } from './env.js';
import { EXIT_OK, EXIT_USAGE, exitCodeOf, oneLineMessage, UsageError, UserError } from './errors.js';
import { createProgress } from './progress.js';
import { registerServe } from './serve.js';
import { renderVersion, versionInfo } from './version.js';

function context(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must be key=value');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

// Node 20 is this project's runtime; the SDK's notice about its future Node requirement would only
// clutter the CLI's stderr, which scripts read.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command()
  .name('trent')
  .description('Trent: a self-hosted key management service that speaks the AWS KMS API')
  .option('-V, --version', 'print the version of Trent, Node.js and OpenSSL, and the build commit')
  .on('option:version', () => {
    process.stdout.write(renderVersion(versionInfo()));
    process.exit(EXIT_OK);
  });

registerServe(program);
registerConfig(program);

/** The flags `clientOptions` adds, and the files every envelope command names. */
interface EnvelopeFlags {
  in: string;
  out: string;
  endpointUrl?: string;
  region?: string;
  profile?: string;
  encryptionContext?: Record<string, string>;
  quiet?: boolean;
}

const clientOptions = (cmd: Command) =>
  cmd
    .option('--quiet', 'no progress line and no summary; errors only')
    .option(
      '--endpoint-url <url>',
      'Trent endpoint (default $AWS_ENDPOINT_URL_KMS, $AWS_ENDPOINT_URL or http://127.0.0.1:4599)',
    )
    .option('--region <region>', 'region (default $AWS_REGION or us-east-1)')
    .option('--profile <profile>', 'AWS profile for credentials')
    .option('--encryption-context <key=value>', 'encryption context entry (repeatable)', context);

clientOptions(
  program
    .command('encrypt')
    .description('encrypt a file of any size with a data key from KMS (AWS Encryption SDK message format)')
    .requiredOption('--key-id <key>', 'KMS key id, ARN, alias name or alias ARN')
    .requiredOption('--in <file>', 'plaintext input')
    .requiredOption('--out <file>', 'ciphertext output'),
).action(async (o: EnvelopeFlags & { keyId: string }) => {
  const client = kmsClientConfigFromEnv({ endpoint: o.endpointUrl, region: o.region, profile: o.profile });
  // Loaded only here: `serve` never needs the Encryption SDK.
  const { encryptFile } = await import('./envelope.js');
  const result = await withProgress('encrypting', o, (onProgress) =>
    encryptFile(o.keyId, o.in, o.out, {
      client,
      onProgress,
      ...(o.encryptionContext ? { encryptionContext: o.encryptionContext } : {}),
    }),
  );
  if (!o.quiet) process.stderr.write(`encrypted ${result.bytesIn} bytes into ${result.bytesOut} bytes\n`);
});

clientOptions(
  program
    .command('decrypt')
    .description('decrypt a file made by `trent encrypt`')
    .requiredOption('--in <file>', 'ciphertext input')
    .requiredOption('--out <file>', 'plaintext output'),
).action(async (o: EnvelopeFlags) => {
  const client = kmsClientConfigFromEnv({ endpoint: o.endpointUrl, region: o.region, profile: o.profile });
  const { decryptFile } = await import('./envelope.js');
  const result = await withProgress('decrypting', o, (onProgress) =>
    decryptFile(o.in, o.out, {
      client,
      onProgress,
      ...(o.encryptionContext ? { encryptionContext: o.encryptionContext } : {}),
    }),
  );
  if (!o.quiet) process.stderr.write(`decrypted ${result.bytesIn} bytes into ${result.bytesOut} bytes\n`);
});

/**
 * Runs work over the file o.in with a progress line on stderr when it is a terminal (not with
 * --quiet). A missing input is a one-line error before anything talks to KMS.
 */
async function withProgress<T>(
  label: string,
  o: { in: string; quiet?: boolean },
  work: (onProgress: (bytesRead: number) => void) => Promise<T>,
): Promise<T> {
  let total: number | undefined;
  try {
    const info = await stat(o.in);
    // A pipe or a device has no size to count towards.
    total = info.isFile() ? info.size : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`no such file: ${o.in}`);
    throw err;
  }
  const progress = createProgress({ label, total, enabled: o.quiet !== true });
  try {
    const result = await work((bytesRead) => progress.update(bytesRead));
    progress.finish(true);
    return result;
  } catch (err) {
    progress.finish(false);
    throw err;
  }
}

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

program
  .command('version')
  .description('print the version of Trent, Node.js and OpenSSL, and the build commit when known')
  .action(() => {
    process.stdout.write(renderVersion(versionInfo()));
  });

/** This command and every command below it (addCommand does not pass settings down). */
function commandTree(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(commandTree)];
}

// Bad usage exits 2 (commander has printed why); --help and --version exit 0.
for (const cmd of commandTree(program)) {
  cmd.exitOverride((err) => process.exit(err.exitCode === EXIT_OK ? EXIT_OK : EXIT_USAGE));
  cmd.configureOutput({
    outputError: (text, write) => write(text.startsWith('error: ') ? `trent: ${text.slice('error: '.length)}` : text),
  });
}

// Errors out of a command: one line, no stack trace; 2 for bad usage, 1 for anything else.
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`trent: ${oneLineMessage(err)}\n`);
  process.exit(exitCodeOf(err));
});
