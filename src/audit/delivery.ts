/**
 * Delivery of the trail as CloudTrail log files, and digests over them. Every `deliverNow()` turns
 * the events appended to the JSON-lines files (sink.ts) since the last delivery into one gzip
 * `{"Records": [...]}` file per recipient account and region; every `digestNow()` writes, per
 * account and region, a digest listing the log files delivered since the previous digest with
 * their SHA-256, signed SHA256withRSA and chained to the previous digest ("CloudTrail digest file
 * structure"; "Validating CloudTrail log file integrity").
 *
 * Objects go to a LogDestination (destination.ts): a directory or an S3 bucket. Progress is a
 * cursor into the JSON-lines files kept in a local state file written atomically. Each step first
 * records what it is about to do (`pending`), and moves the cursor only once every object of the
 * step is stored, so a step interrupted by a crash or by a destination that does not answer is
 * done again identically at the next start or the next interval: the same names, the same bytes.
 * Nothing recorded is lost, nothing is delivered twice.
 */
import { sign } from 'node:crypto';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AuditEvent } from './event.js';
import type { DigestKey } from './digest-key.js';
import { describeDestinationError, DirectoryDestination, type LogDestination } from './destination.js';
import {
  DELIVERY_STATE_FILE,
  DIRECTORY_BUCKET,
  digestObject,
  HASH_ALGORITHM,
  isoSeconds,
  logFileObject,
  PUBLIC_KEY_FILE,
  sha256Hex,
  SIGNATURE_ALGORITHM,
  writeFileAtomic,
} from './delivery-layout.js';

/** A position in the JSON-lines files: the file's name and a byte offset just past a newline. */
export interface Cursor {
  file: string;
  offset: number;
}

export interface DeliveredLogFile {
  account: string;
  region: string;
  s3Object: string;
  hashValue: string;
  oldestEventTime: string;
  newestEventTime: string;
}

interface ChainHead {
  /** The bucket the digest went to; absent in older state: DIRECTORY_BUCKET. */
  bucket?: string | undefined;
  object: string;
  hashValue: string;
  signature: string;
  endTime: string;
}

export interface DeliveryState {
  version: 1;
  /** Everything before it is delivered; null: nothing yet. */
  cursor: Cursor | null;
  /** digestStartTime of each account and region's first digest. */
  startedAt: string;
  /** A delivery begun and not finished: the events up to `to`, named with `time`. */
  pending?: { to: Cursor; time: string } | undefined;
  /**
   * A digest run begun and not finished, ending at `time`, over the first `files` undigested log
   * files (absent in older state: all of them).
   */
  pendingDigest?: { time: string; files?: number | undefined } | undefined;
  /** Log files delivered since the last digest. */
  undigested: DeliveredLogFile[];
  /** The newest digest of each `account/region`. */
  chains: Record<string, ChainHead>;
}

export interface AuditDeliveryOptions {
  /** Where the sink's `events-YYYYMMDDHH.jsonl` files are. */
  eventsDir: string;
  /** A directory for log files, digests, the public key and the state file (DirectoryDestination). */
  auditDir?: string | undefined;
  /** Where log files, digests and the public key go, instead of `auditDir` (s3-destination.ts). */
  destination?: LogDestination | undefined;
  /** The state file; default `<auditDir>/trent-delivery-state.json`. Required with `destination`. */
  statePath?: string | undefined;
  /** Told of what is delivered and of failures (server/metrics.ts). */
  observer?: DeliveryObserver | undefined;
  key: DigestKey;
  now?: () => Date;
  /** Told of lines that are not JSON (a crash cut them) and of failed timer runs. */
  onWarning?: (message: string, details: Record<string, unknown>) => void;
  /**
   * Where an event goes whose recipient account or region is not one (a failed authentication
   * whose caller cannot be identified, a credential scope naming no region Trent knows): the
   * server's account, and this region check. Default: every 12-digit account, every region name.
   */
  fallbackAccount?: string | undefined;
  isRegion?: ((region: string) => boolean) | undefined;
  /** Journal bytes read into one delivery at most; a longer backlog becomes several. Default 32 MiB. */
  maxBatchBytes?: number | undefined;
}

