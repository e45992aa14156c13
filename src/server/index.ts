/**
 * Composition root: checks the configuration, prepares the data directory, listens (answering
 * 503 while starting), opens everything behind the front (core.ts), and serves until closed.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ManualClock, regionSet, resourceQuotas, systemClock, type Clock, type QuotaName } from '../domain/index.js';
import type { AuditDelivery, AuditSink, FreeBytes } from '../audit/index.js';
import type { HsmClusterSpec } from '../keystore/index.js';
import type { Logger, Services } from '../services/kms/index.js';
import type { NewAccessKey } from './credentials.js';
import { readSeedFile } from '../seed/index.js';
import { loadPriceTable } from '../metering/index.js';
import { requestQuotaOverrides } from '../quotas/index.js';
import { openCore, type Core } from './core.js';
import { applySeedLogged } from './seed.js';
import { createDevControls } from './dev-controls.js';
import { FaultRules } from './faults.js';
import { prepareDataDirectory } from './data-dir.js';
import { createHttpFront, createMetricsServer, type HttpLimits, type ServerState } from './http.js';
import { checkExposure } from './listen.js';
import { createMetrics } from './metrics.js';
import { runScheduledWork, startScheduler, type ScheduledWorkResult } from './scheduler.js';
import { createLogger, type LogLevel } from './logger.js';
import { ensureSelfSigned, loadTls, type TlsFiles } from './tls.js';

export { ADMIN_CREDENTIALS_FILE } from './core.js';
export {
  createLogger,
  formatLogLine,
  isLogFormat,
  isLogLevel,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LoggerOptions,
  type LogLevel,
} from './logger.js';
export { INSTALL_DIR, trentVersion } from './version.js';

export const DEFAULT_PORT = 4599;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_ACCOUNT_ID = '111122223333';
/** How long shutdown waits for in-flight requests before closing every connection. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface ServerOptions {
  dataDir: string;
  port?: number;
  host?: string;
  dev?: boolean;
  /**
   * Nothing written to disk (needs `dev`): database and root key in memory, audit events in a
   * bounded ring buffer (nothing durable), no credentials file; `dataDir` is never touched.
   */
  ephemeral?: boolean;
  /**
   * `--clock virtual` (needs `dev`): Trent's time starts at the real time and moves only by
   * POST /_trent/clock (docs/testing.md). `clock`, if given, must then be a ManualClock.
   */
  virtualClock?: boolean;
  /** A seed file (needs `dev`): keys, material and aliases created at start (docs/seed-files.md). */
  seed?: string;
  accountId?: string;
  /** `file:PATH` or `pkcs11:<module>:<label>` of the root key; default `<dataDir>/root-key`. */
  rootKey?: string;
  /** The user PIN of a `pkcs11:` root key's token (never logged). */
  rootKeyPin?: string;
  /** `--hsm-cluster`: the HSM clusters custom key stores may use (keystore/pkcs11, docs/hsm.md). */
  hsmClusters?: HsmClusterSpec[];
  clock?: Clock;
  logger?: Logger;
  /** Allowed clock skew of SigV4 requests; default 5 minutes. */
  maxSkewMs?: number;
  /** How often scheduled work runs; default 60 s. 0 disables the timer (tests run it by hand). */
  schedulerIntervalMs?: number;
  /** HTTPS with this certificate and key (PEM files), loaded again by `reloadTls()`. */
  tls?: TlsFiles;
  /** HTTPS with a self-signed certificate kept in `<dataDir>/tls/` (made on first use). */
  tlsSelfSigned?: boolean;
  /** Allow plain HTTP on an address that is not loopback (TLS terminated in front). */
  insecureHttp?: boolean;
  /** Allow `dev` on an address that is not loopback. */
  devAllowRemote?: boolean;
  /** Serve /metrics on its own listener, and not on the API port. */
  metricsListener?: { host: string; port: number };
  /** Connection, body and timeout limits before authentication (http.ts); defaults DEFAULT_HTTP_LIMITS. */
  httpLimits?: Partial<HttpLimits>;
  /** Threads generating RSA keys, apart from libuv's pool; default half the cores, at least 1. */
  keygenThreads?: number;
  /** Key generations that may wait for a thread; beyond, ThrottlingException. Default 32. */
  keygenQueue?: number;
  /** Regions accepted besides AWS's own (each must look like an AWS region name). */
  extraRegions?: readonly string[];
  /** Resource quotas that differ from AWS's defaults (domain/quotas.ts), e.g. { keysPerRegion: 3 }. */
  quotas?: Partial<Record<QuotaName, number>>;
  /**
   * Request quotas (quotas/, README "Request quotas"): AWS's defaults per account and Region with
   * these overrides in requests per second, e.g. { CreateKey: 1, symmetric: 50 }. Absent, no
   * request is throttled (embedding, and the tests of everything else); `trent serve` always
   * gives them, so it applies AWS's defaults.
   */
  requestQuotas?: Readonly<Record<string, number>>;
  /** Refuse a state-changing signed request presented twice, until its signature expires. */
  rejectReplays?: boolean;
  /** Where CloudTrail log files and digests are delivered; default `<dataDir>/cloudtrail`. */
  auditDir?: string;
  /**
   * Deliver log files and digests to this S3 bucket (`endpoint`: an S3-compatible server, path
   * style; `prefix`: CloudTrail's S3 key prefix) instead of a directory; excludes `auditDir`.
   * Credentials and region: the AWS SDK's defaults (AWS_ACCESS_KEY_ID, AWS_REGION, ...).
   */
  auditS3?: { bucket: string; endpoint?: string; prefix?: string };
  /** Seconds between deliveries of log files; default 300. */
  auditIntervalSeconds?: number;
  /** Seconds between digests; default 3600. */
  digestIntervalSeconds?: number;
  /** Days an hourly audit file is kept; 0 keeps them forever. Default 90. */
  auditRetentionDays?: number;
  /** Below this many free bytes in the audit directory, requests are refused. Default 64 MiB; 0 disables. */
  auditMinFreeBytes?: number;
  /** A price table file (JSON or YAML) replacing parts of AWS's list prices for `trent usage`. */
  priceTable?: string;
  /** How the free space is read; default statfs (tests inject a function). */
  auditFreeBytes?: FreeBytes;
  /** Wraps the file audit sink (tests inject failing or delaying sinks); default none. */
  auditSink?: (file: AuditSink) => AuditSink;
  /**
   * Called with the server's URL once it listens, before the database is opened; startup waits
   * for it (tests look at the server while it is starting).
   */
  whileStarting?: (url: string) => Promise<void>;
  /** Bench only (CoreOptions.benchDisable): no log-file delivery, no metering. */
  benchDisable?: { delivery?: boolean; metering?: boolean } | undefined;
}

