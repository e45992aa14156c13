/**
 * The root key PIN and the key store passwords are in no output (issue 9's tests; STYLE rule 6):
 * `trent serve` with its root key in a SoftHSM2 token (TRENT_ROOT_KEY_PIN) and a cluster of two
 * tokens runs a custom key store's whole life with distinctive passwords (created with a wrong
 * one, a connect that fails with INVALID_CREDENTIALS, the password updated, connected, keys used,
 * refused requests on the way), then the server's stdout and stderr, every file of the data
 * directory as bytes (JSON-lines audit, CloudTrail log files and digests ungzipped, the SQLite
 * database and its WAL), every error message returned and DescribeCustomKeyStores' output are
 * searched for each secret, raw, in hex and in base64.
 */
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeCustomKeyStoresCommand,
  DisconnectCustomKeyStoreCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateRandomCommand,
  KMSClient,
  UpdateCustomKeyStoreCommand,
  type CustomKeyStoresListEntry,
} from '@aws-sdk/client-kms';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaks } from './helpers/log-capture.js';
import { serveFromSources, type SourceServer } from './helpers/serve-sources.js';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsm } from './helpers/softhsm.js';

const ROOT_PIN = 'Root-Key-Pin-Secret-9173';
/** What the store is created with: not the tokens' PIN. */
const FIRST_PASSWORD = 'First-Store-Pw-6620';
/** The tokens' user PIN, given by UpdateCustomKeyStore. */
const RIGHT_PASSWORD = 'Right-Store-Pw-5521';
/** Too long for KeyStorePasswordType (7 to 32 characters): a ValidationException. */
const TOO_LONG_PASSWORD = 'Too-Long-Store-Password-Never-Shown-0123456789';
/** Given with a cluster Trent does not know, and while connected. */
const STRAY_PASSWORD = 'Stray-Store-Pw-4471';

const CLUSTER_ID = 'cluster-secretsabcde';

const secrets = new Map<string, Buffer>([
  ['root key PIN', Buffer.from(ROOT_PIN)],
  ['first key store password', Buffer.from(FIRST_PASSWORD)],
  ['right key store password', Buffer.from(RIGHT_PASSWORD)],
  ['too long key store password', Buffer.from(TOO_LONG_PASSWORD)],
  ['stray key store password', Buffer.from(STRAY_PASSWORD)],
]);

let hsm: SoftHsm;
let dataDir: string;
let server: SourceServer;
let kms: KMSClient;
/** Every error returned, as its name, message and own properties. */
const errors: string[] = [];
/** Every DescribeCustomKeyStores answer. */
const described: CustomKeyStoresListEntry[][] = [];

beforeAll(async () => {
  hsm = createSoftHsm();
  hsm.initToken('trent-root', ROOT_PIN);
  hsm.initToken('secrets-hsm-1', RIGHT_PASSWORD);
  hsm.initToken('secrets-hsm-2', RIGHT_PASSWORD);
  dataDir = mkdtempSync(join(tmpdir(), 'trent-hsm-secrets-'));
  server = await serveFromSources(
    dataDir,
    [
      '--root-key',
      `pkcs11:${SOFTHSM_MODULE}:trent-root`,
      '--hsm-cluster',
      `${CLUSTER_ID}=${SOFTHSM_MODULE}:secrets-hsm-1,secrets-hsm-2:${hsm.trustAnchor}`,
      '--audit-interval',
      '1',
      '--digest-interval',
      '1',
    ],
    { ...hsm.env, TRENT_ROOT_KEY_PIN: ROOT_PIN },
  );
  kms = new KMSClient({ endpoint: server.url, region: 'us-east-1', maxAttempts: 1, credentials: server.credentials });
});

afterAll(async () => {
  kms?.destroy();
  await server?.stop();
  hsm?.cleanup();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** `promise` must fail with the AWS error `name`; the error is kept for the search. */
async function refused(promise: Promise<unknown>, name: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${name}`).toBeInstanceOf(Error);
  const e = err as Error;
  errors.push(`${e.name}: ${e.message} ${JSON.stringify(e)}`);
  expect(e.name).toBe(name);
}

async function describeStore(CustomKeyStoreId: string): Promise<CustomKeyStoresListEntry> {
  const { CustomKeyStores = [] } = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId }));
  described.push(CustomKeyStores);
  expect(CustomKeyStores).toHaveLength(1);
  return CustomKeyStores[0]!;
}

/** DescribeCustomKeyStores until the store leaves CONNECTING (or DISCONNECTING). */
async function settledState(id: string): Promise<CustomKeyStoresListEntry> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const entry = await describeStore(id);
    if (entry.ConnectionState !== 'CONNECTING' && entry.ConnectionState !== 'DISCONNECTING') return entry;
    if (Date.now() > deadline) throw new Error(`custom key store ${id} stays ${entry.ConnectionState}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every regular file under `dir`, with its bytes (gzip files ungzipped too). */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      continue; // gone since the listing (a WAL checkpointed, a temporary file renamed)
    }
    if (path.endsWith('.gz')) bytes = Buffer.concat([bytes, gunzipSync(bytes)]);
    out.push({ path, bytes });
  }
  return out;
}

