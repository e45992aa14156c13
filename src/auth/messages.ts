/**
 * AWS's exception names and wording for every SigV4 failure, in one place so handlers never type
 * them. KMS answers through the same AWS front end as DynamoDB and other JSON services; the texts
 * were checked against responses quoted in public issue threads and in emulators built by probing
 * AWS (mhart/dynalite's server, dacut/scratchstack-aws-signature). Messages that AWS builds from
 * several parts end each part with ". ", as the captured responses do.
 */
import { KmsError } from '../domain/index.js';

/**
 * Text from the request that a message repeats is cut to this many characters, so a huge header
 * cannot grow every error answer, log line and audit event (issue 15, finding 3).
 */
export const MAX_ECHOED_CHARACTERS = 256;

function echo(value: string): string {
  return value.length > MAX_ECHOED_CHARACTERS ? `${value.slice(0, MAX_ECHOED_CHARACTERS)}...(truncated)` : value;
}

/**
 * AWS repeats the whole Authorization header in some messages. Trent repeats it without the
 * signature's value and cut short: the rest shows the caller what was wrong, and the header never
 * reaches an event or a log line raw.
 */
function echoAuthorization(header: string): string {
  return echo(header.replace(/Signature=[^,\s]*/g, 'Signature=(redacted)'));
}

export const MISSING_AUTHENTICATION_TOKEN = 'MissingAuthenticationTokenException';
export const INCOMPLETE_SIGNATURE = 'IncompleteSignatureException';
export const INVALID_SIGNATURE = 'InvalidSignatureException';
export const UNRECOGNIZED_CLIENT = 'UnrecognizedClientException';
/** KMS and STS name it so (STS model: ExpiredTokenException, HTTP 400). */
export const EXPIRED_TOKEN = 'ExpiredTokenException';

export function missingAuthenticationToken(): KmsError {
  return new KmsError(MISSING_AUTHENTICATION_TOKEN, 'Request is missing Authentication Token');
}

/** A comma- or space-separated element of the header that is not `key=value`. */
export function notKeyValuePair(element: string, header: string): KmsError {
  return new KmsError(
    INCOMPLETE_SIGNATURE,
    `'${echo(element)}' not a valid key=value pair (missing equal-sign) in Authorization header: '${echoAuthorization(header)}'.`,
  );
}

export type MissingPart = 'Credential' | 'Signature' | 'SignedHeaders' | 'Date';

/** Every missing part is listed, in AWS's order, then the header is echoed back. */
export function incompleteAuthorization(missing: readonly MissingPart[], header: string): KmsError {
  const parts = missing.map((part) =>
    part === 'Date'
      ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
      : `Authorization header requires '${part}' parameter. `,
  );
  return new KmsError(INCOMPLETE_SIGNATURE, `${parts.join('')}Authorization=${echoAuthorization(header)}`);
}

export function dateNotBasicFormat(value: string): KmsError {
  return new KmsError(
    INCOMPLETE_SIGNATURE,
    `Date must be in ISO-8601 'basic format'. Got '${echo(value)}'. See http://en.wikipedia.org/wiki/ISO_8601`,
  );
}

/** `earliest` is `now - skew`; all three are ISO-8601 basic timestamps. */
export function signatureExpired(signed: string, earliest: string, now: string, skewMinutes: number): KmsError {
  return new KmsError(
    INVALID_SIGNATURE,
    `Signature expired: ${signed} is now earlier than ${earliest} (${now} - ${skewMinutes} min.)`,
  );
}

/** `latest` is `now + skew`. */
export function signatureNotYetCurrent(signed: string, latest: string, now: string, skewMinutes: number): KmsError {
  return new KmsError(
    INVALID_SIGNATURE,
    `Signature not yet current: ${signed} is still later than ${latest} (${now} + ${skewMinutes} min.)`,
  );
}

export function hostNotSigned(): KmsError {
  return new KmsError(INVALID_SIGNATURE, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

export function unsupportedAlgorithm(algorithm: string): KmsError {
  return new KmsError(
    INCOMPLETE_SIGNATURE,
    `Unsupported AWS 'algorithm': '${echo(algorithm)}' (only AWS4-HMAC-SHA256 for now). `,
  );
}

export function credentialNotFiveElements(credential: string): KmsError {
  return new KmsError(
    INCOMPLETE_SIGNATURE,
    `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${echo(credential)}'`,
  );
}

export const scopeProblem = {
  region: (region: string) => `Credential should be scoped to a valid region, not '${echo(region)}'. `,
  service: (expected: string) => `Credential should be scoped to correct service: '${expected}'. `,
  terminator: (terminator: string) =>
    `Credential should be scoped with a valid terminator: 'aws4_request', not '${echo(terminator)}'. `,
  date: (scopeDate: string, timestamp: string) =>
    `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${echo(scopeDate)}' != '${timestamp.slice(0, 8)}', from '${echo(timestamp)}'. `,
} as const;

/** All scope problems are reported together, as AWS does. */
export function badCredentialScope(problems: readonly string[]): KmsError {
  return new KmsError(INVALID_SIGNATURE, problems.join(''));
}

export function unrecognizedClient(): KmsError {
  return new KmsError(UNRECOGNIZED_CLIENT, 'The security token included in the request is invalid.');
}

/** Temporary credentials past their expiration (AWS's text, without a final period). */
export function expiredToken(): KmsError {
  return new KmsError(EXPIRED_TOKEN, 'The security token included in the request is expired');
}

/**
 * AWS appends the canonical request and string to sign to this message. Trent does not: they echo
 * every signed header (X-Amz-Security-Token included) into a text that error logs keep.
 */
export function signatureMismatch(): KmsError {
  return new KmsError(
    INVALID_SIGNATURE,
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );
}

/** X-Amz-Target, Content-Type and every X-Amz-* header must be signed (S3's wording, which names them). */
export function headersNotSigned(names: readonly string[]): KmsError {
  return new KmsError(
    INVALID_SIGNATURE,
    `There were headers present in the request which were not signed: ${echo(names.join(', '))}`,
  );
}

export function bothHeaderAndQueryAuth(): KmsError {
  return new KmsError(
    INVALID_SIGNATURE,
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
  );
}
