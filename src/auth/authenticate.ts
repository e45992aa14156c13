/**
 * Authenticates a request by its SigV4 Authorization header, failing with the error AWS would give,
 * in the order AWS checks (header present, well formed, timestamp, clock skew, Host signed,
 * algorithm, credential scope, access key, signature). Presigned query-string requests are not
 * accepted. Temporary credentials (STS) carry their session token in X-Amz-Security-Token: it must
 * be the one they were issued with (compared by SHA-256, in constant time), and they stop working
 * at their expiration (ExpiredTokenException).
 */
import { accountRootArn, regionSet, type Principal, type RegionSet } from '../domain/index.js';
import {
  checkAlgorithm,
  checkScope,
  parseAuthorizationHeader,
  parseCredential,
  type CredentialScope,
} from './authorization-header.js';
import {
  bothHeaderAndQueryAuth,
  headersNotSigned,
  hostNotSigned,
  expiredToken,
  missingAuthenticationToken,
  signatureMismatch,
  unrecognizedClient,
} from './messages.js';
import { sessionTokenMatches } from './session-token.js';
import { expectedSignature, signaturesMatch } from './signature.js';
import { checkSkew, parseTimestamp } from './timestamp.js';

export interface RawRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Lowercase names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface CredentialRecord {
  secretAccessKey: string;
  principal: Principal;
  /**
   * Temporary credentials: SHA-256 of the session token they were issued with (auth/session-token.ts
   * sessionTokenHash). A long-term access key has none, and then no token may be sent.
   */
  sessionTokenHash?: Buffer | undefined;
  /** Temporary credentials stop working at this instant. */
  expiration?: Date | undefined;
}

export type CredentialLookup = (accessKeyId: string) => Promise<CredentialRecord | undefined>;

export interface AuthOptions {
  lookup: CredentialLookup;
  now: Date;
  /** Default 5 minutes, as AWS. */
  maxSkewMs?: number;
  /** Default 'kms'. */
  service?: string;
  /**
   * Dev mode: the clock is not checked, and an access key Trent does not know (the lookup answers
   * undefined) is the root of this account whatever its signature. Credentials Trent issued are
   * still checked and are their own identities, so applications can test their permissions.
   */
  dev?: { accountId: string };
  /**
   * The time temporary credentials' expiration is compared with: the clock that issued them
   * (services.clock, which `--clock virtual` moves). Default `now`.
   */
  credentialsNow?: Date;
  /** Regions a credential scope may name; default AWS's (domain/regions.ts). */
  regions?: RegionSet;
}

