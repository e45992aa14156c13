/**
 * `trent serve` and the flags of every setting. The flags are made from the settings table
 * (config/schema.ts), so a new setting is a new flag, variable and file key without a line here;
 * Commander only collects their texts, and config/ checks them with the environment and the file.
 */
import { Option, type Command } from 'commander';
import { join, resolve } from 'node:path';
import {
  CONFIG_FILE_VARIABLE,
  ConfigError,
  envOf,
  flagOf,
  resolveConfig,
  toServerOptions,
  TRENT_SCHEMA,
  type AnySetting,
  type FlagValue,
  type ResolvedConfig,
  type Source,
  type TrentSettings,
} from '../config/index.js';
import { ADMIN_CREDENTIALS_FILE, createLogger, startServer } from '../server/index.js';
import { bannerFacts, readyLogFields, renderBanner } from './banner.js';
import { EXIT_USAGE } from './errors.js';

const plain = (markdown: string) => markdown.replace(/`/g, '');

const ROWS: [string, AnySetting][] = Object.entries(TRENT_SCHEMA.settings);

/** Adds `--config FILE` and a flag for every setting (booleans also `--no-<flag>`). */
export function addSettingOptions(cmd: Command): Command {
  cmd.option(
    '--config <file>',
    `configuration file, YAML or JSON (env ${CONFIG_FILE_VARIABLE}; docs/configuration.md)`,
  );
  for (const [name, row] of ROWS) {
    const flag = flagOf(name, row);
    const given = typeof row.default === 'function' || row.default === undefined ? row.defaultText : row.default;
    const shown = Array.isArray(given) ? (given.length ? given.join(',') : undefined) : given;
    const help =
      `${plain(row.description)} [env ${envOf(name)}` +
      `${shown !== undefined && typeof shown !== 'object' ? `, default ${plain(String(shown))}` : ''}]`;
    if (row.type.name === 'boolean') {
      cmd.addOption(new Option(flag, help));
      cmd.addOption(new Option(flag.replace(/^--/, '--no-')).hideHelp());
      continue;
    }
    const option = new Option(`${flag} ${row.arg ?? '<value>'}`, row.type.repeatable ? `${help} (repeatable)` : help);
    if (row.type.repeatable) option.argParser((value: string, previous: string[] = []) => [...previous, value]);
    cmd.addOption(option);
  }
  return cmd;
}

/**
 * The effective configuration from the command's flags, the environment and the file; undefined
 * when it is invalid, after printing every problem (one per line) and setting exit code 2.
 */
export async function configFromCommand(cmd: Command): Promise<ResolvedConfig<TrentSettings> | undefined> {
  const opts = cmd.opts<Record<string, FlagValue | undefined>>();
  const flags: Record<string, FlagValue | undefined> = {};
  for (const [name, row] of ROWS) {
    const attribute = new Option(flagOf(name, row)).attributeName();
    if (opts[attribute] !== undefined) flags[name] = opts[attribute];
  }
  const fromFlag = typeof opts.config === 'string' ? opts.config : undefined;
  const fromEnv = process.env[CONFIG_FILE_VARIABLE];
  const file: { path: string; source: Source } | undefined =
    fromFlag !== undefined
      ? { path: fromFlag, source: { kind: 'flag', flag: '--config' } }
      : fromEnv
        ? { path: fromEnv, source: { kind: 'env', variable: CONFIG_FILE_VARIABLE } }
        : undefined;
  try {
    return await resolveConfig(TRENT_SCHEMA, {
      ...(file ? { file } : {}),
      env: process.env,
      flags,
      context: { logsToTerminal: process.stderr.isTTY === true },
      cwd: process.cwd(),
    });
  } catch (err) {
    // Bad usage (cli/errors.ts), but not one line: every problem is listed, so that one run shows
    // them all.
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`trent: ${err.message}\n`);
    process.exitCode = EXIT_USAGE;
    return undefined;
  }
}

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description('run the server in the foreground until SIGTERM or SIGINT (settings: docs/configuration.md)');
  addSettingOptions(serve).action(async (_opts: unknown, cmd: Command) => {
    const resolved = await configFromCommand(cmd);
    if (!resolved) return;
    const c = resolved.values;
    const logger = createLogger({ format: c.logFormat, level: c.logLevel });
    const server = await startServer({ ...toServerOptions(c), ...benchDisable(process.env), logger });
    if (server.createdCredentials && !c.ephemeral) {
      logger.info(
        { file: join(resolve(c.dataDir), ADMIN_CREDENTIALS_FILE) },
        'administrator credentials written (the secret is in the file only)',
      );
    }
    if (c.tlsSelfSigned && server.tlsFiles) {
      const ca = server.tlsFiles.certFile;
      logger.info(
        { caBundle: ca },
        `self-signed TLS certificate for localhost, 127.0.0.1 and ::1. AWS CLI: aws --endpoint-url ${server.url} ` +
          `--ca-bundle ${ca} (or AWS_CA_BUNDLE=${ca}, also read by the Python, Go and other AWS SDKs); ` +
          `Node.js SDK: NODE_EXTRA_CA_CERTS=${ca}`,
      );
    }
    if (server.metricsUrl) logger.info({ metricsUrl: server.metricsUrl }, 'metrics served apart from the API');
    // Before the ready line: a supervisor (or a test) may send SIGTERM as soon as it reads it, and until a
    // handler is installed the signal's default action kills the process without a clean shutdown.
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
    // SIGHUP loads the TLS certificate and key again; open connections keep theirs.
    process.on('SIGHUP', () => {
      server.reloadTls().then(
        () => logger.info({ tls: server.tlsFiles !== undefined }, 'SIGHUP: TLS certificate and key reloaded'),
        (err: unknown) => logger.error({ err }, 'SIGHUP: reloading TLS failed; the previous certificate stays'),
      );
    });
    const banner = bannerFacts(server, c);
    logger.info(readyLogFields(banner), 'Trent is ready');
    if (process.stdout.isTTY) process.stdout.write(renderBanner(banner));
  });
}

/**
 * `BENCH_DISABLE=delivery,metering` (no TRENT_ prefix: not a setting): for `npm run bench` only (docs/benchmarks.md),
 * which measures Encrypt with log-file delivery and metering against a server without them. Not a
 * setting: a server run so has no log files and no bill.
 */
function benchDisable(env: NodeJS.ProcessEnv): { benchDisable?: { delivery: boolean; metering: boolean } } {
  const parts = (env.BENCH_DISABLE ?? '').split(',').map((p) => p.trim());
  const delivery = parts.includes('delivery');
  const metering = parts.includes('metering');
  return delivery || metering ? { benchDisable: { delivery, metering } } : {};
}
