import { describe, expect, it } from 'vitest';
import { createLogger, formatLogLine, redactBytes, type LogDestination } from './logger.js';

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
// 11:22:33 local time, whatever the time zone of the machine.
const TIME = new Date(2026, 0, 2, 11, 22, 33);

function sink(isTTY?: boolean): LogDestination & { lines: string[] } {
  const lines: string[] = [];
  return { isTTY, lines, write: (line: string) => lines.push(line) };
}

/** Every way the secret's bytes could be spelled in a log line. */
function spellings(b: Buffer): string[] {
  return [b.toString('hex'), b.toString('base64'), JSON.stringify(b.toJSON().data).slice(1, -1), [...b].join(' ')];
}

describe('formatLogLine', () => {
  it('writes time, level, message and key=value pairs on one line', () => {
    expect(
      formatLogLine(TIME, 'info', { url: 'http://127.0.0.1:4599', accountId: '111122223333' }, 'Trent is ready'),
    ).toBe('11:22:33 INFO  Trent is ready url=http://127.0.0.1:4599 accountId=111122223333\n');
    expect(formatLogLine(TIME, 'warn', { n: 3, on: true, none: null, skipped: undefined })).toBe(
      '11:22:33 WARN  n=3 on=true none=null\n',
    );
  });

  it('quotes strings with spaces, quotes or = and writes objects as compact JSON', () => {
    expect(formatLogLine(TIME, 'info', { a: 'two words', b: 'x=y', c: '', files: ['a', 'b'], o: { k: 1 } })).toBe(
      '11:22:33 INFO  a="two words" b="x=y" c="" files=["a","b"] o={"k":1}\n',
    );
  });

  it('writes byte arrays as their length only, however deep', () => {
    const line = formatLogLine(TIME, 'error', {
      plaintext: SECRET,
      nested: { key: new Uint8Array(SECRET), list: [SECRET.buffer.slice(0, 16)] },
    });
    expect(line).toBe('11:22:33 ERROR plaintext=<16 bytes> nested={"key":"<16 bytes>","list":["<16 bytes>"]}\n');
    for (const spelling of spellings(SECRET)) expect(line).not.toContain(spelling);
  });

  it('writes an error as name and message, its stack and causes indented below', () => {
    const err = new Error('audit log write failed', { cause: new TypeError('disk on fire') });
    const [first, ...rest] = formatLogLine(TIME, 'error', { requestId: 'r-1', err }, 'internal error')
      .trimEnd()
      .split('\n');
    expect(first).toBe('11:22:33 ERROR internal error requestId=r-1 err="Error: audit log write failed"');
    expect(rest.length).toBeGreaterThan(2);
    expect(rest[0]).toMatch(/^ {4}at /);
    expect(rest).toContain('  caused by TypeError: disk on fire');
    // An error logged as the object itself is treated as { err }.
    expect(formatLogLine(TIME, 'warn', new RangeError('bad')).split('\n')[0]).toBe(
      '11:22:33 WARN  err="RangeError: bad"',
    );
  });
});

describe('createLogger', () => {
  it('chooses pretty lines on a terminal and JSON lines elsewhere', () => {
    const tty = sink(true);
    createLogger({ destination: tty, now: () => TIME }).info({ port: 4599 }, 'listening');
    expect(tty.lines).toEqual(['11:22:33 INFO  listening port=4599\n']);

    const pipe = sink(false);
    createLogger({ destination: pipe }).info({ port: 4599 }, 'listening');
    expect(pipe.lines).toHaveLength(1);
    const entry = JSON.parse(pipe.lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 30, port: 4599, msg: 'listening' });
    expect(typeof entry.time).toBe('number');
  });

  it('follows an explicit format whatever the destination', () => {
    const tty = sink(true);
    createLogger({ destination: tty, format: 'json' }).warn({}, 'w');
    expect(JSON.parse(tty.lines[0]!)).toMatchObject({ level: 40, msg: 'w' });
    const pipe = sink(false);
    createLogger({ destination: pipe, format: 'pretty', now: () => TIME }).warn({}, 'w');
    expect(pipe.lines).toEqual(['11:22:33 WARN  w\n']);
  });

  it('drops entries below the level, in both formats', () => {
    for (const format of ['pretty', 'json'] as const) {
      const out = sink();
      const logger = createLogger({ destination: out, format, level: 'warn' });
      logger.info({}, 'hidden');
      logger.warn({}, 'shown');
      logger.error({}, 'shown too');
      expect(out.lines.map((l) => (l.includes('hidden') ? 'hidden' : 'shown'))).toEqual(['shown', 'shown']);
      const silent = sink();
      createLogger({ destination: silent, format, level: 'silent' }).error({}, 'nothing');
      expect(silent.lines).toEqual([]);
    }
  });

  it('never writes the contents of byte arrays in JSON either, errors included', () => {
    const out = sink();
    const logger = createLogger({ destination: out, format: 'json' });
    const err = Object.assign(new Error('unwrap failed'), { material: SECRET });
    logger.error({ key: SECRET, deep: [{ k: new Uint8Array(SECRET) }], err }, 'oops');
    const entry = JSON.parse(out.lines[0]!) as { key: string; deep: unknown; err: Record<string, unknown> };
    expect(entry.key).toBe('<16 bytes>');
    expect(entry.deep).toEqual([{ k: '<16 bytes>' }]);
    expect(entry.err).toMatchObject({ type: 'Error', message: 'unwrap failed', material: '<16 bytes>' });
    expect(entry.err.stack).toMatch(/^Error: unwrap failed\n\s+at /);
    for (const spelling of spellings(SECRET)) expect(out.lines[0]).not.toContain(spelling);
  });
});

describe('redactBytes', () => {
  it('copies plain objects and arrays, keeps other objects, and survives cycles', () => {
    const date = new Date(0);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redactBytes({ b: SECRET, date, list: [1, 'x'] })).toEqual({ b: '<16 bytes>', date, list: [1, 'x'] });
    expect(redactBytes(cyclic)).toEqual({ a: 1, self: '[Circular]' });
    expect(redactBytes(new DataView(new ArrayBuffer(5)))).toBe('<5 bytes>');
    // The same object twice, not in a cycle, is copied twice.
    const shared = { k: 1 };
    expect(redactBytes([shared, shared])).toEqual([{ k: 1 }, { k: 1 }]);
  });
});
