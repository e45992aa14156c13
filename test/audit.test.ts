import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
});
afterAll(async () => t.stop());

async function events(): Promise<Record<string, unknown>[]> {
  const dir = join(t.dataDir, 'audit');
  const lines: string[] = [];
  for (const f of (await readdir(dir)).sort())
    lines.push(...(await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean));
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('audit events', () => {
  it('records exactly one CloudTrail-shaped event per request, success or failure, and never a secret', async () => {
    const secret = Buffer.from('the plaintext that must never be logged');
    const before = (await events()).length;
    const key = (await kms.send(new CreateKeyCommand({ Description: 'audited' }))).KeyMetadata!;
    const enc = await kms.send(
      new EncryptCommand({ KeyId: key.Arn, Plaintext: secret, EncryptionContext: { purpose: 'audit-test' } }),
    );
    const dec = await kms.send(
      new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { purpose: 'audit-test' } }),
    );
    expect(Buffer.from(dec.Plaintext!).equals(secret)).toBe(true);
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
    await expect(kms.send(new DescribeKeyCommand({ KeyId: 'alias/missing' }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });

    const all = await events();
    const mine = all.slice(before);
    expect(mine.map((e) => e.eventName)).toEqual(['CreateKey', 'Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey']);
    for (const e of mine) {
      expect(e).toMatchObject({
        eventVersion: '1.08',
        eventSource: 'kms.amazonaws.com',
        awsRegion: 'us-east-1',
        eventType: 'AwsApiCall',
        recipientAccountId: '111122223333',
        userIdentity: { type: 'Root', accountId: '111122223333', accessKeyId: t.credentials.accessKeyId },
      });
      expect(typeof e.requestID).toBe('string');
      expect(typeof e.eventID).toBe('string');
    }
    expect(mine[1]).toMatchObject({
      readOnly: true,
      requestParameters: { keyId: key.Arn, encryptionContext: { purpose: 'audit-test' } },
      responseElements: null,
      resources: [{ type: 'AWS::KMS::Key', ARN: key.Arn, accountId: '111122223333' }],
    });
    expect(mine[0]).toMatchObject({ readOnly: false, responseElements: { keyMetadata: { keyId: key.KeyId } } });
    expect(mine[4]).toMatchObject({ errorCode: 'NotFoundException', requestParameters: { keyId: 'alias/missing' } });

    const text = JSON.stringify(all);
    for (const blob of [
      secret,
      Buffer.from(enc.CiphertextBlob!),
      Buffer.from(dataKey.Plaintext!),
      Buffer.from(dataKey.CiphertextBlob!),
    ]) {
      expect(text).not.toContain(blob.toString('base64'));
      expect(text).not.toContain(blob.toString('hex'));
    }
    expect(text).not.toContain(secret.toString('utf8'));
    expect(text).not.toContain(t.credentials.secretAccessKey);
  });
});
