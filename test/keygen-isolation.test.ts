/**
 * Slow key generation runs on its own threads (crypto/keygen-pool.ts): a burst of RSA-4096
 * generations must not hold up Encrypt, Decrypt, Sign or GenerateDataKey, whose audit fsyncs and
 * RSA signatures use libuv's thread pool. Progress is compared with the burst's, never with a clock.
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  SignCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyGenerationPool } from '../src/crypto/index.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { KMS_THROTTLING_MESSAGE } from '../src/quotas/index.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('key generation beside the data plane', () => {
  it('answers 50 Encrypt/Decrypt rounds, Signs and GenerateDataKeys while 12 of 16 RSA-4096 generations are still pending', async () => {
    t = await startTestServer({ keygenThreads: 1 });
    const dataPlane = t.client();
    const burstClient = t.client();
    const symmetric = (await dataPlane.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const signing = (await dataPlane.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })))
      .KeyMetadata!.KeyId!;

    let finished = 0;
    const burst = Array.from({ length: 16 }, (_, i) =>
      (i % 2 === 0
        ? burstClient.send(new CreateKeyCommand({ KeySpec: 'RSA_4096', KeyUsage: 'SIGN_VERIFY' }))
        : burstClient.send(new GenerateDataKeyPairCommand({ KeyId: symmetric, KeyPairSpec: 'RSA_4096' }))
      ).finally(() => finished++),
    );

    for (let i = 0; i < 50; i++) {
      const plaintext = Buffer.from(`message ${i}`);
      const { CiphertextBlob } = await dataPlane.send(new EncryptCommand({ KeyId: symmetric, Plaintext: plaintext }));
      const { Plaintext } = await dataPlane.send(new DecryptCommand({ CiphertextBlob }));
      expect(Buffer.from(Plaintext!).equals(plaintext)).toBe(true);
      if (i % 5 === 0) {
        const message = Buffer.from(`signed ${i}`);
        const algorithm = 'RSASSA_PSS_SHA_256';
        const { Signature } = await dataPlane.send(
          new SignCommand({ KeyId: signing, Message: message, SigningAlgorithm: algorithm }),
        );
        const verified = await dataPlane.send(
          new VerifyCommand({ KeyId: signing, Message: message, Signature, SigningAlgorithm: algorithm }),
        );
        expect(verified.SignatureValid).toBe(true);
        const dataKey = await dataPlane.send(new GenerateDataKeyCommand({ KeyId: symmetric, KeySpec: 'AES_256' }));
        expect(dataKey.Plaintext).toHaveLength(32);
      }
    }
    const pending = 16 - finished;
    const pool = t.server.services.keyGeneration;
    const inPool = pool instanceof KeyGenerationPool ? { running: pool.running, queued: pool.queued } : undefined;

    expect(pending).toBeGreaterThanOrEqual(12);
    // The pending generations are in the pool: one on its only thread, the rest queued behind it.
    expect(inPool?.running).toBe(1);
    expect(inPool?.queued).toBeGreaterThanOrEqual(pending - 2);

    const results = await Promise.allSettled(burst);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  }, 300_000);

  it('answers ThrottlingException when the key-generation queue is full, and generates the rest', async () => {
    t = await startTestServer({ keygenThreads: 1, keygenQueue: 1 });
    const kms = t.client();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))),
    );
    const created = results.filter((r) => r.status === 'fulfilled').length;
    const refusals = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => ({ name: (r.reason as Error).name, message: (r.reason as Error).message }));
    // One generating and one queued are always accepted; the six arrive well within one generation.
    expect(created).toBeGreaterThanOrEqual(2);
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    expect(created + refusals.length).toBe(6);
    for (const refusal of refusals)
      expect(refusal).toEqual({ name: 'ThrottlingException', message: KMS_THROTTLING_MESSAGE });
  });
});
