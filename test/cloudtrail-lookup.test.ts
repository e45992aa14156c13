/**
 * CloudTrail's LookupEvents on Trent's own trail (AWS CloudTrail API Reference, LookupEvents):
 * the caller's account and region only, newest first, one lookup attribute, a time range, pages of
 * MaxResults with a NextToken, authorized by cloudtrail:LookupEvents, through the SDK and the AWS CLI.
 */
import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
  type Event,
} from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  ListKeysCommand,
  PutKeyPolicyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVALID_NEXT_TOKEN_MESSAGE } from '../src/audit/lookup.js';
import { awsCliOrSkip, runAws } from './helpers/aws-cli.js';
import { expectKmsError, followClock, otherAccountClient, sharedKeyPolicy } from './helpers/kms.js';
import { kmsSigner, sendRaw, signRequest, type RawHttpResponse } from './helpers/sign.js';
import { ManualClock, startTestServer, type Credentials, type TestServer } from './helpers/server.js';

const TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';

/** A raw signed CloudTrail request (bytes no SDK would send). */
async function call(t: TestServer, target: string, body: string): Promise<RawHttpResponse> {
  const host = new URL(t.server.url).host;
  const headers = { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target };
  const signed = await signRequest(kmsSigner(t.credentials, 'us-east-1', 'cloudtrail'), { headers, body });
  return sendRaw(t.server.url, { headers: signed, body });
}

/** Every page of a lookup, following NextToken. */
async function lookupAll(ct: CloudTrailClient, input: LookupEventsCommandInput = {}): Promise<Event[]> {
  const events: Event[] = [];
  let token: string | undefined;
  do {
    const page = await ct.send(new LookupEventsCommand({ ...input, NextToken: token }));
    events.push(...(page.Events ?? []));
    token = page.NextToken;
  } while (token);
  return events;
}

const byAttribute = (ct: CloudTrailClient, key: string, value: string) =>
  lookupAll(ct, { LookupAttributes: [{ AttributeKey: key as never, AttributeValue: value }] });

