/**
 * Composition root: opens the data directory, key store and database, creates the first account
 * on first start, wires the services, and serves HTTP until closed.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { DEFAULT_KEYGEN_QUEUE, defaultKeygenThreads, KeyGenerationPool } from '../crypto/index.js';
import { regionSet, resourceQuotas, systemClock, type Clock, type QuotaName } from '../domain/index.js';
import {
  AuthFailureLimiter,
  buildServiceEvent,
  DEFAULT_MIN_FREE_BYTES,
  DEFAULT_RETENTION_DAYS,
  FileAuditSink,
  FreeSpaceFloor,
  type AuditSink,
  type FreeBytes,
} from '../audit/index.js';
import { openKeyStore } from '../keystore/index.js';
import {
  KeyUsageTracker,
  MaterialService,
  TRACKING_START_SETTING,
  type Logger,
  type Services,
} from '../operations/index.js';
import { openStorage, withKeyCache } from '../storage/index.js';
import { createRootAccessKey, credentialLookup, type NewAccessKey } from './credentials.js';
import { createKmsHandler } from './handler.js';
import { createHttpFront, createMetricsServer, type HttpLimits, type ServerState } from './http.js';
import { checkExposure } from './listen.js';
import { ensureSelfSigned, loadTls, type TlsFiles } from './tls.js';
import { createAuditMetrics, createMetrics } from './metrics.js';
import { prepareDataDirectory, warnIfRootKeyOpen } from './data-dir.js';
import { checkRootKey } from './root-key-check.js';
import { runScheduledWork, startScheduler, type ScheduledWorkResult } from './scheduler.js';

export const DEFAULT_PORT = 4599;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_ACCOUNT_ID = '111122223333';
export const ADMIN_CREDENTIALS_FILE = 'admin-credentials.json';
/** How long shutdown waits for in-flight requests before closing every connection. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How often noted key usage (GetKeyLastUsage) is written to the database. */
const USAGE_FLUSH_MS = 5_000;
/** How often summaries of suppressed authentication failures and audit retention are looked at. */
const AUDIT_MAINTENANCE_MS = 60_000;

export interface ServerOptions {
  dataDir: string;
  port?: number;
  host?: string;
  dev?: boolean;
  accountId?: string;
  /** `file:PATH` of the root key; default `<dataDir>/root-key`. */
  rootKey?: string;
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
  /** Days an hourly audit file is kept; 0 keeps them forever. Default 90. */
  auditRetentionDays?: number;
  /** Below this many free bytes in the audit directory, requests are refused. Default 256 MiB; 0 disables. */
  auditMinFreeBytes?: number;
  /** How the free space is read; default statfs (tests inject a function). */
  auditFreeBytes?: FreeBytes;
  /** Wraps the file audit sink (tests inject failing or delaying sinks); default none. */
  auditSink?: (file: AuditSink) => AuditSink;
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
  runScheduledWork(): Promise<ScheduledWorkResult>;
  close(): Promise<void>;
}

