/**
 * Custom key stores with the real AWS CLI v2, as the KMS Developer Guide's CloudHSM key store
 * procedures do it, against `trent serve --hsm-cluster` on two SoftHSM2 tokens: create the store
 * with the trust anchor certificate as a file://, connect it and wait for CONNECTED, create a key
 * in it (Origin AWS_CLOUDHSM), encrypt and decrypt fileb:// blobs, generate a data key and random
 * bytes from the HSM, disconnect (the key Unavailable, its use refused), reconnect (the old
 * ciphertext decrypts again), schedule the key's deletion and see the store's deletion refused
 * while it holds the key.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliOrSkip, cliServiceError, runAwsKms, type CliResult } from './helpers/aws-cli.js';
import { serveFromSources, type SourceServer } from './helpers/serve-sources.js';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsm } from './helpers/softhsm.js';

const AWS = awsCliOrSkip('test/aws-cli-custom-key-stores.test.ts');

const CLUSTER_ID = 'cluster-clitestabcde';
/** A second cluster, with a trust anchor of its own (so not related to the first). */
const OTHER_CLUSTER_ID = 'cluster-clitestother';
/** The kmsuser password: the tokens' user PIN. */
const PASSWORD = 'Cli-Kmsuser-Pw-2718';

interface StoreEntry {
  CustomKeyStoreId: string;
  CustomKeyStoreName: string;
  CustomKeyStoreType?: string;
  CloudHsmClusterId: string;
  TrustAnchorCertificate: string;
  ConnectionState: string;
  ConnectionErrorCode?: string;
  CreationDate: string;
}

interface KeyMetadata {
  KeyId: string;
  Arn: string;
  KeyState: string;
  Origin: string;
  KeySpec: string;
  KeyUsage: string;
  CustomKeyStoreId?: string;
  CloudHsmClusterId?: string;
  DeletionDate?: string;
}

