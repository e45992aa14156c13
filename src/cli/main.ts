#!/usr/bin/env node
/** The `trent` command: thin wrappers over the server and the envelope-encryption library. */
import { Command, InvalidArgumentError } from 'commander';
import { join, resolve } from 'node:path';
import {
  ADMIN_CREDENTIALS_FILE,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_HOST,
  DEFAULT_PORT,
  defaultLogger,
  startServer,
} from '../server/index.js';
import { kmsClientConfigFromEnv } from './kms-client.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('must be 12 digits');
  return value;
}

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
  .description('Trent: a self-hosted key management service that speaks the AWS KMS API');

program
  .command('serve')
  .description('run the server in the foreground until SIGTERM or SIGINT')
  .option('--port <port>', 'port to listen on', port, DEFAULT_PORT)
  .option('--host <host>', 'address to listen on', DEFAULT_HOST)
  .option('--data-dir <dir>', 'data directory (database, root key, audit)', './.trent')
  .option('--dev', 'accept any well-formed credentials without checking signatures (development only)', false)
  .option('--account-id <id>', 'account created on first start', accountId, DEFAULT_ACCOUNT_ID)
  .option('--root-key <spec>', 'root key location, file:PATH (default <data-dir>/root-key)')
  .action(
    async (o: { port: number; host: string; dataDir: string; dev: boolean; accountId: string; rootKey?: string }) => {
      const logger = defaultLogger();
      const server = await startServer({
        dataDir: o.dataDir,
        port: o.port,
        host: o.host,
        dev: o.dev,
        accountId: o.accountId,
        logger,
        ...(o.rootKey ? { rootKey: o.rootKey } : {}),
      });
      if (server.createdCredentials) {
        logger.info(
          { file: join(resolve(o.dataDir), ADMIN_CREDENTIALS_FILE) },
          'administrator credentials written (the secret is in the file only)',
        );
      }
      logger.info({ url: server.url, dataDir: resolve(o.dataDir), accountId: server.accountId }, 'Trent is ready');
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    },
  );

/** The flags `clientOptions` adds, and the files every envelope command names. */
interface EnvelopeFlags {
  in: string;
  out: string;
  endpointUrl?: string;
  region?: string;
  profile?: string;
  encryptionContext?: Record<string, string>;
}

const clientOptions = (cmd: Command) =>
  cmd
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
  const result = await encryptFile(o.keyId, o.in, o.out, {
    client,
    ...(o.encryptionContext ? { encryptionContext: o.encryptionContext } : {}),
  });
  process.stderr.write(`encrypted ${result.bytesIn} bytes into ${result.bytesOut} bytes\n`);
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
  const result = await decryptFile(o.in, o.out, {
    client,
    ...(o.encryptionContext ? { encryptionContext: o.encryptionContext } : {}),
  });
  process.stderr.write(`decrypted ${result.bytesIn} bytes into ${result.bytesOut} bytes\n`);
});

program.parseAsync(process.argv).catch((err: unknown) => {
  // The message only: the Encryption SDK folds its causes' stack traces into its messages.
  const message = err instanceof Error ? err.message : String(err);
  const lines = message.split('\n').filter((line) => !/^\s+at /.test(line));
  process.stderr.write(`trent: ${lines.join('\n').trim()}\n`);
  process.exit(1);
});
