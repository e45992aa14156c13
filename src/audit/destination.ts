/**
 * Where log files, digests and the public key go: a bucket-like store of objects by key. The
 * deliverer writes through it and the validator reads through it, so a directory and an S3 bucket
 * (s3-destination.ts) behave alike. Keys are S3 keys (`[<prefix>/]AWSLogs/...`, `/`-separated).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { DIRECTORY_BUCKET, writeFileAtomic } from './delivery-layout.js';

export interface StoredObject {
  body: Buffer;
  /** User metadata, names in lower case without `x-amz-meta-` (`signature`, `signature-algorithm`). */
  metadata: Record<string, string>;
}

export interface LogDestination {
  /** The bucket digests name in digestS3Bucket, s3Bucket and their signing string. */
  readonly bucket: string;
  /** What goes before `AWSLogs/` in every key: '' or `<prefix>/` (CloudTrail's S3 key prefix). */
  readonly keyPrefix: string;
  /** For messages: `s3://bucket/prefix/` or the directory. Never a credential. */
  readonly location: string;
  /** Writes (or overwrites with) these bytes; resolves only once they are stored durably. */
  put(key: string, body: Buffer | string, metadata?: Record<string, string>): Promise<void>;
  /** The object, or undefined when there is none. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Every key that starts with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Releases connections, if any. */
  close?(): void;
}

/** The longest S3 key prefix CloudTrail accepts (Trail.S3KeyPrefix: "The maximum length is 200 characters"). */
export const MAX_KEY_PREFIX_LENGTH = 200;

/** `logs/trent/` from `/logs/trent/` or `logs/trent`; '' from nothing. Throws on one CloudTrail would refuse. */
export function normalizeKeyPrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed.length > MAX_KEY_PREFIX_LENGTH)
    throw new Error(`the S3 key prefix must be at most ${MAX_KEY_PREFIX_LENGTH} characters`);
  if (trimmed === '') return '';
  if (trimmed.split('/').some((part) => part === '' || part === '.' || part === '..'))
    throw new Error(`the S3 key prefix '${prefix}' has an empty, '.' or '..' part`);
  return `${trimmed}/`;
}

/**
 * Object metadata of a directory object: `<key>.sig`, JSON with the metadata names in camel case
 * (`{"signature": ..., "signatureAlgorithm": ...}`), the only metadata written being a digest's
 * signature. S3 keeps it in the object itself (`x-amz-meta-signature`).
 */
export const METADATA_SUFFIX = '.sig';

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A directory standing in for a bucket (named DIRECTORY_BUCKET in digests). */
export class DirectoryDestination implements LogDestination {
  readonly bucket = DIRECTORY_BUCKET;
  readonly keyPrefix = '';
  readonly location: string;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.location = this.dir;
  }

  async put(key: string, body: Buffer | string, metadata?: Record<string, string>): Promise<void> {
    await writeFileAtomic(this.path(key), body);
    if (metadata) {
      const json = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [camel(k), v]));
      await writeFileAtomic(this.path(key) + METADATA_SUFFIX, JSON.stringify(json) + '\n');
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    let body: Buffer;
    try {
      body = await readFile(this.path(key));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    const metadata: Record<string, string> = {};
    try {
      const json = JSON.parse(await readFile(this.path(key) + METADATA_SUFFIX, 'utf8')) as unknown;
      if (json && typeof json === 'object')
        for (const [k, v] of Object.entries(json)) if (typeof v === 'string') metadata[kebab(k)] = v;
    } catch {
      // No metadata, or unreadable: as S3 would have none.
    }
    return { body, metadata };
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) await walk(path);
        else if (e.isFile() && !e.name.startsWith('.tmp-') && !e.name.endsWith(METADATA_SUFFIX))
          keys.push(relative(this.dir, path).split(sep).join('/'));
      }
    };
    // Walk only below the prefix's directory part; the rest is filtered by name.
    const slash = prefix.lastIndexOf('/');
    await walk(slash < 0 ? this.dir : this.path(prefix.slice(0, slash)));
    return keys.filter((k) => k.startsWith(prefix)).sort();
  }

  /** The file of a key, which must stay inside the directory. */
  private path(key: string): string {
    const path = resolve(this.dir, ...key.split('/'));
    if (path !== this.dir && !path.startsWith(this.dir + sep)) throw new Error(`key outside the directory: ${key}`);
    return path;
  }
}

/** What a failed put or get says, for a log line: its error name and message, never a credential. */
export function describeDestinationError(err: unknown): { error: string; message: string } {
  if (err instanceof Error) return { error: err.name, message: err.message.slice(0, 300) };
  return { error: 'Error', message: String(err).slice(0, 300) };
}

/**
 * An S3 destination (s3-destination.ts), loaded on first use: the S3 client is large, and most
 * commands never need it.
 */
export async function openS3Destination(
  opts: import('./s3-destination.js').S3DestinationOptions,
): Promise<LogDestination> {
  const { S3Destination } = await import('./s3-destination.js');
  return new S3Destination(opts);
}

const isMissing = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');
