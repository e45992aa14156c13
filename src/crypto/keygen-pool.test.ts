import { createPrivateKey } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyPairParams } from './keygen-job.js';
import {
  KeyGenerationBusyError,
  KeyGenerationClosedError,
  KeyGenerationPool,
  type KeyGenerationPoolOptions,
  type WorkerEntry,
} from './keygen-pool.js';

const P256: KeyPairParams = { type: 'ec', namedCurve: 'prime256v1' };
const ED25519: KeyPairParams = { type: 'ed25519' };

/**
 * A stand-in worker (an ES module in a data: URL): it answers each request with one byte, its id,
 * dies on an Ed25519 request, and never answers an RSA one.
 */
const fakeWorker: WorkerEntry = {
  filename: new URL(
    'data:text/javascript,' +
      encodeURIComponent(`
        import { parentPort } from 'node:worker_threads';
        parentPort.on('message', ({ id, params }) => {
          if (params.type === 'ed25519') process.exit(3);
          if (params.type === 'rsa') return;
          parentPort.postMessage({ id, privateKey: new Uint8Array([id]) });
        });
      `),
  ),
};

const pools: KeyGenerationPool[] = [];
const newPool = (opts: KeyGenerationPoolOptions): KeyGenerationPool => {
  const pool = new KeyGenerationPool(opts);
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('key generation pool', () => {
  it('returns the PKCS#8 DER node:crypto generates, for RSA, EC and Ed25519', async () => {
    const pool = newPool({ threads: 1, maxQueued: 4 });
    const [rsa, ec, ed] = await Promise.all([
      pool.generateKeyPair({ type: 'rsa', modulusLength: 2048, publicExponent: 0x10001 }),
      pool.generateKeyPair(P256),
      pool.generateKeyPair(ED25519),
    ]);
    const parsed = createPrivateKey({ key: rsa, format: 'der', type: 'pkcs8' });
    expect(parsed.asymmetricKeyType).toBe('rsa');
    expect(parsed.asymmetricKeyDetails).toEqual({ modulusLength: 2048, publicExponent: 0x10001n });
    expect(parsed.export({ format: 'der', type: 'pkcs8' }).equals(rsa)).toBe(true);
    const parsedEc = createPrivateKey({ key: ec, format: 'der', type: 'pkcs8' });
    expect(parsedEc.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(parsedEc.export({ format: 'der', type: 'pkcs8' }).equals(ec)).toBe(true);
    expect(createPrivateKey({ key: ed, format: 'der', type: 'pkcs8' }).asymmetricKeyType).toBe('ed25519');
  });

  it('runs at most `threads` generations at once and the rest in the order they came', async () => {
    const pool = newPool({ threads: 2, maxQueued: 10 });
    const done: number[] = [];
    const observed: number[] = [];
    const jobs = Array.from({ length: 8 }, (_, i) =>
      pool.generateKeyPair(P256).then(() => {
        observed.push(pool.running);
        done.push(i);
      }),
    );
    expect({ running: pool.running, queued: pool.queued }).toEqual({ running: 2, queued: 6 });
    await Promise.all(jobs);
    expect(Math.max(...observed)).toBeLessThanOrEqual(2);
    expect({ running: pool.running, queued: pool.queued }).toEqual({ running: 0, queued: 0 });

    // One thread: completions come in submission order.
    const single = newPool({ threads: 1, maxQueued: 10 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => single.generateKeyPair(P256).then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses a generation beyond the queue with KeyGenerationBusyError, and accepts again once it drains', async () => {
    const pool = newPool({ threads: 1, maxQueued: 2 });
    const accepted = [pool.generateKeyPair(P256), pool.generateKeyPair(P256), pool.generateKeyPair(P256)];
    await expect(pool.generateKeyPair(P256)).rejects.toBeInstanceOf(KeyGenerationBusyError);
    expect(await Promise.all(accepted)).toHaveLength(3);
    await expect(pool.generateKeyPair(P256)).resolves.toBeInstanceOf(Buffer);
  });

  it("passes a generation's error to its caller and goes on with the next one", async () => {
    const pool = newPool({ threads: 1, maxQueued: 4 });
    const bad = pool.generateKeyPair({ type: 'ec', namedCurve: 'no-such-curve' });
    const good = pool.generateKeyPair(P256);
    await expect(bad).rejects.toThrow(/curve/i);
    await expect(good).resolves.toBeInstanceOf(Buffer);
  });

  it('fails the generation of a thread that dies, and starts a new thread for the next', async () => {
    const pool = newPool({ threads: 1, maxQueued: 4, worker: fakeWorker });
    const dies = pool.generateKeyPair(ED25519);
    const next = pool.generateKeyPair(P256);
    await expect(dies).rejects.toThrow('key generation worker exited with code 3');
    expect([...(await next)]).toEqual([1]);
    expect({ running: pool.running, queued: pool.queued }).toEqual({ running: 0, queued: 0 });
  });

  it('close rejects running and queued generations and refuses new ones', async () => {
    const pool = newPool({ threads: 1, maxQueued: 4, worker: fakeWorker });
    const rsa: KeyPairParams = { type: 'rsa', modulusLength: 2048, publicExponent: 0x10001 };
    const running = pool.generateKeyPair(rsa); // the fake worker never answers it
    const queued = [pool.generateKeyPair(P256), pool.generateKeyPair(P256)];
    expect({ running: pool.running, queued: pool.queued }).toEqual({ running: 1, queued: 2 });
    const refused = [running, ...queued].map((job) => expect(job).rejects.toBeInstanceOf(KeyGenerationClosedError));
    await pool.close();
    await Promise.all(refused);
    await expect(pool.generateKeyPair(P256)).rejects.toBeInstanceOf(KeyGenerationClosedError);
  });

  it('refuses a pool without threads or with a negative queue', () => {
    expect(() => new KeyGenerationPool({ threads: 0, maxQueued: 1 })).toThrow('positive integer');
    expect(() => new KeyGenerationPool({ threads: 1, maxQueued: -1 })).toThrow('non-negative integer');
  });
});
