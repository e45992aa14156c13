/**
 * The HTTP(S) front: POST / carries the KMS API; GET /health and GET /metrics serve operators.
 * Everything a caller can make the server hold before it is authenticated is bounded here: open
 * connections, the bytes of request bodies being received (one budget for the whole server), and
 * how long headers and bodies may take. Raw body bytes are kept for SigV4. Every answer, including
 * those to requests Node's parser rejects, is an AWS-shaped JSON error with a request id.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import net from 'node:net';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RawRequest } from '../auth/index.js';
import { KmsError } from '../domain/index.js';
import { errorResponse } from '../protocol/index.js';
import type { DevControls } from './dev-controls.js';
import type { ApiResponse, RequestMeta } from '../pipeline/front-door.js';
import type { RequestMetrics } from './metrics.js';
import { trentVersion } from './version.js';

/** Largest request body accepted (a 128 Ki-character key policy, JSON-escaped, fits). */
export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_11 = 'application/x-amz-json-1.1';

/** What the front lets unauthenticated callers hold; every field is a `trent serve` flag. */
export interface HttpLimits {
  /** Open connections; more are closed as soon as they are accepted. */
  maxConnections: number;
  /** Bytes of request bodies received and not yet handed to authentication, all requests together. */
  maxInflightBodyBytes: number;
  /** Time allowed to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time allowed to receive a whole request, headers and body. */
  requestTimeoutMs: number;
  /** Longest pause between two pieces of a request body. */
  bodyIdleTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxConnections: 1024,
  maxInflightBodyBytes: 64 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  bodyIdleTimeoutMs: 10_000,
};

export function resolveHttpLimits(given: Partial<HttpLimits> = {}): HttpLimits {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`HTTP limit ${name} must be a positive integer`);
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error('the headers timeout must not be longer than the request timeout');
  }
  return limits;
}

export type ServerState = 'starting' | 'ready' | 'stopping';

export interface HttpFrontOptions {
  handle(req: RawRequest, meta: RequestMeta): Promise<ApiResponse>;
  registry: Registry;
  metrics: RequestMetrics;
  /** Starting: /health and the API answer 503. Stopping: every response closes its connection. */
  state(): ServerState;
  limits?: Partial<HttpLimits>;
  /** False when /metrics has its own listener (`--metrics-port`). */
  serveMetrics?: boolean;
  /** HTTPS instead of HTTP: certificate, key and protocol settings (tls.ts). */
  tls?: https.ServerOptions;
  /** The `--dev` test controls (/_trent/*, /moto-api/reset); absent on a strict server. */
  devControls?: DevControls | undefined;
}

export interface HttpFront {
  server: http.Server;
  limits: HttpLimits;
  /**
   * Stops listening and lets every request the server has received finish: connections already
   * accepted by the kernel are accepted and served, requests already sent on them are answered
   * (with `connection: close`), idle connections are closed, and after `graceMs` whatever is left.
   */
  shutdown(graceMs: number): Promise<void>;
  /**
   * Gives new connections another certificate and key; connections already open keep theirs.
   * Only for a front made with `tls`.
   */
  setSecureContext(options: https.ServerOptions): void;
}

/** The AWS answer of an overloaded endpoint (KMS API Reference, Common Errors: ServiceUnavailable, 503). */
const SERVICE_UNAVAILABLE = 'The request has failed due to a temporary failure of the server.';

class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** the rejected-requests counter's reason label */
    readonly reason: string,
  ) {
    super(message);
  }
  error(): KmsError {
    return new KmsError(this.code, this.message);
  }
}

const malformed = () => new BodyError(400, 'SerializationException', 'Malformed HTTP request', 'malformed');
const timedOut = () =>
  new BodyError(408, 'RequestTimeout', 'The request was not received within the time allowed', 'timeout');

/** One budget of body bytes for the whole server: a request holds what it has received so far. */
class BodyBudget {
  used = 0;
  peak = 0;
  constructor(readonly limit: number) {}
  take(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    if (this.used > this.peak) this.peak = this.used;
    return true;
  }
  give(n: number): void {
    this.used -= n;
  }
}

