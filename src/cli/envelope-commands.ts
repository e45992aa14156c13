/** `trent encrypt` and `trent decrypt`: files of any size through data keys, with progress on a terminal. */
import { InvalidArgumentError, type Command } from 'commander';
import { stat } from 'node:fs/promises';
import { UserError } from './errors.js';
import { kmsClientConfigFromEnv } from './kms-client.js';
import { createProgress } from './progress.js';

function context(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('must be key=value');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

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

/** Registers `trent encrypt` and `trent decrypt`. */
export function registerEnvelopeCommands(program: Command): void {
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
}

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
