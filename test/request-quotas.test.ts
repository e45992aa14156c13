/**
 * Request quotas (issue 8, "Quotas"; README, "Request quotas") against the real server: a burst
 * over a quota answers AWS's ThrottlingException and is recorded in the trail; other accounts,
 * Regions and quotas go on; the symmetric quota is shared by the symmetric cryptographic
 * operations, RSA keys count against their own; DryRun requests count; /metrics counts the
 * throttled requests by quota; `trent serve --quota` sets them and refuses bad ones.
 *
 * The servers run on a manual clock that stands still, so a bucket refills only when a test
 * moves it: no assertion depends on how fast this machine is.
 */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateRandomCommand,
  KMSClient,
  ListKeysCommand,
  SignCommand,
  VerifyCommand,
  type KMSClient as Client,
} from '@aws-sdk/client-kms';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERIC_THROTTLING_MESSAGE, KMS_THROTTLING_MESSAGE } from '../src/quotas/index.js';
import { journalEvents } from './helpers/audit.js';
import { serveReady, runTrent } from './helpers/cli.js';
import { expectKmsError, otherAccountClient, sharedKeyPolicy } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';

const clock = new ManualClock(new Date());
let t: TestServer;
let kms: Client;
let symmetricKey: string;
let rsaKey: string;
/** A symmetric key of the first account that the second account may use. */
let sharedKey: string;
const OTHER_ACCOUNT = '444455556666';