interface FrontState {
  opts: HttpFrontOptions;
  limits: HttpLimits;
  budget: BodyBudget;
  rejected: Counter<'reason'>;
  /** Responses owed on each socket, in the order Node will write them. */
  owed: WeakMap<net.Socket, Set<http.ServerResponse>>;
  /** How to fail a request whose body is being read (a parse error or timeout in its body). */
  failBody: WeakMap<http.IncomingMessage, (err: BodyError) => void>;
  /** Sockets whose parser failed after a request on them was complete: closed once it is answered. */
  poisoned: WeakSet<net.Socket>;
  /**
   * Bodies being read, with when each last received bytes: one sweep (startIdleSweep) times out
   * the stalled ones, instead of a timer armed and cleared for every piece of every body.
   */
  reading: Map<http.IncomingMessage, { lastDataAt: number; fail: (err: BodyError) => void }>;
}

/** Times out bodies idle longer than the limit; checked a few times per limit, so at most 25% late. */
function startIdleSweep(front: FrontState): NodeJS.Timeout {
  const every = Math.max(50, Math.floor(front.limits.bodyIdleTimeoutMs / 4));
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const reader of front.reading.values()) {
      if (now - reader.lastDataAt >= front.limits.bodyIdleTimeoutMs) reader.fail(timedOut());
    }
  }, every);
  sweep.unref();
  return sweep;
}

function readBody(front: FrontState, req: http.IncomingMessage): Promise<Buffer> {
  const { budget } = front;
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let held = 0;
    let settled = false;
    const finish = (err: BodyError | undefined) => {
      if (settled) return;
      settled = true;
      front.reading.delete(req);
      budget.give(held);
      held = 0;
      req.removeListener('data', onData);
      front.failBody.delete(req);
      if (err) {
        chunks.length = 0;
        reject(err);
      } else resolve(Buffer.concat(chunks));
    };
    const reader = { lastDataAt: performance.now(), fail: finish };
    const onData = (chunk: Buffer) => {
      if (held + chunk.length > MAX_BODY_BYTES) return finish(tooLarge());
      if (!budget.take(chunk.length)) {
        return finish(new BodyError(503, 'ServiceUnavailable', SERVICE_UNAVAILABLE, 'body_budget'));
      }
      held += chunk.length;
      chunks.push(chunk);
      reader.lastDataAt = performance.now();
    };
    front.failBody.set(req, finish);
    front.reading.set(req, reader);
    req.on('data', onData);
    req.on('end', () => finish(undefined));
    // Errors are made only when needed: 'close' follows every request, and an Error's stack trace
    // is not free.
    req.on('error', () => settled || finish(malformed()));
    // The client went away before the body was complete: nobody is left to answer.
    req.on('close', () => settled || finish(malformed()));
  });
}

const tooLarge = () =>
  new BodyError(
    413,
    'SerializationException',
    `Request body exceeds the maximum size of ${MAX_BODY_BYTES} bytes`,
    'too_large',
  );