describe('LookupEvents', () => {
  let t: TestServer;
  let kms: KMSClient;
  let iam: IAMClient;
  let ct: CloudTrailClient;
  let keyArn: string;
  let user: Credentials;

  beforeAll(async () => {
    t = await startTestServer();
    kms = t.client();
    iam = t.iam();
    ct = t.cloudtrail();
    keyArn = (await kms.send(new CreateKeyCommand({ Description: 'looked up' }))).KeyMetadata!.Arn!;
    await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    // A user who may look events up, and one who may not.
    await iam.send(new CreateUserCommand({ UserName: 'auditor' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'auditor',
        PolicyName: 'lookup',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['cloudtrail:LookupEvents', 'kms:ListKeys'], Resource: '*' }],
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey!;
    user = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await t.client({ credentials: user }).send(new ListKeysCommand({}));
  });
  afterAll(async () => t.stop());

  it('shows the KMS calls made before it, newest first, with their lookup fields', async () => {
    const events = await lookupAll(ct);
    const names = events.map((e) => e.EventName);
    expect(names.indexOf('DescribeKey')).toBeLessThan(names.indexOf('CreateKey'));
    expect(names.indexOf('ListKeys')).toBeLessThan(names.indexOf('DescribeKey'));
    const describe = events.find((e) => e.EventName === 'DescribeKey')!;
    expect(describe).toMatchObject({
      EventSource: 'kms.amazonaws.com',
      ReadOnly: 'true',
      Username: 'root',
      AccessKeyId: t.credentials.accessKeyId,
      Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: keyArn }],
    });
    expect(describe.EventTime).toBeInstanceOf(Date);
    const record = JSON.parse(describe.CloudTrailEvent!) as Record<string, unknown>;
    expect(record).toMatchObject({
      eventID: describe.EventId,
      eventName: 'DescribeKey',
      eventSource: 'kms.amazonaws.com',
      awsRegion: 'us-east-1',
      recipientAccountId: t.server.accountId,
      managementEvent: true,
    });
    expect(events.find((e) => e.EventName === 'CreateKey')!.ReadOnly).toBe('false');
  });

  it('records itself as a read-only management event of cloudtrail.amazonaws.com', async () => {
    await ct.send(new LookupEventsCommand({ MaxResults: 1 }));
    const [own] = await byAttribute(ct, 'EventSource', 'cloudtrail.amazonaws.com');
    expect(own).toMatchObject({ EventName: 'LookupEvents', ReadOnly: 'true', Username: 'root' });
    expect(JSON.parse(own!.CloudTrailEvent!)).toMatchObject({
      requestParameters: { maxResults: 1 },
      eventCategory: 'Management',
    });
  });

  it('filters by each lookup attribute', async () => {
    const all = await lookupAll(ct);
    const describe = all.find((e) => e.EventName === 'DescribeKey')!;

    expect((await byAttribute(ct, 'EventId', describe.EventId!)).map((e) => e.EventId)).toEqual([describe.EventId]);
    const created = await byAttribute(ct, 'EventName', 'CreateKey');
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((e) => e.EventName === 'CreateKey')).toBe(true);

    const writes = await byAttribute(ct, 'ReadOnly', 'false');
    expect(writes.map((e) => e.EventName)).toEqual(expect.arrayContaining(['CreateKey', 'CreateUser']));
    expect(writes.every((e) => e.ReadOnly === 'false')).toBe(true);
    const reads = await byAttribute(ct, 'ReadOnly', 'true');
    expect(reads.every((e) => e.ReadOnly === 'true')).toBe(true);
    expect(reads.length + writes.length).toBeGreaterThanOrEqual(all.length);

    const auditor = await byAttribute(ct, 'Username', 'auditor');
    expect(auditor.map((e) => e.EventName)).toEqual(['ListKeys']);
    expect((await byAttribute(ct, 'AccessKeyId', user.accessKeyId)).map((e) => e.EventName)).toEqual(['ListKeys']);

    const onKeys = await byAttribute(ct, 'ResourceType', 'AWS::KMS::Key');
    expect(onKeys.map((e) => e.EventName)).toEqual(expect.arrayContaining(['CreateKey', 'DescribeKey']));
    expect(onKeys.every((e) => e.Resources!.some((r) => r.ResourceType === 'AWS::KMS::Key'))).toBe(true);
    expect((await byAttribute(ct, 'ResourceName', keyArn)).map((e) => e.EventName)).toEqual(
      expect.arrayContaining(['CreateKey', 'DescribeKey']),
    );

    const fromIam = await byAttribute(ct, 'EventSource', 'iam.amazonaws.com');
    expect(fromIam.map((e) => e.EventName)).toEqual(
      expect.arrayContaining(['CreateUser', 'PutUserPolicy', 'CreateAccessKey']),
    );
    expect(fromIam.every((e) => e.EventSource === 'iam.amazonaws.com')).toBe(true);
    expect(await byAttribute(ct, 'EventName', 'NoSuchOperation')).toEqual([]);
  });

  it('pages with MaxResults and NextToken, each event once', async () => {
    const all = await lookupAll(ct, {
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
    });
    expect(all.length).toBeGreaterThanOrEqual(3);
    const input = { LookupAttributes: [{ AttributeKey: 'EventSource' as const, AttributeValue: 'kms.amazonaws.com' }] };
    const first = await ct.send(new LookupEventsCommand({ ...input, MaxResults: 2 }));
    expect(first.Events).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
    const paged = await lookupAll(ct, { ...input, MaxResults: 2 });
    expect(paged.map((e) => e.EventId)).toEqual(all.map((e) => e.EventId));
    // The last page carries no token.
    const single = await ct.send(
      new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: all[0]!.EventId! }] }),
    );
    expect(single.NextToken).toBeUndefined();
  });

  it('defaults to 50 events a page', async () => {
    for (let i = 0; i < 26; i++) await kms.send(new ListKeysCommand({}));
    const page = await ct.send(new LookupEventsCommand({}));
    expect(page.Events).toHaveLength(50);
    expect(page.NextToken).toBeDefined();
  });

  it('answers a time range with the events in it', async () => {
    const all = await lookupAll(ct);
    const newest = all[0]!.EventTime!;
    const oldest = all.at(-1)!.EventTime!;
    expect(
      await lookupAll(ct, { StartTime: new Date('2001-01-01T00:00:00Z'), EndTime: new Date('2001-01-02T00:00:00Z') }),
    ).toEqual([]);
    const inRange = await lookupAll(ct, { StartTime: oldest, EndTime: newest });
    expect(inRange.length).toBeGreaterThan(0);
    expect(inRange.every((e) => e.EventTime! >= oldest && e.EventTime! <= newest)).toBe(true);
    expect(await lookupAll(ct, { EndTime: new Date(oldest.getTime() - 1000) })).toEqual([]);
  });

  it('shows no other account’s events and no other region’s', async () => {
    const other = await otherAccountClient(t, '444455556666');
    await other.send(new CreateKeyCommand({ Description: 'theirs' }));
    const otherCreds = await other.config.credentials();
    const theirs = t.cloudtrail(otherCreds);
    const seen = await lookupAll(theirs);
    expect(seen.map((e) => e.EventName)).toEqual(['CreateKey']);
    expect(JSON.parse(seen[0]!.CloudTrailEvent!)).toMatchObject({ recipientAccountId: '444455556666' });
    const mine = await byAttribute(ct, 'EventId', seen[0]!.EventId!);
    expect(mine).toEqual([]);

    await t.client({ region: 'eu-west-1' }).send(new ListKeysCommand({}));
    const west = await lookupAll(t.cloudtrail(undefined, 'eu-west-1'));
    expect(west.map((e) => e.EventName)).toEqual(['ListKeys']);
    expect((await byAttribute(ct, 'EventId', west[0]!.EventId!)).length).toBe(0);
  });

  it('shows the key owner its copy of another account’s call with its key', async () => {
    const partner = '123456789012';
    const shared = (await kms.send(new CreateKeyCommand({ Description: 'shared' }))).KeyMetadata!.Arn!;
    await kms.send(
      new PutKeyPolicyCommand({
        KeyId: shared,
        Policy: sharedKeyPolicy(t.server.accountId, partner, 'kms:DescribeKey'),
      }),
    );
    const other = await otherAccountClient(t, partner);
    await other.send(new DescribeKeyCommand({ KeyId: shared }));
    const [copy] = await byAttribute(ct, 'ResourceName', shared).then((events) =>
      events.filter((e) => e.EventName === 'DescribeKey'),
    );
    expect(JSON.parse(copy!.CloudTrailEvent!)).toMatchObject({
      recipientAccountId: t.server.accountId,
      userIdentity: { type: 'AWSAccount', accountId: partner },
    });
    // An AWSAccount caller has no user name or access key in the owner's copy.
    expect(copy!.Username).toBeUndefined();
    expect(copy!.AccessKeyId).toBeUndefined();
    const theirs = await lookupAll(t.cloudtrail(await other.config.credentials()));
    expect(theirs.map((e) => e.EventName)).toEqual(['DescribeKey']);
    expect(theirs[0]!.EventId).not.toBe(copy!.EventId);
  });

  it('refuses a caller whose policies do not allow cloudtrail:LookupEvents', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'nobody' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'nobody' }))).AccessKey!;
    const nobody = t.cloudtrail({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    const err = await expectKmsError(
      nobody.send(new LookupEventsCommand({})),
      'AccessDeniedException',
      /^User: arn:aws:iam::\d{12}:user\/nobody is not authorized to perform: cloudtrail:LookupEvents on resource: \* because no identity-based policy allows the cloudtrail:LookupEvents action$/,
    );
    expect(err.$metadata?.httpStatusCode).toBe(400);
    // The auditor's policy allows it.
    expect((await t.cloudtrail(user).send(new LookupEventsCommand({ MaxResults: 1 }))).Events).toHaveLength(1);
  });

  describe('errors', () => {
    it('more than one attribute, an unknown key, an empty value: InvalidLookupAttributesException', async () => {
      await expectKmsError(
        ct.send(
          new LookupEventsCommand({
            LookupAttributes: [
              { AttributeKey: 'EventName', AttributeValue: 'CreateKey' },
              { AttributeKey: 'ReadOnly', AttributeValue: 'false' },
            ],
          }),
        ),
        'InvalidLookupAttributesException',
        'You can specify only one lookup attribute.',
      );
      await expectKmsError(
        ct.send(
          new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Colour' as never, AttributeValue: 'x' }] }),
        ),
        'InvalidLookupAttributesException',
        'Invalid attribute key: Colour. Valid keys are: EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId.',
      );
      await expectKmsError(
        ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: '' }] })),
        'InvalidLookupAttributesException',
        'The attribute value of EventName must not be empty.',
      );
    });

    it('a start after the end: InvalidTimeRangeException', async () => {
      await expectKmsError(
        ct.send(
          new LookupEventsCommand({
            StartTime: new Date('2026-02-02T00:00:00Z'),
            EndTime: new Date('2026-02-01T00:00:00Z'),
          }),
        ),
        'InvalidTimeRangeException',
        'The start time must not be after the end time.',
      );
    });

    it('MaxResults out of 1..50: InvalidMaxResultsException', async () => {
      for (const MaxResults of [0, 51, -1])
        await expectKmsError(
          ct.send(new LookupEventsCommand({ MaxResults })),
          'InvalidMaxResultsException',
          `MaxResults must be between 1 and 50, but was ${MaxResults}.`,
        );
    });

    it('a token that is not ours or is of another query: InvalidNextTokenException', async () => {
      await expectKmsError(
        ct.send(new LookupEventsCommand({ NextToken: 'bogus' })),
        'InvalidNextTokenException',
        INVALID_NEXT_TOKEN_MESSAGE,
      );
      const page = await ct.send(new LookupEventsCommand({ MaxResults: 1 }));
      expect(page.NextToken).toBeDefined();
      await expectKmsError(
        ct.send(
          new LookupEventsCommand({
            MaxResults: 1,
            NextToken: page.NextToken,
            LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'true' }],
          }),
        ),
        'InvalidNextTokenException',
        INVALID_NEXT_TOKEN_MESSAGE,
      );
      // Another account cannot use it either.
      const other = await otherAccountClient(t, '777788889999');
      const theirs = t.cloudtrail(await other.config.credentials());
      await expectKmsError(
        theirs.send(new LookupEventsCommand({ MaxResults: 1, NextToken: page.NextToken })),
        'InvalidNextTokenException',
        INVALID_NEXT_TOKEN_MESSAGE,
      );
    });

    it('an unknown event category: InvalidEventCategoryException; insight: no events', async () => {
      await expectKmsError(
        ct.send(new LookupEventsCommand({ EventCategory: 'management' as never })),
        'InvalidEventCategoryException',
        'Invalid event category: management.',
      );
      expect((await ct.send(new LookupEventsCommand({ EventCategory: 'insight' }))).Events).toEqual([]);
    });

    it('an attribute value over 2000 characters: ValidationException with AWS’s wording', async () => {
      await expectKmsError(
        ct.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'x'.repeat(2001) }],
          }),
        ),
        'ValidationException',
        /^1 validation error detected: Value 'x+' at 'lookupAttributes.1.member.attributeValue' failed to satisfy constraint: Member must have length less than or equal to 2000$/,
      );
    });

    it('another CloudTrail operation, or a wrong type: UnknownOperationException, SerializationException', async () => {
      const describe = await call(t, `${TARGET}.DescribeTrails`, '{}');
      expect(describe.status).toBe(400);
      expect(JSON.parse(describe.body.toString())).toEqual({ __type: 'UnknownOperationException' });
      const typed = await call(t, `${TARGET}.LookupEvents`, '{"MaxResults":"ten"}');
      expect(typed.status).toBe(400);
      expect(JSON.parse(typed.body.toString())).toEqual({
        __type: 'SerializationException',
        message: 'class java.lang.String can not be converted to an Integer',
      });
      const ok = await call(t, `${TARGET}.LookupEvents`, '{"MaxResults":1}');
      expect(ok.status).toBe(200);
      expect(ok.headers['content-type']).toBe('application/x-amz-json-1.1');
    });
  });
});

