/**
 * KMS keys in a CloudHSM key store (issue 9), black-box through @aws-sdk/client-kms against a
 * server whose HSM clusters are SoftHSM2 tokens: CreateKey with CustomKeyStoreId (AWS's checks),
 * the key objects in every HSM (label = key ARN, sensitive, never extractable), every symmetric
 * operation inside the HSMs with ciphertext version 2, tampering, KeyState Unavailable while the
 * store is disconnected or failed (never a software fallback), reconnecting, GenerateRandom from
 * the HSM, and the deletion of the objects after the waiting period.
 */
import {
  CancelKeyDeletionCommand,
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  DisconnectCustomKeyStoreCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  GetParametersForImportCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  type CreateKeyCommandInput,
  type CustomKeyStoresListEntry,
  type KeyMetadata,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HsmClusterSpec } from '../src/keystore/index.js';
import { HsmCluster } from '../src/keystore/pkcs11/index.js';
import { bytes, EMPTY_MESSAGE, expectKmsError, followClock, newKey, text } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';
import { createSoftHsm, SOFTHSM_MODULE, USER_PIN, type SoftHsm } from './helpers/softhsm.js';

const DAY = 24 * 60 * 60 * 1000;
/** P: three HSMs, the keys of most tests. Q: two HSMs whose token directories a test deletes. */
const CLUSTERS = {
  P: { id: 'cluster-ppppppppppp', labels: ['hsm-p1', 'hsm-p2', 'hsm-p3'] },
  Q: { id: 'cluster-qqqqqqqqqqq', labels: ['hsm-q1', 'hsm-q2'] },
  /** Its store is created, never connected. */
  R: { id: 'cluster-rrrrrrrrrrr', labels: ['hsm-r1', 'hsm-r2'] },
} as const;
type ClusterName = keyof typeof CLUSTERS;

const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
let hsm: SoftHsm;
let t: TestServer;
let kms: KMSClient;
const stores = {} as Record<ClusterName, string>;

const anchors = {} as Record<ClusterName, string>;

/**
 * Each cluster's own trust anchor (clusters with one anchor are related, and an account's stores
 * may not use related clusters).
 */
function makeAnchor(name: ClusterName): string {
  const path = join(hsm.dir, `customerCA-${name}.crt`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout'].concat([
      join(hsm.dir, `ca-${name}.key`),
      '-out',
      path,
      '-days',
      '2',
      '-subj',
      `/CN=Trent test cluster ${name}`,
    ]),
    { stdio: 'ignore' },
  );
  return path;
}

const spec = (name: ClusterName): HsmClusterSpec => ({
  clusterId: CLUSTERS[name].id,
  modulePath: SOFTHSM_MODULE,
  tokenLabels: [...CLUSTERS[name].labels],
  trustAnchorPath: anchors[name],
});

beforeAll(async () => {
  hsm = createSoftHsm();
  const names = Object.keys(CLUSTERS) as ClusterName[];
  for (const name of names) {
    anchors[name] = makeAnchor(name);
    for (const label of CLUSTERS[name].labels) hsm.initToken(label);
  }
  t = await startTestServer({ clock, hsmClusters: names.map(spec) });
  kms = followClock(t.client(), clock);
  for (const name of names) {
    const created = await kms.send(
      new CreateCustomKeyStoreCommand({
        CustomKeyStoreName: `store ${name}`,
        CloudHsmClusterId: CLUSTERS[name].id,
        TrustAnchorCertificate: readFileSync(anchors[name], 'utf8'),
        KeyStorePassword: USER_PIN,
      }),
    );
    stores[name] = created.CustomKeyStoreId!;
  }
  await connect('P');
  await connect('Q');
}, 120_000);
afterAll(async () => {
  await t?.stop();
  hsm?.cleanup();
});

async function describeStore(name: ClusterName): Promise<CustomKeyStoresListEntry> {
  const { CustomKeyStores } = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: stores[name] }));
  return CustomKeyStores![0]!;
}

/** Polls DescribeCustomKeyStores until the store is in one of `states`. */
async function waitFor(name: ClusterName, states: string[]): Promise<CustomKeyStoresListEntry> {
  for (let i = 0; i < 800; i++) {
    const entry = await describeStore(name);
    if (states.includes(entry.ConnectionState!)) return entry;
    await sleep(25);
  }
  throw new Error(`store ${name} never reached ${states.join(' or ')}`);
}

