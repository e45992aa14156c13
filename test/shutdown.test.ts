/**
 * Shutdown answers every request the server has received (issue 15, finding 16): requests written
 * to connections the kernel has accepted, new or kept alive, are answered (200, then the
 * connection closes) when close() follows them at once; any reset or missing answer fails.
 */
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { rawConnect, signedRequestBytes, splitResponses, type RawConnection } from './helpers/front.js';
import { startTestServer } from './helpers/server.js';

const N = 20;

async function setup() {
  const t = await startTestServer();
  const kms = t.client();
  const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  kms.destroy();
  const host = `127.0.0.1:${t.server.port}`;
  const encrypt = () =>
    signedRequestBytes(t.credentials, host, 'Encrypt', {
      KeyId: key.KeyId,
      Plaintext: Buffer.from('in flight').toString('base64'),
    });
  return { t, encrypt };
}

/** Every connection's outcome: its responses' status lines, and an error if it was reset. */
async function outcomes(conns: RawConnection[]) {
  return Promise.all(
    conns.map(async (c) => {
      const { data, error } = await c.closed;
      return { statuses: splitResponses(data).map((r) => r.slice(0, r.indexOf('\r\n'))), error: error?.code };
    }),
  );
}

describe('shutdown', () => {
  it('answers requests written to new connections right before close()', async () => {
    const { t, encrypt } = await setup();
    const requests = await Promise.all(Array.from({ length: N }, encrypt));
    // Connected: the kernel has accepted them, whether or not the server has taken them yet.
    const conns = await Promise.all(requests.map(() => rawConnect(t.server.port)));
    await Promise.all(conns.map((c, i) => c.write(requests[i]!)));
    const stopping = t.stop();
    const results = await outcomes(conns);
    await stopping;
    expect(results).toEqual(Array.from({ length: N }, () => ({ statuses: ['HTTP/1.1 200 OK'], error: undefined })));
  });

  it('answers requests written to kept-alive connections right before close(), and closes them', async () => {
    const { t, encrypt } = await setup();
    const conns = await Promise.all(Array.from({ length: N }, () => rawConnect(t.server.port)));
    // One answered request each makes them idle kept-alive connections.
    await Promise.all(conns.map(async (c) => c.write(await encrypt())));
    await Promise.all(conns.map((c) => c.responses(1)));
    const second = await Promise.all(conns.map(() => encrypt()));
    await Promise.all(conns.map((c, i) => c.write(second[i]!)));
    const stopping = t.stop();
    const results = await outcomes(conns);
    await stopping;
    expect(results).toEqual(
      Array.from({ length: N }, () => ({ statuses: ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK'], error: undefined })),
    );
    for (const c of conns) expect(splitResponses(c.received())[1]).toMatch(/^connection: close\r$/im);
  });

  it('closes idle connections and refuses new ones', async () => {
    const { t } = await setup();
    const idle = await rawConnect(t.server.port);
    await t.stop();
    const { data } = await idle.closed;
    expect(data).toBe('');
    await expect(rawConnect(t.server.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
