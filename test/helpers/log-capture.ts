/**
 * A logger for test servers that keeps every call, so suites can search what the server logged
 * (for secrets, for expected warnings). Each call is one JSON line: level, message and the object,
 * with byte arrays as hex (a secret inside a larger buffer is still a substring of its hex) and
 * errors with their name, message, stack, cause and own properties.
 */
import type { Logger } from '../../src/services/kms/index.js';

export interface CapturedLogs extends Logger {
  /** One JSON line per call, in order. */
  readonly lines: string[];
  /** Every line joined, for substring searches. */
  text(): string;
}

function plain(value: unknown, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return String(value);
    return value;
  }
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Uint8Array) return { type: 'bytes', hex: Buffer.from(value).toString('hex') };
  if (value instanceof ArrayBuffer) return { type: 'bytes', hex: Buffer.from(value).toString('hex') };
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message, stack: value.stack };
    if (value.cause !== undefined) out.cause = plain(value.cause, seen);
    for (const [k, v] of Object.entries(value)) out[k] = plain(v, seen);
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return plain(Object.fromEntries(value), seen);
  if (value instanceof Set) return plain([...value], seen);
  if (Array.isArray(value)) return value.map((v) => plain(v, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plain(v, seen);
  return out;
}

/** The JSON of any value a logger may be given. */
export function serialiseLogValue(value: unknown): string {
  return JSON.stringify(plain(value, new WeakSet()));
}

export function captureLogger(): CapturedLogs {
  const lines: string[] = [];
  const write = (level: string) => (obj: object, msg?: string) => {
    lines.push(serialiseLogValue({ level, msg, obj }));
  };
  return { lines, text: () => lines.join('\n'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Every form in which `secret` could be written: raw bytes, hex (both cases) and base64 (any alignment, url-safe too). */
export function secretForms(secret: Buffer): Buffer[] {
  const out = [secret, Buffer.from(secret.toString('hex')), Buffer.from(secret.toString('hex').toUpperCase())];
  for (let k = 0; k < 3; k++) {
    const whole = secret.subarray(k, k + 3 * Math.floor((secret.length - k) / 3));
    if (whole.length < 12) continue;
    out.push(Buffer.from(whole.toString('base64')), Buffer.from(whole.toString('base64url')));
  }
  return out;
}

/** The names of the secrets found in `haystack`, in any of their forms. */
export function leaks(haystack: Buffer, secrets: ReadonlyMap<string, Buffer>): string[] {
  return [...secrets]
    .filter(([, secret]) => secretForms(secret).some((f) => haystack.includes(f)))
    .map(([name]) => name);
}