async function connect(name: ClusterName): Promise<void> {
  await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: stores[name] }));
  expect((await waitFor(name, ['CONNECTED', 'FAILED'])).ConnectionState).toBe('CONNECTED');
}

async function disconnect(name: ClusterName): Promise<void> {
  await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: stores[name] }));
  await waitFor(name, ['DISCONNECTED']);
}

async function hsmKey(name: ClusterName = 'P', extra: Partial<CreateKeyCommandInput> = {}): Promise<KeyMetadata> {
  const { KeyMetadata } = await kms.send(
    new CreateKeyCommand({ CustomKeyStoreId: stores[name], Origin: 'AWS_CLOUDHSM', ...extra }),
  );
  return KeyMetadata!;
}

const describeKey = async (KeyId: string) => (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!;
const encrypt = async (KeyId: string, plaintext = 'in the HSM', EncryptionContext?: Record<string, string>) =>
  (await kms.send(new EncryptCommand({ KeyId, Plaintext: bytes(plaintext), EncryptionContext }))).CiphertextBlob!;
const decrypt = async (CiphertextBlob: Uint8Array, EncryptionContext?: Record<string, string>, KeyId?: string) =>
  text((await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext, KeyId }))).Plaintext);

/** Every key object Trent made in the HSMs of `name`, read by a login of our own. */
async function objectsIn(name: ClusterName) {
  const cluster = await HsmCluster.connect(spec(name), USER_PIN);
  try {
    return await cluster.inspect();
  } finally {
    cluster.close();
  }
}

const unavailable = (arn: string) => `${arn} is unavailable.`;

describe('CreateKey in a CloudHSM key store', () => {
  it('creates the key in every HSM of the cluster: labelled with its ARN, sensitive, never extractable', async () => {
    const key = await hsmKey('P', { Description: 'in P' });
    expect(key).toMatchObject({
      Origin: 'AWS_CLOUDHSM',
      CustomKeyStoreId: stores.P,
      CloudHsmClusterId: CLUSTERS.P.id,
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Enabled: true,
      MultiRegion: false,
      Description: 'in P',
    });
    expect(key.CurrentKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(await describeKey(key.KeyId!)).toEqual(key);

    const objects = (await objectsIn('P')).filter((o) => o.label === key.Arn);
    expect(objects.map((o) => o.token).sort()).toEqual([...CLUSTERS.P.labels]);
    for (const o of objects) {
      expect(o.id).toBe(key.CurrentKeyMaterialId);
      expect(o.attributes).toMatchObject({
        CKA_TOKEN: true,
        CKA_SENSITIVE: true,
        CKA_ALWAYS_SENSITIVE: true,
        CKA_EXTRACTABLE: false,
        CKA_NEVER_EXTRACTABLE: true,
        CKA_WRAP: false,
        CKA_UNWRAP: false,
        CKA_DERIVE: false,
        CKA_ENCRYPT: true,
        CKA_DECRYPT: true,
      });
    }
    // Nothing of it in the database: its one material row holds no wrapped blob.
    const rows = await t.server.services.storage.listImportedKeyMaterials(key.Arn!);
    expect(rows.map((m) => [m.materialId, m.wrapped.length])).toEqual([[key.CurrentKeyMaterialId, 0]]);
    expect(await t.server.services.storage.getKeyMaterial(key.Arn!, key.CurrentKeyMaterialId!)).toBeUndefined();
  });

  it('refuses what AWS refuses: Origin and CustomKeyStoreId apart, other key specs, multi-Region keys, an unknown or disconnected store', async () => {
    await expectKmsError(kms.send(new CreateKeyCommand({ Origin: 'AWS_CLOUDHSM' })), 'ValidationException');
    await expectKmsError(kms.send(new CreateKeyCommand({ CustomKeyStoreId: stores.P })), 'ValidationException');
    await expectKmsError(
      kms.send(new CreateKeyCommand({ CustomKeyStoreId: stores.P, Origin: 'EXTERNAL' })),
      'ValidationException',
    );
    for (const [KeySpec, KeyUsage] of [
      ['RSA_2048', 'ENCRYPT_DECRYPT'],
      ['ECC_NIST_P256', 'SIGN_VERIFY'],
      ['HMAC_256', 'GENERATE_VERIFY_MAC'],
    ] as const) {
      await expectKmsError(
        kms.send(new CreateKeyCommand({ CustomKeyStoreId: stores.P, Origin: 'AWS_CLOUDHSM', KeySpec, KeyUsage })),
        'UnsupportedOperationException',
        `KeySpec ${KeySpec} is not supported for KMS keys in a custom key store (Origin AWS_CLOUDHSM).`,
      );
    }
    await expectKmsError(hsmKey('P', { MultiRegion: true }), 'UnsupportedOperationException');
    await expectKmsError(
      kms.send(new CreateKeyCommand({ CustomKeyStoreId: 'cks-0123456789abcdef0', Origin: 'AWS_CLOUDHSM' })),
      'CustomKeyStoreNotFoundException',
    );
    await expectKmsError(
      hsmKey('R'),
      'CustomKeyStoreInvalidStateException',
      `Custom key store ${stores.R} is not connected. Its ConnectionState is DISCONNECTED.`,
    );
    // Nothing was created in R's HSMs nor anywhere else.
    expect(await objectsIn('R')).toEqual([]);
  });

  it('offers no rotation and no import, whatever the key state (UnsupportedOperationException)', async () => {
    const key = await hsmKey();
    const origin = `${key.Arn} origin is AWS_CLOUDHSM which is not valid for this operation.`;
    for (const KeyId of [key.KeyId!]) {
      await expectKmsError(kms.send(new EnableKeyRotationCommand({ KeyId })), 'UnsupportedOperationException', origin);
      await expectKmsError(kms.send(new DisableKeyRotationCommand({ KeyId })), 'UnsupportedOperationException', origin);
      await expectKmsError(kms.send(new RotateKeyOnDemandCommand({ KeyId })), 'UnsupportedOperationException', origin);
      await expectKmsError(
        kms.send(
          new GetParametersForImportCommand({
            KeyId,
            WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
            WrappingKeySpec: 'RSA_2048',
          }),
        ),
        'UnsupportedOperationException',
        origin,
      );
    }
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })),
      'UnsupportedOperationException',
      origin,
    );
  });
});

