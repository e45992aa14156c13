/**
 * Reading the audit journal back for CloudTrail's LookupEvents: the events of one account and
 * region, newest first, optionally filtered by one lookup attribute and a time range, a page at a
 * time. The journal is either the hourly JSON-lines files of the file sink (`events-YYYYMMDDHH.jsonl`,
 * read backwards from the end, only the hours the range covers) or the memory sink's ring
 * (`--ephemeral`); both sit behind AuditJournal. Every event recorded before a lookup began is seen:
 * the file journal first waits for the sink to have written what it holds.
 *
 * "Newest first" is the order in which events were recorded, the newest file first and, within a
 * file, the last line first. The NextToken is opaque to callers: base64 of the position after the
 * last event returned and a fingerprint of the query, so a token is refused for any other query
 * (InvalidNextTokenException, as CloudTrail refuses "a token that was previously used in a request
 * with different parameters").
 */
import { createHash } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KmsError } from '../domain/index.js';
import type { cloudtrail } from '../model/index.js';
import type { AuditEvent } from './event.js';
import type { MemoryAuditSink } from './memory-sink.js';
import { fileHour } from './retention.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** CloudTrail's event history: "You can look up events that occurred in a Region within the last 90 days." */
export const LOOKUP_DAYS = 90;

/** LookupEvents' attribute keys (the model's LookupAttributeKey). */
export type LookupKey = cloudtrail.LookupAttributeKey;

/** One event of the journal and its position: the next page starts after it. */
export interface JournalEntry {
  event: AuditEvent;
  cursor: string;
}

/** Where LookupEvents reads events from: the file sink's hourly files or the memory sink's ring. */
export interface AuditJournal {
  /**
   * The events recorded before the call, newest first, from the part of the journal that can hold
   * events of [from, to] (the caller still filters by eventTime); after `cursor` when given.
   * `needles`: text every wanted event's JSON line contains, so that a journal of lines can skip
   * the others without parsing them (the caller still filters; a journal may ignore them).
   */
  newestFirst(from: Date, to: Date, cursor?: string, needles?: readonly string[]): AsyncIterable<JournalEntry>;
  /** Could this journal have produced `cursor`? */
  isCursor(cursor: string): boolean;
}

// ---- the file journal -----------------------------------------------------------------------

const FILE_CURSOR = /^(\d{10}):(\d{1,15})$/;
const CHUNK = 64 * 1024;
const hourOf = (d: Date): string => d.toISOString().slice(0, 13).replace(/[-T]/g, '');

/** The lines of `path` before byte `end` (default: the end of the file), last first, with their offsets. */
async function* linesBackward(path: string, end?: number): AsyncGenerator<{ offset: number; text: Buffer }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    // Retention may delete an old file between the listing and the read.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    let pos = Math.min(end ?? Number.MAX_SAFE_INTEGER, (await handle.stat()).size);
    let rest = Buffer.alloc(0);
    while (pos > 0) {
      const size = Math.min(CHUNK, pos);
      pos -= size;
      const chunk = Buffer.alloc(size);
      await handle.read(chunk, 0, size, pos);
      const data = rest.length ? Buffer.concat([chunk, rest]) : chunk;
      let lineEnd = data.length;
      for (let i = data.length - 1; i >= 0; i--) {
        if (data[i] !== 0x0a) continue;
        if (i + 1 < lineEnd) yield { offset: pos + i + 1, text: data.subarray(i + 1, lineEnd) };
        lineEnd = i;
      }
      rest = Buffer.from(data.subarray(0, lineEnd));
    }
    if (rest.length) yield { offset: 0, text: rest };
  } finally {
    await handle.close();
  }
}

const parseLine = (text: Buffer): AuditEvent | undefined => {
  try {
    const event = JSON.parse(text.toString('utf8')) as AuditEvent;
    return event && typeof event === 'object' && typeof event.eventID === 'string' ? event : undefined;
  } catch {
    // A line torn by a crash, or one being appended right now: not an event (yet).
    return undefined;
  }
};

