/**
 * The HTTP front: POST / carries the KMS API; GET /health and GET /metrics serve operators. The
 * body is read up to a fixed limit before anything parses it; raw bytes are kept for SigV4.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Registry } from 'prom-client';
import type { RawRequest } from '../auth/index.js';
import { KmsError } from '../domain/index.js';
import { errorResponse } from '../protocol/index.js';
import type { KmsResponse, RequestMeta } from './handler.js';
import type { RequestMetrics } from './metrics.js';

/** Largest request body accepted (a 128 Ki-character key policy, JSON-escaped, fits). */
export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_11 = 'application/x-amz-json-1.1';

export interface HttpFrontOptions {
  handle(req: RawRequest, meta: RequestMeta): Promise<KmsResponse>;
  registry: Registry;
  metrics: RequestMetrics;
  isReady(): boolean;
  /** While shutting down, every response closes its connection so keep-alive clients let go. */
  isClosing(): boolean;
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function send(
  opts: HttpFrontOptions,
  res: http.ServerResponse,
  status: number,
  body: Buffer,
  requestId: string,
  contentType = JSON_11,
): void {
  // Checked when answering, not when the request arrived: a request in flight when shutdown
  // began must still release its connection.
  if (opts.isClosing()) res.setHeader('connection', 'close');
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': body.length,
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

export function createHttpServer(opts: HttpFrontOptions): http.Server {
  const server = http.createServer((req, res) => {
    void route(opts, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Requests Node's HTTP parser rejects (bad method, bad Content-Length, bad chunking) still get
  // an AWS-shaped answer with a request id, then the connection is closed.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code !== 'ECONNRESET' && socket.writable) {
      const requestId = randomUUID();
      const out = errorResponse(new KmsError('SerializationException', 'Malformed HTTP request'), requestId);
      socket.write(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: ${JSON_11}\r\ncontent-length: ${out.body.length}\r\n` +
          `x-amzn-requestid: ${requestId}\r\nconnection: close\r\n\r\n`,
      );
      socket.write(out.body);
    }
    socket.destroy();
  });
  return server;
}

async function route(opts: HttpFrontOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (req.method === 'GET' && path === '/health') {
    const ready = opts.isReady();
    const body = Buffer.from(JSON.stringify({ status: ready ? 'ok' : 'starting' }));
    send(opts, res, ready ? 200 : 503, body, 'health', 'application/json');
    return;
  }
  if (req.method === 'GET' && path === '/metrics') {
    const body = Buffer.from(await opts.registry.metrics());
    send(opts, res, 200, body, 'metrics', opts.registry.contentType);
    return;
  }

  const started = process.hrtime.bigint();
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (err) {
    const requestId = randomUUID();
    const tooLarge = err instanceof BodyTooLarge;
    const e = tooLarge
      ? new KmsError('SerializationException', `Request body exceeds the maximum size of ${MAX_BODY_BYTES} bytes`)
      : new KmsError('SerializationException', 'The request body could not be read');
    const out = errorResponse(e, requestId);
    res.setHeader('connection', 'close');
    send(opts, res, tooLarge ? 413 : 400, out.body, requestId);
    opts.metrics.observe(undefined, out.code, started);
    if (tooLarge) req.resume();
    return;
  }
  if (req.method !== 'POST') {
    const requestId = randomUUID();
    const out = errorResponse(new KmsError('UnknownOperationException', ''), requestId);
    send(opts, res, out.status, out.body, requestId);
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
    { sourceIp: req.socket.remoteAddress ?? '' },
  );
  send(opts, res, result.status, result.body, result.requestId);
  opts.metrics.observe(result.operation, result.errorCode, started);
}
