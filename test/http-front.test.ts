/**
 * The HTTP front against real servers (issue 15, findings 4, 6, 14 and 18): what unauthenticated
 * callers can make the server hold is bounded, and over the bounds the server answers as a loaded
 * AWS endpoint does while authenticated work goes on; a pipelined malformed request never replaces
 * the answer of the real one before it; every answer is AWS-shaped; /health and /metrics say what
 * they promise. Assertions are on the server's own counters and answers, never on elapsed time.
 */
import { CreateKeyCommand, EncryptCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFront, type ServerState } from '../src/server/http.js';
import { createMetrics } from '../src/server/metrics.js';
import pkg from '../package.json' with { type: 'json' };
import {
  completeResponses,
  metric,
  metricsText,
  rawConnect,
  signedRequestBytes,
  splitResponses,
  statusLines,
  until,
  type RawConnection,
} from './helpers/front.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const KiB = 1024;

function bodyOf(response: string): unknown {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
}

function partialPost(contentLength: number): string {
  return (
    'POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-amz-json-1.1\r\n' +
    `x-amz-target: TrentService.ListKeys\r\ncontent-length: ${contentLength}\r\n\r\n`
  );
}

describe('a pipelined malformed request (finding 6)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.stop());

  it('never replaces the answer of the signed request before it', async () => {
    const { port } = t.server;
    const host = `127.0.0.1:${port}`;
    const createKey = await signedRequestBytes(t.credentials, host, 'CreateKey', { Description: 'pipelined' });
    const c = await rawConnect(port);
    await c.write(Buffer.concat([createKey, Buffer.from('GARBAGE\r\n\r\n')]));
    const { data } = await c.closed;
    const statuses = statusLines(data);
    expect(statuses).toEqual(['HTTP/1.1 200 OK']);
    expect(completeResponses(data)).toBe(1);
    expect(bodyOf(data)).toMatchObject({ KeyMetadata: { Description: 'pipelined' } });

    const keys = (await t.client().send(new ListKeysCommand({}))).Keys!;
    expect(keys).toHaveLength(1);
  });

  it('answers a malformed body with an AWS-shaped 400 after the responses owed before it', async () => {
    const { port } = t.server;
    const host = `127.0.0.1:${port}`;
    const listKeys = await signedRequestBytes(t.credentials, host, 'ListKeys', {});
    const c = await rawConnect(port);
    await c.write(
      Buffer.concat([listKeys, Buffer.from('POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n')]),
    );
    const { data } = await c.closed;
    expect(statusLines(data)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request']);
    const second = splitResponses(data)[1]!;
    expect(second).toMatch(/^x-amzn-requestid: [0-9a-f-]{36}\r$/m);
    expect(bodyOf(second)).toEqual({ __type: 'SerializationException', message: 'Malformed HTTP request' });
  });
});

describe('answers that are AWS-shaped (finding 14)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.stop());

  it('answers an unsupported Expect with an AWS-shaped 417', async () => {
    const host = `127.0.0.1:${t.server.port}`;
    const c = await rawConnect(t.server.port);
    await c.write(await signedRequestBytes(t.credentials, host, 'ListKeys', {}, { expect: 'bogus' }));
    const { data } = await c.closed;
    expect(statusLines(data)).toEqual(['HTTP/1.1 417 Expectation Failed']);
    expect(data).toMatch(/^x-amzn-requestid: [0-9a-f-]{36}\r$/m);
    expect(data).toMatch(/^content-type: application\/x-amz-json-1\.1\r$/m);
    expect(bodyOf(data)).toEqual({
      __type: 'SerializationException',
      message: 'The Expect header is not supported; only 100-continue is',
    });
  });

  it('still serves Expect: 100-continue', async () => {
    const host = `127.0.0.1:${t.server.port}`;
    const raw = (await signedRequestBytes(t.credentials, host, 'ListKeys', {}, { expect: '100-continue' })).toString();
    const [head, body] = [raw.slice(0, raw.indexOf('\r\n\r\n') + 4), raw.slice(raw.indexOf('\r\n\r\n') + 4)];
    const c = await rawConnect(t.server.port);
    await c.write(head);
    await until(() => c.received().startsWith('HTTP/1.1 100 Continue\r\n\r\n'));
    await c.write(body);
    const data = await c.responses(2);
    expect(statusLines(data)).toEqual(['HTTP/1.1 100 Continue', 'HTTP/1.1 200 OK']);
    c.socket.destroy();
  });

  it('answers CONNECT with an AWS-shaped error instead of dropping the connection', async () => {
    const c = await rawConnect(t.server.port);
    await c.write('CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n');
    const { data } = await c.closed;
    expect(statusLines(data)).toEqual(['HTTP/1.1 400 Bad Request']);
    expect(data).toMatch(/^x-amzn-requestid: [0-9a-f-]{36}\r$/m);
    expect(bodyOf(data)).toEqual({ __type: 'UnknownOperationException' });
  });
});