function send(
  front: FrontState,
  res: http.ServerResponse,
  status: number,
  body: Buffer,
  requestId: string,
  contentType = JSON_11,
): void {
  // Checked when answering, not when the request arrived: a request in flight when shutdown
  // began must still release its connection.
  if (front.opts.state() === 'stopping') res.setHeader('connection', 'close');
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': body.length,
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

function sendError(
  front: FrontState,
  res: http.ServerResponse,
  status: number,
  error: KmsError,
  close: boolean,
): { code: string } {
  const requestId = randomUUID();
  const out = errorResponse(error, requestId);
  if (close) res.setHeader('connection', 'close');
  send(front, res, status, out.body, requestId);
  return out;
}

/** An AWS-shaped error written straight to a socket that has no usable response object. */
function rawError(socket: net.Socket, status: number, reason: string, error: KmsError): void {
  const requestId = randomUUID();
  const out = errorResponse(error, requestId);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${JSON_11}\r\ncontent-length: ${out.body.length}\r\n` +
      `x-amzn-requestid: ${requestId}\r\nconnection: close\r\n\r\n${out.body.toString()}`,
  );
}

const setImmediateTurns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((ok) => setImmediate(ok));
};

export function createHttpFront(opts: HttpFrontOptions): HttpFront {
  const limits = resolveHttpLimits(opts.limits);
  const budget = new BodyBudget(limits.maxInflightBodyBytes);
  const sockets = new Set<net.Socket>();
  const rejected = new Counter({
    name: 'trent_http_rejected_total',
    help: 'Requests and connections refused before authentication, by reason',
    labelNames: ['reason'] as const,
    registers: [opts.registry],
  });
  new Gauge({
    name: 'trent_http_open_connections',
    help: 'Open client connections',
    registers: [opts.registry],
    collect() {
      this.set(sockets.size);
    },
  });
  new Gauge({
    name: 'trent_http_inflight_body_bytes',
    help: 'Bytes of request bodies received and not yet handed to authentication',
    registers: [opts.registry],
    collect() {
      this.set(budget.used);
    },
  });
  new Gauge({
    name: 'trent_http_inflight_body_bytes_peak',
    help: 'Highest value trent_http_inflight_body_bytes has had since start',
    registers: [opts.registry],
    collect() {
      this.set(budget.peak);
    },
  });
  new Gauge({
    name: 'trent_http_inflight_body_bytes_limit',
    help: 'The budget of trent_http_inflight_body_bytes (--max-inflight-body-bytes)',
    registers: [opts.registry],
    collect() {
      this.set(budget.limit);
    },
  });
  const front: FrontState = {
    opts,
    limits,
    budget,
    rejected,
    owed: new WeakMap(),
    failBody: new WeakMap(),
    poisoned: new WeakSet(),
    reading: new Map(),
  };
  const idleSweep = startIdleSweep(front);

  const track = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    let owed = front.owed.get(socket);
    if (!owed) front.owed.set(socket, (owed = new Set()));
    owed.add(res);
    const done = () => {
      owed.delete(res);
      if (owed.size === 0 && front.poisoned.has(socket)) socket.end();
    };
    res.once('finish', done);
    res.once('close', done);
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    track(req, res);
    void route(front, req, res).catch(() => {
      // route answers every error itself; this is a bug, answered as AWS answers its own.
      if (!res.headersSent) sendError(front, res, 500, new KmsError('KMSInternalException', ''), true);
      else res.destroy();
    });
  };
  // Node 20 checks headersTimeout and requestTimeout every connectionsCheckingInterval (30 s by
  // default, longer than the timeouts themselves).
  const serverOptions: http.ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
  const server: http.Server = opts.tls
    ? https.createServer({ ...serverOptions, handshakeTimeout: limits.headersTimeoutMs, ...opts.tls }, onRequest)
    : http.createServer(serverOptions, onRequest);
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => rejected.inc({ reason: 'connection_limit' }));
  let accepted = 0;
  server.on('connection', (socket: net.Socket) => {
    accepted++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  // `Expect` other than 100-continue (RFC 9110 §10.1.1): Node would answer an empty 417.
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
    track(req, res);
    sendError(
      front,
      res,
      417,
      new KmsError('SerializationException', 'The Expect header is not supported; only 100-continue is'),
      true,
    );
  });
  // CONNECT is no method of the API; without a listener Node drops the connection unanswered.
  server.on('connect', (_req: http.IncomingMessage, socket: net.Socket) => {
    rawError(socket, 400, 'Bad Request', new KmsError('UnknownOperationException', ''));
  });

  // Requests Node's HTTP parser rejects (bad method, bad Content-Length, bad chunking) and the
  // header and request timeouts arrive here.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    if (front.poisoned.has(socket)) return;
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const owed = [...(front.owed.get(socket) ?? [])];
    // A request whose body was being read is the one that failed: it is answered in its turn,
    // after the responses owed before it, through its own response.
    const receiving = owed.find((res) => !res.req.complete && front.failBody.has(res.req));
    if (receiving) {
      front.poisoned.add(socket);
      front.failBody.get(receiving.req)!(timeout ? timedOut() : malformed());
      return;
    }
    if (owed.length > 0) {
      // A response is owed to a complete request, and the garbage after it is a request of its
      // own: writing a 400 now would be read as the answer to the request before. Answer what is
      // owed, then close the connection; the garbage gets no answer (issue 15, finding 6).
      front.poisoned.add(socket);
      for (const res of owed) if (!res.headersSent) res.setHeader('connection', 'close');
      rejected.inc({ reason: 'malformed' });
      return;
    }
    rejected.inc({ reason: timeout ? 'timeout' : 'malformed' });
    if (timeout) rawError(socket, 408, 'Request Timeout', timedOut().error());
    else if (err.code === 'HPE_HEADER_OVERFLOW') {
      rawError(
        socket,
        431,
        'Request Header Fields Too Large',
        new KmsError('SerializationException', 'Request header fields too large'),
      );
    } else rawError(socket, 400, 'Bad Request', malformed().error());
    socket.destroySoon();
  });

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (graceMs: number) =>
    (shuttingDown ??= (async () => {
      // Connections the kernel has queued would be reset by closing the listener, although their
      // requests may already be sent. libuv accepts one per loop iteration, so the listener
      // stays open until two iterations in a row accept nothing (bounded by the connection cap).
      for (let idle = 0, turns = 0; idle < 2 && turns < limits.maxConnections; turns++) {
        const before = accepted;
        await setImmediateTurns(1);
        idle = accepted === before ? idle + 1 : 0;
      }
      const closed = new Promise<void>((ok) => {
        // net.Server's close, not http.Server's: since Node 19 the latter also destroys every
        // connection with no request in progress, including accepted connections whose request
        // bytes are already received but not parsed yet (issue 15, finding 16).
        net.Server.prototype.close.call(server, () => ok());
      });
      // More poll phases read what accepted connections have received, so every request sent
      // before shutdown has started; what is idle now has nothing pending.
      await setImmediateTurns(3);
      server.closeIdleConnections();
      // Node does not count a connection that never sent a byte as idle.
      if (!opts.tls) {
        for (const socket of sockets) {
          if (socket.bytesRead === 0 && !front.owed.get(socket)?.size) socket.destroy();
        }
      }
      const grace = setTimeout(() => {
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      grace.unref();
      await closed;
      clearTimeout(grace);
      clearInterval(idleSweep);
      // Lets http.Server release its connection-checking timer; the listener is already closed.
      server.close();
    })());

  return {
    server,
    limits,
    shutdown,
    setSecureContext(options) {
      if (!(server instanceof https.Server)) throw new Error('this server does not use TLS');
      server.setSecureContext(options);
    },
  };
}

/** A listener that serves only GET /metrics, for `--metrics-host/--metrics-port`. */
export function createMetricsServer(registry: Registry): http.Server {
  return http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method === 'GET' && path === '/metrics') {
      void registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"message":"Not Found"}');
  });
}

async function route(front: FrontState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { opts } = front;
  const path = (req.url ?? '/').split('?', 1)[0];
  const state = opts.state();
  if (req.method === 'GET' && path === '/health') {
    const status = state === 'ready' ? 'ok' : state;
    const body = Buffer.from(JSON.stringify({ status, version: trentVersion() }));
    send(front, res, state === 'ready' ? 200 : 503, body, 'health', 'application/json');
    return;
  }
  if (req.method === 'GET' && path === '/metrics' && opts.serveMetrics !== false) {
    const body = Buffer.from(await opts.registry.metrics());
    send(front, res, 200, body, 'metrics', opts.registry.contentType);
    return;
  }

  const started = process.hrtime.bigint();
  let body: Buffer;
  try {
    body = await readBody(front, req);
  } catch (err) {
    const e = err instanceof BodyError ? err : malformed();
    front.rejected.inc({ reason: e.reason });
    const out = sendError(front, res, e.status, e.error(), true);
    opts.metrics.observe(undefined, out.code, started);
    // What is left of the body is read and dropped, not kept, so the answer reaches the client.
    req.resume();
    return;
  }
  if (state === 'starting') {
    const out = sendError(front, res, 503, new KmsError('ServiceUnavailable', SERVICE_UNAVAILABLE), false);
    opts.metrics.observe(undefined, out.code, started);
    return;
  }
  if (opts.devControls && path !== undefined && opts.devControls.owns(path)) {
    const out = await opts.devControls.handle({ method: req.method ?? '', path, body });
    send(front, res, out.status, out.body, randomUUID(), 'application/json');
    opts.metrics.observe(undefined, out.errorCode, started);
    return;
  }
  if (req.method !== 'POST') {
    const out = sendError(front, res, 400, new KmsError('UnknownOperationException', ''), false);
    opts.metrics.observe(undefined, out.code, started);
    return;
  }
  const result = await opts.handle(
    {
      method: req.method,
      url: req.url ?? '/',
      headers: req.headers,
      body,
    },
    { sourceIp: req.socket.remoteAddress ?? '', secure: req.socket instanceof tls.TLSSocket },
  );
  send(front, res, result.status, result.body, result.requestId, result.contentType);
  opts.metrics.observe(result.operation, result.errorCode, started);
}
