import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  ListKeysCommand,
  GenerateDataKeyCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH_FAILURE_LIMITS, LIMITS, responseDate } from '../src/audit/index.js';
import { AUDIT_FLOOR_MESSAGE } from '../src/pipeline/front-door.js';
import { expectKmsError, followClock } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';
import { kmsHeaders, sendRaw } from './helpers/sign.js';

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
      message: `Alias arn:aws:kms:us-east-1:${t.server.accountId}:alias/missing is not found.`,
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
    // Time moves 99 days: past the default retention, which would delete the first files.
    const s = await startTestServer({ clock, auditRetentionDays: 0 });
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

/** Total bytes of the audit directory's files. */
async function auditBytes(server: TestServer): Promise<number> {
  const dir = join(server.dataDir, 'audit');
  let n = 0;
  for (const f of await readdir(dir)) n += (await stat(join(dir, f))).size;
  return n;
}

/** A request that fails authentication, with a 7 KB User-Agent and a 7 KB Authorization header. */
function forgedRequest(server: TestServer, authorization: string) {
  const host = new URL(server.server.url).host;
  return sendRaw(server.server.url, {
    headers: {
      ...kmsHeaders('ListKeys', host),
      'user-agent': 'U'.repeat(7 * 1024),
      'x-amz-date': '20260101T000000Z',
      authorization,
    },
    body: '{}',
  });
}