describe('limits before authentication (finding 4)', () => {
  const budget = 512 * KiB;
  let t: TestServer;
  let metricsUrl: string;
  beforeAll(async () => {
    t = await startTestServer({ httpLimits: { maxInflightBodyBytes: budget, maxConnections: 12 } });
    metricsUrl = `${t.server.url}/metrics`;
  });
  afterAll(async () => t.stop());

  it('holds stalled bodies within one budget, answers 503 over it, and keeps serving signed requests', async () => {
    const kms = t.client();
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const stalled: RawConnection[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await rawConnect(t.server.port);
      await c.write(partialPost(256 * KiB) + 'x'.repeat(64 * KiB));
      stalled.push(c);
    }
    await until(async () => (await metric(metricsUrl, 'trent_http_inflight_body_bytes')) === 6 * 64 * KiB);

    // Authenticated work goes on beside them.
    const encrypted = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('still here') }));
    expect(encrypted.CiphertextBlob!.length).toBeGreaterThan(0);

    // One more body that does not fit: AWS's answer of an overloaded endpoint, and the connection is closed.
    const over = await rawConnect(t.server.port);
    await over.write(partialPost(256 * KiB) + 'y'.repeat(200 * KiB));
    const { data } = await over.closed;
    expect(statusLines(data)).toEqual(['HTTP/1.1 503 Service Unavailable']);
    expect(data).toMatch(/^connection: close\r$/im);
    expect(data).toMatch(/^x-amzn-requestid: [0-9a-f-]{36}\r$/m);
    expect(bodyOf(data)).toEqual({
      __type: 'ServiceUnavailable',
      message: 'The request has failed due to a temporary failure of the server.',
    });

    expect(await metric(metricsUrl, 'trent_http_inflight_body_bytes_peak')).toBeLessThanOrEqual(budget);
    expect(await metric(metricsUrl, 'trent_http_rejected_total{reason="body_budget"}')).toBe(1);
    // The budget is given back when clients go away.
    for (const c of stalled) c.socket.destroy();
    await until(async () => (await metric(metricsUrl, 'trent_http_inflight_body_bytes')) === 0);
    await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('after') }));
  });

  it('closes connections over the cap at once and serves again when they go', async () => {
    // One kept-alive connection reads /metrics, so reading does not change the count; others are
    // held until the server reports the cap reached.
    const probe = await rawConnect(t.server.port);
    let reads = 0;
    const openNow = async () => {
      await probe.write('GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n');
      const last = splitResponses(await probe.responses(++reads))[reads - 1]!;
      return Number(/^trent_http_open_connections (\d+)$/m.exec(last)![1]);
    };
    const before = await openNow();
    const held: RawConnection[] = [probe];
    while ((await openNow()) < 12) held.push(await rawConnect(t.server.port));
    const extra = await rawConnect(t.server.port);
    await extra.write(partialPost(2) + '{}').catch(() => undefined);
    const { data } = await extra.closed;
    expect(data).toBe('');
    for (const c of held) c.socket.destroy();
    await until(
      async () => ((await metric(metricsUrl, 'trent_http_open_connections').catch(() => Infinity)) ?? 0) <= before,
    );
    expect(await metric(metricsUrl, 'trent_http_rejected_total{reason="connection_limit"}')).toBeGreaterThanOrEqual(1);
    await t.client().send(new ListKeysCommand({}));
  });
});

describe('a stalled body (finding 4)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ httpLimits: { bodyIdleTimeoutMs: 200 } });
  });
  afterAll(async () => t.stop());

  it('is dropped with an AWS-shaped 408 once it pauses longer than the body idle timeout', async () => {
    const c = await rawConnect(t.server.port);
    await c.write(partialPost(100 * KiB) + 'x'.repeat(10 * KiB));
    const { data } = await c.closed;
    expect(statusLines(data)).toEqual(['HTTP/1.1 408 Request Timeout']);
    expect(bodyOf(data)).toEqual({
      __type: 'RequestTimeout',
      message: 'The request was not received within the time allowed',
    });
    expect(await metric(`${t.server.url}/metrics`, 'trent_http_inflight_body_bytes')).toBe(0);
    expect(await metric(`${t.server.url}/metrics`, 'trent_http_rejected_total{reason="timeout"}')).toBe(1);
  });
});

