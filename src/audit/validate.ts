/**
 * Validation of a delivery directory, as `aws cloudtrail validate-logs` validates a bucket
 * ("Validating CloudTrail log file integrity"): for each account and region, walk the digest chain
 * from the newest digest in the time range back, checking each digest's signature (the `.sig`
 * file beside it, the directory's stand-in for S3 object metadata), its link to the digest after
 * it (hash and signature), and the SHA-256 of every log file it lists. Reports changed, deleted
 * and inserted log files and digests. Reads files only.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { publicKeyFingerprint } from './digest-key.js';
import { digestSigningString } from './delivery.js';
import { DIRECTORY_BUCKET, digestFileTime, isoSeconds, logFileTime, sha256Hex } from './delivery-layout.js';

export interface ValidateOptions {
  dir: string;
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
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  previousDigestS3Object: string | null;
  previousDigestHashValue: string | null;
  previousDigestSignature: string | null;
  logFiles: { s3Object: string; hashValue: string }[];
}

const s3 = (object: string) => `s3://${DIRECTORY_BUCKET}/${object}`;

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(path)));
    else if (e.isFile()) out.push(path);
  }
  return out;
}

const readGz = async (path: string): Promise<Buffer | undefined> => {
  try {
    return gunzipSync(await readFile(path));
  } catch {
    return undefined;
  }
};

export async function validateAuditDir(opts: ValidateOptions): Promise<ValidateResult> {
  const publicKey: KeyObject = createPublicKey(opts.publicKeyPem);
  const fingerprint = publicKeyFingerprint(publicKey);
  const start = opts.startTime ?? new Date(0);
  const end = opts.endTime ?? opts.now ?? new Date();
  const files = (await walk(join(opts.dir, 'AWSLogs'))).map((p) => relative(opts.dir, p).split(sep).join('/'));
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
      const problem = await checkDigest(opts.dir, current, publicKey, fingerprint, expect);
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
          const data = await readGz(join(opts.dir, log.s3Object)).catch(() => undefined);
          const exists = files.includes(log.s3Object);
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
  dir: string,
  object: string,
  publicKey: KeyObject,
  fingerprint: string,
  expect: { hashValue: string | null; signature: string | null } | undefined,
): Promise<{ digest?: DigestJson | undefined; error?: string | undefined }> {
  const content = await readGz(join(dir, object));
  if (!content) return { error: 'invalid format' };
  let digest: DigestJson;
  try {
    digest = JSON.parse(content.toString('utf8')) as DigestJson;
  } catch {
    return { error: 'invalid format' };
  }
  if (digest.digestS3Object !== object) return { digest, error: 'has been moved from its original location' };
  if (digest.digestPublicKeyFingerprint !== fingerprint) return { digest, error: 'public key not found' };
  let signature: string;
  try {
    signature = (JSON.parse(await readFile(join(dir, `${object}.sig`), 'utf8')) as { signature: string }).signature;
  } catch {
    return { digest, error: 'signature not found' };
  }
  const hashValue = sha256Hex(content);
  const signed = digestSigningString(digest.digestEndTime, object, hashValue, digest.previousDigestSignature);
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
