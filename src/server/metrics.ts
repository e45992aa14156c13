/** Prometheus metrics of one server (a registry per server, no module-level singletons). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RequestMetrics {
  observe(operation: string | undefined, errorCode: string | undefined, startedNs: bigint): void;
}

export function createMetrics(): { registry: Registry; metrics: RequestMetrics } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'trent_' });
  const requests = new Counter({
    name: 'trent_requests_total',
    help: 'KMS API requests by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'trent_request_duration_seconds',
    help: 'KMS API request latency',
    labelNames: ['operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  return {
    registry,
    metrics: {
      observe(operation, errorCode, startedNs) {
        const op = operation ?? 'unknown';
        requests.inc({ operation: op, outcome: errorCode ?? 'ok' });
        duration.observe({ operation: op }, Number(process.hrtime.bigint() - startedNs) / 1e9);
      },
    },
  };
}

/**
 * Delivery of log files and digests (audit/delivery.ts): the lag is the age of the oldest event
 * recorded and not yet delivered, read at each scrape (0 when every event is delivered).
 */
export function createDeliveryMetrics(
  registry: Registry,
  lagSeconds: () => Promise<number>,
): { logFilesDelivered(count: number): void; digestsWritten(count: number): void; failed(): void } {
  new Gauge({
    name: 'trent_audit_delivery_lag_seconds',
    help: 'Age of the oldest audit event recorded and not yet delivered as a log file; 0 when caught up',
    registers: [registry],
    async collect() {
      this.set(await lagSeconds().catch(() => 0));
    },
  });
  const logFiles = new Counter({
    name: 'trent_audit_log_files_delivered_total',
    help: 'CloudTrail log files delivered to the directory or bucket',
    registers: [registry],
  });
  const digests = new Counter({
    name: 'trent_audit_digests_written_total',
    help: 'Signed digest files delivered to the directory or bucket',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'trent_audit_delivery_failures_total',
    help: 'Deliveries and digest runs that failed (done again at the next interval)',
    registers: [registry],
  });
  return {
    logFilesDelivered: (count) => logFiles.inc(count),
    digestsWritten: (count) => digests.inc(count),
    failed: () => failures.inc(),
  };
}

/** The audit trail's health: free space against its floor, refusals, and suppressed events. */
export interface AuditMetrics {
  reading(freeBytes: number, below: boolean): void;
  refused(): void;
  suppressed(): void;
}

export function createAuditMetrics(registry: Registry): AuditMetrics {
  const free = new Gauge({
    name: 'trent_audit_free_bytes',
    help: 'Bytes free on the file system of the audit directory, at the last reading',
    registers: [registry],
  });
  const below = new Gauge({
    name: 'trent_audit_below_free_space_floor',
    help: '1 while the audit directory is below its free-space floor and requests are refused',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'trent_audit_refused_requests_total',
    help: 'Requests refused because the audit directory was below its free-space floor',
    registers: [registry],
  });
  const suppressed = new Counter({
    name: 'trent_audit_suppressed_events_total',
    help: 'Events of failed authentication counted in a summary instead of written one by one',
    registers: [registry],
  });
  below.set(0);
  return {
    reading(freeBytes, isBelow) {
      free.set(freeBytes);
      below.set(isBelow ? 1 : 0);
    },
    refused: () => refused.inc(),
    suppressed: () => suppressed.inc(),
  };
}

/** Requests refused with ThrottlingException, by request quota (quotas/; README, "Request quotas"). */
export function createQuotaMetrics(registry: Registry): { throttled(quota: string): void } {
  const throttled = new Counter({
    name: 'trent_throttled_requests_total',
    help: 'Requests refused with ThrottlingException, by the request quota they exceeded',
    labelNames: ['quota'] as const,
    registers: [registry],
  });
  return { throttled: (quota) => throttled.inc({ quota }) };
}

/** Events recorded and not yet written (and fsynced) by the audit log, read at each scrape. */
export function watchAuditQueue(registry: Registry, depth: () => number): void {
  new Gauge({
    name: 'trent_audit_queue_depth',
    help: 'Audit events recorded and not yet written (and, when durable, fsynced) to the audit log',
    registers: [registry],
    collect() {
      this.set(depth());
    },
  });
}

/** The key-generation threads (crypto/keygen-pool.ts): generations running and waiting, read at each scrape. */
export function watchKeyGeneration(registry: Registry, pool: { running: number; queued: number }): void {
  new Gauge({
    name: 'trent_keygen_running',
    help: 'Key-pair generations (RSA) running on the key-generation threads',
    registers: [registry],
    collect() {
      this.set(pool.running);
    },
  });
  new Gauge({
    name: 'trent_keygen_queued',
    help: 'Key-pair generations waiting for a key-generation thread (beyond --keygen-queue: ThrottlingException)',
    registers: [registry],
    collect() {
      this.set(pool.queued);
    },
  });
}
