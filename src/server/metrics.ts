/** Prometheus metrics of one server (a registry per server, no module-level singletons). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
