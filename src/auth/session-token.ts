/**
 * Session tokens of temporary credentials (STS). A token is an opaque random string, as long as
 * AWS's, that Trent never stores: storage keeps its SHA-256 (of the UTF-8 text), and a request's
 * token is hashed and compared with that in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The record type of a session secret's wrapping AAD: wrappingAad(SESSION_SECRET_RECORD, accessKeyId). */
export const SESSION_SECRET_RECORD = 'session-secret';

/** Random bytes in a token: 256, so 344 base64 characters (AWS's tokens run to several hundred). */
export const SESSION_TOKEN_BYTES = 256;

/** A new session token from `random(n)` (n random bytes). */
export function newSessionToken(random: (n: number) => Buffer): string {
  return random(SESSION_TOKEN_BYTES).toString('base64');
}

/** What storage keeps of a token: SHA-256 of its UTF-8 text (32 bytes). */
export function sessionTokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Does the token sent (X-Amz-Security-Token) belong to the credentials? A long-term access key has
 * no token, and then none may be sent; temporary credentials need theirs.
 */
export function sessionTokenMatches(sent: string | undefined, issuedHash: Buffer | undefined): boolean {
  if (issuedHash === undefined) return sent === undefined;
  if (sent === undefined) return false;
  const hash = sessionTokenHash(sent);
  // Both are 32 bytes; a stored hash of another length never matches (same work either way).
  if (issuedHash.length !== hash.length) {
    timingSafeEqual(hash, hash);
    return false;
  }
  return timingSafeEqual(hash, issuedHash);
}
