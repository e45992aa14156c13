import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseDate } from '../src/audit/index.js';
import { followClock } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
});
afterAll(async () => t.stop());

async function events(server: TestServer = t): Promise<Record<string, unknown>[]> {
  const dir = join(server.dataDir, 'audit');
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
        eventVersion: '1.11',
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
      requestParameters: {
        keyId: key.Arn,
        encryptionContext: { purpose: 'audit-test' },
        encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      },
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

  it('shows defaulted members, the key material used, and dates as CloudTrail writes them', async () => {
    const before = (await events()).length;
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const other = (await kms.send(new CreateKeyCommand({ Description: 'other' }))).KeyMetadata!;
    const signer = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })))
      .KeyMetadata!;
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }));
    await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    await kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: other.KeyId }));
    await kms.send(
      new SignCommand({ KeyId: signer.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    const [created, , , encrypted, decrypted, reEncrypted, signed] = (await events()).slice(before);

    // ct-createkey: every defaulted member, the account id in AWS's casing, dates in CloudTrail's form.
    expect(created!.requestParameters).toEqual({
      description: '',
      origin: 'AWS_KMS',
      bypassPolicyLockoutSafetyCheck: false,
      keySpec: 'SYMMETRIC_DEFAULT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      keyUsage: 'ENCRYPT_DECRYPT',
    });
    const metadata = (created!.responseElements as { keyMetadata: Record<string, unknown> }).keyMetadata;
    expect(metadata).toMatchObject({ AWSAccountId: '111122223333', keyId: key.KeyId });
    expect(created!.resources).toEqual([{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: key.Arn }]);
    expect(metadata.creationDate).toBe(responseDate(key.CreationDate!));
    expect(metadata.creationDate).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/);

    const material = (id: string) =>
      kms.send(new DescribeKeyCommand({ KeyId: id })).then((d) => d.KeyMetadata!.CurrentKeyMaterialId);
    expect(encrypted).toMatchObject({
      requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      additionalEventData: { keyMaterialId: await material(key.KeyId!) },
    });
    expect(decrypted).toMatchObject({
      requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      additionalEventData: { keyMaterialId: await material(key.KeyId!) },
    });
    expect(reEncrypted).toMatchObject({
      requestParameters: {
        sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      },
      additionalEventData: {
        sourceKeyMaterialId: await material(key.KeyId!),
        destinationKeyMaterialId: await material(other.KeyId!),
      },
    });
    expect(signed).toMatchObject({ requestParameters: { messageType: 'RAW', signingAlgorithm: 'ECDSA_SHA_256' } });
    expect(signed).not.toHaveProperty('additionalEventData');
  });
});

describe('service events', () => {
  it('records rotations and deletions that KMS does on its own as AwsServiceEvents', async () => {
    const DAY = 24 * 60 * 60 * 1000;
    const clock = new ManualClock(new Date('2026-06-01T00:00:00Z'));
    const s = await startTestServer({ clock });
    try {
      const client = followClock(s.client(), clock);
      const key = (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
      const first = key.CurrentKeyMaterialId!;
      await client.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
      await client.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
      const second = (await client.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!
        .CurrentKeyMaterialId!;
      clock.advance(91 * DAY);
      expect((await s.server.runScheduledWork()).rotated).toEqual([key.Arn]);
      const third = (await client.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!
        .CurrentKeyMaterialId!;
      await client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
      clock.advance(8 * DAY);
      expect((await s.server.runScheduledWork()).deleted).toEqual([key.Arn]);

      const all = await events(s);
      const service = all.filter((e) => e.eventType === 'AwsServiceEvent');
      const common = {
        eventVersion: '1.11',
        userIdentity: { accountId: '111122223333', invokedBy: 'AWS Internal' },
        eventSource: 'kms.amazonaws.com',
        awsRegion: 'us-east-1',
        sourceIPAddress: 'AWS Internal',
        userAgent: 'AWS Internal',
        requestParameters: null,
        responseElements: null,
        readOnly: false,
        resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: key.Arn }],
        managementEvent: true,
        recipientAccountId: '111122223333',
        eventCategory: 'Management',
      };
      expect(service).toEqual([
        {
          ...common,
          eventTime: expect.any(String),
          eventID: expect.any(String),
          eventName: 'RotateKey',
          eventType: 'AwsServiceEvent',
          serviceEventDetails: {
            rotationType: 'ON_DEMAND',
            keyOrigin: 'AWS_KMS',
            previousKeyMaterialId: first,
            currentKeyMaterialId: second,
            keyId: key.KeyId,
          },
        },
        {
          ...common,
          eventTime: '2026-08-31T00:00:00Z',
          eventID: expect.any(String),
          eventName: 'RotateKey',
          eventType: 'AwsServiceEvent',
          serviceEventDetails: {
            rotationType: 'AUTOMATIC',
            keyOrigin: 'AWS_KMS',
            previousKeyMaterialId: second,
            currentKeyMaterialId: third,
            keyId: key.KeyId,
          },
        },
        {
          ...common,
          eventTime: '2026-09-08T00:00:00Z',
          eventID: expect.any(String),
          eventName: 'DeleteKey',
          eventType: 'AwsServiceEvent',
          serviceEventDetails: { keyId: key.KeyId },
        },
      ]);
      // The on-demand API call is recorded too, beside the rotation it caused.
      const names = all.map((e) => e.eventName);
      expect(Math.abs(names.indexOf('RotateKeyOnDemand') - names.indexOf('RotateKey'))).toBe(1);
    } finally {
      await s.stop();
    }
  });
});
