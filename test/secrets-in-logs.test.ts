/**
 * No secret reaches the log or the audit trail (STYLE rule 6; issue 15, finding 18). A server with
 * a captured logger runs a workload of every kind of secret Trent handles (plaintexts, data keys,
 * private keys of data key pairs, key material, MAC keys, secret access keys), failures included
 * (a bad signature, a failed decrypt, internal errors forced through a failing audit sink), then
 * the captured log and every file of the audit directory are searched for each secret in raw,
 * hex and base64.
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateMacCommand,
  GenerateRandomCommand,
  KMSClient,
  SignCommand,
  VerifyCommand,
  type KeySpec,
  type KeyUsageType,
} from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditSink } from '../src/audit/index.js';
import { expectKmsError } from './helpers/kms.js';
import { leaks, serialiseLogValue } from './helpers/log-capture.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;
const failing = { on: false };
const secrets = new Map<string, Buffer>();
const keyArns: string[] = [];

beforeAll(async () => {
  t = await startTestServer({
    auditSink: (file: AuditSink): AuditSink => ({
      record: (event: AuditEvent, durable: boolean) =>
        failing.on && durable ? Promise.reject(new Error('audit disk unavailable')) : file.record(event, durable),
      close: () => file.close(),
    }),
  });
  kms = t.client();
});
afterAll(async () => t.stop());

async function key(KeySpec: KeySpec, KeyUsage: KeyUsageType): Promise<string> {
  const arn = (await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).KeyMetadata!.Arn!;
  keyArns.push(arn);
  return arn;
}

describe('secrets in logs and in the audit trail', () => {
  it('finds a planted secret (the search works)', () => {
    const planted = randomBytes(32);
    const probe = new Map([['planted', planted]]);
    for (const logged of [
      { err: new Error(`x ${planted.toString('base64')}`) },
      { blob: Buffer.concat([Buffer.from([1]), planted]) },
      { nested: { value: new Uint8Array(planted) } },
    ])
      expect(leaks(Buffer.from(serialiseLogValue(logged)), probe)).toEqual(['planted']);
  });

  it('writes none of them, in raw, hex or base64, after a workload with failures', async () => {
    const symmetric = await key('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
    const rsa = await key('RSA_2048', 'SIGN_VERIFY');
    const ecc = await key('ECC_NIST_P256', 'SIGN_VERIFY');
    const ed = await key('ECC_NIST_EDWARDS25519', 'SIGN_VERIFY');
    const hmac = await key('HMAC_256', 'GENERATE_VERIFY_MAC');

    const plaintext = Buffer.concat([Buffer.from('plaintext that must stay secret: '), randomBytes(32)]);
    secrets.set('plaintext', plaintext);
    const context = { purpose: 'secrets-test' };
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: symmetric, Plaintext: plaintext, EncryptionContext: context }),
    );
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
    expect(Buffer.from(decrypted.Plaintext!).equals(plaintext)).toBe(true);
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { purpose: 'wrong' } })),
      'InvalidCiphertextException',
    );

    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: symmetric, KeySpec: 'AES_256' }));
    secrets.set('data key', Buffer.from(dataKey.Plaintext!));
    for (const KeyPairSpec of ['RSA_2048', 'ECC_NIST_P256'] as const) {
      const pair = await kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetric, KeyPairSpec }));
      secrets.set(`private key ${KeyPairSpec}`, Buffer.from(pair.PrivateKeyPlaintext!));
    }
    secrets.set('random', Buffer.from((await kms.send(new GenerateRandomCommand({ NumberOfBytes: 64 }))).Plaintext!));

    const message = Buffer.concat([Buffer.from('message to sign: '), randomBytes(32)]);
    for (const [KeyId, SigningAlgorithm] of [
      [rsa, 'RSASSA_PSS_SHA_256'],
      [ecc, 'ECDSA_SHA_256'],
      [ed, 'ED25519_SHA_512'],
    ] as const) {
      const { Signature } = await kms.send(
        new SignCommand({ KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm }),
      );
      // A signature that does not verify.
      const bad = Buffer.from(Signature!);
      bad[bad.length - 1]! ^= 1;
      await expectKmsError(
        kms.send(new VerifyCommand({ KeyId, Message: message, Signature: bad, SigningAlgorithm })),
        'KMSInvalidSignatureException',
      );
    }
    secrets.set('signed message', message);
    const macMessage = Buffer.concat([Buffer.from('mac message: '), randomBytes(32)]);
    await kms.send(new GenerateMacCommand({ KeyId: hmac, Message: macMessage, MacAlgorithm: 'HMAC_SHA_256' }));
    secrets.set('mac message', macMessage);

    // A request signed with the wrong secret.
    const wrongSecret = t.credentials.secretAccessKey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const stranger = t.client({
      credentials: { accessKeyId: t.credentials.accessKeyId, secretAccessKey: wrongSecret },
    });
    await expectKmsError(
      stranger.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context })),
      'InvalidSignatureException',
    );
    secrets.set('secret access key', Buffer.from(t.credentials.secretAccessKey));
    secrets.set('wrong secret access key', Buffer.from(wrongSecret));

    // Internal errors: the audit fails, so these secret-returning calls fail and are logged.
    failing.on = true;
    try {
      for (const call of [
        () => kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context })),
        () => kms.send(new GenerateDataKeyCommand({ KeyId: symmetric, KeySpec: 'AES_256' })),
        () => kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetric, KeyPairSpec: 'ECC_NIST_P384' })),
      ])
        await expectKmsError(call(), 'KMSInternalException');
    } finally {
      failing.on = false;
    }

    for (const arn of keyArns)
      for (const { materialId } of await t.server.services.storage.listKeyMaterials(arn)) {
        const material = await t.server.services.materials.plaintext(arn, materialId);
        secrets.set(`key material of ${arn}`, material!);
      }
    const rootKey = await readFile(join(t.dataDir, 'root-key'), 'utf8');
    secrets.set('root key', Buffer.from(rootKey.trim().split('\n').at(-1)!, 'base64'));

    // The search is not vacuous: the failures above were logged, and every kind of secret is known.
    const log = Buffer.from(t.logs.text());
    expect(t.logs.text()).toContain('audit log write failed');
    expect(secrets.size).toBeGreaterThanOrEqual(12);
    for (const [name, secret] of secrets) expect(secret.length, name).toBeGreaterThanOrEqual(16);

    expect(leaks(log, secrets)).toEqual([]);
    const dir = join(t.dataDir, 'audit');
    const files = await readdir(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(leaks(await readFile(join(dir, f)), secrets), f).toEqual([]);
  });
});
