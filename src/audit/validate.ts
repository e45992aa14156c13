/**
 * Validation of a delivery directory or bucket, as `aws cloudtrail validate-logs` validates a
 * bucket ("Validating CloudTrail log file integrity"): for each account and region, walk the
 * digest chain from the newest digest in the time range back, checking each digest's signature
 * (S3 object metadata `x-amz-meta-signature`; in a directory the `.sig` file beside it), its link
 * to the digest after it (hash and signature), and the SHA-256 of every log file it lists. Reports
 * changed, deleted and inserted log files and digests. Reads only.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { publicKeyFingerprint } from './digest-key.js';
import { digestSigningString } from './delivery.js';
import { digestFileTime, isoSeconds, logFileTime, sha256Hex } from './delivery-layout.js';
import { DirectoryDestination, type LogDestination } from './destination.js';

export interface ValidateOptions {
  dir: string;
  publicKeyPem: string;
  startTime?: Date | undefined;
  endTime?: Date | undefined;
  now?: Date | undefined;
}

export interface ValidateTrailOptions {
  destination: LogDestination;
  publicKeyPem: string;
  startTime?: Date | undefined;
  endTime?: Date | undefined;
  now?: Date | undefined;
}

export interface ValidateResult {
  lines: string[];
  digests: { valid: number; total: number };
  logFiles: { valid: number; total: number };
  ok: boolean;
}

interface DigestJson {
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  previousDigestS3Object: string | null;
  previousDigestHashValue: string | null;
  previousDigestSignature: string | null;
  logFiles: { s3Object: string; hashValue: string }[];
}

const gunzip = (data: Buffer | undefined): Buffer | undefined => {
  if (!data) return undefined;
  try {
    return gunzipSync(data);
  } catch {
    return undefined;
  }
};

/** A delivery directory (the server's --audit-dir). */
export function validateAuditDir(opts: ValidateOptions): Promise<ValidateResult> {
  const { dir, ...rest } = opts;
  return validateTrail({ ...rest, destination: new DirectoryDestination(dir) });
}