describe('/metrics (finding 18)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.stop());

  it('counts requests and their latency by operation and outcome', async () => {
    const kms = t.client();
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('m') }));
    await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('m') }));
    const text = await metricsText(`${t.server.url}/metrics`);
    expect(text).toContain('# TYPE trent_requests_total counter');
    expect(text).toMatch(/^trent_requests_total\{operation="Encrypt",outcome="ok"\} 2$/m);
    expect(text).toMatch(/^trent_requests_total\{operation="CreateKey",outcome="ok"\} 1$/m);
    expect(text).toContain('# TYPE trent_request_duration_seconds histogram');
    expect(text).toMatch(/^trent_request_duration_seconds_count\{operation="Encrypt"\} 2$/m);
    expect(text).toMatch(/^trent_request_duration_seconds_bucket\{le="\+Inf",operation="Encrypt"\} 2$/m);
    expect(text).toMatch(/^trent_process_cpu_seconds_total \d/m);
  });
});

describe('/metrics on its own listener (finding 14)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ metricsListener: { host: '127.0.0.1', port: 0 } });
  });
  afterAll(async () => t.stop());

  it('is served there and not on the API port', async () => {
    await t.client().send(new ListKeysCommand({}));
    expect(t.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(await metricsText(t.server.metricsUrl!)).toMatch(/^trent_requests_total\{operation="ListKeys"/m);
    const onApi = await fetch(`${t.server.url}/metrics`);
    expect(onApi.status).toBe(400);
    expect(await onApi.json()).toEqual({ __type: 'UnknownOperationException' });
  });
});

describe('/health (finding 18)', () => {
  it('answers 503 while starting and stopping, 200 when ready; the API answers 503 while starting', async () => {
    let state: ServerState = 'starting';
    const { registry, metrics } = createMetrics();
    const front = createHttpFront({
      handle: () =>
        Promise.resolve({
          status: 200,
          body: Buffer.from('{}'),
          contentType: 'application/x-amz-json-1.1',
          requestId: 'r',
        }),
      registry,
      metrics,
      state: () => state,
    });
    await new Promise<void>((ok) => front.server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(front.server.address() as AddressInfo).port}`;
    const health = async () => {
      const r = await fetch(`${url}/health`);
      return [r.status, await r.json()];
    };
    expect(await health()).toEqual([503, { status: 'starting', version: pkg.version }]);
    const api = await fetch(url, { method: 'POST', body: '{}' });
    expect(api.status).toBe(503);
    expect(await api.json()).toEqual({
      __type: 'ServiceUnavailable',
      message: 'The request has failed due to a temporary failure of the server.',
    });
    state = 'ready';
    expect(await health()).toEqual([200, { status: 'ok', version: pkg.version }]);
    state = 'stopping';
    expect(await health()).toEqual([503, { status: 'stopping', version: pkg.version }]);
    await front.shutdown(0);
  });

  it('listens before opening the database, answering 503 until it is ready', async () => {
    let seen: { health: [number, unknown]; api: [number, unknown] } | undefined;
    const t = await startTestServer({
      async whileStarting(url) {
        const health = await fetch(`${url}/health`);
        const api = await fetch(url, { method: 'POST', body: '{}' });
        seen = { health: [health.status, await health.json()], api: [api.status, await api.json()] };
      },
    });
    try {
      expect(seen).toEqual({
        health: [503, { status: 'starting', version: pkg.version }],
        api: [
          503,
          { __type: 'ServiceUnavailable', message: 'The request has failed due to a temporary failure of the server.' },
        ],
      });
      const ready = await fetch(`${t.server.url}/health`);
      expect([ready.status, await ready.json()]).toEqual([200, { status: 'ok', version: pkg.version }]);
    } finally {
      await t.stop();
    }
  });

  it('stops listening when starting fails', async () => {
    let url = '';
    await expect(
      startTestServer({
        async whileStarting(u) {
          url = u;
          throw new Error('no database today');
        },
      }),
    ).rejects.toThrow('no database today');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('answers 503 on a connection already open when the server stops', async () => {
    const t = await startTestServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; body: string; connection: string | undefined }>((ok, fail) => {
        http
          .get(`${t.server.url}/health`, { agent }, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => (body += c));
            res.on('end', () => ok({ status: res.statusCode!, body, connection: res.headers.connection }));
          })
          .on('error', fail);
      });
    expect((await get()).status).toBe(200);
    const during = get();
    const stopped = t.stop();
    expect(await during).toEqual({
      status: 503,
      body: `{"status":"stopping","version":"${pkg.version}"}`,
      connection: 'close',
    });
    await stopped;
    agent.destroy();
  });
});