export interface DeliveryObserver {
  logFilesDelivered(count: number): void;
  digestsWritten(count: number): void;
  /** A delivery or digest run that failed (it is done again at the next interval). */
  failed(): void;
}

/** Every event is bounded (limits.ts), far below this, so a batch always holds at least one. */
const DEFAULT_MAX_BATCH_BYTES = 32 * 1024 * 1024;
/** Where events of no known recipient go, when the server's account is not given. */
const FALLBACK_ACCOUNT = '000000000000';
/** IAM and STS, global services, record their events in us-east-1 too. */
const FALLBACK_REGION = 'us-east-1';

const EVENTS_FILE = /^events-\d{10}\.jsonl$/;
/** Enough for any one event line (limits.ts bounds them), read to find the oldest undelivered one. */
const PEEK_BYTES = 512 * 1024;
const NEWLINE = 0x0a;

export class AuditDelivery {
  private state: DeliveryState | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private readonly now: () => Date;
  private readonly maxBatchBytes: number;
  private readonly destination: LogDestination;
  private readonly statePath: string;
  private publicKeyStored = false;

  constructor(private readonly opts: AuditDeliveryOptions) {
    this.now = opts.now ?? (() => new Date());
    this.maxBatchBytes = opts.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    if (opts.destination) {
      if (opts.statePath === undefined) throw new Error('a delivery destination needs a state file path');
      this.destination = opts.destination;
      this.statePath = opts.statePath;
    } else {
      if (opts.auditDir === undefined) throw new Error('audit delivery needs a directory or a destination');
      this.destination = new DirectoryDestination(opts.auditDir);
      this.statePath = opts.statePath ?? join(opts.auditDir, DELIVERY_STATE_FILE);
    }
  }

  /** Where the objects go, for messages. */
  get location(): string {
    return this.destination.location;
  }

  /**
   * Loads (or creates) the state, then stores the public key PEM and finishes an interrupted step.
   * A destination that fails here (a bucket that does not answer) is warned of and tried again at
   * the next interval; a state file that cannot be written fails.
   */
  async open(): Promise<void> {
    const state = await this.loadState();
    try {
      await this.serial(() => this.storePublicKey());
      if (state.pending) await this.deliverNow();
      if (state.pendingDigest) await this.digestNow();
    } catch (err) {
      this.warnFailed(err);
    }
  }

  /**
   * Seconds between the oldest event recorded and not yet delivered and now; 0 when every event
   * is delivered. Reads the first line after the cursor.
   */
  async lagSeconds(): Promise<number> {
    const state = await this.loadState();
    const time = await this.oldestUndelivered(state.cursor);
    if (time === undefined) return 0;
    return Math.max(0, (this.now().getTime() - time.getTime()) / 1000);
  }

  /** Runs delivery every `deliverMs` and digests every `digestMs` (unref'd timers). */
  start(deliverMs: number, digestMs: number): void {
    const every = (ms: number, run: () => Promise<unknown>) => {
      // setInterval takes at most 2^31-1 ms (about 24.8 days) and fires at once beyond it.
      const t = setInterval(
        () => {
          run().catch((err: unknown) => this.warnFailed(err));
        },
        Math.min(ms, 2 ** 31 - 1),
      );
      t.unref();
      this.timers.push(t);
    };
    every(deliverMs, () => this.deliverNow());
    every(digestMs, () => this.digestNow());
  }

