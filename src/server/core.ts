/**
 * The part of the composition root behind the HTTP front: key store, database, audit trail, key
 * generation, the services operations use, the first account, and the request handler. `index.ts`
 * listens first and opens this while /health says "starting".
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { RawRequest } from '../auth/index.js';
import {
  AuditDelivery,
  AuthFailureLimiter,
  buildParameterPolicyEvent,
  buildServiceEvent,
  DEFAULT_MIN_FREE_BYTES,
  DEFAULT_RETENTION_DAYS,
  FileAuditSink,
  FreeSpaceFloor,
  loadOrCreateDigestKey,
  MemoryAuditSink,
  S3_DELIVERY_STATE_FILE,
  openS3Destination,
  type AuditSink,
  type FreeBytes,
  type S3DestinationOptions,
} from '../audit/index.js';
import { DEFAULT_KEYGEN_QUEUE, defaultKeygenThreads, KeyGenerationPool } from '../crypto/index.js';
import type { Clock, RegionSet, ResourceQuotas } from '../domain/index.js';
import { MEMORY_KEY_STORE, openKeyStore, type HsmClusterSpec } from '../keystore/index.js';
import { MeteringRecorder, recordPriceTable, type PriceTable } from '../metering/index.js';
import { RequestQuotas } from '../quotas/index.js';
import type { KeyStore } from '../keystore/types.js';
import {
  KeyUsageTracker,
  CustomKeyStores,
  type ConfiguredCluster,
  MaterialService,
  TRACKING_START_SETTING,
  type Logger,
  type Services,
  KMS_SERVICE,
  TRENT_SERVICE,
  forgetGrants,
} from '../services/kms/index.js';
import { IAM_SERVICE } from '../services/iam/index.js';
import { STS_SERVICE } from '../services/sts/index.js';
import { cloudtrailService } from '../services/cloudtrail/index.js';
import { parameterStoreService } from '../services/ssm/index.js';
import { fileJournal, memoryJournal } from '../audit/lookup.js';
import { createIdentityResolver } from '../pipeline/identity.js';
import { createServiceInvoker } from '../pipeline/invoke.js';
import { OwnedKeyRing } from '../pipeline/owned-keys.js';
import type { Seed } from '../seed/index.js';
import { openStorage, withKeyCache, type Storage } from '../storage/index.js';
import { createRootAccessKey, serverCredentialLookup, type NewAccessKey } from './credentials.js';
import { AUDIT_DIRECTORY, warnIfRootKeyOpen } from './data-dir.js';
import type { FaultRules } from './faults.js';
import { createFrontDoor, type ApiResponse, type RequestMeta } from '../pipeline/front-door.js';
import {
  createAuditMetrics,
  createDeliveryMetrics,
  createQuotaMetrics,
  watchAuditQueue,
  watchKeyGeneration,
} from './metrics.js';
import { checkRootKey } from './root-key-check.js';
import { applySeedLogged } from './seed.js';

export const ADMIN_CREDENTIALS_FILE = 'admin-credentials.json';
/**
 * Default delivery directory of log files and digests: beside the JSON-lines trail, not inside it,
 * so that `<dataDir>/audit` keeps holding the hourly files alone.
 */
export const DELIVERY_DIRECTORY = 'cloudtrail';
/** How often noted key usage (GetKeyLastUsage) is written to the database. */
const USAGE_FLUSH_MS = 5_000;
/** How often summaries of suppressed authentication failures and audit retention are looked at. */
const AUDIT_MAINTENANCE_MS = 60_000;

