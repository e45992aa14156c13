/**
 * The custom key store API (issue 9), black-box through @aws-sdk/client-kms against a server whose
 * HSM clusters (`--hsm-cluster`, here `hsmClusters`) are SoftHSM2 tokens: CreateCustomKeyStore,
 * DescribeCustomKeyStores, UpdateCustomKeyStore, DeleteCustomKeyStore, ConnectCustomKeyStore and
 * DisconnectCustomKeyStore, the connection states and what each allows, FAILED stores and their
 * ConnectionErrorCode, and AWS's errors. Keys in a store are test/hsm-keys.test.ts's.
 */
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  DeleteCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DisconnectCustomKeyStoreCommand,
  UpdateCustomKeyStoreCommand,
  type CreateCustomKeyStoreCommandInput,
  type CustomKeyStoresListEntry,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HsmClusterSpec } from '../src/keystore/index.js';
import { keyRecordFixture } from '../src/storage/fixtures.js';
import { journalEvents } from './helpers/audit.js';
import { EMPTY_MESSAGE, expectKmsError, otherAccountClient } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { createSoftHsm, SOFTHSM_MODULE, USER_PIN, type SoftHsm } from './helpers/softhsm.js';

const OTHER_ACCOUNT = '444455556666';
const WRONG_PASSWORD = 'Not-the-kmsuser-PIN-1';

/**
 * The clusters: A and B share a trust anchor (related, in Trent's sense); every other cluster has
 * its own. `tokens` are the HSMs that exist; `labels` what the cluster spec names.
 */
const CLUSTERS = {
  A: { id: 'cluster-aaaaaaaaaaa', anchor: 0, labels: ['hsm-a1', 'hsm-a2'], tokens: ['hsm-a1', 'hsm-a2'] },
  B: { id: 'cluster-bbbbbbbbbbb', anchor: 0, labels: ['hsm-b1', 'hsm-b2'], tokens: ['hsm-b1', 'hsm-b2'] },
  C: { id: 'cluster-ccccccccccc', anchor: 1, labels: ['hsm-c1', 'hsm-c2'], tokens: ['hsm-c1', 'hsm-c2'] },
  /** One HSM: too few for a CloudHSM key store. */
  D: { id: 'cluster-ddddddddddd', anchor: 2, labels: ['hsm-d1'], tokens: [] },
  /** Two HSMs named, one there: connecting finds too few. */
  E: { id: 'cluster-eeeeeeeeeee', anchor: 3, labels: ['hsm-e1', 'hsm-e2'], tokens: ['hsm-e1'] },
  F: { id: 'cluster-fffffffffff', anchor: 4, labels: ['hsm-f1', 'hsm-f2'], tokens: [] },
  G: { id: 'cluster-ggggggggggg', anchor: 5, labels: ['hsm-g1', 'hsm-g2'], tokens: [] },
  H: { id: 'cluster-hhhhhhhhhhh', anchor: 6, labels: ['hsm-h1', 'hsm-h2'], tokens: [] },
  I: { id: 'cluster-iiiiiiiiiii', anchor: 7, labels: ['hsm-i1', 'hsm-i2'], tokens: [] },
} as const;
type ClusterName = keyof typeof CLUSTERS;
const UNKNOWN_CLUSTER = 'cluster-zzzzzzzzzzz';

let hsm: SoftHsm;
let anchorPaths: string[];
let t: TestServer;
let kms: KMSClient;
let other: KMSClient;