/** A directory or a bucket, through its destination (destination.ts). Throws if it cannot be read. */
export async function validateTrail(opts: ValidateTrailOptions): Promise<ValidateResult> {
  const { destination } = opts;
  const s3 = (object: string) => `s3://${destination.bucket}/${object}`;
  const publicKey: KeyObject = createPublicKey(opts.publicKeyPem);
  const fingerprint = publicKeyFingerprint(publicKey);
  const start = opts.startTime ?? new Date(0);
  const end = opts.endTime ?? opts.now ?? new Date();
  const files = await destination.list(`${destination.keyPrefix}AWSLogs/`);
  const stored = new Set(files);
  const lines: string[] = [];
  let digestsValid = 0;
  let digestsTotal = 0;
  let logsValid = 0;
  let logsTotal = 0;
  let foundStart: string | undefined;
  let foundEnd: string | undefined;

  const digestsByGroup = new Map<string, { object: string; end: Date }[]>();
  const logsByGroup = new Map<string, { object: string; time: Date }[]>();
  for (const object of files) {
    const name = object.slice(object.lastIndexOf('/') + 1);
    const d = digestFileTime(name);
    if (d && object.includes('/CloudTrail-Digest/')) {
      const list = digestsByGroup.get(`${d.account}/${d.region}`) ?? [];
      list.push({ object, end: d.end });
      digestsByGroup.set(`${d.account}/${d.region}`, list);
      continue;
    }
    const l = logFileTime(name);
    if (l && object.includes('/CloudTrail/')) {
      const list = logsByGroup.get(`${l.account}/${l.region}`) ?? [];
      list.push({ object, time: l.time });
      logsByGroup.set(`${l.account}/${l.region}`, list);
    }
  }

  const groups = [...new Set([...digestsByGroup.keys(), ...logsByGroup.keys()])].sort();
  for (const group of groups) {
    const digests = (digestsByGroup.get(group) ?? [])
      .filter((d) => d.end >= start && (opts.endTime === undefined || d.end <= opts.endTime))
      .sort((a, b) => b.end.getTime() - a.end.getTime());
    const onDisk = new Set(digests.map((d) => d.object));
    const visited = new Set<string>();
    const listed = new Set<string>();
    let newestEnd: Date | undefined;
    // The digest after the one being checked: what it says of it.
    let expect: { hashValue: string | null; signature: string | null } | undefined;
    let current: string | undefined = digests[0]?.object;
    while (current !== undefined) {
      visited.add(current);
      digestsTotal++;
      const problem = await checkDigest(destination, current, publicKey, fingerprint, expect);
      const digest = problem.digest;
      if (problem.error) lines.push(`Digest file ${s3(current)} INVALID: ${problem.error}`);
      else {
        digestsValid++;
        lines.push(`Digest file ${s3(current)} valid`);
      }
      if (digest) {
        newestEnd ??= new Date(digest.digestEndTime);
        foundEnd ??= digest.digestEndTime;
        if (!foundStart || digest.digestStartTime < foundStart) foundStart = digest.digestStartTime;
        for (const log of digest.logFiles) {
          listed.add(log.s3Object);
          logsTotal++;
          const exists = stored.has(log.s3Object);
          const data = exists ? gunzip((await destination.get(log.s3Object))?.body) : undefined;
          if (!exists) lines.push(`Log file ${s3(log.s3Object)} INVALID: not found`);
          else if (!data || sha256Hex(data) !== log.hashValue)
            lines.push(`Log file ${s3(log.s3Object)} INVALID: hash value doesn't match`);
          else {
            logsValid++;
            lines.push(`Log file ${s3(log.s3Object)} valid`);
          }
        }
      }
      // Next: the previous digest in the chain, if it is in the range.
      let next: string | undefined;
      let missing = false;
      const previous = digest?.previousDigestS3Object ?? null;
      if (digest && previous !== null) {
        const t = digestFileTime(previous.slice(previous.lastIndexOf('/') + 1));
        if (t && t.end >= start) {
          if (onDisk.has(previous) && !visited.has(previous)) next = previous;
          else if (!onDisk.has(previous)) {
            missing = true;
            digestsTotal++;
            lines.push(`Digest file ${s3(previous)} INVALID: not found`);
          }
        }
      }
      expect =
        next !== undefined && digest
          ? { hashValue: digest.previousDigestHashValue, signature: digest.previousDigestSignature }
          : undefined;
      if (next === undefined && (missing || !digest)) {
        // The chain is broken: go on from the newest digest older than this one not yet checked.
        const here = digests.find((d) => d.object === current)!.end;
        next = digests.find((d) => !visited.has(d.object) && d.end < here)?.object;
      }
      current = next;
    }
    for (const d of digests) {
      if (visited.has(d.object)) continue;
      digestsTotal++;
      lines.push(`Digest file ${s3(d.object)} INVALID: not part of the digest chain`);
    }
    // Log files a digest should have listed (delivered before the newest digest's minute) but none does.
    if (newestEnd) {
      const cutoff = Math.floor(newestEnd.getTime() / 60_000) * 60_000;
      for (const log of logsByGroup.get(group) ?? []) {
        if (listed.has(log.object) || log.time < start || log.time.getTime() >= cutoff) continue;
        logsTotal++;
        lines.push(`Log file ${s3(log.object)} INVALID: not listed in any digest`);
      }
    }
  }

  lines.push('');
  lines.push(`Results requested for ${isoSeconds(start)} to ${isoSeconds(end)}`);
  if (digestsTotal === 0) lines.push('No digests found');
  else lines.push(`Results found for ${foundStart ?? isoSeconds(start)} to ${foundEnd ?? isoSeconds(end)}:`);
  lines.push('');
  lines.push(`${digestsValid}/${digestsTotal} digest files valid`);
  lines.push(`${logsValid}/${logsTotal} log files valid`);
  return {
    lines,
    digests: { valid: digestsValid, total: digestsTotal },
    logFiles: { valid: logsValid, total: logsTotal },
    ok: digestsValid === digestsTotal && logsValid === logsTotal && digestsTotal > 0,
  };
}

async function checkDigest(
  destination: LogDestination,
  object: string,
  publicKey: KeyObject,
  fingerprint: string,
  expect: { hashValue: string | null; signature: string | null } | undefined,
): Promise<{ digest?: DigestJson | undefined; error?: string | undefined }> {
  const found = await destination.get(object);
  if (!found) return { error: 'not found' };
  const content = gunzip(found.body);
  if (!content) return { error: 'invalid format' };
  let digest: DigestJson;
  try {
    digest = JSON.parse(content.toString('utf8')) as DigestJson;
  } catch {
    return { error: 'invalid format' };
  }
  if (digest.digestS3Object !== object || digest.digestS3Bucket !== destination.bucket)
    return { digest, error: 'has been moved from its original location' };
  if (digest.digestPublicKeyFingerprint !== fingerprint) return { digest, error: 'public key not found' };
  const signature = found.metadata.signature;
  if (typeof signature !== 'string') return { digest, error: 'signature not found' };
  const hashValue = sha256Hex(content);
  const signed = digestSigningString(
    digest.digestEndTime,
    object,
    hashValue,
    digest.previousDigestSignature,
    destination.bucket,
  );
  let good = false;
  try {
    good =
      /^[0-9a-f]+$/.test(signature) && verify('sha256', Buffer.from(signed), publicKey, Buffer.from(signature, 'hex'));
  } catch {
    good = false;
  }
  if (!good) return { digest, error: 'signature verification failed' };
  if (expect && (expect.hashValue !== hashValue || expect.signature !== signature))
    return { digest, error: "hash value doesn't match" };
  return { digest };
}
