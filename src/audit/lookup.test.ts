import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from './event.js';
import {
  eventUsername,
  fileJournal,
  lookupEvents,
  memoryJournal,
  type AuditJournal,
  type LookupQuery,
} from './lookup.js';
import { MemoryAuditSink } from './memory-sink.js';

const ACCOUNT = '111122223333';
let n = 0;

/** A minimal event; the padding makes lines long enough to cross the reader's 64 KiB chunks. */
function event(eventTime: string, over: Partial<AuditEvent> = {}, pad = 0): AuditEvent {
  n++;
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: 'Root',
      principalId: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAEXAMPLE',
    },
    eventTime,
    eventSource: 'kms.amazonaws.com',
    eventName: 'ListKeys',
    awsRegion: 'us-east-1',
    sourceIPAddress: '127.0.0.1',
    userAgent: 'x'.repeat(pad),
    requestParameters: null,
    responseElements: null,
    eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...over,
  };
}

const query = (over: Partial<LookupQuery> = {}): LookupQuery => ({
  accountId: ACCOUNT,
  region: 'us-east-1',
  maxResults: 50,
  now: new Date('2026-03-01T12:30:00Z'),
  ...over,
});

async function all(journal: AuditJournal, q: LookupQuery): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await lookupEvents(journal, { ...q, nextToken });
    out.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

describe('fileJournal', () => {
  let dir: string;
  const settled = { written: () => Promise.resolve() };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trent-lookup-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const write = (hour: string, events: AuditEvent[], tail = '') =>
    writeFile(join(dir, `events-${hour}.jsonl`), events.map((e) => JSON.stringify(e) + '\n').join('') + tail);

  it('reads lines newest first across chunks and files, skipping a torn last line', async () => {
    const eleven = Array.from({ length: 40 }, (_, i) =>
      event(`2026-03-01T11:${String(i).padStart(2, '0')}:00Z`, {}, 5000),
    );
    const twelve = Array.from({ length: 3 }, (_, i) => event(`2026-03-01T12:0${i}:00Z`));
    await write('2026030111', eleven);
    await write('2026030112', twelve, '{"eventID":"torn');
    await writeFile(join(dir, 'not-a-trail-file.txt'), 'ignored\n');
    const journal = fileJournal(dir, settled);
    const ids = (await all(journal, query())).map((e) => e.eventID);
    expect(ids).toEqual([...eleven, ...twelve].reverse().map((e) => e.eventID));
    const paged = (await all(journal, query({ maxResults: 7 }))).map((e) => e.eventID);
    expect(paged).toEqual(ids);
  });

  it('reads only the files of the range (and the hour after, where late events land)', async () => {
    await write('2026030109', [event('2026-03-01T09:10:00Z', { eventName: 'Nine' })]);
    await write('2026030111', [event('2026-03-01T10:59:59Z', { eventName: 'TenLate' })]);
    await write('2026030112', [event('2026-03-01T12:00:00Z', { eventName: 'Twelve' })]);
    const journal = fileJournal(dir, settled);
    const names = async (startTime: string, endTime: string) =>
      (await all(journal, query({ startTime: new Date(startTime), endTime: new Date(endTime) }))).map(
        (e) => e.eventName,
      );
    expect(await names('2026-03-01T10:00:00Z', '2026-03-01T10:59:59.500Z')).toEqual(['TenLate']);
    expect(await names('2026-03-01T09:00:00Z', '2026-03-01T12:00:00Z')).toEqual(['Twelve', 'TenLate', 'Nine']);
    // An event of the second StartTime falls in is in the range (eventTime has whole seconds).
    expect(await names('2026-03-01T09:10:00.400Z', '2026-03-01T09:30:00Z')).toEqual(['Nine']);
  });

  it('waits for the sink to have written what it holds', async () => {
    let release!: () => void;
    const pending = new Promise<void>((r) => (release = r));
    const journal = fileJournal(dir, { written: () => pending });
    const page = lookupEvents(journal, query());
    await write('2026030112', [event('2026-03-01T12:00:00Z', { eventName: 'Late' })]);
    release();
    expect((await page).events.map((e) => e.eventName)).toEqual(['Late']);
  });

  it('answers a missing directory with no events', async () => {
    expect((await lookupEvents(fileJournal(join(dir, 'none'), settled), query())).events).toEqual([]);
  });

  it('keeps pages stable while events are appended', async () => {
    await write('2026030112', [event('2026-03-01T12:00:00Z'), event('2026-03-01T12:01:00Z')]);
    const journal = fileJournal(dir, settled);
    const first = await lookupEvents(journal, query({ maxResults: 1 }));
    await appendFile(join(dir, 'events-2026030112.jsonl'), JSON.stringify(event('2026-03-01T12:02:00Z')) + '\n');
    const second = await lookupEvents(journal, query({ maxResults: 1, nextToken: first.nextToken }));
    expect(second.events[0]!.eventTime).toBe('2026-03-01T12:00:00Z');
    expect(second.nextToken).toBeUndefined();
  });
});

