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
import { isQuotaName, QUOTA_NAMES, type QuotaName } from '../domain/index.js';
import { kmsClientConfigFromEnv } from './kms-client.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n === 0)
    throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('must be 12 digits');
  return value;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function context(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must be key=value');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function quota(value: string, previous: Partial<Record<QuotaName, number>> = {}): Partial<Record<QuotaName, number>> {
  const eq = value.indexOf('=');
  const name = value.slice(0, eq);
  const n = Number(value.slice(eq + 1));
  if (eq <= 0 || !isQuotaName(name))
    throw new InvalidArgumentError(`must be NAME=VALUE, NAME one of ${QUOTA_NAMES.join(', ')}`);
  if (!/^\d+$/.test(value.slice(eq + 1)) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('VALUE must be a non-negative integer');
  return { ...previous, [name]: n };
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
  .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain); reloaded on SIGHUP')
  .option('--tls-key <file>', 'the PEM private key of --tls-cert; reloaded on SIGHUP')
  .option('--tls-self-signed', 'serve HTTPS with a self-signed certificate kept in <data-dir>/tls/', false)
  .option('--insecure-http', 'allow plain HTTP on an address that is not loopback (TLS terminated in front)', false)
  .option('--dev-allow-remote', 'allow --dev on an address that is not loopback', false)
  .option('--metrics-host <host>', 'serve /metrics on its own listener at this address (default 127.0.0.1)')
  .option('--metrics-port <port>', 'serve /metrics on its own listener at this port, not on the API port', port)
  .option('--max-connections <n>', 'open connections at most (default 1024)', positive)
  .option(
    '--max-inflight-body-bytes <n>',
    'bytes of request bodies held before authentication, all requests together (default 67108864)',
    positive,
  )
  .option('--headers-timeout-ms <ms>', "time to receive a request's headers (default 10000)", positive)
  .option('--request-timeout-ms <ms>', 'time to receive a whole request (default 30000)', positive)
  .option('--body-idle-timeout-ms <ms>', 'longest pause within a request body (default 10000)', positive)
  .option('--extra-region <region>', "accept this region besides AWS's own (repeatable)", collect, [])
  .option('--quota <name=value>', "a resource quota other than AWS's default (repeatable; docs/operations.md)", quota)
  .option('--audit-retention-days <days>', 'days an hourly audit file is kept, 0 = forever (default 90)', count)
  .option(
    '--audit-min-free-bytes <bytes>',
    'refuse requests while the audit directory has less free space, 0 = never (default 268435456)',
    count,
  )
  .option('--keygen-threads <n>', 'threads generating RSA keys (default half the cores, at least 1)', positive)
  .option('--keygen-queue <n>', 'key generations waiting for a thread; beyond, ThrottlingException (default 32)', count)
  .action(
    async (o: {
      port: number;
      host: string;
      dataDir: string;
      dev: boolean;
      accountId: string;
      rootKey?: string;
      extraRegion: string[];
      quota?: Partial<Record<QuotaName, number>>;
      auditRetentionDays?: number;
      auditMinFreeBytes?: number;
      tlsCert?: string;
      tlsKey?: string;
      tlsSelfSigned: boolean;
      insecureHttp: boolean;
      devAllowRemote: boolean;
      metricsHost?: string;
      metricsPort?: number;
      maxConnections?: number;
      maxInflightBodyBytes?: number;
      headersTimeoutMs?: number;
      requestTimeoutMs?: number;
      bodyIdleTimeoutMs?: number;
      keygenThreads?: number;
      keygenQueue?: number;
    }) => {
      if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) {
        throw new InvalidArgumentError('--tls-cert and --tls-key go together');
      }
      if (o.tlsCert !== undefined && o.tlsSelfSigned) {
        throw new InvalidArgumentError('--tls-self-signed and --tls-cert exclude each other');
      }
      if (o.metricsHost !== undefined && o.metricsPort === undefined) {
        throw new InvalidArgumentError('--metrics-host needs --metrics-port');
      }
      const httpLimits = Object.fromEntries(
        Object.entries({
          maxConnections: o.maxConnections,
          maxInflightBodyBytes: o.maxInflightBodyBytes,
          headersTimeoutMs: o.headersTimeoutMs,
          requestTimeoutMs: o.requestTimeoutMs,
          bodyIdleTimeoutMs: o.bodyIdleTimeoutMs,
        }).filter(([, v]) => v !== undefined),
      );
      const logger = defaultLogger();
      const server = await startServer({
        dataDir: o.dataDir,
        port: o.port,
        host: o.host,
        dev: o.dev,
        accountId: o.accountId,
        logger,
        ...(o.rootKey ? { rootKey: o.rootKey } : {}),
        extraRegions: o.extraRegion,
        ...(o.quota ? { quotas: o.quota } : {}),
        ...(o.auditRetentionDays !== undefined ? { auditRetentionDays: o.auditRetentionDays } : {}),
        ...(o.auditMinFreeBytes !== undefined ? { auditMinFreeBytes: o.auditMinFreeBytes } : {}),
        ...(o.tlsCert && o.tlsKey ? { tls: { certFile: o.tlsCert, keyFile: o.tlsKey } } : {}),
        tlsSelfSigned: o.tlsSelfSigned,
        insecureHttp: o.insecureHttp,
        devAllowRemote: o.devAllowRemote,
        ...(o.metricsPort !== undefined
          ? { metricsListener: { host: o.metricsHost ?? DEFAULT_HOST, port: o.metricsPort } }
          : {}),
        httpLimits,
        ...(o.keygenThreads !== undefined ? { keygenThreads: o.keygenThreads } : {}),
        ...(o.keygenQueue !== undefined ? { keygenQueue: o.keygenQueue } : {}),
      });
      if (server.createdCredentials) {
        logger.info(
          { file: join(resolve(o.dataDir), ADMIN_CREDENTIALS_FILE) },
          'administrator credentials written (the secret is in the file only)',
        );
      }
      if (o.tlsSelfSigned && server.tlsFiles) {
        const ca = server.tlsFiles.certFile;
        logger.info(
          { caBundle: ca },
          `self-signed TLS certificate for localhost, 127.0.0.1 and ::1. AWS CLI: aws --endpoint-url ${server.url} ` +
            `--ca-bundle ${ca} (or AWS_CA_BUNDLE=${ca}, also read by the Python, Go and other AWS SDKs); ` +
            `Node.js SDK: NODE_EXTRA_CA_CERTS=${ca}`,
        );
      }
      if (server.metricsUrl) logger.info({ metricsUrl: server.metricsUrl }, 'metrics served apart from the API');
      logger.info({ url: server.url, dataDir: resolve(o.dataDir), accountId: server.accountId }, 'Trent is ready');
      // SIGHUP loads the TLS certificate and key again; open connections keep theirs.
      process.on('SIGHUP', () => {
        server.reloadTls().then(
          () => logger.info({ tls: server.tlsFiles !== undefined }, 'SIGHUP: TLS certificate and key reloaded'),
          (err: unknown) => logger.error({ err }, 'SIGHUP: reloading TLS failed; the previous certificate stays'),
        );
      });
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