beforeAll(async () => {
  t = await startTestServer({
    clock,
    requestQuotas: { CreateKey: 2, symmetric: 3, rsa: 2, 'GenerateDataKeyPair-ECC_NIST_P256': 1 },
  });
  kms = t.client();
  symmetricKey = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  rsaKey = (await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.Arn!;
  clock.advance(1_000);
  const policy = sharedKeyPolicy(t.server.accountId, OTHER_ACCOUNT, 'kms:Encrypt');
  sharedKey = (await kms.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata!.Arn!;
  // Every bucket full again.
  clock.advance(1_000);
});
afterAll(async () => t.stop());

const throttled = (promise: Promise<unknown>) => expectKmsError(promise, 'ThrottlingException', KMS_THROTTLING_MESSAGE);

const events = (server: TestServer = t) => journalEvents(server.dataDir);

async function throttledMetric(quota: string, server: TestServer = t): Promise<number> {
  const text = await (await fetch(`${server.server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`trent_throttled_requests_total{quota="${quota}"} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('a quota of the operation (CreateKey)', () => {
  it('admits one second worth, then answers ThrottlingException with AWS message, recorded in the trail', async () => {
    const before = await throttledMetric('CreateKey');
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => kms.send(new CreateKeyCommand({ Description: `burst ${i}` }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason as Error);
    expect(refused).toHaveLength(3);
    for (const err of refused) {
      expect(err.name).toBe('ThrottlingException');
      expect(err.message).toBe(KMS_THROTTLING_MESSAGE);
      expect((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
    }
    expect(await throttledMetric('CreateKey')).toBe(before + 3);

    const recorded = (await events()).filter(
      (e) => e.eventName === 'CreateKey' && e.errorCode === 'ThrottlingException',
    );
    expect(recorded).toHaveLength(3);
    expect(recorded[0]).toMatchObject({
      eventSource: 'kms.amazonaws.com',
      errorMessage: KMS_THROTTLING_MESSAGE,
      awsRegion: 'us-east-1',
      recipientAccountId: t.server.accountId,
    });
  });

  it('leaves other accounts, other Regions and other quotas alone, and refills with time', async () => {
    await throttled(kms.send(new CreateKeyCommand({})));
    const other = await otherAccountClient(t, OTHER_ACCOUNT);
    await other.send(new CreateKeyCommand({}));
    const elsewhere = t.client({ region: 'eu-west-1' });
    await elsewhere.send(new CreateKeyCommand({}));
    // CreateAlias and ListKeys have quotas of their own, untouched.
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/quota-test', TargetKeyId: symmetricKey }));
    await kms.send(new ListKeysCommand({}));
    // Half a second gives one of the two a second back.
    clock.advance(500);
    await kms.send(new CreateKeyCommand({}));
    await throttled(kms.send(new CreateKeyCommand({})));
  });
});

describe('the shared cryptographic quotas', () => {
  it('counts Encrypt, GenerateDataKey, Decrypt and GenerateRandom against one symmetric quota', async () => {
    clock.advance(1_000);
    const before = await throttledMetric('symmetric');
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: symmetricKey, Plaintext: Buffer.from('quota') }),
    );
    await kms.send(new GenerateDataKeyCommand({ KeyId: symmetricKey, KeySpec: 'AES_256' }));
    await kms.send(new DecryptCommand({ CiphertextBlob }));
    await throttled(kms.send(new DecryptCommand({ CiphertextBlob })));
    await throttled(kms.send(new GenerateRandomCommand({ NumberOfBytes: 16 })));
    expect(await throttledMetric('symmetric')).toBe(before + 2);
    const recorded = (await events()).filter(
      (e) => e.eventName === 'GenerateRandom' && e.errorCode === 'ThrottlingException',
    );
    expect(recorded).toHaveLength(1);
  });

  it("counts an RSA key's Sign and Verify against the RSA quota, not the symmetric one", async () => {
    clock.advance(1_000);
    const before = { rsa: await throttledMetric('rsa'), symmetric: await throttledMetric('symmetric') };
    const message = Buffer.from('signed under a quota');
    const { Signature } = await kms.send(
      new SignCommand({ KeyId: rsaKey, Message: message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }),
    );
    await kms.send(
      new VerifyCommand({ KeyId: rsaKey, Message: message, Signature, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }),
    );
    await throttled(
      kms.send(new SignCommand({ KeyId: rsaKey, Message: message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' })),
    );
    // The symmetric quota is untouched: all three of its requests still pass.
    for (let i = 0; i < 3; i++) await kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
    expect(await throttledMetric('rsa')).toBe(before.rsa + 1);
    expect(await throttledMetric('symmetric')).toBe(before.symmetric);
  });

  it("counts a cross-account request against the caller's account, not the key owner's", async () => {
    clock.advance(1_000);
    const other = await otherAccountClient(t, OTHER_ACCOUNT);
    const plaintext = Buffer.from('cross-account');
    for (let i = 0; i < 3; i++) await other.send(new EncryptCommand({ KeyId: sharedKey, Plaintext: plaintext }));
    await throttled(other.send(new EncryptCommand({ KeyId: sharedKey, Plaintext: plaintext })));
    // The owner's symmetric quota is whole.
    for (let i = 0; i < 3; i++) await kms.send(new EncryptCommand({ KeyId: sharedKey, Plaintext: plaintext }));
    await throttled(kms.send(new EncryptCommand({ KeyId: sharedKey, Plaintext: plaintext })));
  });

  it('counts GenerateDataKeyPair by the spec of the pair, and against no other quota', async () => {
    clock.advance(1_000);
    await kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetricKey, KeyPairSpec: 'ECC_NIST_P256' }));
    await throttled(
      kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: symmetricKey, KeyPairSpec: 'ECC_NIST_P256' })),
    );
    await kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetricKey, KeyPairSpec: 'ECC_NIST_P384' }));
    // The symmetric key that encrypts the private key used none of the symmetric quota.
    for (let i = 0; i < 3; i++) await kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
    expect(await throttledMetric('GenerateDataKeyPair-ECC_NIST_P256')).toBe(1);
  });

  it('counts DryRun requests as AWS does', async () => {
    clock.advance(1_000);
    for (let i = 0; i < 3; i++) {
      await expectKmsError(
        kms.send(new EncryptCommand({ KeyId: symmetricKey, Plaintext: Buffer.from('x'), DryRun: true })),
        'DryRunOperationException',
      );
    }
    await throttled(kms.send(new EncryptCommand({ KeyId: symmetricKey, Plaintext: Buffer.from('x') })));
  });
});

