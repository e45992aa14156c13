/** Constant-time comparison of secrets (MACs, signatures, tokens, secret keys). */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `a` and `b` hold the same bytes (strings compare as UTF-8). Both sides are hashed to
 * 32 bytes first, so the time taken depends on neither the position of the first difference nor
 * whether the lengths differ (timingSafeEqual itself throws on unequal lengths).
 */
export function constantTimeEqual(a: Buffer | string, b: Buffer | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  const hx = createHash('sha256').update(x).digest();
  const hy = createHash('sha256').update(y).digest();
  return timingSafeEqual(hx, hy) && x.length === y.length;
}
