/**
 * Custom key stores at run time (CloudHSM key stores, on the HSM clusters of `--hsm-cluster`):
 * each process keeps its own connection to the cluster of every store whose record asks to be
 * connected (CustomKeyStoreRecord.connectRequested, written by ConnectCustomKeyStore and
 * DisconnectCustomKeyStore), with its own state: CONNECTING, CONNECTED, FAILED with the HSM's
 * ConnectionErrorCode, DISCONNECTING. A process that meets a record asking for a connection it
 * does not have starts connecting (another process connected it, or this one restarted), and one
 * that meets a record no longer asking closes its connection, so every process follows the stored
 * request. The store's keys are usable only while it is CONNECTED: `present` shows them as
 * Unavailable otherwise, and the key-state table refuses them.
 */
import type { X509Certificate } from 'node:crypto';
import { wrappingAad } from '../../crypto/index.js';
import type { CustomKeyStoreRecord, KeyRecord } from '../../domain/index.js';
import {
  HsmError,
  loadPkcs11,
  loadTrustAnchor,
  type HsmClusterSpec,
  type HsmErrorCode,
  type KeyMaterialStore,
  type KeyStore,
} from '../../keystore/index.js';
import type { HsmCluster } from '../../keystore/pkcs11/index.js';
import type { Logger } from '../../pipeline/types.js';
import type { Storage } from '../../storage/types.js';

export type ConnectionState = 'CONNECTED' | 'CONNECTING' | 'DISCONNECTED' | 'DISCONNECTING' | 'FAILED';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why the store is FAILED (DescribeCustomKeyStores' ConnectionErrorCode). */
  errorCode?: HsmErrorCode;
}

/** A store's keys or random generator were wanted while it is not CONNECTED. */
export class KeyStoreUnavailableError extends Error {
  constructor(
    readonly customKeyStoreId: string,
    readonly status: ConnectionStatus,
  ) {
    super(`custom key store ${customKeyStoreId} is ${status.state}`);
    this.name = 'KeyStoreUnavailableError';
  }
}

export interface ConfiguredCluster {
  spec: HsmClusterSpec;
  trustAnchor: X509Certificate;
}

interface Connection {
  clusterId: string;
  state: 'CONNECTING' | 'CONNECTED' | 'FAILED' | 'DISCONNECTING';
  errorCode?: HsmErrorCode;
  cluster?: HsmCluster;
  materials?: KeyMaterialStore;
  /** Ends when connecting has ended, either way. */
  settled: Promise<void>;
}

export interface CustomKeyStoresOptions {
  clusters: ReadonlyMap<string, ConfiguredCluster>;
  /** The root key store: wraps and unwraps the kmsuser passwords. */
  keyStore: KeyStore;
  logger: Logger;
}

const passwordAad = (customKeyStoreId: string): Buffer => wrappingAad('key-store-password', customKeyStoreId);

export class CustomKeyStores {
  private readonly connections = new Map<string, Connection>();

  constructor(private readonly options: CustomKeyStoresOptions) {}

  /** Reads every cluster's trust anchor (a missing or malformed one fails the start). */
  static async loadClusters(specs: readonly HsmClusterSpec[]): Promise<Map<string, ConfiguredCluster>> {
    const clusters = new Map<string, ConfiguredCluster>();
    for (const spec of specs) {
      clusters.set(spec.clusterId, { spec, trustAnchor: await loadTrustAnchor(spec.trustAnchorPath) });
    }
    return clusters;
  }

  /** The configured cluster (`--hsm-cluster`) with this id. */
  cluster(clusterId: string): ConfiguredCluster | undefined {
    return this.options.clusters.get(clusterId);
  }

  /** Every configured cluster (for CloudHsmClusterInUse checks and the console). */
  clusters(): ConfiguredCluster[] {
    return [...this.options.clusters.values()];
  }