describe('quotas of other services', () => {
  it("holds CloudTrail LookupEvents to AWS's 2 a second per account and Region", async () => {
    const s = await startTestServer({ clock: new ManualClock(new Date()), requestQuotas: {} });
    const cloudtrail = new CloudTrailClient({
      endpoint: s.server.url,
      region: 'us-east-1',
      credentials: s.credentials,
      maxAttempts: 1,
    });
    try {
      await cloudtrail.send(new LookupEventsCommand({ MaxResults: 1 }));
      await cloudtrail.send(new LookupEventsCommand({ MaxResults: 1 }));
      await expectKmsError(
        cloudtrail.send(new LookupEventsCommand({ MaxResults: 1 })),
        'ThrottlingException',
        GENERIC_THROTTLING_MESSAGE,
      );
      expect(await throttledMetric('LookupEvents', s)).toBe(1);
      const recorded = (await events(s)).filter(
        (e) => e.eventName === 'LookupEvents' && e.errorCode === 'ThrottlingException',
      );
      expect(recorded).toMatchObject([{ eventSource: 'cloudtrail.amazonaws.com' }]);
    } finally {
      cloudtrail.destroy();
      await s.stop();
    }
  });
});

describe('without request quotas', () => {
  it('startServer throttles nothing unless given requestQuotas', async () => {
    const s = await startTestServer({ clock: new ManualClock(new Date()) });
    try {
      const client = s.client();
      await Promise.all(Array.from({ length: 8 }, () => client.send(new CreateKeyCommand({}))));
      const text = await (await fetch(`${s.server.url}/metrics`)).text();
      expect(text).not.toContain('trent_throttled_requests_total{');
      expect(text).toMatch(/^trent_audit_queue_depth \d+$/m);
      expect(text).toMatch(/^trent_keygen_running \d+$/m);
      expect(text).toMatch(/^trent_keygen_queued \d+$/m);
    } finally {
      await s.stop();
    }
  });
});

describe('trent serve --quota', () => {
  it('applies a request quota given as a flag', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trent-quota-cli-'));
    // One request per 1000 s: the second is throttled however slow this machine is.
    const served = await serveReady(['--dev', '--data-dir', dataDir, '--quota', 'CreateKey=0.001']);
    try {
      const client = new KMSClient({
        endpoint: served.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAQUOTATEST0000000', secretAccessKey: 'quota-test-secret' },
        maxAttempts: 1,
      });
      await client.send(new CreateKeyCommand({}));
      await throttled(client.send(new CreateKeyCommand({})));
      client.destroy();
      const metrics = await (await fetch(`${served.url}/metrics`)).text();
      expect(metrics).toContain('trent_throttled_requests_total{quota="CreateKey"} 1');
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('reads them from flags and the configuration file, beside the resource quotas (trent config print)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trent-quota-file-'));
    const file = join(dir, 'trent.yaml');
    await writeFile(file, 'quotas:\n  CreateKey: 0.5\n  symmetric: 100\n  aliasesPerKey: 7\n');
    const r = await runTrent(
      'config',
      'print',
      '--json',
      '--config',
      file,
      '--quota',
      'symmetric=50',
      '--quota',
      'GenerateDataKeyPair-RSA_3072=0.5',
      '--quota',
      'keysPerRegion=4',
    );
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout) as { settings: Record<string, { value: Record<string, number> }> };
    await rm(dir, { recursive: true, force: true });
    expect(printed.settings.quotas!.value).toMatchObject({
      CreateKey: 0.5,
      aliasesPerKey: 7,
      symmetric: 50,
      'GenerateDataKeyPair-RSA_3072': 0.5,
      keysPerRegion: 4,
      tagsPerKey: 50,
    });
  });

  it('refuses an unknown quota name and a value that is not a positive number, with exit code 2', async () => {
    const dataDir = join(tmpdir(), `trent-quota-never-${process.pid}`);
    const unknown = await runTrent('serve', '--port', '0', '--data-dir', dataDir, '--quota', 'symetric=5');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /quotas\.symetric = 5 \(from flag --quota\): no quota is named symetric \(did you mean symmetric\?\)/,
    );
    for (const bad of ['CreateKey=0', 'CreateKey=-1', 'CreateKey=lots']) {
      const r = await runTrent('serve', '--port', '0', '--data-dir', dataDir, '--quota', bad);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `quotas.CreateKey = ${bad.slice('CreateKey='.length)} (from flag --quota): must be a positive number of requests per second`,
      );
    }
  });
});