export interface CoreOptions {
  dataDir: string;
  accountId: string;
  rootKey?: string | undefined;
  /** The user PIN of a `pkcs11:` root key's token; never logged. */
  rootKeyPin?: string | undefined;
  /**
   * `--hsm-cluster`: the HSM clusters custom key stores may use. Their trust anchors are checked
   * at start; connecting is ConnectCustomKeyStore's (keystore/pkcs11 HsmCluster, docs/hsm.md).
   */
  hsmClusters?: readonly HsmClusterSpec[] | undefined;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  regions: RegionSet;
  quotas: ResourceQuotas;
  /** Request quotas: overrides of AWS's defaults (quotas/); absent, no request is throttled. */
  requestQuotas?: ReadonlyMap<string, number> | undefined;
  dev: boolean;
  /**
   * Nothing on disk: the root key and the database in memory, the audit trail in a bounded ring
   * buffer (nothing durable), no credentials file; dataDir is never touched.
   */
  ephemeral?: boolean | undefined;
  maxSkewMs?: number | undefined;
  keygenThreads?: number | undefined;
  keygenQueue?: number | undefined;
  auditRetentionDays?: number | undefined;
  /** Where log files and digests are delivered; default `<dataDir>/cloudtrail`. */
  auditDir?: string | undefined;
  /** Deliver to this S3 bucket instead (excludes auditDir); the state stays in dataDir. */
  auditS3?: S3DestinationOptions | undefined;
  /** Seconds between deliveries (default 300) and between digests (default 3600). */
  auditIntervalSeconds?: number | undefined;
  digestIntervalSeconds?: number | undefined;
  /** Refuse a state-changing signed request presented twice (pipeline/front-door.ts). */
  rejectReplays?: boolean | undefined;
  auditMinFreeBytes?: number | undefined;
  /** `--price-table` (validated by the caller); recorded in the data directory for `trent usage`. */
  priceTable?: PriceTable | undefined;
  auditFreeBytes?: FreeBytes | undefined;
  auditSink?: ((file: AuditSink) => AuditSink) | undefined;
  /** Real time for SigV4's window when `clock` is virtual (handler.ts); default `clock`. */
  signatureClock?: Clock | undefined;
  /** `--dev` fault rules (faults.ts), consulted by the handler. */
  faults?: FaultRules | undefined;
  /**
   * Runs at the end of `reset()`, after everything is wiped: the seed file, if there is one, is
   * applied again here.
   */
  afterReset?: ((services: Services) => Promise<void>) | undefined;
  /** `--seed` (dev): applied once the account exists, before the first request (seed/). */
  seed?: Seed | undefined;
  /**
   * Bench only (BENCH_DISABLE, docs/benchmarks.md): no log-file delivery, no metering, to
   * measure what they cost. The JSON-lines trail is written as always.
   */
  benchDisable?: { delivery?: boolean; metering?: boolean } | undefined;
}

export interface Core {
  services: Services;
  handle(req: RawRequest, meta: RequestMeta): Promise<ApiResponse>;
  /** Present only on the start that created the account. */
  createdCredentials?: NewAccessKey;
  /** CloudTrail log-file delivery and digests; absent when ephemeral. */
  auditDelivery?: AuditDelivery;
  /**
   * `--dev` reset: deletes every key, material, alias, parameter and key usage record (accounts and access
   * keys stay, so the administrator credentials keep working), empties the caches, then runs
   * `afterReset`.
   */
  reset(): Promise<void>;
  /** Flushes what is kept in memory and closes everything, audit trail last but the stores. */
  close(): Promise<void>;
}

/** Opens everything behind the front; on failure, closes what it opened and throws. */
export async function openCore(opts: CoreOptions): Promise<Core> {
  const { dataDir, logger } = opts;
  const opened: (() => Promise<void>)[] = [];
  const closeOpened = async () => {
    for (const close of opened.reverse()) await close();
  };
  try {
    // A cluster whose trust anchor cannot be read fails the start, before anything is opened.
    const clusters = await CustomKeyStores.loadClusters(opts.hsmClusters ?? []);
    const keyStore = await openKeyStore(opts.ephemeral ? MEMORY_KEY_STORE : opts.rootKey, dataDir, {
      pin: opts.rootKeyPin,
    });
    opened.push(() => keyStore.close());
    warnIfRootKeyOpen(keyStore, logger);
    const storage = withKeyCache(
      await openStorage({ sqlitePath: opts.ephemeral ? ':memory:' : join(dataDir, 'trent.db') }),
    );
    opened.push(() => storage.close());
    await checkRootKey(storage, keyStore);
    return await wire(opts, keyStore, storage, clusters, opened);
  } catch (err) {
    await closeOpened();
    throw err;
  }
}

