/**
 * The custom key store runtime on SoftHSM2: connection states as a process follows its records,
 * the failure codes, the Unavailable presentation of keys, a cluster that stops answering.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSoftHsm, SOFTHSM_MODULE, USER_PIN, type SoftHsm } from '../../../test/helpers/softhsm.js';
import type { CustomKeyStoreRecord, KeyRecord } from '../../domain/index.js';
import { SoftwareKeyStore, parseClusterSpec, type KeyStore } from '../../keystore/index.js';
import { keyRecordFixture } from '../../storage/fixtures.js';
import type { Storage } from '../../storage/types.js';
import { CustomKeyStores, KeyStoreUnavailableError } from './custom-key-stores.js';

const CLUSTER = 'cluster-abcdefghijk';
const STORE = 'cks-0123456789abcdef0';
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

let hsm: SoftHsm;
let keyStore: KeyStore;
let stores: CustomKeyStores;

async function open(labels: string[]): Promise<CustomKeyStores> {
  const parsed = parseClusterSpec(`${CLUSTER}=${SOFTHSM_MODULE}:${labels.join(',')}:${hsm.trustAnchor}`);
  if (!parsed.ok) throw new Error(parsed.problem);
  const clusters = await CustomKeyStores.loadClusters([parsed.value]);
  return new CustomKeyStores({ clusters, keyStore, logger: quiet });
}

async function record(password: string, connectRequested = true): Promise<CustomKeyStoreRecord> {
  return {
    customKeyStoreId: STORE,
    accountId: '111122223333',
    region: 'us-east-1',
    name: 'store',
    customKeyStoreType: 'AWS_CLOUDHSM',
    cloudHsmClusterId: CLUSTER,
    trustAnchorCertificate: '',
    wrappedPassword: await stores.wrapPassword(STORE, password),
    creationDate: new Date(0),
    connectRequested,
    version: 0,
  };
}

/** A storage that knows one key store record. */
const storageOf = (r: CustomKeyStoreRecord): Storage =>
  ({
    getCustomKeyStore: async (_region: string, _account: string, id: string) =>
      id === r.customKeyStoreId ? r : undefined,
  }) as unknown as Storage;

beforeEach(async () => {
  hsm = createSoftHsm();
  keyStore = SoftwareKeyStore.inMemory();
});
afterEach(async () => {
  await stores?.closeAll();
  hsm.cleanup();
});

