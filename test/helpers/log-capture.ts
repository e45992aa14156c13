/**
 * A logger for test servers that keeps every call, so suites can search what the server logged
 * (for secrets, for expected warnings). Each call is one JSON line: level, message and the object,
 * with byte arrays as hex (a secret inside a larger buffer is still a substring of its hex) and
 * errors with their name, message, stack, cause and own properties.
 */
import type { Logger } from '../../src/operations/index.js';

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