describe('cryptographic operations inside the HSMs', () => {
  let key: KeyMetadata;
  let software: KeyMetadata;
  const context = { purpose: 'hsm test', tenant: 'alice' };
  beforeAll(async () => {
    key = await hsmKey();
    software = await newKey(kms, 'a software key');
  });

  it('Encrypt and Decrypt round-trip with the context bound; the blob is version 2', async () => {
    const blob = await encrypt(key.KeyId!, 'attack at dawn', context);
    expect(Buffer.from(blob.subarray(0, 5))).toEqual(Buffer.from('TRNT\x02', 'latin1'));
    expect(await decrypt(blob, context)).toBe('attack at dawn');
    expect(await decrypt(blob, context, key.Arn)).toBe('attack at dawn');
    // Reversed insertion order is the same context.
    expect(await decrypt(blob, { tenant: 'alice', purpose: 'hsm test' })).toBe('attack at dawn');
    const wrongContexts: (Record<string, string> | undefined)[] = [
      undefined,
      {},
      { ...context, tenant: 'bob' },
      { purpose: 'hsm test' },
    ];
    for (const wrong of wrongContexts) {
      await expectKmsError(
        kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: wrong })),
        'InvalidCiphertextException',
        EMPTY_MESSAGE,
      );
    }
    const bare = await encrypt(key.KeyId!, 'no context');
    expect(await decrypt(bare)).toBe('no context');
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: bare, EncryptionContext: { a: 'b' } })),
      'InvalidCiphertextException',
    );
    // 4096 bytes, AWS's limit for Encrypt.
    const big = 'x'.repeat(4096);
    expect(await decrypt(await encrypt(key.KeyId!, big))).toBe(big);
  });

  it('GenerateDataKey and GenerateDataKeyWithoutPlaintext encrypt the data key in the HSM', async () => {
    const dk = await kms.send(
      new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    expect(dk.KeyId).toBe(key.Arn);
    expect(dk.Plaintext).toHaveLength(32);
    expect(dk.CiphertextBlob![4]).toBe(2);
    const opened = await kms.send(
      new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(opened.Plaintext!)).toEqual(Buffer.from(dk.Plaintext!));
    expect(opened.KeyId).toBe(key.Arn);

    const without = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, NumberOfBytes: 64 }));
    expect(without).not.toHaveProperty('Plaintext');
    const plain = await kms.send(new DecryptCommand({ CiphertextBlob: without.CiphertextBlob }));
    expect(plain.Plaintext).toHaveLength(64);
  });

  it('refuses data key pairs: they are not supported in custom key stores', async () => {
    for (const command of [
      new GenerateDataKeyPairCommand({ KeyId: key.KeyId, KeyPairSpec: 'ECC_NIST_P256' }),
      new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: key.KeyId, KeyPairSpec: 'ECC_NIST_P256' }),
    ]) {
      await expect(kms.send(command as GenerateDataKeyPairCommand)).rejects.toMatchObject({
        name: 'UnsupportedOperationException',
        message: `${key.Arn} origin is AWS_CLOUDHSM which is not valid for this operation.`,
      });
    }
  });

  it('ReEncrypt moves ciphertext between an HSM key and a software key, both ways', async () => {
    const hsmBlob = await encrypt(key.KeyId!, 'moving', context);
    const toSoftware = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: hsmBlob,
        SourceEncryptionContext: context,
        DestinationKeyId: software.KeyId,
      }),
    );
    expect(toSoftware.SourceKeyId).toBe(key.Arn);
    expect(toSoftware.CiphertextBlob![4]).toBe(1);
    expect(await decrypt(toSoftware.CiphertextBlob!)).toBe('moving');
    const back = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: toSoftware.CiphertextBlob,
        DestinationKeyId: key.Arn,
        DestinationEncryptionContext: { back: 'again' },
      }),
    );
    expect(back.KeyId).toBe(key.Arn);
    expect(back.CiphertextBlob![4]).toBe(2);
    expect(await decrypt(back.CiphertextBlob!, { back: 'again' })).toBe('moving');
  });

  it('any changed byte, a truncation or a version byte of 1 is InvalidCiphertextException, never anything else', async () => {
    const blob = Buffer.from(await encrypt(key.KeyId!, 'tamper with me', context));
    const arnEnd = 7 + key.Arn!.length;
    // The ARN's last byte names another key, which does not exist: also InvalidCiphertextException.
    const positions = [
      0,
      4,
      5,
      7,
      arnEnd - 1,
      arnEnd,
      arnEnd + 31,
      arnEnd + 32,
      arnEnd + 33,
      arnEnd + 45,
      blob.length - 17,
      blob.length - 1,
    ];
    for (const i of positions) {
      const t2 = Buffer.from(blob);
      t2[i]! ^= 0x01;
      await expectKmsError(
        kms.send(new DecryptCommand({ CiphertextBlob: t2, EncryptionContext: context })),
        'InvalidCiphertextException',
        EMPTY_MESSAGE,
      );
    }
    for (const cut of [blob.length - 1, blob.length - 16, 60]) {
      await expectKmsError(
        kms.send(new DecryptCommand({ CiphertextBlob: blob.subarray(0, cut), EncryptionContext: context })),
        'InvalidCiphertextException',
        EMPTY_MESSAGE,
      );
    }
    // A software key's ciphertext relabelled with the HSM key's ARN, and the reverse, never open.
    const soft = Buffer.from(await encrypt(software.KeyId!, 'software'));
    const relabelled = Buffer.concat([
      soft.subarray(0, 7),
      Buffer.from(key.Arn!, 'ascii'),
      soft.subarray(7 + software.Arn!.length),
    ]);
    relabelled.writeUInt16BE(key.Arn!.length, 5);
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: relabelled })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
    const asSoftware = Buffer.concat([blob.subarray(0, 7), Buffer.from(software.Arn!, 'ascii'), blob.subarray(arnEnd)]);
    asSoftware.writeUInt16BE(software.Arn!.length, 5);
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: asSoftware, EncryptionContext: context })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
    // The untouched blob still opens.
    expect(await decrypt(blob, context)).toBe('tamper with me');
  });
});