  /** The store's state in this process, following its record (see the file's comment). */
  status(record: CustomKeyStoreRecord): ConnectionStatus {
    const id = record.customKeyStoreId;
    let connection = this.connections.get(id);
    if (connection?.state === 'DISCONNECTING') return { state: 'DISCONNECTING' };
    if (!record.connectRequested) {
      // Another process disconnected it: follow.
      if (connection) void this.disconnect(id);
      return { state: connection ? 'DISCONNECTING' : 'DISCONNECTED' };
    }
    if (connection && connection.clusterId !== record.cloudHsmClusterId) {
      void this.disconnect(id);
      connection = undefined;
    }
    if (!connection) {
      this.connect(record);
      connection = this.connections.get(id)!;
    }
    this.failIfClusterFailed(id, connection);
    return {
      state: connection.state,
      ...(connection.state === 'FAILED' && connection.errorCode ? { errorCode: connection.errorCode } : {}),
    };
  }

  /**
   * Starts connecting the store to its cluster and returns at once (ConnectCustomKeyStore does
   * not wait); nothing happens when it is connecting or connected already. The record's password
   * is unwrapped only here, and used as the tokens' user PIN.
   */
  connect(record: CustomKeyStoreRecord): void {
    const id = record.customKeyStoreId;
    const existing = this.connections.get(id);
    if (existing && existing.state !== 'FAILED') return;
    const connection: Connection = {
      clusterId: record.cloudHsmClusterId,
      state: 'CONNECTING',
      settled: Promise.resolve(),
    };
    connection.settled = this.open(record, connection);
    this.connections.set(id, connection);
  }

  /** Resolves when a connection attempt in progress has ended. */
  async settled(customKeyStoreId: string): Promise<void> {
    await this.connections.get(customKeyStoreId)?.settled;
  }

  /** Closes the store's sessions with its cluster: DISCONNECTING, then DISCONNECTED. */
  async disconnect(customKeyStoreId: string): Promise<void> {
    const connection = this.connections.get(customKeyStoreId);
    if (!connection) return;
    if (connection.state === 'DISCONNECTING') return connection.settled;
    connection.state = 'DISCONNECTING';
    connection.settled = (async () => {
      await connection.settled.catch(() => undefined);
      connection.cluster?.close();
      connection.cluster = undefined;
      connection.materials = undefined;
      if (this.connections.get(customKeyStoreId) === connection) this.connections.delete(customKeyStoreId);
    })();
    return connection.settled;
  }

  /** The store's key materials, in its cluster, while it is CONNECTED. */
  materials(customKeyStoreId: string): KeyMaterialStore {
    const connection = this.connections.get(customKeyStoreId);
    if (connection?.state === 'CONNECTED' && connection.materials && connection.cluster?.state === 'connected') {
      return connection.materials;
    }
    throw new KeyStoreUnavailableError(customKeyStoreId, this.liveStatus(connection));
  }

  /** `n` random bytes from an HSM of the connected store (C_GenerateRandom). */
  async random(customKeyStoreId: string, n: number): Promise<Buffer> {
    const connection = this.connections.get(customKeyStoreId);
    if (connection?.state !== 'CONNECTED' || !connection.cluster || connection.cluster.state !== 'connected') {
      throw new KeyStoreUnavailableError(customKeyStoreId, this.liveStatus(connection));
    }
    try {
      return await connection.cluster.random(n);
    } catch (err) {
      this.noteFailure(customKeyStoreId, err);
      throw err;
    }
  }

  /**
   * A key as operations see it: for a key of a custom key store, its store's CloudHsmClusterId,
   * and while the store is not CONNECTED (and the key not pending deletion) KeyState Unavailable,
   * the stored state kept in storedKeyState. Other keys come back as they are, without I/O.
   */
  async present(key: KeyRecord, storage: Storage): Promise<KeyRecord> {
    if (!key.customKeyStoreId) return key;
    const record = await storage.getCustomKeyStore(key.region, key.accountId, key.customKeyStoreId);
    const connected = record !== undefined && this.status(record).state === 'CONNECTED';
    const shown: KeyRecord = { ...key, ...(record ? { cloudHsmClusterId: record.cloudHsmClusterId } : {}) };
    if (connected || key.keyState === 'PendingDeletion') return shown;
    return { ...shown, keyState: 'Unavailable', storedKeyState: key.keyState };
  }