/**
 * The file sink's journal. An event goes to the file of the hour it is written in, which may be
 * the hour after its eventTime, so the files of [from, to + 1 hour] are read.
 */
export function fileJournal(dir: string, sink: { written(): Promise<void> }): AuditJournal {
  return {
    isCursor: (cursor) => FILE_CURSOR.test(cursor),
    async *newestFirst(from, to, cursor, needles = []) {
      await sink.written();
      const wanted = needles.map((n) => Buffer.from(n, 'utf8'));
      const at = cursor === undefined ? undefined : FILE_CURSOR.exec(cursor);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      const first = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
      const last = to.getTime() + HOUR_MS;
      const files = names
        .map((name) => ({ name, hour: fileHour(name) }))
        .filter((f): f is { name: string; hour: Date } => f.hour !== undefined)
        .filter((f) => f.hour.getTime() >= first && f.hour.getTime() <= last)
        .map((f) => ({ name: f.name, key: hourOf(f.hour) }))
        .filter((f) => !at || f.key <= at[1]!)
        .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
      for (const file of files) {
        const end = at && file.key === at[1] ? Number(at[2]) : undefined;
        for await (const line of linesBackward(join(dir, file.name), end)) {
          if (!wanted.every((n) => line.text.includes(n))) continue;
          const event = parseLine(line.text);
          if (event) yield { event, cursor: `${file.key}:${line.offset}` };
        }
      }
    },
  };
}

// ---- the memory journal ---------------------------------------------------------------------

const MEMORY_CURSOR = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The memory sink's journal (`--ephemeral`): its ring, newest first. A cursor is the eventID of the
 * last event returned; once the ring has dropped that event, the lookup has nothing more.
 */
export function memoryJournal(sink: Pick<MemoryAuditSink, 'events'>): AuditJournal {
  return {
    isCursor: (cursor) => MEMORY_CURSOR.test(cursor),
    async *newestFirst(_from, _to, cursor) {
      const events = sink.events();
      let i = events.length - 1;
      if (cursor !== undefined) {
        while (i >= 0 && events[i]!.eventID !== cursor) i--;
        i--;
      }
      for (; i >= 0; i--) yield { event: events[i]!, cursor: events[i]!.eventID };
    },
  };
}

// ---- the lookup -----------------------------------------------------------------------------

/** A LookupEvents request, checked, with the caller's account and region. */
export interface LookupQuery {
  accountId: string;
  region: string;
  attribute?: { key: LookupKey; value: string } | undefined;
  /** As the caller gave them (part of the query a token belongs to). */
  startTime?: Date | undefined;
  endTime?: Date | undefined;
  /** `insight`: Trent records no Insights events. */
  eventCategory?: string | undefined;
  maxResults: number;
  nextToken?: string | undefined;
  now: Date;
}

export interface LookupPage {
  events: AuditEvent[];
  nextToken?: string | undefined;
}

/** CloudTrail's user name of an event: the IAM user, the role session, `root`; none for AWS itself. */
export function eventUsername(event: AuditEvent): string | undefined {
  const identity = event.userIdentity;
  if (!identity || !('type' in identity)) return undefined;
  switch (identity.type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return 'userName' in identity ? identity.userName : undefined;
    case 'AssumedRole':
    case 'FederatedUser':
      // arn:aws:sts::111122223333:assumed-role/<role>/<session>, ...:federated-user/<name>
      return 'arn' in identity ? identity.arn.slice(identity.arn.lastIndexOf('/') + 1) || undefined : undefined;
    default:
      return undefined;
  }
}

export const eventAccessKeyId = (event: AuditEvent): string | undefined => {
  const identity = event.userIdentity;
  return identity && 'accessKeyId' in identity && identity.accessKeyId !== '' ? identity.accessKeyId : undefined;
};

