/**
 * Where CloudTrail puts log files and digests ("Finding your CloudTrail log files", "CloudTrail
 * digest file structure"), for a directory instead of a bucket, and the small file helpers the
 * deliverer and the validator share: atomic, fsynced writes.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The trail's name in digest file names. */
export const TRAIL_NAME = 'trent';
/**
 * A directory has no bucket: digests name this one in digestS3Bucket, s3Bucket and
 * previousDigestS3Bucket, and the signing string's "S3 path" is `<this>/<object>`.
 */
export const DIRECTORY_BUCKET = 'trent-audit-dir';
export const PUBLIC_KEY_FILE = 'trent-digest-public-key.pem';
export const DELIVERY_STATE_FILE = 'trent-delivery-state.json';
/** The state of delivery to a bucket, kept in the data directory (the bucket holds only what CloudTrail's does). */
export const S3_DELIVERY_STATE_FILE = 'cloudtrail-s3-state.json';
export const SIGNATURE_ALGORITHM = 'SHA256withRSA';
export const HASH_ALGORITHM = 'SHA-256';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function datePath(t: Date): string {
  return `${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}`;
}

function stamp(t: Date, seconds: boolean): string {
  const base = `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}T${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}`;
  return `${base}${seconds ? pad(t.getUTCSeconds()) : ''}Z`;
}

/** `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz` */
export function logFileObject(account: string, region: string, time: Date, unique: string): string {
  return `AWSLogs/${account}/CloudTrail/${region}/${datePath(time)}/${account}_CloudTrail_${region}_${stamp(time, false)}_${unique}.json.gz`;
}

/** `AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<region>_<YYYYMMDDTHHmmssZ>.json.gz` */
export function digestObject(account: string, region: string, end: Date): string {
  return `AWSLogs/${account}/CloudTrail-Digest/${region}/${datePath(end)}/${account}_CloudTrail-Digest_${region}_${TRAIL_NAME}_${region}_${stamp(end, true)}.json.gz`;
}

const LOG_NAME = /^(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4})Z_([0-9A-Za-z]{16})\.json\.gz$/;
const DIGEST_NAME = /^(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_([^_]+)_([a-z0-9-]+)_(\d{8}T\d{6})Z\.json\.gz$/;

function parseStamp(s: string): Date {
  const [y, mo, d, h, mi, se] = [
    s.slice(0, 4),
    s.slice(4, 6),
    s.slice(6, 8),
    s.slice(9, 11),
    s.slice(11, 13),
    s.slice(13, 15) || '0',
  ];
  return new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +se));
}

/** The delivery time (minute) of a log file from its name, or undefined if it is not one. */
export function logFileTime(name: string): { account: string; region: string; time: Date } | undefined {
  const m = LOG_NAME.exec(name);
  return m ? { account: m[1]!, region: m[2]!, time: parseStamp(m[3]!) } : undefined;
}

/** The end time of a digest from its name, or undefined if it is not one. */
export function digestFileTime(name: string): { account: string; region: string; end: Date } | undefined {
  const m = DIGEST_NAME.exec(name);
  return m ? { account: m[1]!, region: m[2]!, end: parseStamp(m[5]!) } : undefined;
}

/** CloudTrail's timestamps: UTC, seconds, no fraction ("2015-08-17T14:01:31Z"). */
export const isoSeconds = (t: Date): string => t.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/**
 * Writes `data` to `path` atomically: a temporary name in the same directory, fsync, rename, then
 * fsync of the directory so the rename itself survives a crash.
 */
export async function writeFileAtomic(path: string, data: Buffer | string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  await rename(tmp, path);
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