describe('LookupEvents over hourly files and in ephemeral mode', () => {
  it('reads only the hours of the range, and the default 90 days', async () => {
    const clock = new ManualClock(new Date('2026-03-01T10:15:00Z'));
    const t = await startTestServer({ clock });
    try {
      const kms = followClock(t.client(), clock);
      const ct = t.cloudtrail();
      Object.defineProperty(ct.config, 'systemClockOffset', {
        get: () => clock.now().getTime() - Date.now(),
        set: () => {},
        configurable: true,
      });
      await kms.send(new CreateKeyCommand({ Description: 'ten' }));
      clock.set(new Date('2026-03-01T13:40:00Z'));
      await kms.send(new ListKeysCommand({}));
      clock.set(new Date('2026-03-02T09:00:00Z'));
      const names = async (input: LookupEventsCommandInput) =>
        (
          await lookupAll(ct, {
            ...input,
            LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
          })
        ).map((e) => e.EventName);
      expect(await names({})).toEqual(['ListKeys', 'CreateKey']);
      expect(
        await names({ StartTime: new Date('2026-03-01T10:00:00Z'), EndTime: new Date('2026-03-01T11:00:00Z') }),
      ).toEqual(['CreateKey']);
      expect(await names({ StartTime: new Date('2026-03-01T13:00:00Z') })).toEqual(['ListKeys']);
      // 90 days on, the first events are past the event history's default range.
      clock.set(new Date('2026-05-30T12:00:00Z'));
      expect(await names({})).toEqual(['ListKeys']);
    } finally {
      await t.stop();
    }
  });

  it('reads the memory ring of --ephemeral', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'trent-lookup-')), 'missing');
    const t = await startTestServer({ dataDir, dev: true, ephemeral: true });
    try {
      const kms = t.client();
      await kms.send(new CreateKeyCommand({}));
      await kms.send(new ListKeysCommand({}));
      await kms.send(new ListKeysCommand({}));
      const ct = t.cloudtrail();
      const all = await lookupAll(ct, {
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
      });
      expect(all.map((e) => e.EventName)).toEqual(['ListKeys', 'ListKeys', 'CreateKey']);
      const paged = await lookupAll(ct, {
        MaxResults: 1,
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
      });
      expect(paged.map((e) => e.EventId)).toEqual(all.map((e) => e.EventId));
    } finally {
      await t.stop();
      await rm(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});

const aws = awsCliOrSkip('cloudtrail lookup-events through the AWS CLI');

describe.skipIf(!aws)('aws cloudtrail lookup-events', () => {
  it('finds CreateKey by EventName', async () => {
    const t = await startTestServer();
    const home = await mkdtemp(join(tmpdir(), 'trent-cli-home-'));
    try {
      const keyId = (await t.client().send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      const r = await runAws({ aws: aws!, endpoint: t.server.url, home, ...t.credentials }, 'cloudtrail', [
        'lookup-events',
        '--lookup-attributes',
        'AttributeKey=EventName,AttributeValue=CreateKey',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { Events: Event[] };
      expect(out.Events).toHaveLength(1);
      expect(out.Events[0]).toMatchObject({
        EventName: 'CreateKey',
        EventSource: 'kms.amazonaws.com',
        Username: 'root',
      });
      expect(JSON.parse(out.Events[0]!.CloudTrailEvent!)).toMatchObject({
        responseElements: { keyMetadata: { keyId } },
      });
    } finally {
      await t.stop();
      await rm(home, { recursive: true, force: true });
    }
  });
});