async function wire(
  opts: CoreOptions,
  keyStore: KeyStore,
  storage: Storage,
  clusters: ReadonlyMap<string, ConfiguredCluster>,
  opened: (() => Promise<void>)[],
): Promise<Core> {
  const { dataDir, accountId, logger, clock } = opts;
  const auditDir = join(dataDir, AUDIT_DIRECTORY);
  const fileSink = opts.ephemeral
    ? undefined
    : new FileAuditSink(auditDir, () => clock.now(), {
        retentionDays: opts.auditRetentionDays ?? DEFAULT_RETENTION_DAYS,
        onPruned: (files) => logger.info({ files }, 'deleted audit files past the retention period'),
        onPruneError: (err) => logger.error({ err }, 'deleting audit files past the retention period failed'),
      });
  const baseSink = fileSink ?? new MemoryAuditSink();
  const audit = opts.auditSink ? opts.auditSink(baseSink) : baseSink;
  opened.push(() => audit.close());
  const keyGeneration = new KeyGenerationPool({
    threads: opts.keygenThreads ?? defaultKeygenThreads(),
    maxQueued: opts.keygenQueue ?? DEFAULT_KEYGEN_QUEUE,
  });
  opened.push(() => keyGeneration.close());
  watchKeyGeneration(opts.registry, keyGeneration);
  const identity = createIdentityResolver(storage);
  const metering = opts.benchDisable?.metering ? undefined : new MeteringRecorder();
  const ownedKeys = new OwnedKeyRing(storage, keyStore);
  const customKeyStores = new CustomKeyStores({ clusters, keyStore, logger });
  opened.push(() => customKeyStores.closeAll());
  const services: Services = {
    clock,
    // Service events change state (a rotation, a deletion): durable like any state change.
    events: {
      record: (event) => audit.record(buildServiceEvent(event), true),
      parameterPolicy: (event) => audit.record(buildParameterPolicyEvent(event), true),
    },
    storage,
    keyStore,
    materials: new MaterialService(storage, keyStore, keyGeneration),
    keyGeneration,
    usage: new KeyUsageTracker(),
    metering,
    logger,
    quotas: opts.quotas,
    rateLimits: requestQuotasOf(opts),
    identity,
    // KMS on a caller's behalf (Parameter Store): through the same KMS service and audit trail.
    invoke: createServiceInvoker({ kms: KMS_SERVICE, audit, services: () => services }),
    ownedKeys,
    customKeyStores,
    random: (n) => randomBytes(n),
  };

  // GetKeyLastUsage's TrackingStartDate: when this data directory began recording key usage.
  const trackingStart = Buffer.alloc(8);
  trackingStart.writeBigUInt64BE(BigInt(clock.now().getTime()));
  await storage.insertSetting(TRACKING_START_SETTING, trackingStart);
  const createdCredentials = await bootstrapAccount(opts, storage, keyStore);
  if (opts.seed) await applySeedLogged(services, opts.seed);
  // Custom key stores connected before the restart connect again (in the background).
  await customKeyStores.resume(storage);
  // Log files and digests (not when ephemeral: nothing is written). The signing key is wrapped
  // by the key store like key material; an interrupted delivery is finished here.
  // /metrics is served while the core opens: the lag reads 0 until the delivery exists.
  const delivery: { current?: AuditDelivery | undefined } = {};
  const deliveryMetrics = createDeliveryMetrics(
    opts.registry,
    () => delivery.current?.lagSeconds() ?? Promise.resolve(0),
  );
  const auditDelivery =
    opts.ephemeral || opts.benchDisable?.delivery
      ? undefined
      : new AuditDelivery({
          eventsDir: auditDir,
          ...(opts.auditS3
            ? { destination: await openS3Destination(opts.auditS3), statePath: join(dataDir, S3_DELIVERY_STATE_FILE) }
            : { auditDir: opts.auditDir ?? join(dataDir, DELIVERY_DIRECTORY) }),
          observer: deliveryMetrics,
          key: await loadOrCreateDigestKey(storage, keyStore),
          now: () => clock.now(),
          fallbackAccount: accountId,
          isRegion: (region) => opts.regions.has(region),
          onWarning: (message, details) => logger.warn(details, message),
        });
  delivery.current = auditDelivery;
  await auditDelivery?.open();

  const auditMetrics = createAuditMetrics(opts.registry);
  watchAuditQueue(opts.registry, () => fileSink?.queueDepth ?? 0);
  // Ephemeral: no audit directory, so no floor (0 never refuses) and nothing to read.
  const minFreeBytes = opts.ephemeral ? 0 : (opts.auditMinFreeBytes ?? DEFAULT_MIN_FREE_BYTES);
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
  if (!opts.ephemeral) await freeSpace.check();
  const authFailures = new AuthFailureLimiter();
  const handle = createFrontDoor({
    services,
    apis: [
      KMS_SERVICE,
      IAM_SERVICE,
      STS_SERVICE,
      TRENT_SERVICE,
      // LookupEvents reads the trail this server writes: its files, or the ring of --ephemeral.
      cloudtrailService(fileSink ? fileJournal(auditDir, fileSink) : memoryJournal(baseSink as MemoryAuditSink)),
      // Systems Manager Parameter Store (services/ssm): KMS through services.invoke, as the caller.
      parameterStoreService(),
    ],
    audit,
    authFailures,
    freeSpace,
    auditMetrics,
    lookup: serverCredentialLookup(storage, keyStore, identity),
    dev: opts.dev ? { accountId } : undefined,
    maxSkewMs: opts.maxSkewMs,
    regions: opts.regions,
    signatureClock: opts.signatureClock,
    faults: opts.faults,
    rejectReplays: opts.rejectReplays,
  });

  if (!opts.ephemeral) await recordPriceTable(dataDir, opts.priceTable);
  const flushUsage = () =>
    Promise.all([
      services.usage
        .flush(storage)
        .catch((err: unknown) => logger.error({ err }, 'writing key usage failed; will retry')),
      metering
        ?.flush(storage)
        .catch((err: unknown) => logger.error({ err }, 'writing usage counters failed; will retry')),
    ]);
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
    void fileSink?.prune();
  }, AUDIT_MAINTENANCE_MS);
  auditTimer.unref();
  auditDelivery?.start((opts.auditIntervalSeconds ?? 300) * 1000, (opts.digestIntervalSeconds ?? 3600) * 1000);

  return {
    services,
    handle,
    ...(createdCredentials ? { createdCredentials } : {}),
    ...(auditDelivery ? { auditDelivery } : {}),
    async reset() {
      // Usage noted before the reset must not land on a key re-created (seeded) with the same ARN.
      await flushUsage();
      await storage.resetAll();
      await customKeyStores.closeAll();
      services.materials.clear();
      ownedKeys.clear();
      forgetGrants(storage);
      await storage.eraseDeleted();
      logger.info({}, 'dev reset: deleted every key, alias, parameter and key usage record');
      await opts.afterReset?.(services);
    },
    async close() {
      clearInterval(usageTimer);
      clearInterval(auditTimer);
      await keyGeneration.close();
      await writeSummaries(true);
      await flushUsage();
      await audit.close();
      // After the sink has drained: every event recorded goes into a log file and a digest.
      await auditDelivery
        ?.close()
        .catch((err: unknown) => logger.error({ err }, 'delivering audit log files at shutdown failed'));
      services.materials.clear();
      await customKeyStores.closeAll();
      await storage.close();
      await keyStore.close();
    },
  };
}

