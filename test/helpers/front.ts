/**
 * Raw bytes of signed KMS requests over plain sockets, and the server's own counters read from
 * /metrics: for the tests of the HTTP front (limits, pipelining, shutdown) that must control
 * exactly what is on each connection.
 */
import http from 'node:http';
import net from 'node:net';
import { kmsHeaders, kmsSigner, signRequest, type Credentials } from './sign.js';

/** A complete HTTP/1.1 request for `target`, signed for `host` (`127.0.0.1:<port>`). */
export async function signedRequestBytes(
  credentials: Credentials,
  host: string,
  target: string,
  input: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<Buffer> {
  const body = JSON.stringify(input);
  const headers = { ...kmsHeaders(target, host), ...extraHeaders };
  const signed = await signRequest(kmsSigner(credentials), { method: 'POST', path: '/', headers, body });
  const lines = Object.entries({ ...signed, 'content-length': String(Buffer.byteLength(body)) }).map(
    ([k, v]) => `${k}: ${v}`,
  );
  return Buffer.from(`POST / HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
}

export interface RawConnection {
  socket: net.Socket;
  /** Everything received until now. */
  received(): string;
  /** Resolves with everything received once the server has closed the connection. */
  closed: Promise<{ data: string; error?: NodeJS.ErrnoException }>;
  /** Writes and resolves once the bytes are handed to the kernel. */
  write(bytes: Buffer | string): Promise<void>;
  /** Resolves once `n` complete responses have arrived (by counting status lines). */
  responses(n: number): Promise<string>;
}

export function rawConnect(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const waiters: (() => void)[] = [];
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1');
      for (const w of waiters.splice(0)) w();
    });
    const closed = new Promise<{ data: string; error?: NodeJS.ErrnoException }>((ok) => {
      let error: NodeJS.ErrnoException | undefined;
      socket.on('error', (e: NodeJS.ErrnoException) => (error = e));
      socket.on('close', () => {
        for (const w of waiters.splice(0)) w();
        ok({ data, ...(error ? { error } : {}) });
      });
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({
        socket,
        received: () => data,
        closed,
        write: (bytes) => new Promise((ok, fail) => socket.write(bytes, (err) => (err ? fail(err) : ok()))),
        responses(n) {
          return new Promise((ok, fail) => {
            const check = () => {
              if (completeResponses(data) >= n) ok(data);
              else if (socket.destroyed) fail(new Error(`connection closed after:\n${data}`));
              else waiters.push(check);
            };
            check();
          });
        },
      });
    });
  });
}

/** The complete responses (head and content-length body) in a byte string, in order. */
export function splitResponses(data: string): string[] {
  const out: string[] = [];
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const length = Number(/^content-length: *(\d+)$/im.exec(rest.slice(0, end))?.[1] ?? 0);
    if (rest.length < end + 4 + length) return out;
    out.push(rest.slice(0, end + 4 + length));
    rest = rest.slice(end + 4 + length);
  }
}

export const completeResponses = (data: string): number => splitResponses(data).length;

/** Status lines of the complete responses in a byte string, in order. */
export const statusLines = (data: string): string[] => splitResponses(data).map((r) => r.slice(0, r.indexOf('\r\n')));

/** Reads one sample of the server's /metrics (`name{labels}` as written by prom-client). */
export async function metric(metricsUrl: string, sample: string): Promise<number | undefined> {
  const text = await metricsText(metricsUrl);
  for (const line of text.split('\n')) {
    const sp = line.lastIndexOf(' ');
    if (line.slice(0, sp) === sample) return Number(line.slice(sp + 1));
  }
  return undefined;
}

/** The /metrics text, over a connection of its own that is closed afterwards. */
export function metricsText(metricsUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(metricsUrl, { agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

/** Polls `probe` until it returns true; the test's own timeout bounds it. */
export async function until(probe: () => Promise<boolean> | boolean, stepMs = 20): Promise<void> {
  while (!(await probe())) await new Promise((r) => setTimeout(r, stepMs));
}