/** A self-signed certificate of its own, as a cluster's customerCA.crt. */
function makeAnchor(dir: string, n: number): string {
  const path = join(dir, `customerCA-${n}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
      '-keyout',
      join(dir, `ca-${n}.key`),
      '-out',
      path,
      '-days',
      '2',
      '-subj',
      `/CN=Trent test cluster ${n}`,
    ]),
    { stdio: 'ignore' },
  );
  return path;
}

const anchorPem = (name: ClusterName): string => readFileSync(anchorPaths[CLUSTERS[name].anchor]!, 'utf8');

function clusterSpecs(): HsmClusterSpec[] {
  return Object.values(CLUSTERS).map((c) => ({
    clusterId: c.id,
    modulePath: SOFTHSM_MODULE,
    tokenLabels: [...c.labels],
    trustAnchorPath: anchorPaths[c.anchor]!,
  }));
}

beforeAll(async () => {
  hsm = createSoftHsm();
  anchorPaths = [hsm.trustAnchor, ...[1, 2, 3, 4, 5, 6, 7].map((n) => makeAnchor(hsm.dir, n))];
  for (const c of Object.values(CLUSTERS)) for (const label of c.tokens) hsm.initToken(label);
  t = await startTestServer({ hsmClusters: clusterSpecs() });
  kms = t.client();
  other = await otherAccountClient(t, OTHER_ACCOUNT);
}, 60_000);
afterAll(async () => {
  await t.stop();
  hsm.cleanup();
});

const storeInput = (name: string, cluster: ClusterName, password = USER_PIN): CreateCustomKeyStoreCommandInput => ({
  CustomKeyStoreName: name,
  CloudHsmClusterId: CLUSTERS[cluster].id,
  TrustAnchorCertificate: anchorPem(cluster),
  KeyStorePassword: password,
});

async function createStore(
  name: string,
  cluster: ClusterName,
  password = USER_PIN,
  client: KMSClient = kms,
): Promise<string> {
  const { CustomKeyStoreId } = await client.send(new CreateCustomKeyStoreCommand(storeInput(name, cluster, password)));
  return CustomKeyStoreId!;
}

async function describeStore(id: string, client: KMSClient = kms): Promise<CustomKeyStoresListEntry> {
  const { CustomKeyStores } = await client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id }));
  expect(CustomKeyStores).toHaveLength(1);
  return CustomKeyStores![0]!;
}

/** Polls DescribeCustomKeyStores until the store is in one of `states`; `seen` collects each state read. */
async function waitFor(id: string, states: string[], seen: string[] = []): Promise<CustomKeyStoresListEntry> {
  for (let i = 0; i < 400; i++) {
    const entry = await describeStore(id);
    seen.push(entry.ConnectionState!);
    if (states.includes(entry.ConnectionState!)) return entry;
    await sleep(25);
  }
  throw new Error(`store ${id} never reached ${states.join(' or ')} (seen: ${seen.join(', ')})`);
}

const connect = (id: string) => kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
const disconnect = (id: string) => kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
const update = (
  id: string,
  change: Omit<ConstructorParameters<typeof UpdateCustomKeyStoreCommand>[0], 'CustomKeyStoreId'>,
) => kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, ...change }));
const remove = (id: string, client: KMSClient = kms) =>
  client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));

describe('CreateCustomKeyStore and DescribeCustomKeyStores', () => {
  it('creates a disconnected store and describes it; the password is not in its audit event', async () => {
    const before = new Date();
    const id = await createStore('first store', 'F');
    expect(id).toMatch(/^cks-[0-9a-f]{17}$/);

    const entry = await describeStore(id);
    expect(entry).toEqual({
      CustomKeyStoreId: id,
      CustomKeyStoreName: 'first store',
      CloudHsmClusterId: CLUSTERS.F.id,
      TrustAnchorCertificate: anchorPem('F'),
      ConnectionState: 'DISCONNECTED',
      CreationDate: expect.any(Date) as Date,
      CustomKeyStoreType: 'AWS_CLOUDHSM',
    });
    expect(entry.CreationDate!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    const byName = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: 'first store' }));
    expect(byName.CustomKeyStores).toEqual([entry]);

    const events = await journalEvents<Record<string, unknown>>(t.dataDir);
    const created = events.filter((e) => e.eventName === 'CreateCustomKeyStore' && e.errorCode === undefined);
    expect(created.length).toBeGreaterThanOrEqual(1);
    const event = created.at(-1)!;
    // ct-create-keystore: the name and `clusterId`; no trust anchor, no password.
    expect(event.requestParameters).toEqual({ customKeyStoreName: 'first store', clusterId: CLUSTERS.F.id });
    expect(event.responseElements).toEqual({ customKeyStoreId: id });
    expect(JSON.stringify(events)).not.toContain(USER_PIN);

    await remove(id);
    await expectKmsError(describeStore(id), 'CustomKeyStoreNotFoundException');
  });

  it('answers AWS’s errors for the cluster, the trust anchor, the name and missing members', async () => {
    await expectKmsError(
      kms.send(new CreateCustomKeyStoreCommand({ ...storeInput('x', 'G'), CloudHsmClusterId: UNKNOWN_CLUSTER })),
      'CloudHsmClusterNotFoundException',
      `KMS cannot find the CloudHSM cluster with cluster ID ${UNKNOWN_CLUSTER}.`,
    );
    await expectKmsError(
      kms.send(new CreateCustomKeyStoreCommand({ ...storeInput('x', 'G'), TrustAnchorCertificate: anchorPem('H') })),
      'IncorrectTrustAnchorException',
      `The trust anchor certificate in the request is not the trust anchor certificate of the CloudHSM cluster ${CLUSTERS.G.id}.`,
    );
    await expectKmsError(
      kms.send(
        new CreateCustomKeyStoreCommand({ ...storeInput('x', 'G'), TrustAnchorCertificate: 'not a certificate' }),
      ),
      'IncorrectTrustAnchorException',
    );
    await expectKmsError(
      createStore('x', 'D'),
      'CloudHsmClusterInvalidConfigurationException',
      `The CloudHSM cluster ${CLUSTERS.D.id} must contain at least 2 active HSMs; it has 1.`,
    );
    await expectKmsError(
      kms.send(new CreateCustomKeyStoreCommand({ CustomKeyStoreName: 'x', CloudHsmClusterId: CLUSTERS.G.id })),
      'ValidationException',
      '2 validation errors detected: ' +
        "Value null at 'trustAnchorCertificate' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'keyStorePassword' failed to satisfy constraint: Member must not be null",
    );
    // The model's own constraints come first: a password of 7 to 32 characters.
    await expectKmsError(createStore('x', 'G', 'short'), 'ValidationException', /keyStorePassword/);

    const id = await createStore('taken name', 'G');
    await expectKmsError(
      createStore('taken name', 'H'),
      'CustomKeyStoreNameInUseException',
      'The custom key store name taken name is already assigned to another custom key store in the account.',
    );
    // Names are unique per account: another account may use it.
    const elsewhere = await createStore('taken name', 'H', USER_PIN, other);
    const inUse = `The CloudHSM cluster ${CLUSTERS.G.id} is already associated with a custom key store, or shares a backup history with a custom key store in the account.`;
    await expectKmsError(createStore('another name', 'G'), 'CloudHsmClusterInUseException', inUse);
    // A cluster serves one store, whichever account's.
    await expectKmsError(createStore('another name', 'G', USER_PIN, other), 'CloudHsmClusterInUseException', inUse);
    await remove(id);
    await remove(elsewhere, other);
  });

  it('answers UnsupportedOperationException for external key stores', async () => {
    const message =
      'External key stores (CustomKeyStoreType EXTERNAL_KEY_STORE and the XksProxy* parameters) are not supported by this server; only AWS_CLOUDHSM custom key stores are.';
    await expectKmsError(
      kms.send(
        new CreateCustomKeyStoreCommand({
          CustomKeyStoreName: 'xks',
          CustomKeyStoreType: 'EXTERNAL_KEY_STORE',
          XksProxyConnectivity: 'PUBLIC_ENDPOINT',
          XksProxyUriEndpoint: 'https://xks.example.com',
          XksProxyUriPath: '/kms/xks/v1',
          XksProxyAuthenticationCredential: {
            AccessKeyId: 'ABCDEFGHIJKLMNOPQRST',
            RawSecretAccessKey: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ=',
          },
        }),
      ),
      'UnsupportedOperationException',
      message,
    );
    await expectKmsError(
      kms.send(new CreateCustomKeyStoreCommand({ ...storeInput('xks', 'G'), XksProxyUriPath: '/kms/xks/v1' })),
      'UnsupportedOperationException',
      message,
    );
    const id = await createStore('cloudhsm', 'G');
    await expectKmsError(update(id, { XksProxyUriPath: '/kms/xks/v1' }), 'UnsupportedOperationException', message);
    await remove(id);
  });

  it('enforces the custom key stores quota per account and Region', async () => {
    const small = await startTestServer({ hsmClusters: clusterSpecs(), quotas: { customKeyStoresPerRegion: 1 } });
    try {
      const client = small.client();
      const first = await createStore('one', 'G', USER_PIN, client);
      await expectKmsError(
        createStore('two', 'H', USER_PIN, client),
        'LimitExceededException',
        'Custom key stores quota for this account in this region is 1 but the current usage is 1.',
      );
      await remove(first, client);
      await createStore('two', 'H', USER_PIN, client);
    } finally {
      await small.stop();
    }
  });
});

describe('connection states', () => {
  it('goes DISCONNECTED, CONNECTING, CONNECTED, DISCONNECTED, and allows in each what AWS allows', async () => {
    const id = await createStore('lifecycle', 'A');
    expect((await describeStore(id)).ConnectionState).toBe('DISCONNECTED');
    await expectKmsError(
      disconnect(id),
      'CustomKeyStoreInvalidStateException',
      `Custom key store ${id} is DISCONNECTED already.`,
    );

    // ConnectCustomKeyStore starts connecting and answers at once, with an empty result; the
    // state is CONNECTING until the HSMs have logged the kmsuser in (in practice the first reads
    // here see CONNECTING: logging in to SoftHSM2 takes longer than a request).
    const connected = await connect(id);
    expect(Object.keys(connected).filter((k) => k !== '$metadata')).toEqual([]);
    // Connecting a store that is CONNECTING (or CONNECTED by now) succeeds too.
    await connect(id);
    const seen: string[] = [];
    const entry = await waitFor(id, ['CONNECTED', 'FAILED'], seen);
    expect(entry.ConnectionState).toBe('CONNECTED');
    expect(entry).not.toHaveProperty('ConnectionErrorCode');
    expect(
      seen.slice(0, -1).every((s) => s === 'CONNECTING'),
      seen.join(),
    ).toBe(true);

    // "This operation is valid for all other ConnectionState values": connecting again is fine.
    await connect(id);
    expect((await describeStore(id)).ConnectionState).toBe('CONNECTED');

    // While connected: a new name only.
    await update(id, { NewCustomKeyStoreName: 'lifecycle renamed' });
    expect((await describeStore(id)).CustomKeyStoreName).toBe('lifecycle renamed');
    const mustBeDisconnected = `Custom key store ${id} must be DISCONNECTED to update its KeyStorePassword or CloudHsmClusterId; its connection state is CONNECTED.`;
    await expectKmsError(
      update(id, { KeyStorePassword: USER_PIN }),
      'CustomKeyStoreInvalidStateException',
      mustBeDisconnected,
    );
    await expectKmsError(
      update(id, { CloudHsmClusterId: CLUSTERS.B.id }),
      'CustomKeyStoreInvalidStateException',
      mustBeDisconnected,
    );
    await expectKmsError(
      remove(id),
      'CustomKeyStoreInvalidStateException',
      `Custom key store ${id} must be DISCONNECTED to be deleted; its connection state is CONNECTED.`,
    );

    await disconnect(id);
    const off = await describeStore(id);
    expect(off.ConnectionState).toBe('DISCONNECTED');
    expect(off).not.toHaveProperty('ConnectionErrorCode');
    await expectKmsError(disconnect(id), 'CustomKeyStoreInvalidStateException');

    // Connected again after a disconnect.
    await connect(id);
    expect((await waitFor(id, ['CONNECTED', 'FAILED'])).ConnectionState).toBe('CONNECTED');
    await disconnect(id);
    await remove(id);
  });

  it('moves a disconnected store to a related cluster only', async () => {
    const id = await createStore('movable', 'A');
    // B shares A's trust anchor; in another account, its store may use B.
    const elsewhere = await createStore('on B', 'B', USER_PIN, other);
    await expectKmsError(
      update(id, { CloudHsmClusterId: CLUSTERS.B.id }),
      'CloudHsmClusterInUseException',
      `The CloudHSM cluster ${CLUSTERS.B.id} is already associated with a custom key store, or shares a backup history with a custom key store in the account.`,
    );
    await remove(elsewhere, other);
    // In this account, B shares a backup history with the store on A.
    await expectKmsError(createStore('on B', 'B'), 'CloudHsmClusterInUseException');

    await expectKmsError(
      update(id, { CloudHsmClusterId: CLUSTERS.C.id }),
      'CloudHsmClusterNotRelatedException',
      `The CloudHSM cluster ${CLUSTERS.C.id} has a different cluster certificate than the original cluster ${CLUSTERS.A.id}.`,
    );
    await expectKmsError(update(id, { CloudHsmClusterId: UNKNOWN_CLUSTER }), 'CloudHsmClusterNotFoundException');
    await expectKmsError(
      update(id, { CloudHsmClusterId: CLUSTERS.D.id }),
      'CloudHsmClusterInvalidConfigurationException',
    );
    // Nothing changed on the way.
    expect((await describeStore(id)).CloudHsmClusterId).toBe(CLUSTERS.A.id);

    await update(id, { CloudHsmClusterId: CLUSTERS.B.id, NewCustomKeyStoreName: 'moved' });
    const moved = await describeStore(id);
    expect(moved).toMatchObject({ CloudHsmClusterId: CLUSTERS.B.id, CustomKeyStoreName: 'moved' });
    expect(moved.TrustAnchorCertificate).toBe(anchorPem('A'));
    // It connects to B's HSMs.
    await connect(id);
    expect((await waitFor(id, ['CONNECTED', 'FAILED'])).ConnectionState).toBe('CONNECTED');
    await disconnect(id);
    // ct-update-keystore, ct-connect-keystore: the store's name and cluster as additionalEventData.
    const events = await journalEvents<Record<string, unknown>>(t.dataDir);
    const last = (name: string) => events.filter((e) => e.eventName === name && e.errorCode === undefined).at(-1)!;
    expect(last('UpdateCustomKeyStore')).toMatchObject({
      requestParameters: { customKeyStoreId: id, clusterId: CLUSTERS.B.id, newCustomKeyStoreName: 'moved' },
      responseElements: null,
      additionalEventData: { customKeyStoreName: 'moved', clusterId: CLUSTERS.B.id },
    });
    for (const name of ['ConnectCustomKeyStore', 'DisconnectCustomKeyStore']) {
      expect(last(name)).toMatchObject({
        requestParameters: { customKeyStoreId: id },
        responseElements: null,
        additionalEventData: { customKeyStoreName: 'moved', clusterId: CLUSTERS.B.id },
      });
    }
    const clash = await createStore('name clash', 'C');
    await expectKmsError(update(id, { NewCustomKeyStoreName: 'name clash' }), 'CustomKeyStoreNameInUseException');
    await remove(clash);
    await remove(id);
  });

  it('fails with INVALID_CREDENTIALS on a wrong password, and is fixed by Disconnect, Update and Connect', async () => {
    const id = await createStore('wrong password', 'C', WRONG_PASSWORD);
    await connect(id);
    const failed = await waitFor(id, ['FAILED', 'CONNECTED']);
    expect(failed).toMatchObject({ ConnectionState: 'FAILED', ConnectionErrorCode: 'INVALID_CREDENTIALS' });

    await expectKmsError(
      connect(id),
      'CustomKeyStoreInvalidStateException',
      `Custom key store ${id} is in the FAILED state. To reconnect it, disconnect it (DisconnectCustomKeyStore), then connect it (ConnectCustomKeyStore).`,
    );
    await expectKmsError(
      update(id, { KeyStorePassword: USER_PIN }),
      'CustomKeyStoreInvalidStateException',
      `Custom key store ${id} must be DISCONNECTED to update its KeyStorePassword or CloudHsmClusterId; its connection state is FAILED.`,
    );
    await expectKmsError(
      update(id, { NewCustomKeyStoreName: 'renamed' }),
      'CustomKeyStoreInvalidStateException',
      `Custom key store ${id} must be CONNECTED or DISCONNECTED to update its name; its connection state is FAILED.`,
    );
    await expectKmsError(remove(id), 'CustomKeyStoreInvalidStateException');

    await disconnect(id);
    const off = await describeStore(id);
    expect(off.ConnectionState).toBe('DISCONNECTED');
    // "This field appears in the response only when the ConnectionState is FAILED."
    expect(off).not.toHaveProperty('ConnectionErrorCode');
    await update(id, { KeyStorePassword: USER_PIN });
    await connect(id);
    const fixed = await waitFor(id, ['CONNECTED', 'FAILED']);
    expect(fixed.ConnectionState).toBe('CONNECTED');
    expect(fixed).not.toHaveProperty('ConnectionErrorCode');
    await disconnect(id);
    await remove(id);

    const logs = t.logs.text();
    expect(logs).not.toContain(WRONG_PASSWORD);
    expect(logs).not.toContain(USER_PIN);
  });

  it('fails with INSUFFICIENT_CLOUDHSM_HSMS when only one HSM of the cluster is there', async () => {
    const id = await createStore('one hsm left', 'E');
    await connect(id);
    const failed = await waitFor(id, ['FAILED', 'CONNECTED']);
    expect(failed).toMatchObject({ ConnectionState: 'FAILED', ConnectionErrorCode: 'INSUFFICIENT_CLOUDHSM_HSMS' });
    await disconnect(id);
    expect((await describeStore(id)).ConnectionState).toBe('DISCONNECTED');
    await remove(id);
  });
});

describe('DeleteCustomKeyStore', () => {
  it('refuses a store that holds keys', async () => {
    const id = await createStore('holds keys', 'I');
    const { storage } = t.server.services;
    const key = keyRecordFixture({
      keyId: '0b0c0d0e-1111-4222-8333-444455556666',
      accountId: t.server.accountId,
      region: 'us-east-1',
      currentMaterialId: '',
      origin: 'AWS_CLOUDHSM',
      customKeyStoreId: id,
    });
    expect(await storage.createKey(key, undefined)).toBe('ok');
    await expectKmsError(
      remove(id),
      'CustomKeyStoreHasCMKsException',
      `Custom key store ${id} contains KMS keys. Delete them with ScheduleKeyDeletion before deleting the custom key store.`,
    );
    expect((await describeStore(id)).CustomKeyStoreName).toBe('holds keys');
    expect(await storage.deleteKey(key)).toBe('ok');
    await remove(id);
  });
});

describe('DescribeCustomKeyStores', () => {
  it('pages through every store of the account, and only the account’s', async () => {
    const mine = [await createStore('page 1', 'G'), await createStore('page 2', 'H'), await createStore('page 3', 'I')];
    const theirs = await createStore('theirs', 'F', USER_PIN, other);
    const all = await kms.send(new DescribeCustomKeyStoresCommand({}));
    expect(all.Truncated).toBe(false);
    expect(all.NextMarker).toBeUndefined();
    const ids = all.CustomKeyStores!.map((s) => s.CustomKeyStoreId);
    expect(ids).toEqual(expect.arrayContaining(mine));
    expect(ids).not.toContain(theirs);

    const paged: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await kms.send(
        new DescribeCustomKeyStoresCommand({ Limit: 1, ...(marker ? { Marker: marker } : {}) }),
      );
      expect(page.CustomKeyStores!.length).toBeLessThanOrEqual(1);
      paged.push(...page.CustomKeyStores!.map((s) => s.CustomKeyStoreId!));
      marker = page.Truncated ? page.NextMarker : undefined;
      if (page.Truncated) expect(page.NextMarker).toBeDefined();
      pages++;
    } while (marker);
    expect(paged).toEqual(ids);
    expect(pages).toBe(ids.length);

    const two = await kms.send(new DescribeCustomKeyStoresCommand({ Limit: 2 }));
    expect(two.CustomKeyStores!.map((s) => s.CustomKeyStoreId)).toEqual(ids.slice(0, 2));
    expect(two.Truncated).toBe(true);

    await expectKmsError(
      kms.send(new DescribeCustomKeyStoresCommand({ Marker: 'not-a-marker' })),
      'InvalidMarkerException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(kms.send(new DescribeCustomKeyStoresCommand({ Limit: 0 })), 'ValidationException');
    await expectKmsError(
      kms.send(new DescribeCustomKeyStoresCommand({ Limit: 1001 })),
      'ValidationException',
      "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );

    // Another account's store is not found by id or by name.
    await expectKmsError(
      describeStore(theirs),
      'CustomKeyStoreNotFoundException',
      `Custom key store ${theirs} does not exist.`,
    );
    await expectKmsError(
      kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: 'theirs' })),
      'CustomKeyStoreNotFoundException',
      'Custom key store theirs does not exist.',
    );
    await expectKmsError(
      kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: mine[0], CustomKeyStoreName: 'page 1' })),
      'ValidationException',
      'Specify either CustomKeyStoreId or CustomKeyStoreName, not both.',
    );
    for (const id of mine) await remove(id);
    await remove(theirs, other);
  });
});

describe('an unknown custom key store', () => {
  it('is CustomKeyStoreNotFoundException for every operation', async () => {
    const id = 'cks-1234567890abcdef0';
    const message = `Custom key store ${id} does not exist.`;
    await expectKmsError(describeStore(id), 'CustomKeyStoreNotFoundException', message);
    await expectKmsError(connect(id), 'CustomKeyStoreNotFoundException', message);
    await expectKmsError(disconnect(id), 'CustomKeyStoreNotFoundException', message);
    await expectKmsError(update(id, { NewCustomKeyStoreName: 'x' }), 'CustomKeyStoreNotFoundException', message);
    await expectKmsError(remove(id), 'CustomKeyStoreNotFoundException', message);
    // Another account's store is unknown here.
    const theirs = await createStore('not yours', 'G', USER_PIN, other);
    await expectKmsError(connect(theirs), 'CustomKeyStoreNotFoundException');
    await expectKmsError(remove(theirs), 'CustomKeyStoreNotFoundException');
    await remove(theirs, other);
  });
});

describe('authorization', () => {
  it('authorizes each operation by the caller’s identity policies, on resource *', async () => {
    const iam = t.iam();
    const user = (await iam.send(new CreateUserCommand({ UserName: 'store-reader' }))).User!;
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'kms:DescribeCustomKeyStores', Resource: '*' }],
    };
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'store-reader',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'store-reader' }))).AccessKey!;
    const reader = t.client({ credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });

    const id = await createStore('guarded', 'G');
    expect((await describeStore(id, reader)).CustomKeyStoreName).toBe('guarded');
    const denied = (action: string) =>
      `User: ${user.Arn} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`;
    await expectKmsError(
      createStore('mine', 'H', USER_PIN, reader),
      'AccessDeniedException',
      denied('kms:CreateCustomKeyStore'),
    );
    await expectKmsError(
      reader.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id })),
      'AccessDeniedException',
      denied('kms:ConnectCustomKeyStore'),
    );
    await expectKmsError(remove(id, reader), 'AccessDeniedException', denied('kms:DeleteCustomKeyStore'));
    await remove(id);
  });
});
