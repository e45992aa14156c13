/** Starts a real Trent server on a free port with a fresh data directory, and clients for it. */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Clock } from '../../src/domain/index.js';
import type { Logger } from '../../src/services/kms/index.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import { captureLogger, leaks, type CapturedLogs } from './log-capture.js';

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Everything the server logged, unless the test gave its own logger. */
  logs: CapturedLogs;
  client(config?: Partial<KMSClientConfig>): KMSClient;
  /** IAM is global: its clients sign for us-east-1 whatever the region. */
  iam(credentials?: Credentials): IAMClient;
  sts(credentials?: Credentials, region?: string): STSClient;
  cloudtrail(credentials?: Credentials, region?: string): CloudTrailClient;
  stop(): Promise<void>;
}

export async function startTestServer(opts: Partial<ServerOptions> & { clock?: Clock } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'trent-test-')));
  const logs = captureLogger();
  const server = await startServer({
    port: 0,
    schedulerIntervalMs: 0,
    logger: logs,
    ...opts,
    dataDir,
  });
  const created = server.createdCredentials;
  if (!created) throw new Error('test server expected to create its account');
  const credentials = { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };
  const clients: { destroy(): void }[] = [];
  return {
    server,
    dataDir,
    credentials,
    logs,
    client(config = {}) {
      const c = new KMSClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
        ...config,
      });
      clients.push(c);
      return c;
    },
    iam(creds = credentials) {
      const c = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    sts(creds = credentials, region = 'us-east-1') {
      const c = new STSClient({ endpoint: server.url, region, credentials: creds, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    cloudtrail(creds = credentials, region = 'us-east-1') {
      const c = new CloudTrailClient({ endpoint: server.url, region, credentials: creds, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await server.close();
      // Every suite's server, not only the secrets suite's: the log never holds the secret key.
      const found = leaks(
        Buffer.from(logs.text()),
        new Map([['secret access key', Buffer.from(credentials.secretAccessKey)]]),
      );
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
      if (found.length > 0) throw new Error(`the server logged its ${found.join(', ')}`);
    },
  };
}

export { ManualClock };
