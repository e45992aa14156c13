/** GetKeyLastUsage: the last successful cryptographic use of a key, with its request and event ids. */
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetKeyLastUsageCommand,
  ReEncryptCommand,
  CreateAliasCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectKmsError } from './helpers/kms.js';
import { startTestServer, silentLogger, type TestServer } from './helpers/server.js';
import { startServer } from '../src/server/index.js';

let t: TestServer;
let kms: KMSClient;

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
});
afterAll(async () => t.stop());

async function auditEvent(requestId: string): Promise<Record<string, unknown>> {
  const dir = join(t.dataDir, 'audit');
  for (const f of await readdir(dir)) {
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean)) {
      const e = JSON.parse(line) as Record<string, unknown>;
      if (e.requestID === requestId) return e;
    }
  }
  throw new Error(`no audit event for ${requestId}`);
}

describe('GetKeyLastUsage', () => {
  it('has no usage for a new key, and tracks from the key creation date', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const out = await kms.send(new GetKeyLastUsageCommand({ KeyId: key.Arn }));
    expect(out.KeyId).toBe(key.KeyId);
    expect(out.KeyLastUsage).toBeUndefined();
    expect(out.KeyCreationDate?.getTime()).toBe(key.CreationDate?.getTime());
    expect(out.TrackingStartDate?.getTime()).toBe(key.CreationDate?.getTime());
  });

  it('names the last successful cryptographic operation, its request id and its CloudTrail event id', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }));
    await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId })); // not a cryptographic operation
    const out = await kms.send(new GetKeyLastUsageCommand({ KeyId: key.KeyId }));
    const requestId = enc.$metadata.requestId!;
    expect(out.KeyLastUsage).toMatchObject({ Operation: 'Encrypt', KmsRequestId: requestId });
    expect(out.KeyLastUsage?.CloudTrailEventId).toBe((await auditEvent(requestId)).eventID);

    // A failed request is not a use.
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })),
      'DisabledException',
      `${key.Arn} is disabled.`,
    );
    const after = await kms.send(new GetKeyLastUsageCommand({ KeyId: key.KeyId }));
    expect(after.KeyLastUsage?.KmsRequestId).toBe(requestId);
  });

  it('records ReEncrypt for both keys, and other kinds of keys too', async () => {
    const a = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const b = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const enc = await kms.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: Buffer.from('x') }));
    const re = await kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: b.KeyId }));
    for (const k of [a, b]) {
      const out = await kms.send(new GetKeyLastUsageCommand({ KeyId: k.KeyId }));
      expect(out.KeyLastUsage).toMatchObject({ Operation: 'ReEncrypt', KmsRequestId: re.$metadata.requestId });
    }
    const mac = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })))
      .KeyMetadata!;
    await kms.send(
      new GenerateMacCommand({ KeyId: mac.KeyId, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' }),
    );
    expect((await kms.send(new GetKeyLastUsageCommand({ KeyId: mac.KeyId }))).KeyLastUsage?.Operation).toBe(
      'GenerateMac',
    );
  });

  it('refuses alias names, as AWS does', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/last-usage', TargetKeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new GetKeyLastUsageCommand({ KeyId: 'alias/last-usage' })),
      'NotFoundException',
      "Invalid keyId 'alias/last-usage'",
    );
  });

  it('keeps the usage across a restart (written at shutdown)', async () => {
    const first = await startServer({
      dataDir: `${t.dataDir}-restart`,
      port: 0,
      schedulerIntervalMs: 0,
      logger: silentLogger,
    });
    const creds = first.createdCredentials!;
    const client = () =>
      new KMSClient({
        endpoint: first.url,
        region: 'us-east-1',
        maxAttempts: 1,
        credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
      });
    const c1 = client();
    const key = (await c1.send(new CreateKeyCommand({}))).KeyMetadata!;
    const enc = await c1.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }));
    c1.destroy();
    await first.close();
    const second = await startServer({
      dataDir: `${t.dataDir}-restart`,
      port: 0,
      schedulerIntervalMs: 0,
      logger: silentLogger,
    });
    const c2 = new KMSClient({
      endpoint: second.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
    });
    const out = await c2.send(new GetKeyLastUsageCommand({ KeyId: key.KeyId }));
    expect(out.KeyLastUsage).toMatchObject({ Operation: 'Encrypt', KmsRequestId: enc.$metadata.requestId });
    c2.destroy();
    await second.close();
    await rm(`${t.dataDir}-restart`, { recursive: true, force: true });
  });
});