describe('GenerateRandom with CustomKeyStoreId', () => {
  it('draws from an HSM of the connected store; an unknown or disconnected store is refused', async () => {
    const { Plaintext } = await kms.send(
      new GenerateRandomCommand({ CustomKeyStoreId: stores.P, NumberOfBytes: 1024 }),
    );
    expect(Plaintext).toHaveLength(1024);
    expect(new Set(Plaintext).size).toBeGreaterThan(100);
    await expectKmsError(
      kms.send(new GenerateRandomCommand({ CustomKeyStoreId: 'cks-0123456789abcdef0', NumberOfBytes: 8 })),
      'CustomKeyStoreNotFoundException',
    );
    await expectKmsError(
      kms.send(new GenerateRandomCommand({ CustomKeyStoreId: stores.R, NumberOfBytes: 8 })),
      'CustomKeyStoreInvalidStateException',
      `Custom key store ${stores.R} is not connected. Its ConnectionState is DISCONNECTED.`,
    );
  });
});

describe('a disconnected store: its keys are Unavailable, and come back as they were', () => {
  it('answers Unavailable and KMSInvalidStateException; management works; reconnecting restores every state', async () => {
    const enabled = await hsmKey();
    const disabled = await hsmKey();
    const disabledMeanwhile = await hsmKey();
    const enabledMeanwhile = await hsmKey();
    const doomed = await hsmKey();
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: enabledMeanwhile.KeyId }));
    const blob = await encrypt(enabled.KeyId!, 'before the disconnect');

    await disconnect('P');
    for (const k of [enabled, disabled, disabledMeanwhile, enabledMeanwhile, doomed]) {
      const meta = await describeKey(k.KeyId!);
      expect(meta).toMatchObject({
        KeyState: 'Unavailable',
        Enabled: false,
        CustomKeyStoreId: stores.P,
        CloudHsmClusterId: CLUSTERS.P.id,
      });
    }
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: enabled.KeyId, Plaintext: bytes('x') })),
      'KMSInvalidStateException',
      unavailable(enabled.Arn!),
    );
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob })),
      'KMSInvalidStateException',
      unavailable(enabled.Arn!),
    );
    await expectKmsError(
      kms.send(new GenerateDataKeyCommand({ KeyId: enabled.KeyId, KeySpec: 'AES_256' })),
      'KMSInvalidStateException',
      unavailable(enabled.Arn!),
    );
    await expectKmsError(
      hsmKey('P'),
      'CustomKeyStoreInvalidStateException',
      `Custom key store ${stores.P} is not connected. Its ConnectionState is DISCONNECTED.`,
    );
    await expectKmsError(
      kms.send(new GenerateRandomCommand({ CustomKeyStoreId: stores.P, NumberOfBytes: 8 })),
      'CustomKeyStoreInvalidStateException',
    );
    // "The operation succeeds, but the key state ... does not change until it becomes available."
    await kms.send(new DisableKeyCommand({ KeyId: disabledMeanwhile.KeyId }));
    await kms.send(new EnableKeyCommand({ KeyId: enabledMeanwhile.KeyId }));
    expect((await describeKey(disabledMeanwhile.KeyId!)).KeyState).toBe('Unavailable');
    // Grants and deletion are managed as usual; a key pending deletion stays PendingDeletion.
    await kms.send(
      new CreateGrantCommand({
        KeyId: enabled.KeyId,
        GranteePrincipal: `arn:aws:iam::${t.server.accountId}:root`,
        Operations: ['Decrypt'],
      }),
    );
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
    expect((await describeKey(doomed.KeyId!)).KeyState).toBe('PendingDeletion');
    await kms.send(new CancelKeyDeletionCommand({ KeyId: doomed.KeyId }));
    expect((await describeKey(doomed.KeyId!)).KeyState).toBe('Unavailable');
    // The stored states are the real ones, never Unavailable.
    const stored = await t.server.services.storage.getKey('us-east-1', t.server.accountId, disabledMeanwhile.KeyId!);
    expect(stored?.keyState).toBe('Disabled');

    await connect('P');
    expect((await describeKey(enabled.KeyId!)).KeyState).toBe('Enabled');
    expect((await describeKey(disabled.KeyId!)).KeyState).toBe('Disabled');
    expect((await describeKey(disabledMeanwhile.KeyId!)).KeyState).toBe('Disabled');
    expect((await describeKey(enabledMeanwhile.KeyId!)).KeyState).toBe('Enabled');
    expect((await describeKey(doomed.KeyId!)).KeyState).toBe('Disabled');
    expect(await decrypt(blob)).toBe('before the disconnect');
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: disabled.KeyId, Plaintext: bytes('x') })),
      'DisabledException',
      `${disabled.Arn} is disabled.`,
    );
  });
});