describe('lookupEvents', () => {
  const sink = new MemoryAuditSink(100);
  const journal = memoryJournal(sink);
  const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  beforeEach(async () => {
    await sink.record(
      event('2026-03-01T12:00:00Z', {
        eventName: 'CreateKey',
        readOnly: false,
        resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: key }],
      }),
      true,
    );
    await sink.record(event('2026-03-01T12:01:00Z', { recipientAccountId: '444455556666' }), false);
    await sink.record(event('2026-03-01T12:02:00Z', { awsRegion: 'eu-west-1' }), false);
    await sink.record(
      event('2026-03-01T12:03:00Z', { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', readOnly: false }),
      false,
    );
  });

  it('shows only the account and region asked for', async () => {
    const names = (await all(journal, query())).map((e) => e.eventName);
    expect(names.slice(0, 2)).toEqual(['CreateUser', 'CreateKey']);
    expect((await all(journal, query({ region: 'eu-west-1' }))).every((e) => e.awsRegion === 'eu-west-1')).toBe(true);
  });

  it('filters by one attribute', async () => {
    const by = async (k: NonNullable<LookupQuery['attribute']>['key'], value: string) =>
      (await all(journal, query({ attribute: { key: k, value } }))).map((e) => e.eventName);
    expect(await by('ResourceName', key)).toContain('CreateKey');
    expect((await by('ResourceType', 'AWS::KMS::Key')).every((n) => n === 'CreateKey')).toBe(true);
    expect((await by('ReadOnly', 'false')).every((n) => n === 'CreateKey' || n === 'CreateUser')).toBe(true);
    expect((await by('EventSource', 'iam.amazonaws.com')).every((n) => n === 'CreateUser')).toBe(true);
    expect((await by('Username', 'root')).length).toBeGreaterThan(0);
    expect(await by('AccessKeyId', 'AKIANOTTHIS')).toEqual([]);
  });

  it('refuses a malformed token, and a token of another query', async () => {
    const first = await lookupEvents(journal, query({ maxResults: 1 }));
    expect(first.nextToken).toBeDefined();
    for (const nextToken of [
      '',
      'not base64!',
      Buffer.from('{"v":1}').toString('base64'),
      Buffer.from('[]').toString('base64'),
    ]) {
      await expect(lookupEvents(journal, query({ nextToken }))).rejects.toMatchObject({
        code: 'InvalidNextTokenException',
      });
    }
    await expect(
      lookupEvents(journal, query({ nextToken: first.nextToken, attribute: { key: 'EventName', value: 'CreateKey' } })),
    ).rejects.toMatchObject({ code: 'InvalidNextTokenException' });
    await expect(
      lookupEvents(journal, query({ nextToken: first.nextToken, accountId: '444455556666' })),
    ).rejects.toMatchObject({
      code: 'InvalidNextTokenException',
    });
    // A different page size is the same query.
    expect((await lookupEvents(journal, query({ nextToken: first.nextToken, maxResults: 2 }))).events).toHaveLength(2);
  });
});

describe('eventUsername', () => {
  it('is the user, the role session, or root', () => {
    const base = event('2026-03-01T12:00:00Z');
    expect(eventUsername(base)).toBe('root');
    expect(
      eventUsername({
        ...base,
        userIdentity: {
          type: 'IAMUser',
          principalId: 'AIDA',
          arn: 'arn:aws:iam::1:user/alice',
          accountId: '1',
          accessKeyId: 'A',
          userName: 'alice',
        },
      }),
    ).toBe('alice');
    expect(
      eventUsername({
        ...base,
        userIdentity: {
          type: 'AssumedRole',
          principalId: 'AROA:s',
          arn: 'arn:aws:sts::1:assumed-role/admin/my-session',
          accountId: '1',
          accessKeyId: 'ASIA',
        },
      }),
    ).toBe('my-session');
    expect(eventUsername({ ...base, userIdentity: { accountId: '1', invokedBy: 'AWS Internal' } })).toBeUndefined();
  });
});
