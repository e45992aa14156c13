/**
 * Marker and MaxItems paging as IAM does it: MaxItems 1..1000 (the model checks it), 100 by
 * default; IsTruncated and a Marker when more follow. Markers are opaque: the name the page ended
 * at, base64url-encoded.
 */
import { KmsError } from '../../domain/index.js';

export const DEFAULT_MAX_ITEMS = 100;

export interface PageRequest {
  Marker?: string | undefined;
  MaxItems?: number | undefined;
}

export interface PageAnswer {
  IsTruncated: boolean;
  Marker?: string;
}

export const encodeMarker = (last: string): string => Buffer.from(last, 'utf8').toString('base64url');

export function decodeMarker(marker: string | undefined): string | undefined {
  if (marker === undefined) return undefined;
  const text = Buffer.from(marker, 'base64url').toString('utf8');
  if (text.length === 0 || encodeMarker(text) !== marker) {
    throw new KmsError('InvalidInput', 'Invalid Marker.');
  }
  return text;
}

export const limitOf = (req: PageRequest): number => req.MaxItems ?? DEFAULT_MAX_ITEMS;

/** The answer for a page that ended at `last` (more: whether items follow). */
export const pageAnswer = (more: boolean, last: string | undefined): PageAnswer =>
  more && last !== undefined ? { IsTruncated: true, Marker: encodeMarker(last) } : { IsTruncated: false };

/** Pages a list held in memory, by the key each item is ordered by (ascending). */
export function pageOf<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  req: PageRequest,
): { items: T[] } & PageAnswer {
  const after = decodeMarker(req.Marker);
  const limit = limitOf(req);
  const rest = after === undefined ? items : items.filter((i) => keyOf(i) > after);
  const page = rest.slice(0, limit);
  return { items: page, ...pageAnswer(rest.length > limit, page.length ? keyOf(page.at(-1)!) : undefined) };
}
