/**
 * Recomputes a SigV4 signature from the request as received, with @smithy/signature-v4 (the signer
 * the AWS SDK uses) building the canonical request, the string to sign and the signing key.
 *
 * We do not call `sign()` on a copy of the request: it deletes a received `Date` header, adds its
 * own `X-Amz-Date`, and takes the payload hash from an `X-Amz-Content-SHA256` header when there is
 * one. A verifier must instead hash exactly the headers the client listed in SignedHeaders, with the
 * values received, and the body actually received (AWS computes the payload hash itself for every
 * service but S3). So we pick the signed headers ourselves and let the library do the rest.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import {
  ALGORITHM_IDENTIFIER,
  SignatureV4,
  createScope,
  getCanonicalHeaders,
  getPayloadHash,
} from '@smithy/signature-v4';

/** The library's request shape, without naming its types package. */
type SignableRequest = Parameters<typeof getCanonicalHeaders>[0];
type QueryBag = NonNullable<SignableRequest['query']>;

const Sha256 = Hash.bind(null, 'sha256');

export interface SignatureInput {
  method: string;
  /** Path and query as received, e.g. `/` or `/?a=b`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Lowercased names from SignedHeaders. */
  signedHeaders: readonly string[];
  accessKeyId: string;
  secretAccessKey: string;
  /** The request timestamp; its date is the scope date. */
  signingDate: Date;
  /** The received timestamp text, as it appears in the string to sign. */
  longDate: string;
  region: string;
  service: string;
}

/** Exposes the library's canonical-request steps, which `sign()` would wrap in request rewriting. */
class VerifyingSigner extends SignatureV4 {
  async signatureFor(request: SignableRequest, payloadHash: string, input: SignatureInput): Promise<string> {
    const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(input.signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const scope = createScope(input.longDate.slice(0, 8), input.region, input.service);
    const stringToSign = await this.createStringToSign(input.longDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
    // sign(string) is the library's public StringSigner: HMAC of the string with the signing key.
    return this.sign(stringToSign, {
      signingDate: input.signingDate,
      signingRegion: input.region,
      signingService: input.service,
    });
  }
}

export async function expectedSignature(input: SignatureInput): Promise<string> {
  const q = input.url.indexOf('?');
  const request: SignableRequest = {
    method: input.method,
    protocol: 'https:',
    hostname: headerValue(input.headers, 'host') ?? '',
    // Used as received: the library normalises and escapes it as AWS does for non-S3 services.
    path: q < 0 ? input.url : input.url.slice(0, q),
    query: parseQuery(q < 0 ? '' : input.url.slice(q + 1)),
    headers: signedHeaderBag(input.headers, input.signedHeaders),
    body: input.body,
  };
  // Hash of the body received; a client-sent X-Amz-Content-SHA256 is only a signed header here.
  const payloadHash = await getPayloadHash({ ...request, headers: {} }, Sha256);
  return signerFor(input).signatureFor(request, payloadHash, input);
}

/**
 * Signers are kept per access key, region and service so the library's cache of derived signing
 * keys (one HMAC chain per day) is reused across requests instead of rebuilt for each one.
 */
const signers = new Map<string, VerifyingSigner>();
const MAX_SIGNERS = 1000;

function signerFor(input: SignatureInput): VerifyingSigner {
  // The secret is part of the key so a changed secret never meets a stale signer.
  const id = `${input.accessKeyId}\n${input.region}\n${input.service}\n${input.secretAccessKey}`;
  let signer = signers.get(id);
  if (!signer) {
    signer = new VerifyingSigner({
      service: input.service,
      region: input.region,
      credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
      sha256: Sha256,
      uriEscapePath: true,
      applyChecksum: false,
    });
    if (signers.size >= MAX_SIGNERS) signers.delete(signers.keys().next().value!);
    signers.set(id, signer);
  }
  return signer;
}

/** Constant-time comparison of the provided and expected hex signatures. */
export function signaturesMatch(provided: string, expected: string): boolean {
  return constantTimeEquals(provided, expected);
}

/** Constant-time comparison of a secret string with what a client sent. */
export function constantTimeEquals(provided: string, expected: string): boolean {
  const want = Buffer.from(expected, 'utf8');
  const got = Buffer.from(provided, 'utf8');
  if (got.length !== want.length) {
    // Same work either way; the expected length is public.
    timingSafeEqual(want, want);
    return false;
  }
  return timingSafeEqual(want, got);
}

function headerValue(headers: SignatureInput['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * Only the signed headers, by their lowercase names. A signed header the request lacks is hashed
 * with an empty value so that it stays in the signed-header list. Repeated headers are joined with
 * commas (AWS General Reference, "Create a canonical request").
 */
function signedHeaderBag(headers: SignatureInput['headers'], signed: readonly string[]): Record<string, string> {
  return Object.fromEntries(signed.map((name) => [name, headerValue(headers, name) ?? '']));
}

/** Decoded names and values; the library re-encodes them in canonical form. */
function parseQuery(query: string): QueryBag {
  const bag = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    bag.set(name, [...(bag.get(name) ?? []), value]);
  }
  return Object.fromEntries([...bag].map(([name, values]) => [name, values.length === 1 ? (values[0] ?? '') : values]));
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // Malformed escapes are hashed as sent; the signature then simply does not match.
    return s;
  }
}