export interface Authenticated {
  principal: Principal;
  /** When the request was signed (X-Amz-Date, or Date). */
  signedAt: Date;
  region: string;
  accessKeyId: string;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

/** Failed authentications whose access key is known: the principal it belongs to. */
const CLAIMED = new WeakMap<object, Principal>();

/**
 * The principal whose access key a failed authentication used (a wrong signature, an expired
 * session): the caller can be identified, so its event belongs in that account's trail.
 */
export function claimedPrincipal(err: unknown): Principal | undefined {
  return typeof err === 'object' && err !== null ? CLAIMED.get(err) : undefined;
}

const claimedBy = <E extends object>(err: E, principal: Principal): E => {
  CLAIMED.set(err, principal);
  return err;
};

export async function authenticate(req: RawRequest, opts: AuthOptions): Promise<Authenticated> {
  const headers = lowercaseKeys(req.headers);
  const authorization = first(headers['authorization']);
  const queryAuth = hasQueryParam(req.url, 'X-Amz-Algorithm');
  if (authorization !== undefined && queryAuth) throw bothHeaderAndQueryAuth();
  if (authorization === undefined) throw missingAuthenticationToken();

  // AWS reads X-Amz-Date first and falls back to Date (AWS General Reference, "Handling dates in
  // Signature Version 4"); both must be ISO-8601 basic format.
  const timestampText = first(headers['x-amz-date']) ?? first(headers['date']);
  const fields = parseAuthorizationHeader(authorization, timestampText !== undefined);
  const timestamp = parseTimestamp(timestampText ?? '');
  // Dev mode exists to accept credentials it cannot check, so freshness is not enforced either.
  if (!opts.dev) checkSkew(timestamp, opts.now, opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS);
  // AWS requires the host to be signed so a signature cannot be replayed at another endpoint.
  if (!fields.signedHeaders.includes('host') && !fields.signedHeaders.includes(':authority')) {
    throw hostNotSigned();
  }
  checkAlgorithm(fields.algorithm);
  const scope = parseCredential(fields.credential);
  const service = opts.service ?? 'kms';
  checkScope(scope, service, timestampText ?? '', opts.regions ?? DEFAULT_REGIONS);
  if (scope.accessKeyId === '') throw unrecognizedClient();

  // Where signatures are checked an unsigned header can be a forgery: a request signed over
  // `host;x-amz-date` must not be replayable with another X-Amz-Target. Checked before the look-up.
  const checkSigned = () => {
    const unsigned = unsignedProtectedHeaders(headers, fields.signedHeaders);
    if (unsigned.length > 0) throw headersNotSigned(unsigned);
  };
  if (!opts.dev) checkSigned();
  const record = await opts.lookup(scope.accessKeyId);
  // Dev mode: only an access key Trent does not know is the account root; the ones it issued are
  // checked as a strict server checks them (but for the clock).
  if (opts.dev && !record) {
    return {
      principal: devRoot(opts.dev.accountId, scope),
      signedAt: timestamp,
      region: scope.region,
      accessKeyId: scope.accessKeyId,
    };
  }
  if (opts.dev) checkSigned();
  if (!record) throw unrecognizedClient();
  // A session token goes with the temporary credentials it was issued with and nothing else
  // (a token with a long-term key, or the wrong token, is refused as AWS refuses it).
  if (!sessionTokenMatches(first(headers['x-amz-security-token']), record.sessionTokenHash)) {
    throw unrecognizedClient();
  }

  const expected = await expectedSignature({
    method: req.method,
    url: req.url,
    headers,
    body: req.body,
    signedHeaders: fields.signedHeaders,
    accessKeyId: scope.accessKeyId,
    secretAccessKey: record.secretAccessKey,
    signingDate: timestamp,
    longDate: timestampText ?? '',
    region: scope.region,
    service,
  });
  if (!signaturesMatch(fields.signature, expected)) throw claimedBy(signatureMismatch(), record.principal);
  // Checked once the signature proves the caller holds the secret, so only the holder learns it.
  if (record.expiration !== undefined && record.expiration.getTime() <= (opts.credentialsNow ?? opts.now).getTime()) {
    throw claimedBy(expiredToken(), record.principal);
  }

  return {
    principal: record.principal,
    signedAt: timestamp,
    region: scope.region,
    accessKeyId: scope.accessKeyId,
  };
}

const DEFAULT_REGIONS = regionSet();

function devRoot(accountId: string, scope: CredentialScope): Principal {
  return {
    accountId,
    arn: accountRootArn(accountId, scope.region),
    accessKeyId: scope.accessKeyId,
    type: 'Root',
    principalId: accountId,
  };
}

/** Headers that change what a request means, so they must be covered by its signature. */
const mustBeSigned = (name: string): boolean =>
  name === 'content-type' || name === 'x-amz-target' || name.startsWith('x-amz-');

function unsignedProtectedHeaders(headers: RawRequest['headers'], signed: readonly string[]): string[] {
  const covered = new Set(signed);
  return Object.keys(headers)
    .filter((name) => mustBeSigned(name) && !covered.has(name))
    .sort();
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function lowercaseKeys(headers: RawRequest['headers']): RawRequest['headers'] {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function hasQueryParam(url: string, name: string): boolean {
  const q = url.indexOf('?');
  if (q < 0) return false;
  return url
    .slice(q + 1)
    .split('&')
    .some((pair) => pair === name || pair.startsWith(`${name}=`));
}
