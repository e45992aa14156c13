/**
 * Opaque list markers. A marker names the last item of the previous page and the list it came
 * from, so a marker from another list, or a forged one, is InvalidMarkerException.
 */
import { KmsError } from '../../domain/index.js';

const PREFIX = 'trent1';

/** AWS answers an unusable marker with no message. */
const invalidMarker = (): KmsError => new KmsError('InvalidMarkerException', '');

export function encodeMarker(list: string, last: string): string {
  return Buffer.from(`${PREFIX}\n${list}\n${last}`, 'utf8').toString('base64url');
}

export function decodeMarker(list: string, marker: string | undefined): string | undefined {
  if (marker === undefined) return undefined;
  const text = /^[A-Za-z0-9_-]+$/.test(marker) ? Buffer.from(marker, 'base64url').toString('utf8') : '';
  const [prefix, kind, last, ...rest] = text.split('\n');
  if (prefix !== PREFIX || kind !== list || last === undefined || rest.length > 0) {
    throw invalidMarker();
  }
  return last;
}

/** Pages an in-memory list (tags, policies, rotations): items after the marker's index. */
export function pageArray<T>(list: string, items: readonly T[], limit: number, marker: string | undefined) {
  const start = Number(decodeMarker(list, marker) ?? '0');
  if (!Number.isSafeInteger(start) || start < 0 || start > items.length) {
    throw invalidMarker();
  }
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  const truncated = end < items.length;
  return { page, truncated, nextMarker: truncated ? encodeMarker(list, String(end)) : undefined };
}