describe('HSMs that vanish while connected', () => {
  it('passes over a lost HSM; losing the last fails the store and makes its keys Unavailable, no software fallback', async () => {
    const key = await hsmKey('Q');
    const blob = await encrypt(key.KeyId!, 'survive');
    hsm.removeToken('hsm-q1');
    // Either HSM may serve each call: two rounds meet the lost one, and the other answers.
    for (let i = 0; i < 3; i++) expect(await decrypt(await encrypt(key.KeyId!, `round ${i}`))).toBe(`round ${i}`);
    expect(await decrypt(blob)).toBe('survive');
    expect((await describeStore('Q')).ConnectionState).toBe('CONNECTED');
    // One HSM left: too few to create a key in (CreateKey needs two).
    await expectKmsError(hsmKey('Q'), 'CloudHsmClusterInvalidConfigurationException');

    hsm.removeToken('hsm-q2');
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob })),
      'KMSInvalidStateException',
      unavailable(key.Arn!),
    );
    const store = await describeStore('Q');
    expect(store).toMatchObject({ ConnectionState: 'FAILED', ConnectionErrorCode: 'INSUFFICIENT_CLOUDHSM_HSMS' });
    expect((await describeKey(key.KeyId!)).KeyState).toBe('Unavailable');
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x') })),
      'KMSInvalidStateException',
      unavailable(key.Arn!),
    );
    await expectKmsError(
      kms.send(new GenerateRandomCommand({ CustomKeyStoreId: stores.Q, NumberOfBytes: 8 })),
      'CustomKeyStoreInvalidStateException',
    );
    // Nothing about the key was ever in the database to fall back on.
    expect(await t.server.services.storage.getKeyMaterial(key.Arn!, key.CurrentKeyMaterialId!)).toBeUndefined();
    await disconnect('Q');
  });
});