export function defaultLogger(level = process.env.TRENT_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const dataDir = resolve(opts.dataDir);
  const accountId = opts.accountId ?? DEFAULT_ACCOUNT_ID;
  // Before anything touches the disk: a bad region name is a configuration error.
  const regions = regionSet(opts.extraRegions);
  const tlsWanted = opts.tls !== undefined || opts.tlsSelfSigned === true;
  checkExposure({
    host: opts.host ?? DEFAULT_HOST,
    tls: tlsWanted,
    insecureHttp: opts.insecureHttp === true,
    dev: opts.dev === true,
    devAllowRemote: opts.devAllowRemote === true,
  });
  const logger = opts.logger ?? defaultLogger();
  const clock = opts.clock ?? systemClock;
  const quotas = resourceQuotas(opts.quotas);
  await prepareDataDirectory(dataDir, logger);
  const tlsFiles = opts.tls ?? (opts.tlsSelfSigned ? await ensureSelfSigned(dataDir) : undefined);
  const tlsOptions = tlsFiles ? await loadTls(tlsFiles) : undefined;

  const keyStore = await openKeyStore(opts.rootKey, dataDir);
  warnIfRootKeyOpen(keyStore, logger);
  const storage = withKeyCache(await openStorage({ sqlitePath: join(dataDir, 'trent.db') }));
  try {
    await checkRootKey(storage, keyStore);
  } catch (err) {
    await storage.close();
    await keyStore.close();
    throw err;
  }
  const auditDir = join(dataDir, 'audit');
  const fileSink = new FileAuditSink(auditDir, () => clock.now(), {
    retentionDays: opts.auditRetentionDays ?? DEFAULT_RETENTION_DAYS,
    onPruned: (files) => logger.info({ files }, 'deleted audit files past the retention period'),
    onPruneError: (err) => logger.error({ err }, 'deleting audit files past the retention period failed'),
  });
  const audit = opts.auditSink ? opts.auditSink(fileSink) : fileSink;
  const keyGeneration = new KeyGenerationPool({
    threads: opts.keygenThreads ?? defaultKeygenThreads(),
    maxQueued: opts.keygenQueue ?? DEFAULT_KEYGEN_QUEUE,
  });
  const services: Services = {
    clock,
    // Service events change state (a rotation, a deletion): durable like any state change.
    events: { record: (event) => audit.record(buildServiceEvent(event), true) },
    storage,
    keyStore,
    materials: new MaterialService(storage, keyStore, keyGeneration),
    keyGeneration,
    usage: new KeyUsageTracker(),
    logger,
    quotas,
    random: (n) => randomBytes(n),
  };

  // GetKeyLastUsage's TrackingStartDate: when this data directory began recording key usage.
  const trackingStart = Buffer.alloc(8);
  trackingStart.writeBigUInt64BE(BigInt(clock.now().getTime()));
  await storage.insertSetting(TRACKING_START_SETTING, trackingStart);

  let createdCredentials: NewAccessKey | undefined;
  if (!(await storage.getAccount(accountId))) {
    createdCredentials = await createRootAccessKey(storage, keyStore, accountId, clock.now());
    const file = join(dataDir, ADMIN_CREDENTIALS_FILE);
    const json = JSON.stringify(createdCredentials, null, 2) + '\n';
    await writeFile(file, json, { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      await writeFile(join(dataDir, `admin-credentials-${accountId}.json`), json, { mode: 0o600, flag: 'wx' });
    });
    logger.info({ accountId, file }, 'created account and its administrator access key');
  }

  const { registry, metrics } = createMetrics();
  const auditMetrics = createAuditMetrics(registry);
  const minFreeBytes = opts.auditMinFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
  const freeSpace = new FreeSpaceFloor({
    dir: auditDir,
    minFreeBytes,
    now: () => clock.now(),
    freeBytes: opts.auditFreeBytes,
    onReading: (free, below, changed) => {
      auditMetrics.reading(free, below);
      if (changed && below)
        logger.error({ free, minFreeBytes }, 'audit directory below its free-space floor; refusing requests');
      else if (changed) logger.info({ free, minFreeBytes }, 'audit directory above its free-space floor again');
    },
    onError: (err) => logger.warn({ err }, 'reading the free space of the audit directory failed'),
  });
  await freeSpace.check();
  const authFailures = new AuthFailureLimiter();
  const handle = createKmsHandler({
    services,
    audit,
    authFailures,
    freeSpace,
    auditMetrics,
    lookup: credentialLookup(storage, keyStore),
    dev: opts.dev ? { accountId } : undefined,
    maxSkewMs: opts.maxSkewMs,
    regions,
  });
  let state: ServerState = 'starting';
  const front = createHttpFront({
    handle,
    registry,
    metrics,
    state: () => state,
    limits: opts.httpLimits,
    serveMetrics: opts.metricsListener === undefined,
    ...(tlsOptions ? { tls: tlsOptions } : {}),
  });
  const server = front.server;
  server.keepAliveTimeout = 65_000;
  const listen = (s: Server, port: number, host: string) =>
    new Promise<AddressInfo>((ok, fail) => {
      s.once('error', fail);
      s.listen(port, host, () => {
        s.off('error', fail);
        ok(s.address() as AddressInfo);
      });
    });
  const metricsServer = opts.metricsListener ? createMetricsServer(registry) : undefined;
  const address = await listen(server, opts.port ?? DEFAULT_PORT, opts.host ?? DEFAULT_HOST);
  let metricsAddress: AddressInfo | undefined;
  if (metricsServer && opts.metricsListener) {
    metricsAddress = await listen(metricsServer, opts.metricsListener.port, opts.metricsListener.host).catch(
      async (err: unknown) => {
        await front.shutdown(0);
        throw err;
      },
    );
  }
  const scheduler =
    opts.schedulerIntervalMs === 0 ? undefined : startScheduler(services, opts.schedulerIntervalMs ?? 60_000);
  const flushUsage = () =>
    services.usage
      .flush(storage)
      .catch((err: unknown) => logger.error({ err }, 'writing key usage failed; will retry'));
  const usageTimer = setInterval(() => void flushUsage(), USAGE_FLUSH_MS);
  usageTimer.unref();
  // Summaries of suppressed authentication failures whose window ended, and retention.
  const writeSummaries = (all = false) =>
    Promise.all(
      authFailures
        .sweep(clock.now(), all)
        .map((event) =>
          audit.record(event, false).catch((err: unknown) => logger.error({ err }, 'audit log write failed')),
        ),
    );
  const auditTimer = setInterval(() => {
    void writeSummaries();
    void fileSink.prune();
  }, AUDIT_MAINTENANCE_MS);
  auditTimer.unref();
  if (opts.dev) {
    logger.warn({ accountId }, 'DEV MODE: signatures are NOT checked; every caller is the root of the account');
  }
  state = 'ready';
  const hostOf = (a: AddressInfo) => (a.family === 'IPv6' ? `[${a.address}]` : a.address);

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
    ...(createdCredentials ? { createdCredentials } : {}),
    services,
    runScheduledWork: () => runScheduledWork(services),
    close() {
      closing ??= (async () => {
        state = 'stopping';
        // Every request received is answered (its response closes its connection); a client that
        // holds a connection open without sending anything is cut off after a grace period.
        await Promise.all([
          front.shutdown(SHUTDOWN_GRACE_MS),
          metricsServer && new Promise((ok) => metricsServer.close(ok)),
        ]);
        await scheduler?.stop();
        await keyGeneration.close();
        clearInterval(usageTimer);
        clearInterval(auditTimer);
        await writeSummaries(true);
        await flushUsage();
        await audit.close();
        services.materials.clear();
        await storage.close();
        await keyStore.close();
      })();
      return closing;
    },
  };
}