// Each step is a CLI process (about a second of Python start-up each) and a connect logs in to two
// tokens and derives keys: minutes on a busy machine.
describe.skipIf(!AWS)('custom key stores with the AWS CLI v2', { timeout: 300_000 }, () => {
  let hsm: SoftHsm;
  let dataDir: string;
  let home: string;
  let server: SourceServer;
  const file = (name: string) => join(home, name);

  const aws = (args: string[]): Promise<CliResult> =>
    runAwsKms({ aws: AWS!, endpoint: server.url, home, ...server.credentials }, args);

  async function ok<T = Record<string, unknown>>(args: string[]): Promise<T> {
    const r = await aws(args);
    expect(r, `aws kms ${args.join(' ')}`).toMatchObject({ code: 0 });
    return (r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)) as T;
  }

  /** A service error: exit code 254 and the CLI's line with the AWS error name. */
  async function refused(args: string[], code: string): Promise<string> {
    const r = await aws(args);
    expect(r.code, `aws kms ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(254);
    expect(r.stderr).toMatch(new RegExp(`An error occurred \\(${code}\\) when calling the \\w+ operation`));
    return r.stderr;
  }

  async function describeStore(id: string): Promise<StoreEntry> {
    const { CustomKeyStores } = await ok<{ CustomKeyStores: StoreEntry[] }>([
      'describe-custom-key-stores',
      '--custom-key-store-id',
      id,
    ]);
    expect(CustomKeyStores).toHaveLength(1);
    return CustomKeyStores[0]!;
  }

  /** describe-custom-key-stores until the state is `state` (a script's polling loop). */
  async function waitFor(id: string, state: 'CONNECTED' | 'DISCONNECTED'): Promise<StoreEntry> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const entry = await describeStore(id);
      if (entry.ConnectionState === state) return entry;
      if (entry.ConnectionState === 'FAILED' || Date.now() > deadline)
        throw new Error(`custom key store ${id} is ${JSON.stringify(entry)}, not ${state}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    hsm = createSoftHsm();
    hsm.initToken('cli-hsm-1', PASSWORD);
    hsm.initToken('cli-hsm-2', PASSWORD);
    hsm.initToken('cli-hsm-3', PASSWORD);
    hsm.initToken('cli-hsm-4', PASSWORD);
    dataDir = await mkdtemp(join(tmpdir(), 'trent-cli-cks-data-'));
    home = await mkdtemp(join(tmpdir(), 'trent-cli-cks-'));
    // Any self-signed certificate is a trust anchor.
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
        '-keyout',
        file('other.key'),
        '-out',
        file('otherCA.crt'),
        '-days',
        '2',
        '-subj',
        '/CN=Not the cluster trust anchor',
      ]),
      { stdio: 'ignore' },
    );
    server = await serveFromSources(
      dataDir,
      [
        '--hsm-cluster',
        `${CLUSTER_ID}=${SOFTHSM_MODULE}:cli-hsm-1,cli-hsm-2:${hsm.trustAnchor}`,
        '--hsm-cluster',
        `${OTHER_CLUSTER_ID}=${SOFTHSM_MODULE}:cli-hsm-3,cli-hsm-4:${file('otherCA.crt')}`,
      ],
      hsm.env,
    );
  });

  afterAll(async () => {
    await server?.stop();
    hsm?.cleanup();
    for (const dir of [dataDir, home]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses an invalid cluster id and a trust anchor that is not the cluster’s', async () => {
    // 0, 1, 8 and 9 are not in a cluster id's alphabet.
    const invalid = await aws([
      'create-custom-key-store',
      '--custom-key-store-name',
      'bad-id',
      '--cloud-hsm-cluster-id',
      'cluster-1a23b4cdefg',
      '--key-store-password',
      PASSWORD,
      '--trust-anchor-certificate',
      `file://${hsm.trustAnchor}`,
    ]);
    expect(invalid.code).toBe(254);
    expect(invalid.stderr).toMatch(
      cliServiceError(
        'ValidationException',
        'CreateCustomKeyStore',
        "1 validation error detected: Value 'cluster-1a23b4cdefg' at 'cloudHsmClusterId' failed to satisfy constraint: Member must satisfy regular expression pattern: cluster-[2-7a-zA-Z]{11,16}",
      ),
    );
    expect(invalid.stderr).not.toContain(PASSWORD);

    await refused(
      [
        'create-custom-key-store',
        '--custom-key-store-name',
        'wrong-anchor',
        '--cloud-hsm-cluster-id',
        CLUSTER_ID,
        '--key-store-password',
        PASSWORD,
        '--trust-anchor-certificate',
        `file://${file('otherCA.crt')}`,
      ],
      'IncorrectTrustAnchorException',
    );
  });

  it('creates, connects, uses, disconnects and reconnects a store; refuses its deletion while it holds a key', async () => {
    // Create: the store starts DISCONNECTED.
    const { CustomKeyStoreId: storeId } = await ok<{ CustomKeyStoreId: string }>([
      'create-custom-key-store',
      '--custom-key-store-name',
      'cli-key-store',
      '--cloud-hsm-cluster-id',
      CLUSTER_ID,
      '--key-store-password',
      PASSWORD,
      '--trust-anchor-certificate',
      `file://${hsm.trustAnchor}`,
    ]);
    expect(storeId).toMatch(/^cks-[0-9a-f]{17}$/);
    const created = await describeStore(storeId);
    expect(created).toMatchObject({
      CustomKeyStoreId: storeId,
      CustomKeyStoreName: 'cli-key-store',
      CloudHsmClusterId: CLUSTER_ID,
      ConnectionState: 'DISCONNECTED',
    });
    expect(created.TrustAnchorCertificate.trim()).toBe((await readFile(hsm.trustAnchor, 'utf8')).trim());
    expect(created.ConnectionErrorCode).toBeUndefined();
    expect(JSON.stringify(created)).not.toContain(PASSWORD);
    const byName = await ok<{ CustomKeyStores: StoreEntry[] }>([
      'describe-custom-key-stores',
      '--custom-key-store-name',
      'cli-key-store',
    ]);
    expect(byName.CustomKeyStores.map((s) => s.CustomKeyStoreId)).toEqual([storeId]);

    // A key cannot be created in a store that is not connected.
    await refused(
      ['create-key', '--custom-key-store-id', storeId, '--origin', 'AWS_CLOUDHSM'],
      'CustomKeyStoreInvalidStateException',
    );

    // Connect: an empty answer at once, CONNECTED a little later.
    expect(await aws(['connect-custom-key-store', '--custom-key-store-id', storeId])).toMatchObject({ code: 0 });
    await waitFor(storeId, 'CONNECTED');

    // A key in the store.
    const { KeyMetadata: key } = await ok<{ KeyMetadata: KeyMetadata }>([
      'create-key',
      '--custom-key-store-id',
      storeId,
      '--origin',
      'AWS_CLOUDHSM',
      '--description',
      'key in the HSM cluster',
    ]);
    expect(key).toMatchObject({
      KeyState: 'Enabled',
      Origin: 'AWS_CLOUDHSM',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      CustomKeyStoreId: storeId,
      CloudHsmClusterId: CLUSTER_ID,
    });
    const described = await ok<{ KeyMetadata: KeyMetadata }>(['describe-key', '--key-id', key.KeyId]);
    expect(described.KeyMetadata).toMatchObject({ CustomKeyStoreId: storeId, CloudHsmClusterId: CLUSTER_ID });

    // Encrypt and decrypt with fileb:// blobs and an encryption context.
    await writeFile(file('message.txt'), 'encrypted inside the HSM');
    const encrypted = await ok<{ CiphertextBlob: string; KeyId: string }>([
      'encrypt',
      '--key-id',
      key.KeyId,
      '--plaintext',
      `fileb://${file('message.txt')}`,
      '--encryption-context',
      'purpose=cli-test',
    ]);
    expect(encrypted.KeyId).toBe(key.Arn);
    await writeFile(file('message.enc'), Buffer.from(encrypted.CiphertextBlob, 'base64'));
    const decrypt = () =>
      aws([
        'decrypt',
        '--ciphertext-blob',
        `fileb://${file('message.enc')}`,
        '--encryption-context',
        'purpose=cli-test',
        '--query',
        'Plaintext',
        '--output',
        'text',
      ]);
    const plain = await decrypt();
    expect(plain.code, plain.stderr).toBe(0);
    expect(Buffer.from(plain.stdout.trim(), 'base64').toString()).toBe('encrypted inside the HSM');
    await refused(
      ['decrypt', '--ciphertext-blob', `fileb://${file('message.enc')}`, '--encryption-context', 'purpose=other'],
      'InvalidCiphertextException',
    );

    // A data key: its ciphertext decrypts to its plaintext.
    const dataKey = await ok<{ Plaintext: string; CiphertextBlob: string; KeyId: string }>([
      'generate-data-key',
      '--key-id',
      key.KeyId,
      '--key-spec',
      'AES_256',
    ]);
    expect(Buffer.from(dataKey.Plaintext, 'base64')).toHaveLength(32);
    expect(dataKey.KeyId).toBe(key.Arn);
    await writeFile(file('datakey.enc'), Buffer.from(dataKey.CiphertextBlob, 'base64'));
    const dataKeyPlain = await ok<{ Plaintext: string; KeyId: string }>([
      'decrypt',
      '--ciphertext-blob',
      `fileb://${file('datakey.enc')}`,
    ]);
    expect(dataKeyPlain).toMatchObject({ Plaintext: dataKey.Plaintext, KeyId: key.Arn });

    // Random bytes from an HSM of the store.
    const random = await ok<{ Plaintext: string }>([
      'generate-random',
      '--number-of-bytes',
      '48',
      '--custom-key-store-id',
      storeId,
    ]);
    expect(Buffer.from(random.Plaintext, 'base64')).toHaveLength(48);

    // Disconnect: the key is Unavailable and cannot be used; no random bytes from the store.
    expect(await aws(['disconnect-custom-key-store', '--custom-key-store-id', storeId])).toMatchObject({ code: 0 });
    await waitFor(storeId, 'DISCONNECTED');
    const unavailable = await ok<{ KeyMetadata: KeyMetadata }>(['describe-key', '--key-id', key.KeyId]);
    expect(unavailable.KeyMetadata.KeyState).toBe('Unavailable');
    await refused(
      ['encrypt', '--key-id', key.KeyId, '--plaintext', `fileb://${file('message.txt')}`],
      'KMSInvalidStateException',
    );
    const undecryptable = await decrypt();
    expect(undecryptable.code).toBe(254);
    expect(undecryptable.stderr).toContain('KMSInvalidStateException');
    await refused(
      ['generate-random', '--number-of-bytes', '16', '--custom-key-store-id', storeId],
      'CustomKeyStoreInvalidStateException',
    );
    await refused(
      ['disconnect-custom-key-store', '--custom-key-store-id', storeId],
      'CustomKeyStoreInvalidStateException',
    );

    // Reconnect: the key is Enabled again and the earlier ciphertext decrypts.
    expect(await aws(['connect-custom-key-store', '--custom-key-store-id', storeId])).toMatchObject({ code: 0 });
    await waitFor(storeId, 'CONNECTED');
    const again = await ok<{ KeyMetadata: KeyMetadata }>(['describe-key', '--key-id', key.KeyId]);
    expect(again.KeyMetadata.KeyState).toBe('Enabled');
    const replain = await decrypt();
    expect(replain.code, replain.stderr).toBe(0);
    expect(Buffer.from(replain.stdout.trim(), 'base64').toString()).toBe('encrypted inside the HSM');

    // A connected store cannot be deleted; a disconnected one cannot while it holds a key, even one
    // pending deletion.
    await refused(['delete-custom-key-store', '--custom-key-store-id', storeId], 'CustomKeyStoreInvalidStateException');
    expect(await aws(['disconnect-custom-key-store', '--custom-key-store-id', storeId])).toMatchObject({ code: 0 });
    await waitFor(storeId, 'DISCONNECTED');
    const scheduled = await ok<{ KeyId: string; KeyState: string; PendingWindowInDays: number; DeletionDate: string }>([
      'schedule-key-deletion',
      '--key-id',
      key.KeyId,
      '--pending-window-in-days',
      '7',
    ]);
    expect(scheduled).toMatchObject({ KeyId: key.Arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    const pending = await ok<{ KeyMetadata: KeyMetadata }>(['describe-key', '--key-id', key.KeyId]);
    expect(pending.KeyMetadata.KeyState).toBe('PendingDeletion'); // not Unavailable
    await refused(['delete-custom-key-store', '--custom-key-store-id', storeId], 'CustomKeyStoreHasCMKsException');
    expect((await describeStore(storeId)).ConnectionState).toBe('DISCONNECTED');

    // One key store per cluster, one name per store.
    const createArgs = (name: string, clusterId: string, anchor: string) => [
      'create-custom-key-store',
      '--custom-key-store-name',
      name,
      '--cloud-hsm-cluster-id',
      clusterId,
      '--key-store-password',
      PASSWORD,
      '--trust-anchor-certificate',
      `file://${anchor}`,
    ];
    await refused(createArgs('cli-second-store', CLUSTER_ID, hsm.trustAnchor), 'CloudHsmClusterInUseException');
    await refused(
      createArgs('cli-key-store', OTHER_CLUSTER_ID, file('otherCA.crt')),
      'CustomKeyStoreNameInUseException',
    );

    // The password went to the server and nowhere else a user sees.
    expect(server.output()).not.toContain(PASSWORD);
  });

  it('deletes an empty, disconnected store', async () => {
    const { CustomKeyStoreId: storeId } = await ok<{ CustomKeyStoreId: string }>([
      'create-custom-key-store',
      '--custom-key-store-name',
      'cli-empty-store',
      '--cloud-hsm-cluster-id',
      OTHER_CLUSTER_ID,
      '--key-store-password',
      PASSWORD,
      '--trust-anchor-certificate',
      `file://${file('otherCA.crt')}`,
    ]);
    expect(await aws(['delete-custom-key-store', '--custom-key-store-id', storeId])).toMatchObject({ code: 0 });
    await refused(['describe-custom-key-stores', '--custom-key-store-id', storeId], 'CustomKeyStoreNotFoundException');
  });
});