/**
 * Request quotas on real time (SigV4's clock): a virtual clock stands still between its moves,
 * and a quota that never refills would throttle a test forever.
 */
function requestQuotasOf(opts: CoreOptions): RequestQuotas | undefined {
  if (!opts.requestQuotas) return undefined;
  const clock = opts.signatureClock ?? opts.clock;
  const metrics = createQuotaMetrics(opts.registry);
  return new RequestQuotas({
    overrides: opts.requestQuotas,
    now: () => clock.now().getTime(),
    onThrottled: (quota) => metrics.throttled(quota),
  });
}

/** On first start, the account, its root access key, and the file the operator reads it from. */
async function bootstrapAccount(
  opts: CoreOptions,
  storage: Storage,
  keyStore: KeyStore,
): Promise<NewAccessKey | undefined> {
  const { accountId, dataDir, logger, clock } = opts;
  if (await storage.getAccount(accountId)) return undefined;
  const created = await createRootAccessKey(storage, keyStore, accountId, clock.now());
  if (opts.ephemeral) {
    // No file to read it from; dev mode (which ephemeral needs) accepts any credentials anyway.
    logger.info({ accountId }, 'created account in memory (ephemeral: use any credentials)');
    return created;
  }
  const file = join(dataDir, ADMIN_CREDENTIALS_FILE);
  const json = JSON.stringify(created, null, 2) + '\n';
  await writeFile(file, json, { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
    await writeFile(join(dataDir, `admin-credentials-${accountId}.json`), json, { mode: 0o600, flag: 'wx' });
  });
  logger.info({ accountId, file }, 'created account and its administrator access key');
  return created;
}