export interface RunningServer {
  url: string;
  port: number;
  accountId: string;
  /** Present only on the start that created the account. */
  createdCredentials?: NewAccessKey;
  /** Where /metrics is served when it has its own listener. */
  metricsUrl?: string;
  /** The certificate and key files of HTTPS (with --tls-self-signed, the certificate is the CA bundle). */
  tlsFiles?: TlsFiles;
  /** Loads the TLS certificate and key again for new connections (SIGHUP); a no-op without TLS. */
  reloadTls(): Promise<void>;
  services: Services;
  /** Audit delivery (absent with --ephemeral): tests call deliverNow() and digestNow(). */
  auditDelivery?: AuditDelivery;
  runScheduledWork(): Promise<ScheduledWorkResult>;
  close(): Promise<void>;
}

/** JSON lines on standard error (pino throws on a level it does not know). */
export function defaultLogger(level = process.env.TRENT_LOG_LEVEL ?? 'info'): Logger {
  return createLogger({ format: 'json', level: level as LogLevel });
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const dataDir = resolve(opts.dataDir);
  const accountId = opts.accountId ?? DEFAULT_ACCOUNT_ID;
  // Configuration errors first, before anything touches the disk.
  const regions = regionSet(opts.extraRegions);
  const quotas = resourceQuotas(opts.quotas);
  const requestQuotas = opts.requestQuotas ? requestQuotaOverrides(opts.requestQuotas) : undefined;
  const host = opts.host ?? DEFAULT_HOST;
  checkExposure({
    host,
    tls: opts.tls !== undefined || opts.tlsSelfSigned === true,
    insecureHttp: opts.insecureHttp === true,
    dev: opts.dev === true,
    devAllowRemote: opts.devAllowRemote === true,
  });
  checkEphemeral(opts);
  if (opts.auditDir !== undefined && opts.auditS3 !== undefined) {
    throw new Error('--audit-dir excludes --audit-s3-bucket: log files go to a directory or to a bucket');
  }
  const logger = opts.logger ?? defaultLogger();
  if (opts.virtualClock && !opts.dev) {
    throw new Error('--clock virtual needs --dev: a virtual clock is for tests and development only');
  }
  const virtualClock = opts.virtualClock
    ? opts.clock instanceof ManualClock
      ? opts.clock
      : new ManualClock(new Date())
    : undefined;
  const clock = virtualClock ?? opts.clock ?? systemClock;
  if (opts.seed !== undefined && !opts.dev) {
    throw new Error('--seed needs --dev: seed files are for tests and development only');
  }
  // Read and checked whole before anything is written; applied once the database is open.
  const seed = opts.seed !== undefined ? await readSeedFile(opts.seed, regions) : undefined;
  const priceTable = opts.priceTable !== undefined ? loadPriceTable(opts.priceTable) : undefined;
  const faults = opts.dev ? new FaultRules() : undefined;
  if (!opts.ephemeral) await prepareDataDirectory(dataDir, logger);
  const tlsFiles = opts.tls ?? (opts.tlsSelfSigned ? await ensureSelfSigned(dataDir) : undefined);
  const tlsOptions = tlsFiles ? await loadTls(tlsFiles) : undefined;

  // Listening comes first, so that /health answers 503 "starting" (and the API 503
  // ServiceUnavailable) while the database is opened and migrated, instead of refusing connections.
  const { registry, metrics } = createMetrics();
  let state: ServerState = 'starting';
  let core: Core | undefined;
  const front = createHttpFront({
    // The front calls this only once the state is ready.
    handle: (req, meta) => {
      if (!core) throw new Error('a request reached the handler before the server was ready');
      return core.handle(req, meta);
    },
    registry,
    metrics,
    state: () => state,
    limits: opts.httpLimits,
    serveMetrics: opts.metricsListener === undefined,
    ...(tlsOptions ? { tls: tlsOptions } : {}),
    devControls:
      opts.dev && faults
        ? createDevControls({
            clock,
            virtualClock,
            faults,
            reset: () => core!.reset(),
            runScheduledWork: () => runScheduledWork(core!.services),
          })
        : undefined,
  });
  front.server.keepAliveTimeout = 65_000;
  const metricsServer = opts.metricsListener ? createMetricsServer(registry) : undefined;
  const stopListening = (graceMs: number) =>
    Promise.all([front.shutdown(graceMs), metricsServer?.listening && new Promise((ok) => metricsServer.close(ok))]);
  let address: AddressInfo;
  let metricsAddress: AddressInfo | undefined;
  try {
    address = await listen(front.server, opts.port ?? DEFAULT_PORT, host);
    if (metricsServer && opts.metricsListener) {
      metricsAddress = await listen(metricsServer, opts.metricsListener.port, opts.metricsListener.host);
    }
    const url = `${tlsFiles ? 'https' : 'http'}://${hostOf(address)}:${address.port}`;
    await opts.whileStarting?.(url);
    core = await openCore({
      dataDir,
      accountId,
      rootKey: opts.rootKey,
      rootKeyPin: opts.rootKeyPin,
      hsmClusters: opts.hsmClusters,
      clock,
      logger,
      registry,
      regions,
      quotas,
      requestQuotas,
      dev: opts.dev === true,
      ephemeral: opts.ephemeral === true,
      maxSkewMs: opts.maxSkewMs,
      keygenThreads: opts.keygenThreads,
      keygenQueue: opts.keygenQueue,
      auditRetentionDays: opts.auditRetentionDays,
      auditDir: opts.auditDir !== undefined ? resolve(opts.auditDir) : undefined,
      auditS3: opts.auditS3,
      auditIntervalSeconds: opts.auditIntervalSeconds,
      digestIntervalSeconds: opts.digestIntervalSeconds,
      rejectReplays: opts.rejectReplays,
      auditMinFreeBytes: opts.auditMinFreeBytes,
      priceTable,
      auditFreeBytes: opts.auditFreeBytes,
      auditSink: opts.auditSink,
      // SigV4's window is real time, whatever Trent's clock says.
      signatureClock: virtualClock ? systemClock : undefined,
      faults,
      seed,
      benchDisable: opts.benchDisable,
      afterReset: seed ? (s) => applySeedLogged(s, seed) : undefined,
    });
  } catch (err) {
    await stopListening(0);
    throw err;
  }
  const { services } = core;
  const scheduler =
    opts.schedulerIntervalMs === 0 ? undefined : startScheduler(services, opts.schedulerIntervalMs ?? 60_000);
  if (opts.dev) {
    logger.warn({ accountId }, 'DEV MODE: signatures are NOT checked; every caller is the root of the account');
  }
  state = 'ready';

  let closing: Promise<void> | undefined;
  return {
    url: `${tlsFiles ? 'https' : 'http'}://${hostOf(address)}:${address.port}`,
    port: address.port,
    ...(metricsAddress ? { metricsUrl: `http://${hostOf(metricsAddress)}:${metricsAddress.port}/metrics` } : {}),
    ...(tlsFiles ? { tlsFiles } : {}),
    async reloadTls() {
      if (tlsFiles) front.setSecureContext(await loadTls(tlsFiles));
    },
    accountId,
    ...(core.createdCredentials ? { createdCredentials: core.createdCredentials } : {}),
    services,
    ...(core.auditDelivery ? { auditDelivery: core.auditDelivery } : {}),
    runScheduledWork: () => runScheduledWork(services),
    close() {
      const opened = core;
      closing ??= (async () => {
        state = 'stopping';
        // Every request received is answered (its response closes its connection); a client that
        // holds a connection open without sending anything is cut off after a grace period.
        await stopListening(SHUTDOWN_GRACE_MS);
        await scheduler?.stop();
        await opened?.close();
      })();
      return closing;
    },
  };
}

/** Ephemeral mode is a dev-mode convenience, and writes no file, so nothing that needs one. */
function checkEphemeral(opts: ServerOptions): void {
  if (!opts.ephemeral) return;
  if (!opts.dev) {
    throw new Error(
      '--ephemeral needs --dev: ephemeral mode (nothing written to disk) is for tests and development only',
    );
  }
  if (opts.tlsSelfSigned) {
    throw new Error('--ephemeral excludes --tls-self-signed, which keeps its certificate in <data-dir>/tls');
  }
  if (opts.rootKey !== undefined) {
    throw new Error('--ephemeral excludes --root-key: the root key is generated in memory');
  }
  if (opts.auditDir !== undefined) {
    throw new Error('--ephemeral excludes --audit-dir: nothing is delivered, the trail stays in memory');
  }
  if (opts.auditS3 !== undefined) {
    throw new Error('--ephemeral excludes --audit-s3-bucket: nothing is delivered, the trail stays in memory');
  }
}

const hostOf = (a: AddressInfo) => (a.family === 'IPv6' ? `[${a.address}]` : a.address);

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok(server.address() as AddressInfo);
    });
  });
}
