/**
 * The server's logger: JSON lines (pino) for machines, or one readable line per entry for a person
 * at a terminal. Both render byte arrays as `<N bytes>`, never their contents, so a buffer passed
 * to the logger by mistake cannot put key material or plaintext in a log (STYLE rule 6).
 */
import { pino } from 'pino';
import type { Logger } from '../services/kms/index.js';

import { LOG_FORMATS, LOG_LEVELS } from '../config/index.js';

export { LOG_FORMATS, LOG_LEVELS };
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The Logger interface writes info, warn and error, so `debug` and `trace` show the same as
 * `info`, and `silent` writes nothing.
 */
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogFormat(value: string): value is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(value);
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Where log lines go; default the standard error stream. */
export interface LogDestination {
  write(line: string): unknown;
  /** A terminal: chooses `pretty` when no format is given. */
  isTTY?: boolean;
}

export interface LoggerOptions {
  /** Default: `pretty` when the destination is a terminal, `json` otherwise. */
  format?: LogFormat;
  /** Default `info`. */
  level?: LogLevel;
  /** Default process.stderr. */
  destination?: LogDestination;
  /** For the pretty format's timestamps; default the system clock. */
  now?: () => Date;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? process.stderr;
  const format = opts.format ?? (destination.isTTY === true ? 'pretty' : 'json');
  const level = opts.level ?? 'info';
  if (format === 'json') {
    return pino(
      {
        level,
        base: undefined,
        formatters: { log: (entry) => redactBytes(entry) as Record<string, unknown> },
        // An error's own properties are copied into the line too: their bytes are redacted as well.
        serializers: { err: (err: Error) => redactBytes({ ...pino.stdSerializers.err(err) }) },
      },
      // File descriptor 2 written synchronously, as before this factory, unless a test gives a stream.
      opts.destination ? { write: (line: string) => void destination.write(line) } : pino.destination(2),
    );
  }
  return prettyLogger(destination, level, opts.now ?? (() => new Date()));
}

const SEVERITY: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: 100,
};

type EntryLevel = 'info' | 'warn' | 'error';

function prettyLogger(destination: LogDestination, level: LogLevel, now: () => Date): Logger {
  const entry = (entryLevel: EntryLevel) => (obj: object, msg?: string) => {
    if (SEVERITY[entryLevel] < SEVERITY[level]) return;
    destination.write(formatLogLine(now(), entryLevel, obj, msg));
  };
  return { info: entry('info'), warn: entry('warn'), error: entry('error') };
}

/**
 * One entry as `HH:MM:SS LEVEL message key=value ...` (local time), then the stack of each error
 * in it, indented. Strings with spaces, quotes or `=` are JSON-quoted; objects and arrays are
 * compact JSON; byte arrays are `<N bytes>`.
 */
export function formatLogLine(time: Date, level: EntryLevel, obj: object, msg?: string): string {
  const clock = [time.getHours(), time.getMinutes(), time.getSeconds()].map((n) => String(n).padStart(2, '0'));
  const parts = [clock.join(':'), level.toUpperCase().padEnd(5)];
  if (msg !== undefined && msg !== '') parts.push(msg);
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(obj instanceof Error ? { err: obj } : obj)) {
    if (value === undefined) continue;
    parts.push(`${key}=${renderValue(value, stacks)}`);
  }
  return [parts.join(' '), ...stacks].join('\n') + '\n';
}

function renderValue(value: unknown, stacks: string[]): string {
  if (value instanceof Error) {
    stacks.push(...errorStack(value));
    return quoted(`${value.name}: ${value.message}`);
  }
  const plain = redactBytes(value);
  if (plain !== value && typeof plain === 'string') return plain; // `<N bytes>`, unquoted
  if (typeof plain === 'string') return quoted(plain);
  if (plain === null || typeof plain !== 'object') return String(plain);
  if (plain instanceof Date) return plain.toISOString();
  return JSON.stringify(plain, (_key, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v));
}

const BARE = /^[^\s"'=\\]+$/;

function quoted(s: string): string {
  return BARE.test(s) ? s : JSON.stringify(s);
}

/** The `at ...` lines of an error's stack and of its causes', indented under the entry. */
function errorStack(err: Error, depth = 0): string[] {
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .map((line) => `    ${line.trim()}`);
  if (depth < 4 && err.cause instanceof Error) {
    frames.push(`  caused by ${err.cause.name}: ${err.cause.message}`, ...errorStack(err.cause, depth + 1));
  }
  return frames;
}

/**
 * A copy of value with every byte array (Buffer, typed array, ArrayBuffer, DataView) replaced by
 * `<N bytes>`. Plain objects and arrays are copied; errors, dates and other objects are kept as
 * they are; cycles become `[Circular]`.
 */
export function redactBytes(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return `<${value.byteLength} bytes>`;
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return `<${value.byteLength} bytes>`;
  if (seen.has(value)) return '[Circular]';
  if (Array.isArray(value)) {
    seen.add(value);
    const copy = value.map((item) => redactBytes(item, seen));
    seen.delete(value);
    return copy;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  seen.add(value);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redactBytes(item, seen);
  seen.delete(value);
  return copy;
}