  /** Stops the timers, then delivers what is left and writes a last digest. */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    try {
      await this.deliverNow();
      await this.digestNow();
    } finally {
      this.destination.close?.();
    }
  }

  /** Delivers the events recorded since the last delivery; returns the log files written. */
  deliverNow(): Promise<DeliveredLogFile[]> {
    return this.serial(async () => {
      await this.storePublicKey();
      const files: DeliveredLogFile[] = [];
      for (;;) {
        const { delivered, more } = await this.deliver();
        files.push(...delivered);
        if (!more) return files;
      }
    });
  }

  /** Writes a digest per account and region (also when no log file was delivered); returns their objects. */
  digestNow(): Promise<string[]> {
    return this.serial(async () => {
      await this.storePublicKey();
      return this.digest();
    });
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run).catch((err: unknown) => {
      this.opts.observer?.failed();
      throw err;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private warnFailed(err: unknown): void {
    this.opts.onWarning?.('audit delivery failed; will retry', {
      destination: this.destination.location,
      ...describeDestinationError(err),
    });
  }

  /** The PEM beside the log files, once per process (again after a failure). */
  private async storePublicKey(): Promise<void> {
    if (this.publicKeyStored) return;
    await this.destination.put(this.destination.keyPrefix + PUBLIC_KEY_FILE, this.opts.key.publicKeyPem);
    this.publicKeyStored = true;
  }

  /** One batch of at most about `maxBatchBytes` of the journal; `more` if the journal goes on. */
  private async deliver(): Promise<{ delivered: DeliveredLogFile[]; more: boolean }> {
    const state = await this.loadState();
    const from = state.cursor;
    let pending = state.pending;
    const resumed = pending !== undefined;
    const read = await this.readEvents(from, pending?.to);
    if (!pending) {
      if (read.events.length === 0) {
        if (read.to && (!from || read.to.file !== from.file || read.to.offset !== from.offset)) {
          state.cursor = read.to;
          await this.saveState();
        }
        return { delivered: [], more: read.more };
      }
      pending = { to: read.to!, time: this.now().toISOString() };
      state.pending = pending;
      await this.saveState();
    }
    const time = new Date(pending.time);
    const groups = new Map<string, AuditEvent[]>();
    for (const event of read.events) {
      const group = `${this.accountOf(event)}/${this.regionOf(event)}`;
      const list = groups.get(group) ?? [];
      list.push(event);
      groups.set(group, list);
    }
    const delivered: DeliveredLogFile[] = [];
    for (const [group, events] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [account, region] = group.split('/') as [string, string];
      // Derived from the range and the group, so that a delivery done again names the same file.
      const unique = sha256Hex(`${JSON.stringify(from)}|${JSON.stringify(pending.to)}|${group}`).slice(0, 16);
      const s3Object = this.destination.keyPrefix + logFileObject(account, region, time, unique);
      const json = JSON.stringify({ Records: events });
      await this.destination.put(s3Object, gzipSync(json));
      const times = events.map((e) => e.eventTime).sort();
      delivered.push({
        account,
        region,
        s3Object,
        hashValue: sha256Hex(json),
        oldestEventTime: times[0]!,
        newestEventTime: times[times.length - 1]!,
      });
    }
    state.cursor = pending.to;
    state.pending = undefined;
    state.undigested.push(...delivered);
    await this.saveState();
    this.opts.observer?.logFilesDelivered(delivered.length);
    // A batch done again ends where it was cut then: what was recorded since comes next.
    return { delivered, more: read.more || resumed };
  }

  private accountOf(event: AuditEvent): string {
    const account = event.recipientAccountId;
    return /^\d{12}$/.test(account) ? account : (this.opts.fallbackAccount ?? FALLBACK_ACCOUNT);
  }

  private regionOf(event: AuditEvent): string {
    const region = event.awsRegion;
    const known = /^[a-z0-9-]{1,64}$/.test(region) && (this.opts.isRegion?.(region) ?? true);
    return known ? region : FALLBACK_REGION;
  }

  private async digest(): Promise<string[]> {
    const state = await this.loadState();
    if (!state.pendingDigest) {
      // A digest's name has seconds: never reuse the previous end time.
      let end = Math.floor(this.now().getTime() / 1000) * 1000;
      for (const head of Object.values(state.chains)) end = Math.max(end, new Date(head.endTime).getTime() + 1000);
      state.pendingDigest = { time: new Date(end).toISOString(), files: state.undigested.length };
      await this.saveState();
    }
    const end = new Date(state.pendingDigest.time);
    // The files this run was begun with: a run done again writes the same digests.
    const included = state.undigested.slice(0, state.pendingDigest.files ?? state.undigested.length);
    const groups = new Set([...Object.keys(state.chains), ...included.map((f) => `${f.account}/${f.region}`)]);
    const bucket = this.destination.bucket;
    const written: string[] = [];
    // Applied only once every digest is stored: a run done again chains to the same heads.
    const heads: Record<string, ChainHead> = {};
    for (const group of [...groups].sort()) {
      const [account, region] = group.split('/') as [string, string];
      const files = included.filter((f) => f.account === account && f.region === region);
      const previous = state.chains[group];
      const object = this.destination.keyPrefix + digestObject(account, region, end);
      const eventTimes = files.flatMap((f) => [f.oldestEventTime, f.newestEventTime]).sort();
      const digest = {
        awsAccountId: account,
        digestStartTime: previous?.endTime ?? state.startedAt,
        digestEndTime: isoSeconds(end),
        digestS3Bucket: bucket,
        digestS3Object: object,
        digestPublicKeyFingerprint: this.opts.key.fingerprint,
        digestSignatureAlgorithm: SIGNATURE_ALGORITHM,
        newestEventTime: eventTimes.length ? eventTimes[eventTimes.length - 1]! : null,
        oldestEventTime: eventTimes.length ? eventTimes[0]! : null,
        previousDigestS3Bucket: previous ? (previous.bucket ?? DIRECTORY_BUCKET) : null,
        previousDigestS3Object: previous?.object ?? null,
        previousDigestHashValue: previous?.hashValue ?? null,
        previousDigestHashAlgorithm: previous ? HASH_ALGORITHM : null,
        previousDigestSignature: previous?.signature ?? null,
        logFiles: files.map((f) => ({
          s3Bucket: bucket,
          s3Object: f.s3Object,
          hashValue: f.hashValue,
          hashAlgorithm: HASH_ALGORITHM,
          newestEventTime: f.newestEventTime,
          oldestEventTime: f.oldestEventTime,
        })),
      };
      const content = JSON.stringify(digest);
      const hashValue = sha256Hex(content);
      const signature = sign(
        'sha256',
        Buffer.from(digestSigningString(digest.digestEndTime, object, hashValue, previous?.signature ?? null, bucket)),
        this.opts.key.privateKey,
      ).toString('hex');
      // The signature is the object's metadata, as CloudTrail has it (`x-amz-meta-signature`).
      await this.destination.put(object, gzipSync(content), {
        signature,
        'signature-algorithm': SIGNATURE_ALGORITHM,
      });
      heads[group] = { bucket, object, hashValue, signature, endTime: digest.digestEndTime };
      written.push(object);
    }
    Object.assign(state.chains, heads);
    state.undigested = state.undigested.slice(included.length);
    state.pendingDigest = undefined;
    await this.saveState();
    this.opts.observer?.digestsWritten(written.length);
    return written;
  }

  /** Complete lines from `from` up to `to` (or to the end of what is written). */
  private async readEvents(
    from: Cursor | null,
    to: Cursor | undefined,
  ): Promise<{ events: AuditEvent[]; to: Cursor | undefined; more: boolean }> {
    const names = (await readdir(this.opts.eventsDir).catch(() => [] as string[]))
      .filter((n) => EVENTS_FILE.test(n))
      .sort();
    const events: AuditEvent[] = [];
    let end: Cursor | undefined = from ?? undefined;
    // A bounded batch when nothing bounds it yet (a long backlog is delivered in several files).
    let budget = to ? Number.POSITIVE_INFINITY : this.maxBatchBytes;
    let more = false;
    for (const name of names) {
      if (from && name < from.file) continue;
      if (to && name > to.file) break;
      if (budget <= 0) {
        more = true;
        break;
      }
      const start = from && name === from.file ? from.offset : 0;
      const limit = to && name === to.file ? to.offset : undefined;
      const { data, cut } = await readFrom(join(this.opts.eventsDir, name), start, limit, budget);
      const last = data.lastIndexOf(NEWLINE);
      if (last < 0) {
        // A line longer than the whole budget cannot be: events are bounded (limits.ts).
        if (cut) break;
        continue;
      }
      budget -= last + 1;
      if (cut) more = true;
      for (const line of data.subarray(0, last).toString('utf8').split('\n')) {
        if (line === '') continue;
        try {
          events.push(JSON.parse(line) as AuditEvent);
        } catch {
          this.opts.onWarning?.('skipped an audit line that is not JSON', { file: name });
        }
      }
      end = { file: name, offset: start + last + 1 };
      if (cut) break;
    }
    return { events, to: to ?? end, more };
  }

  private async loadState(): Promise<DeliveryState> {
    if (this.state) return this.state;
    try {
      this.state = JSON.parse(await readFile(this.statePath, 'utf8')) as DeliveryState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.state = { version: 1, cursor: null, startedAt: isoSeconds(this.now()), undigested: [], chains: {} };
      await this.saveState();
    }
    return this.state;
  }

  private async saveState(): Promise<void> {
    await writeFileAtomic(this.statePath, JSON.stringify(this.state) + '\n', 0o600);
  }

  /** The eventTime of the first complete line after `from`, if there is one. */
  private async oldestUndelivered(from: Cursor | null): Promise<Date | undefined> {
    const names = (await readdir(this.opts.eventsDir).catch(() => [] as string[]))
      .filter((n) => EVENTS_FILE.test(n) && (!from || n >= from.file))
      .sort();
    for (const name of names) {
      const path = join(this.opts.eventsDir, name);
      const start = from && name === from.file ? from.offset : 0;
      const size = await stat(path).then(
        (s) => s.size,
        () => 0,
      );
      if (size <= start) continue;
      const { data, cut } = await readFrom(path, start, undefined, PEEK_BYTES);
      const newline = data.indexOf(NEWLINE);
      if (newline < 0 && !cut) continue;
      try {
        const time = new Date((JSON.parse(data.subarray(0, newline).toString('utf8')) as AuditEvent).eventTime);
        if (!Number.isNaN(time.getTime())) return time;
      } catch {
        // A line a crash cut: delivery skips it too; the file's mtime stands in for it.
      }
      return (await stat(path)).mtime;
    }
    return undefined;
  }
}

/**
 * The string a digest's signature covers ("Validating CloudTrail log file integrity", custom
 * implementations): the end time, the S3 path `<bucket>/<object>`, the hex SHA-256 of the
 * (uncompressed) digest file, and the previous digest's hex signature, or `null` for the first.
 */
export function digestSigningString(
  endTime: string,
  object: string,
  hashValue: string,
  previousSignature: string | null,
  bucket: string = DIRECTORY_BUCKET,
): string {
  return `${endTime}\n${bucket}/${object}\n${hashValue}\n${previousSignature ?? 'null'}`;
}

/** Bytes from `start` to `end` (default the file's size), at most `budget` of them (`cut` if fewer). */
async function readFrom(
  path: string,
  start: number,
  end: number | undefined,
  budget: number,
): Promise<{ data: Buffer; cut: boolean }> {
  const handle = await open(path, 'r');
  try {
    const size = end ?? (await handle.stat()).size;
    if (size <= start) return { data: Buffer.alloc(0), cut: false };
    const cut = size - start > budget;
    const buf = Buffer.alloc(cut ? budget : size - start);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { data: buf.subarray(0, got), cut };
  } finally {
    await handle.close();
  }
}