describe('custom key store runtime', () => {
  it('connects in the background, uses the cluster, and disconnects', async () => {
    hsm.initToken('hsm-1');
    hsm.initToken('hsm-2');
    stores = await open(['hsm-1', 'hsm-2']);
    const r = await record(USER_PIN, false);
    expect(stores.status(r)).toEqual({ state: 'DISCONNECTED' });
    expect(() => stores.materials(STORE)).toThrow(KeyStoreUnavailableError);

    const requested = { ...r, connectRequested: true };
    stores.connect(requested);
    expect(stores.status(requested).state).toBe('CONNECTING');
    await stores.settled(STORE);
    expect(stores.status(requested)).toEqual({ state: 'CONNECTED' });

    const name = { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k', materialId: 'a'.repeat(64) };
    const materials = stores.materials(STORE);
    await materials.create(name);
    const blob = await materials.encrypt(name, {}, Buffer.from('hello'), Buffer.from('aad'));
    expect((await materials.decrypt(name, {}, blob, Buffer.from('aad'))).toString()).toBe('hello');
    expect((await stores.random(STORE, 32)).length).toBe(32);

    // Another process disconnected it: this one follows the record.
    expect(stores.status(r).state).toBe('DISCONNECTING');
    await stores.settled(STORE);
    expect(stores.status(r)).toEqual({ state: 'DISCONNECTED' });
    await expect(stores.random(STORE, 8)).rejects.toBeInstanceOf(KeyStoreUnavailableError);

    // And connects again when it sees a record asking for it (another process, or a restart).
    expect(stores.status(requested).state).toBe('CONNECTING');
    await stores.settled(STORE);
    const again = stores.materials(STORE);
    expect((await again.decrypt(name, {}, blob, Buffer.from('aad'))).toString()).toBe('hello');
  });

  it('fails with INVALID_CREDENTIALS for a wrong password, and never shows it', async () => {
    hsm.initToken('hsm-1');
    hsm.initToken('hsm-2');
    const logged: string[] = [];
    const parsed = parseClusterSpec(`${CLUSTER}=${SOFTHSM_MODULE}:hsm-1,hsm-2:${hsm.trustAnchor}`);
    if (!parsed.ok) throw new Error(parsed.problem);
    const log = (obj: object, msg?: string) => logged.push(JSON.stringify(obj) + (msg ?? ''));
    stores = new CustomKeyStores({
      clusters: await CustomKeyStores.loadClusters([parsed.value]),
      keyStore,
      logger: { info: log, warn: log, error: log },
    });
    const wrong = 'Wrong-Password-31337';
    const r = await record(wrong);
    stores.connect(r);
    await stores.settled(STORE);
    expect(stores.status(r)).toEqual({ state: 'FAILED', errorCode: 'INVALID_CREDENTIALS' });
    expect(logged.join('\n')).toContain('INVALID_CREDENTIALS');
    expect(logged.join('\n')).not.toContain(wrong);
    // FAILED stays until disconnected and connected again.
    expect(stores.status(r).state).toBe('FAILED');
  });

  it('needs two HSMs, and fails when the cluster is not configured', async () => {
    hsm.initToken('hsm-1');
    stores = await open(['hsm-1', 'hsm-2']);
    const r = await record(USER_PIN);
    stores.connect(r);
    await stores.settled(STORE);
    expect(stores.status(r)).toEqual({ state: 'FAILED', errorCode: 'INSUFFICIENT_CLOUDHSM_HSMS' });

    const elsewhere = { ...r, customKeyStoreId: 'cks-00000000000000001', cloudHsmClusterId: 'cluster-zzzzzzzzzzz' };
    stores.connect(elsewhere);
    await stores.settled(elsewhere.customKeyStoreId);
    expect(stores.status(elsewhere)).toEqual({ state: 'FAILED', errorCode: 'CLUSTER_NOT_FOUND' });
  });

  it('presents keys of a store that is not connected as Unavailable, pending deletion as it is', async () => {
    hsm.initToken('hsm-1');
    hsm.initToken('hsm-2');
    stores = await open(['hsm-1', 'hsm-2']);
    const r = await record(USER_PIN, false);
    const ids = { accountId: '111122223333', region: 'us-east-1', currentMaterialId: 'c'.repeat(64) };
    const key: KeyRecord = keyRecordFixture({
      ...ids,
      keyId: 'hsm-key',
      customKeyStoreId: STORE,
      origin: 'AWS_CLOUDHSM',
      keyState: 'Disabled',
    });
    const software = keyRecordFixture({ ...ids, keyId: 'software-key' });
    expect(await stores.present(software, storageOf(r))).toBe(software);

    const shown = await stores.present(key, storageOf(r));
    expect(shown).toMatchObject({ keyState: 'Unavailable', storedKeyState: 'Disabled', cloudHsmClusterId: CLUSTER });
    const pending = { ...key, keyState: 'PendingDeletion' as const };
    expect((await stores.present(pending, storageOf(r))).keyState).toBe('PendingDeletion');

    const requested = { ...r, connectRequested: true };
    stores.connect(requested);
    await stores.settled(STORE);
    const connected = await stores.present(key, storageOf(requested));
    expect(connected.keyState).toBe('Disabled');
    expect(connected.storedKeyState).toBeUndefined();
  });

  it('fails the store when every HSM stops answering, never falling back', async () => {
    hsm.initToken('hsm-1');
    hsm.initToken('hsm-2');
    stores = await open(['hsm-1', 'hsm-2']);
    const r = await record(USER_PIN);
    stores.connect(r);
    await stores.settled(STORE);
    const name = { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k', materialId: 'b'.repeat(64) };
    await stores.materials(STORE).create(name);
    hsm.removeToken('hsm-1');
    hsm.removeToken('hsm-2');
    const failure = await stores
      .materials(STORE)
      .encrypt(name, {}, Buffer.from('x'), Buffer.alloc(0))
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    stores.noteFailure(STORE, failure);
    expect(stores.status(r)).toEqual({ state: 'FAILED', errorCode: 'INSUFFICIENT_CLOUDHSM_HSMS' });
    expect(() => stores.materials(STORE)).toThrow(KeyStoreUnavailableError);
  });
});