const longAuthorization = (filler: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIAFORGED/20260101/${'r'.repeat(200)}/kms/aws4_request, ${filler.repeat(7 * 1024)}`;

async function metric(server: TestServer, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('the audit trail cannot be used to fill the disk (issue 15, finding 3)', () => {
  it('bounds the event of a rejected request with a 7 KB User-Agent and a 7 KB Authorization header', async () => {
    const authorization = longAuthorization('X');
    const before = await auditBytes(t);
    const res = await forgedRequest(t, authorization);
    expect(res.status).toBe(400);
    const added = (await auditBytes(t)) - before;
    // Before the fix: about 22 KB (the header twice, the User-Agent once).
    expect(added).toBeLessThan(3 * 1024);
    const event = (await events()).at(-1)!;
    expect(event.userAgent).toBe('U'.repeat(LIMITS.userAgent) + '...');
    expect(String(event.errorMessage).length).toBeLessThanOrEqual(LIMITS.errorMessage + 3);
    expect(String(event.errorMessage)).not.toContain(authorization);
    expect((event.additionalEventData as { truncatedFields: string[] }).truncatedFields).toContain('userAgent');
  });

  it('never writes the raw Authorization header into an event, even in a short request', async () => {
    const authorization = 'AWS4-HMAC-SHA256 Credential=AKIAFORGED/20260101/us-east-1/kms/aws4_request, Oops';
    await forgedRequest(t, authorization);
    const text = JSON.stringify(await events());
    expect(text).not.toContain(authorization);
  });

  it('stores no 1 MB KeyId: the request parameter is cut to the model maximum and the message bounded', async () => {
    const keyId = 'k'.repeat(1_000_000);
    const before = await auditBytes(t);
    await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: keyId })), 'ValidationException');
    expect((await auditBytes(t)) - before).toBeLessThan(6 * 1024);
    const event = (await events()).at(-1)!;
    expect(event).toMatchObject({
      eventName: 'DescribeKey',
      errorCode: 'ValidationException',
      requestParameters: { keyId: 'k'.repeat(2048) + '...' },
      additionalEventData: { truncatedFields: ['requestParameters.keyId', 'errorMessage'] },
    });
  });

  it('records a burst of authentication failures per source, and counts the rest in one summary event', async () => {
    const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    const s = await startTestServer({ clock });
    try {
      const { burst } = DEFAULT_AUTH_FAILURE_LIMITS;
      const flood = 3 * burst;
      const before = (await events(s)).length;
      const bytesBefore = await auditBytes(s);
      for (let i = 0; i < flood; i++) expect((await forgedRequest(s, longAuthorization('Y'))).status).toBe(400);
      const failures = (await events(s)).slice(before);
      expect(failures).toHaveLength(burst);
      expect(failures.every((e) => e.errorCode === 'IncompleteSignatureException')).toBe(true);
      // Bounded work on disk: what was written does not grow with the flood beyond the burst.
      expect((await auditBytes(s)) - bytesBefore).toBeLessThan(burst * 3 * 1024);
      expect(await metric(s, 'trent_audit_suppressed_events_total')).toBe(flood - burst);

      // Authenticated callers from the same address are not limited, and are audited.
      const client = followClock(s.client(), clock);
      await client.send(new ListKeysCommand({}));
      expect((await events(s)).at(-1)).toMatchObject({ eventName: 'ListKeys', userIdentity: { type: 'Root' } });

      // After the window, the next failure is recorded and the window's summary is written.
      clock.advance(61_000);
      await forgedRequest(s, longAuthorization('Y'));
      const summaries = (await events(s)).filter((e) => e.eventName === 'AuthenticationFailureSummary');
      expect(summaries).toEqual([
        {
          eventVersion: '1.11',
          userIdentity: null,
          eventTime: '2026-03-01T00:01:01Z',
          eventSource: 'kms.amazonaws.com',
          eventName: 'AuthenticationFailureSummary',
          awsRegion: '',
          sourceIPAddress: '127.0.0.1',
          userAgent: 'AWS Internal',
          requestParameters: null,
          responseElements: null,
          eventID: expect.any(String),
          readOnly: true,
          eventType: 'AwsServiceEvent',
          managementEvent: true,
          recipientAccountId: '',
          serviceEventDetails: {
            sourceIPAddress: '127.0.0.1',
            suppressedEvents: flood - burst,
            errorCodes: { IncompleteSignatureException: flood - burst },
            windowStart: '2026-03-01T00:00:00Z',
            windowEnd: '2026-03-01T00:01:01Z',
          },
          eventCategory: 'Management',
        },
      ]);
    } finally {
      await s.stop();
    }
  });

  it('writes the summary of an open window at shutdown', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trent-audit-'));
    try {
      const s = await startTestServer({ dataDir });
      for (let i = 0; i < DEFAULT_AUTH_FAILURE_LIMITS.burst + 2; i++) await forgedRequest(s, 'AWS4-HMAC-SHA256 x');
      await s.stop();
      const summary = (await events(s)).filter((e) => e.eventName === 'AuthenticationFailureSummary');
      expect(summary.map((e) => (e.serviceEventDetails as { suppressedEvents: number }).suppressedEvents)).toEqual([2]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('deletes hourly files past --audit-retention-days, using the injected clock', async () => {
    const DAY = 24 * 60 * 60 * 1000;
    const clock = new ManualClock(new Date('2026-05-01T10:30:00Z'));
    const s = await startTestServer({ clock, auditRetentionDays: 30 });
    try {
      const client = followClock(s.client(), clock);
      const dir = join(s.dataDir, 'audit');
      // 30 days before now is 2026-04-01T10:30Z.
      await writeFile(join(dir, 'events-2026040109.jsonl'), '{}\n'); // ended at 10:00: past retention
      await writeFile(join(dir, 'events-2026040110.jsonl'), '{}\n'); // ends at 11:00: past it in an hour
      await writeFile(join(dir, 'events-2026040112.jsonl'), '{}\n'); // ends at 13:00
      await client.send(new ListKeysCommand({}));
      await expect
        .poll(async () => (await readdir(dir)).sort())
        .toEqual(['events-2026040110.jsonl', 'events-2026040112.jsonl', 'events-2026050110.jsonl']);
      clock.advance(DAY / 24); // a new hour: its file is opened, and retention runs
      await client.send(new ListKeysCommand({}));
      await expect
        .poll(async () => (await readdir(dir)).sort())
        .toEqual(['events-2026040112.jsonl', 'events-2026050110.jsonl', 'events-2026050111.jsonl']);
      expect(s.logs.text()).toContain('deleted audit files past the retention period');
    } finally {
      await s.stop();
    }
  });

  it('refuses new work, unaudited, below the free-space floor, and says so in /metrics', async () => {
    const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    let free = 10 * 1024 ** 3;
    const s = await startTestServer({ clock, auditMinFreeBytes: 256 * 1024 ** 2, auditFreeBytes: async () => free });
    try {
      const client = followClock(s.client(), clock);
      const key = (await client.send(new CreateKeyCommand({}))).KeyMetadata!;
      expect(await metric(s, 'trent_audit_free_bytes')).toBe(10 * 1024 ** 3);
      expect(await metric(s, 'trent_audit_below_free_space_floor')).toBe(0);

      free = 100 * 1024 ** 2;
      clock.advance(2_000); // the reading is at most a second old
      const count = (await events(s)).length;
      for (const call of [
        () => client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })),
        () => client.send(new CreateKeyCommand({})),
        () => client.send(new DescribeKeyCommand({ KeyId: key.KeyId })),
      ]) {
        const err = await expectKmsError(call(), 'KMSInternalException', AUDIT_FLOOR_MESSAGE);
        expect(err.$metadata?.httpStatusCode).toBe(500);
      }
      // Not even refusals are written.
      expect((await events(s)).length).toBe(count);
      expect(await metric(s, 'trent_audit_refused_requests_total')).toBe(3);
      expect(await metric(s, 'trent_audit_below_free_space_floor')).toBe(1);
      expect(await metric(s, 'trent_audit_free_bytes')).toBe(100 * 1024 ** 2);
      expect(s.logs.text()).toContain('audit directory below its free-space floor');

      free = 10 * 1024 ** 3;
      clock.advance(2_000);
      await client.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
      expect((await events(s)).length).toBe(count + 1);
      expect(await metric(s, 'trent_audit_below_free_space_floor')).toBe(0);
    } finally {
      await s.stop();
    }
  });
});
