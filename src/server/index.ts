/**
 * Composition root: opens the data directory, key store and database, creates the first account
 * on first start, wires the services, and serves HTTP until closed.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { systemClock, type Clock } from '../domain/index.js';
import { buildServiceEvent, FileAuditSink } from '../audit/index.js';
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
import { createHttpServer } from './http.js';
import { createMetrics } from './metrics.js';
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
}

export interface RunningServer {
  url: string;
  port: number;
  accountId: string;
  /** Present only on the start that created the account. */
  createdCredentials?: NewAccessKey;
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
  const logger = opts.logger ?? defaultLogger();
  const clock = opts.clock ?? systemClock;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await mkdir(join(dataDir, 'audit'), { recursive: true, mode: 0o700 });

  const keyStore = await openKeyStore(opts.rootKey, dataDir);
  const storage = withKeyCache(await openStorage({ sqlitePath: join(dataDir, 'trent.db') }));
  try {
    await checkRootKey(storage, keyStore);
  } catch (err) {
    await storage.close();
    await keyStore.close();
    throw err;
  }
  const audit = new FileAuditSink(join(dataDir, 'audit'), () => clock.now());
  const services: Services = {
    clock,
    // Service events change state (a rotation, a deletion): durable like any state change.
    events: { record: (event) => audit.record(buildServiceEvent(event), true) },
    storage,
    keyStore,
    materials: new MaterialService(storage, keyStore),
    usage: new KeyUsageTracker(),
    logger,
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

  const handle = createKmsHandler({
    services,
    audit,
    lookup: credentialLookup(storage, keyStore),
    dev: opts.dev ? { accountId } : undefined,
    maxSkewMs: opts.maxSkewMs,
  });
  const { registry, metrics } = createMetrics();
  let ready = false;
  let closingDown = false;
  const server = createHttpServer({ handle, registry, metrics, isReady: () => ready, isClosing: () => closingDown });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? DEFAULT_PORT, opts.host ?? DEFAULT_HOST, () => ok());
  });
  const address = server.address() as AddressInfo;
  const scheduler =
    opts.schedulerIntervalMs === 0 ? undefined : startScheduler(services, opts.schedulerIntervalMs ?? 60_000);
  const flushUsage = () =>
    services.usage
      .flush(storage)
      .catch((err: unknown) => logger.error({ err }, 'writing key usage failed; will retry'));
  const usageTimer = setInterval(() => void flushUsage(), USAGE_FLUSH_MS);
  usageTimer.unref();
  if (opts.dev) {
    logger.warn({ accountId }, 'DEV MODE: signatures are NOT checked; every caller is the root of the account');
  }
  ready = true;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    accountId,
    ...(createdCredentials ? { createdCredentials } : {}),
    services,
    runScheduledWork: () => runScheduledWork(services),
    close() {
      closing ??= (async () => {
        ready = false;
        closingDown = true;
        await new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeIdleConnections();
          // Requests in flight finish (their responses close their connections); a client that
          // holds a connection open without sending anything is cut off after a grace period.
          setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
        });
        await scheduler?.stop();
        clearInterval(usageTimer);
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
