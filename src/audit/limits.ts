/**
 * Size bounds of an audit event, so no caller (authenticated or not) can make one event large.
 * CloudTrail documents 100 KB as the most requestParameters and responseElements may hold and
 * that it truncates a field whose contents exceed the maximum field size, with `omitted: true`
 * present when it did (CloudTrail record contents). Trent follows that for the two objects and
 * bounds every string too: a cut string ends with "..." (as CloudTrail ends a cut errorMessage)
 * and its path is listed in `additionalEventData.truncatedFields`.
 */

/** Most characters each top-level string field keeps. */
export const LIMITS = {
  userAgent: 1024,
  errorMessage: 1024,
  /** Region names are under 20 characters; anything longer came from a forged credential scope. */
  region: 64,
  sourceIPAddress: 64,
  /** A string member the model gives no maximum (encryption context keys and values). */
  unboundedMember: 8192,
  /** CloudTrail's maximum size of requestParameters and of responseElements, in bytes of JSON. */
  objectBytes: 100 * 1024,
} as const;

const ELLIPSIS = '...';

/**
 * `value` cut to `max` characters plus "...", noting its path in `truncated`, or `value` itself.
 * The path may be given as a function, called only when the value is cut.
 */
export function boundString(value: string, max: number, truncated: string[], path: string | (() => string)): string {
  if (value.length <= max) return value;
  truncated.push(typeof path === 'string' ? path : path());
  let end = max;
  // Never split a surrogate pair: the event must stay valid UTF-8.
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return value.slice(0, end) + ELLIPSIS;
}

/**
 * A string member of requestParameters or responseElements: its model maximum when it has one (a
 * valid value is never cut; a 1 MB KeyId that validation refused is), else `unboundedMember`.
 */
export function boundMember(
  value: string,
  modelMax: number | undefined,
  truncated: string[],
  path: string | (() => string),
): string {
  return boundString(value, modelMax ?? LIMITS.unboundedMember, truncated, path);
}

/** The marker that replaces an object over `objectBytes`: CloudTrail's `omitted: true`. */
export const OMITTED = { omitted: true } as const;

/**
 * requestParameters or responseElements, or OMITTED when its JSON exceeds `objectBytes`.
 * `sizeBound` is at least the bytes of its JSON: when that is within the limit, the object is not
 * serialised just to be measured.
 */
export function boundObject(value: unknown, sizeBound: number, truncated: string[], path: string): unknown {
  if (value === null || value === undefined) return null;
  if (sizeBound <= LIMITS.objectBytes) return value;
  if (Buffer.byteLength(JSON.stringify(value)) <= LIMITS.objectBytes) return value;
  // The paths of strings cut inside it no longer mean anything: the whole object is gone.
  for (let i = truncated.length - 1; i >= 0; i--) if (truncated[i]!.startsWith(path)) truncated.splice(i, 1);
  truncated.push(path);
  return { ...OMITTED };
}

/** Placeholder for a value removed from a message. */
export const REDACTED = '[redacted]';

/**
 * `message` with every occurrence of each secret removed. Used for the raw Authorization header and
 * the parts of it that authenticate (signature, session token): whatever a message echoes, an
 * event never carries them.
 */
export function redact(message: string, secrets: readonly string[] | undefined): string {
  let out = message;
  // Longest first: the header contains its signature.
  for (const secret of [...(secrets ?? [])].sort((x, y) => y.length - x.length)) {
    // Very short values (an empty or one-letter header) would redact ordinary words.
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  // And any signature a message quotes, even cut short (`Signature=`, `X-Amz-Signature=`).
  return out.replace(/(Signature=)[^,\s'"&]+/g, `$1${REDACTED}`);
}