// A connect logs in to both tokens; the whole life of a store and the deliveries take a while.
describe('the root key PIN and key store passwords', { timeout: 240_000 }, () => {
  it('appear in no output, no file of the data directory, no error and no description', async () => {
    // Refused creations: a password too long, a cluster Trent does not know.
    await refused(
      kms.send(
        new CreateCustomKeyStoreCommand({
          CustomKeyStoreName: 'too-long',
          CloudHsmClusterId: CLUSTER_ID,
          TrustAnchorCertificate: readFileSync(hsm.trustAnchor, 'utf8'),
          KeyStorePassword: TOO_LONG_PASSWORD,
        }),
      ),
      'ValidationException',
    );
    await refused(
      kms.send(
        new CreateCustomKeyStoreCommand({
          CustomKeyStoreName: 'no-such-cluster',
          CloudHsmClusterId: 'cluster-nosuchcluster',
          TrustAnchorCertificate: readFileSync(hsm.trustAnchor, 'utf8'),
          KeyStorePassword: STRAY_PASSWORD,
        }),
      ),
      'CloudHsmClusterNotFoundException',
    );

    // Created with a password that is not the tokens' PIN: the connect fails.
    const { CustomKeyStoreId } = await kms.send(
      new CreateCustomKeyStoreCommand({
        CustomKeyStoreName: 'secrets-store',
        CloudHsmClusterId: CLUSTER_ID,
        TrustAnchorCertificate: readFileSync(hsm.trustAnchor, 'utf8'),
        KeyStorePassword: FIRST_PASSWORD,
      }),
    );
    const id = CustomKeyStoreId!;
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect(await settledState(id)).toMatchObject({
      ConnectionState: 'FAILED',
      ConnectionErrorCode: 'INVALID_CREDENTIALS',
    });
    // A failed store must be disconnected before it connects again or is updated.
    await refused(
      kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id })),
      'CustomKeyStoreInvalidStateException',
    );
    await refused(
      kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, KeyStorePassword: RIGHT_PASSWORD })),
      'CustomKeyStoreInvalidStateException',
    );
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect((await settledState(id)).ConnectionState).toBe('DISCONNECTED');

    // The right password, then a connect that succeeds.
    await kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, KeyStorePassword: RIGHT_PASSWORD }));
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect(await settledState(id)).toMatchObject({ ConnectionState: 'CONNECTED' });
    // The password cannot change while connected.
    await refused(
      kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, KeyStorePassword: STRAY_PASSWORD })),
      'CustomKeyStoreInvalidStateException',
    );

    // Keys in the store at work.
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ CustomKeyStoreId: id, Origin: 'AWS_CLOUDHSM' }));
    const keyId = KeyMetadata!.KeyId!;
    const context = { purpose: 'hsm-secrets' };
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('in the HSM'), EncryptionContext: context }),
    );
    const plain = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
    expect(Buffer.from(plain.Plaintext!).toString()).toBe('in the HSM');
    await refused(
      kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { purpose: 'other' } })),
      'InvalidCiphertextException',
    );
    await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    const random = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32, CustomKeyStoreId: id }));
    expect(random.Plaintext).toHaveLength(32);

    // Disconnected: the key's use is refused.
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect((await settledState(id)).ConnectionState).toBe('DISCONNECTED');
    await refused(
      kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
      'KMSInvalidStateException',
    );
    await refused(
      kms.send(new GenerateRandomCommand({ NumberOfBytes: 32, CustomKeyStoreId: id })),
      'CustomKeyStoreInvalidStateException',
    );
    const { CustomKeyStores: all = [] } = await kms.send(new DescribeCustomKeyStoresCommand({}));
    described.push(all);

    // Let a log file and a digest be delivered; read the directory, stop the server (its last
    // writes, the WAL checkpointed) and read it again.
    await new Promise((r) => setTimeout(r, 2500));
    const whileRunning = filesUnder(dataDir);
    expect(await server.stop()).toBe(0);
    const afterStop = filesUnder(dataDir);

    // The search is not vacuous: each place searched holds what it should.
    const names = (files: { path: string }[]) => files.map((f) => f.path.slice(dataDir.length + 1));
    const files = [...whileRunning, ...afterStop];
    expect(names(files).some((n) => n.startsWith('audit/'))).toBe(true);
    expect(names(files).some((n) => n.startsWith('cloudtrail/') && n.includes('_CloudTrail_'))).toBe(true);
    expect(names(files).some((n) => n.startsWith('trent.db'))).toBe(true);
    const everything = Buffer.concat(files.map((f) => f.bytes));
    for (const seen of ['CreateCustomKeyStore', 'UpdateCustomKeyStore', 'ConnectCustomKeyStore', 'secrets-store'])
      expect(everything.includes(seen), seen).toBe(true);
    expect(errors.length).toBeGreaterThanOrEqual(8);
    expect(described.flat().map((e) => e.ConnectionState)).toEqual(
      expect.arrayContaining(['FAILED', 'DISCONNECTED', 'CONNECTED']),
    );
    // The search finds a secret written in any of its forms.
    for (const form of [
      RIGHT_PASSWORD,
      Buffer.from(RIGHT_PASSWORD).toString('hex'),
      Buffer.from(`:${RIGHT_PASSWORD}`).toString('base64'),
    ])
      expect(leaks(Buffer.from(`x${form}y`), secrets)).toEqual(['right key store password']);

    expect(leaks(Buffer.from(server.output()), secrets), 'server stdout and stderr').toEqual([]);
    for (const f of files) expect(leaks(f.bytes, secrets), f.path).toEqual([]);
    expect(leaks(Buffer.from(errors.join('\n')), secrets), 'error messages').toEqual([]);
    expect(leaks(Buffer.from(JSON.stringify(described)), secrets), 'DescribeCustomKeyStores').toEqual([]);
  });
});