/** What each lookup attribute matches in an event: its value, exactly (ReadOnly: `true` or `false`). */
export const LOOKUP_ATTRIBUTES: Readonly<Record<LookupKey, (event: AuditEvent, value: string) => boolean>> = {
  EventId: (event, value) => event.eventID === value,
  EventName: (event, value) => event.eventName === value,
  EventSource: (event, value) => event.eventSource === value,
  ReadOnly: (event, value) => String(event.readOnly) === value.toLowerCase(),
  Username: (event, value) => eventUsername(event) === value,
  AccessKeyId: (event, value) => eventAccessKeyId(event) === value,
  ResourceType: (event, value) => (event.resources ?? []).some((r) => r.type === value),
  ResourceName: (event, value) => (event.resources ?? []).some((r) => r.ARN === value),
};

/**
 * Text the JSON line of every event the query wants contains (the sink writes JSON.stringify's
 * escaping): its account, and the attribute's value where the value appears verbatim.
 */
function needlesOf(q: LookupQuery): string[] {
  const json = (value: string | boolean) => JSON.stringify(value);
  const needles = [`"recipientAccountId":${json(q.accountId)}`, `"awsRegion":${json(q.region)}`];
  const attribute = q.attribute;
  if (!attribute) return needles;
  if (attribute.key === 'ReadOnly') {
    const value = attribute.value.toLowerCase();
    if (value === 'true' || value === 'false') needles.push(`"readOnly":${value}`);
  } else {
    needles.push(json(attribute.value).slice(1, -1));
  }
  return needles;
}

/** The query a token belongs to: everything the caller asked but the page size. */
function fingerprint(q: LookupQuery): string {
  const parts = [
    q.accountId,
    q.region,
    q.attribute?.key ?? '',
    q.attribute?.value ?? '',
    q.startTime?.getTime() ?? '',
    q.endTime?.getTime() ?? '',
    q.eventCategory ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

export const INVALID_NEXT_TOKEN_MESSAGE =
  'The NextToken is not valid, or was issued for a request with different parameters.';
const invalidToken = (): KmsError => new KmsError('InvalidNextTokenException', INVALID_NEXT_TOKEN_MESSAGE);

function encodeToken(q: LookupQuery, cursor: string): string {
  return Buffer.from(JSON.stringify({ v: 1, q: fingerprint(q), c: cursor })).toString('base64');
}

function decodeToken(journal: AuditJournal, q: LookupQuery, token: string): string {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) throw invalidToken();
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  const t = parsed as { v?: unknown; q?: unknown; c?: unknown } | null;
  if (!t || typeof t !== 'object' || t.v !== 1 || typeof t.c !== 'string' || !journal.isCursor(t.c)) {
    throw invalidToken();
  }
  if (t.q !== fingerprint(q)) throw invalidToken();
  return t.c;
}

/**
 * One page of LookupEvents: up to `maxResults` management events of the account and region, newest
 * first, within the time range (default the last 90 days up to now); a NextToken when more match.
 */
export async function lookupEvents(journal: AuditJournal, q: LookupQuery): Promise<LookupPage> {
  const cursor = q.nextToken === undefined ? undefined : decodeToken(journal, q, q.nextToken);
  if (q.eventCategory === 'insight') return { events: [] };
  const end = q.endTime ?? q.now;
  const start = q.startTime ?? new Date(q.now.getTime() - LOOKUP_DAYS * DAY_MS);
  // eventTime has whole seconds: an event of the second StartTime falls in is in the range.
  const from = Math.floor(start.getTime() / 1000) * 1000;
  const to = end.getTime();
  const events: AuditEvent[] = [];
  let last: string | undefined;
  for await (const { event, cursor: position } of journal.newestFirst(new Date(from), end, cursor, needlesOf(q))) {
    if (event.recipientAccountId !== q.accountId || event.awsRegion !== q.region) continue;
    if (event.managementEvent === false) continue;
    const time = Date.parse(event.eventTime);
    if (!(time >= from && time <= to)) continue;
    if (q.attribute && !LOOKUP_ATTRIBUTES[q.attribute.key](event, q.attribute.value)) continue;
    // One more match than the page holds: there is a next page, starting after the last returned.
    if (events.length === q.maxResults) return { events, nextToken: encodeToken(q, last!) };
    events.push(event);
    last = position;
  }
  return { events };
}