describe('deletion after the waiting period', () => {
  it('destroys the key objects in every HSM; a disconnected store keeps them, and the server says so', async () => {
    const key = await hsmKey();
    const kept = await hsmKey();
    const orphan = await hsmKey();
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    clock.advance(7 * DAY - 1000);
    expect((await t.server.runScheduledWork()).deleted).toEqual([]);
    expect((await objectsIn('P')).filter((o) => o.label === key.Arn)).toHaveLength(3);
    clock.advance(1000);
    expect((await t.server.runScheduledWork()).deleted).toEqual([key.Arn]);
    const after = await objectsIn('P');
    expect(after.filter((o) => o.label === key.Arn)).toEqual([]);
    expect(after.filter((o) => o.label === kept.Arn)).toHaveLength(3);
    await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: key.KeyId })), 'NotFoundException');

    // AWS makes a best effort: with the store disconnected the key goes, its objects stay.
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: orphan.KeyId, PendingWindowInDays: 7 }));
    await disconnect('P');
    expect((await describeKey(orphan.KeyId!)).KeyState).toBe('PendingDeletion');
    clock.advance(7 * DAY);
    expect((await t.server.runScheduledWork()).deleted).toEqual([orphan.Arn]);
    await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: orphan.KeyId })), 'NotFoundException');
    expect(t.logs.text()).toContain('its key material is left in the HSMs of its custom key store');
    expect(t.logs.text()).toContain(orphan.Arn);
    expect((await objectsIn('P')).filter((o) => o.label === orphan.Arn)).toHaveLength(3);
    await connect('P');
    expect((await describeKey(kept.KeyId!)).KeyState).toBe('Enabled');
  });
});
