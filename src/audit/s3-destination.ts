/**
 * An S3 bucket (AWS or any S3-compatible server) as the destination of log files and digests,
 * through @aws-sdk/client-s3. Credentials come from the SDK's default provider chain
 * (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE, web identity, instance
 * roles); the region from AWS_REGION or AWS_DEFAULT_REGION, else us-east-1. Digest signatures go
 * in the object's metadata (`x-amz-meta-signature`), as CloudTrail keeps them.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { LogDestination, StoredObject } from './destination.js';
import { normalizeKeyPrefix } from './destination.js';

export interface S3DestinationOptions {
  bucket: string;
  /** An S3-compatible endpoint (`http://127.0.0.1:4568`); path-style addressing is used with it. */
  endpoint?: string | undefined;
  /** CloudTrail's S3 key prefix: objects go to `<prefix>/AWSLogs/...`. */
  prefix?: string | undefined;
  /** Default AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1. */
  region?: string | undefined;
  /** The process environment by default. */
  env?: NodeJS.ProcessEnv | undefined;
}

/** S3's bucket naming rules (general purpose buckets), loosely: 3 to 63 of a-z, 0-9, '.', '-'. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class S3Destination implements LogDestination {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly location: string;
  private readonly client: S3Client;

  constructor(opts: S3DestinationOptions) {
    if (!BUCKET_NAME.test(opts.bucket)) throw new Error(`'${opts.bucket}' is not a valid S3 bucket name`);
    const env = opts.env ?? process.env;
    this.bucket = opts.bucket;
    this.keyPrefix = normalizeKeyPrefix(opts.prefix);
    this.location = `s3://${opts.bucket}/${this.keyPrefix}`;
    this.client = new S3Client({
      region: opts.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'),
      ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
      // A bucket that does not answer fails the delivery (retried next interval), not hangs it.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    });
  }

  async put(key: string, body: Buffer | string, metadata?: Record<string, string>): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: typeof body === 'string' ? Buffer.from(body) : body,
        ContentType: contentType(key),
        ...(metadata ? { Metadata: metadata } : {}),
      }),
    );
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(out.Metadata ?? {})) metadata[k.toLowerCase()] = v;
      return { body, metadata };
    } catch (err) {
      if (err instanceof NoSuchKey || (err instanceof S3ServiceException && err.name === 'NoSuchKey')) return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of out.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  close(): void {
    this.client.destroy();
  }
}

function contentType(key: string): string {
  if (key.endsWith('.json.gz')) return 'application/x-gzip';
  if (key.endsWith('.pem')) return 'application/x-pem-file';
  return 'application/octet-stream';
}
