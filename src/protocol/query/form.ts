/**
 * `application/x-www-form-urlencoded` bodies, read strictly: `+` is a space, `%XX` a byte, and the
 * bytes must be UTF-8. A name given twice keeps its first value, as AWS STS does (recorded probes:
 * `RoleArn=<valid>&RoleArn=not-an-arn` succeeds, the reverse fails validation).
 */
import { KmsError } from '../../domain/index.js';

/** The media type of Query requests; parameters such as `; charset=utf-8` are ignored. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export function isFormContentType(header: string | undefined): boolean {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase() === FORM_CONTENT_TYPE;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(): KmsError {
  return new KmsError('MalformedQueryString', 'The request body is not a valid form-urlencoded string');
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function decodeComponent(body: Uint8Array, start: number, end: number): string {
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = body[i]!;
    if (c === 0x2b /* + */) {
      out[n++] = 0x20;
    } else if (c === 0x25 /* % */) {
      const high = hexValue(body[i + 1]);
      const low = i + 2 < end ? hexValue(body[i + 2]) : -1;
      if (high < 0 || low < 0) throw malformed();
      out[n++] = high * 16 + low;
      i += 2;
    } else {
      out[n++] = c;
    }
  }
  try {
    return utf8.decode(out.subarray(0, n));
  } catch {
    throw malformed();
  }
}

/** Parameter name -> value, first occurrence winning. Throws KmsError (MalformedQueryString). */
export function parseForm(body: Uint8Array): Map<string, string> {
  const params = new Map<string, string>();
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x26 /* & */, start);
    if (end < 0) end = body.length;
    if (end > start) {
      let eq = body.indexOf(0x3d /* = */, start);
      if (eq < 0 || eq > end) eq = end;
      const name = decodeComponent(body, start, eq);
      const value = eq < end ? decodeComponent(body, eq + 1, end) : '';
      if (!params.has(name)) params.set(name, value);
    }
    start = end + 1;
  }
  return params;
}
