/**
 * NextToken for DescribeParameters and GetParametersByPath: opaque to the caller, it names the
 * last parameter of the page answered (by name, the order storage lists them in), so a page
 * never repeats or skips a parameter when others are created or deleted between calls.
 */
import { KmsError } from '../../domain/index.js';

const invalidToken = (): KmsError => new KmsError('InvalidNextToken', 'The specified token is not valid.');

export const pageToken = (lastName: string): string =>
  Buffer.from(JSON.stringify({ after: lastName }), 'utf8').toString('base64');

/** The name the page after `token` starts after; InvalidNextToken if it is not one of ours. */
export function afterToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && parsed.after.length > 0) return parsed.after;
  } catch {
    // answered below
  }
  throw invalidToken();
}

/**
 * One page of `items` (in name order) after the token's name: up to `max`, and the token of the
 * next page when more matched.
 */
export function pageOf<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  max: number,
  token: string | undefined,
): { page: T[]; next?: string } {
  const after = token === undefined ? undefined : afterToken(token);
  const rest = after === undefined ? items : items.filter((item) => nameOf(item) > after);
  const page = rest.slice(0, max);
  return rest.length > max ? { page, next: pageToken(nameOf(page.at(-1)!)) } : { page };
}
