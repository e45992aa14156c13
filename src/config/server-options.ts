/** The one conversion from the resolved configuration to what `startServer` takes. */
import { splitQuotaSettings } from '../quotas/index.js';
import type { ServerOptions } from '../server/index.js';
import type { TrentConfig } from './schema.js';

/** Everything but the logger, which the command makes from `logLevel` and `logFormat`. */
export function toServerOptions(c: TrentConfig): ServerOptions {
  // One `quotas` setting for both kinds. AWS's request quotas apply, but under --dev only when some
  // are set: dev mode is for application tests, which create keys faster than CreateKey's 5 a second.
  const { resource, request } = splitQuotaSettings(c.quotas);
  const requestQuotas = c.dev && Object.keys(request).length === 0 ? undefined : request;
  return {
    dataDir: c.dataDir,
    port: c.port,
    host: c.host,
    dev: c.dev,
    devAllowRemote: c.devAllowRemote,
    virtualClock: c.clock === 'virtual',
    ephemeral: c.ephemeral,
    ...(c.seed !== undefined ? { seed: c.seed } : {}),
    accountId: c.accountId,
    ...(c.rootKey !== undefined ? { rootKey: c.rootKey } : {}),
    ...(c.rootKeyPin !== undefined ? { rootKeyPin: c.rootKeyPin } : {}),
    hsmClusters: c.hsmClusters,
    ...(c.tlsCert !== undefined && c.tlsKey !== undefined ? { tls: { certFile: c.tlsCert, keyFile: c.tlsKey } } : {}),
    tlsSelfSigned: c.tlsSelfSigned,
    insecureHttp: c.insecureHttp,
    ...(c.metricsPort !== undefined
      ? { metricsListener: { host: c.metricsHost ?? '127.0.0.1', port: c.metricsPort } }
      : {}),
    httpLimits: {
      maxConnections: c.maxConnections,
      maxInflightBodyBytes: c.maxInflightBodyBytes,
      headersTimeoutMs: c.headersTimeoutMs,
      requestTimeoutMs: c.requestTimeoutMs,
      bodyIdleTimeoutMs: c.bodyIdleTimeoutMs,
    },
    extraRegions: c.extraRegions,
    quotas: resource,
    ...(requestQuotas ? { requestQuotas } : {}),
    rejectReplays: c.rejectReplays,
    auditRetentionDays: c.auditRetentionDays,
    auditMinFreeBytes: c.auditMinFreeBytes,
    ...(c.priceTable !== undefined ? { priceTable: c.priceTable } : {}),
    ...(c.auditDir !== undefined ? { auditDir: c.auditDir } : {}),
    ...(c.auditS3Bucket !== undefined
      ? {
          auditS3: {
            bucket: c.auditS3Bucket,
            ...(c.auditS3Endpoint !== undefined ? { endpoint: c.auditS3Endpoint } : {}),
            ...(c.auditS3Prefix !== undefined ? { prefix: c.auditS3Prefix } : {}),
          },
        }
      : {}),
    auditIntervalSeconds: c.auditInterval,
    digestIntervalSeconds: c.digestInterval,
    keygenThreads: c.keygenThreads,
    keygenQueue: c.keygenQueue,
  };
}