  /** An HSM operation of the store failed with `err`: a cluster that has failed fails the store. */
  noteFailure(customKeyStoreId: string, err: unknown): void {
    const connection = this.connections.get(customKeyStoreId);
    if (connection && err instanceof HsmError) this.failIfClusterFailed(customKeyStoreId, connection);
  }

  /** At start: connects every store whose record asks to be connected. */
  async resume(storage: Storage): Promise<void> {
    for (const record of await storage.customKeyStoresToConnect()) this.connect(record);
  }

  /** Disconnects every store (dev reset, shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((id) => this.disconnect(id)));
  }

  /** The kmsuser password, wrapped under the root key for the store's record. */
  wrapPassword(customKeyStoreId: string, password: string): Promise<Buffer> {
    return this.options.keyStore.wrap(Buffer.from(password, 'utf8'), passwordAad(customKeyStoreId));
  }

  private liveStatus(connection: Connection | undefined): ConnectionStatus {
    if (!connection) return { state: 'DISCONNECTED' };
    return { state: connection.state, ...(connection.errorCode ? { errorCode: connection.errorCode } : {}) };
  }

  private async open(record: CustomKeyStoreRecord, connection: Connection): Promise<void> {
    const id = record.customKeyStoreId;
    const fail = (code: HsmErrorCode) => {
      connection.state = 'FAILED';
      connection.errorCode = code;
    };
    const configured = this.options.clusters.get(record.cloudHsmClusterId);
    if (!configured) {
      fail('CLUSTER_NOT_FOUND');
      this.options.logger.warn(
        { customKeyStoreId: id, cloudHsmClusterId: record.cloudHsmClusterId },
        'custom key store cannot connect: its cluster is not configured (--hsm-cluster)',
      );
      return;
    }
    let password: Buffer | undefined;
    try {
      password = await this.options.keyStore.unwrap(record.wrappedPassword, passwordAad(id));
      const { HsmCluster, HsmMaterialStore } = await loadPkcs11();
      const cluster = await HsmCluster.connect(configured.spec, password.toString('utf8'));
      // Disconnected meanwhile: close what was opened.
      if (connection.state !== 'CONNECTING' || this.connections.get(id) !== connection) {
        cluster.close();
        return;
      }
      connection.cluster = cluster;
      connection.materials = new HsmMaterialStore(cluster);
      connection.state = 'CONNECTED';
      this.options.logger.info(
        { customKeyStoreId: id, cloudHsmClusterId: record.cloudHsmClusterId },
        'custom key store connected',
      );
    } catch (err) {
      if (connection.state !== 'CONNECTING') return;
      const code = err instanceof HsmError ? err.code : 'INTERNAL_ERROR';
      fail(code);
      // HsmError messages name tokens and modules, never the PIN.
      this.options.logger.warn(
        {
          customKeyStoreId: id,
          connectionErrorCode: code,
          reason: err instanceof HsmError ? err.message : String(err),
        },
        'custom key store failed to connect',
      );
    } finally {
      password?.fill(0);
    }
  }

  /**
   * A connected store whose every HSM stopped answering fails (once, logged), never falling back
   * to software.
   */
  private failIfClusterFailed(customKeyStoreId: string, connection: Connection): void {
    if (connection.state !== 'CONNECTED' || connection.cluster?.state !== 'failed') return;
    connection.state = 'FAILED';
    connection.errorCode = connection.cluster.error?.code ?? 'INSUFFICIENT_CLOUDHSM_HSMS';
    this.options.logger.error(
      { customKeyStoreId, connectionErrorCode: connection.errorCode, hsms: connection.cluster?.status() },
      'custom key store failed: no HSM of its cluster answers',
    );
  }
}
