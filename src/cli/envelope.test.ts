// Unit tests for envelope encryption against a stand-in KMS endpoint. They prove the ESDK plumbing
// (keyrings, client provider, endpoint, credentials), streaming, atomic output and the encryption
// context round trip. The fake does no SigV4 verification, policy or key states; test/ will hold
// the real end-to-end test of `trent encrypt` / `trent decrypt` against a running Trent.

import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decryptFile, encryptFile, type EnvelopeOptions } from './envelope.js';
import { DEFAULT_ENDPOINT, DEFAULT_REGION, kmsClientConfigFromEnv } from './kms-client.js';

const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';
const ACCESS_KEY_ID = 'AKIDENVELOPETEST';

interface FakeKey {
  arn: string;
  material: Buffer;
}

interface FakeCall {
  target: string;
  body: Record<string, unknown>;
  authorization: string;
}

/** A minimal AWS JSON 1.1 KMS: GenerateDataKey, Encrypt, Decrypt, DescribeKey over AES-256-GCM,
 * with the encryption context bound as additional authenticated data. */
class FakeKms {
  readonly calls: FakeCall[] = [];
  /** When set, responses name the key by its bare id instead of its ARN, unlike real KMS. */
  answerWithBareKeyId = false;
  readonly #keys = new Map<string, FakeKey>();
  readonly #aliases = new Map<string, string>();
  #server: Server | undefined;

  createKey(alias?: string): { keyId: string; arn: string } {
    const keyId = randomUUID();
    const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;
    this.#keys.set(keyId, { arn, material: randomBytes(32) });
    if (alias !== undefined) this.#aliases.set(alias, keyId);
    return { keyId, arn };
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.#handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^TrentService\./, '');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    this.calls.push({ target: operation, body, authorization: String(req.headers.authorization) });
    const [status, payload] = this.#dispatch(operation, body);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(payload));
  }

  #dispatch(operation: string, body: Record<string, unknown>): [number, unknown] {
    try {
      switch (operation) {
        case 'GenerateDataKey': {
          const key = this.#resolve(body.KeyId);
          const plaintext = randomBytes(Number(body.NumberOfBytes ?? 32));
          return [200, this.#wrap(key, plaintext, body.EncryptionContext, true)];
        }
        case 'Encrypt': {
          const key = this.#resolve(body.KeyId);
          const plaintext = Buffer.from(String(body.Plaintext), 'base64');
          return [200, this.#wrap(key, plaintext, body.EncryptionContext, false)];
        }
        case 'Decrypt':
          return [200, this.#unwrap(body)];
        case 'DescribeKey': {
          const key = this.#resolve(body.KeyId);
          const keyId = key.arn.slice(key.arn.indexOf('/') + 1);
          return [200, { KeyMetadata: { KeyId: keyId, Arn: key.arn, AWSAccountId: ACCOUNT } }];
        }
        default:
          return [400, { __type: 'UnknownOperationException' }];
      }
    } catch (err) {
      const name = err instanceof FakeError ? err.awsName : 'KMSInternalException';
      return [400, { __type: name, message: (err as Error).message }];
    }
  }

  #resolve(id: unknown): FakeKey {
    const text = String(id);
    const aliasName = text.includes(':alias/') ? text.slice(text.indexOf('alias/')) : text;
    const keyId = this.#aliases.get(aliasName) ?? text.slice(text.lastIndexOf('/') + 1);
    const key = this.#keys.get(keyId);
    if (key === undefined) throw new FakeError('NotFoundException', `Key '${text}' does not exist`);
    return key;
  }

  /** Ciphertext blob: key id (36 bytes) | iv (12) | tag (16) | ciphertext. */
  #wrap(key: FakeKey, plaintext: Buffer, context: unknown, returnPlaintext: boolean) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.material, iv).setAAD(aad(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const keyId = Buffer.from(key.arn.slice(key.arn.indexOf('/') + 1), 'ascii');
    const blob = Buffer.concat([keyId, iv, cipher.getAuthTag(), ciphertext]);
    return {
      KeyId: this.answerWithBareKeyId ? keyId.toString('ascii') : key.arn,
      CiphertextBlob: blob.toString('base64'),
      ...(returnPlaintext ? { Plaintext: plaintext.toString('base64') } : {}),
    };
  }

  #unwrap(body: Record<string, unknown>) {
    const blob = Buffer.from(String(body.CiphertextBlob), 'base64');
    const key = this.#resolve(blob.subarray(0, 36).toString('ascii'));
    if (body.KeyId !== undefined && this.#resolve(body.KeyId) !== key) {
      throw new FakeError(
        'IncorrectKeyException',
        'The key ID in the request does not identify the key that encrypted the ciphertext',
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.material, blob.subarray(36, 48));
      decipher.setAAD(aad(body.EncryptionContext)).setAuthTag(blob.subarray(48, 64));
      const plaintext = Buffer.concat([decipher.update(blob.subarray(64)), decipher.final()]);
      return { KeyId: key.arn, Plaintext: plaintext.toString('base64') };
    } catch {
      throw new FakeError('InvalidCiphertextException', '');
    }
  }
}

class FakeError extends Error {
  constructor(
    readonly awsName: string,
    message: string,
  ) {
    super(message);
  }
}

function aad(context: unknown): Buffer {
  const entries = Object.entries((context ?? {}) as Record<string, string>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function writeRandomFile(file: string, bytes: number): Promise<void> {
  const chunk = 1024 * 1024;
  const parts: Buffer[] = [];
  for (let written = 0; written < bytes; written += chunk) {
    parts.push(randomBytes(Math.min(chunk, bytes - written)));
  }
  await writeFile(file, Buffer.concat(parts));
}

describe('kmsClientConfigFromEnv', () => {
  it('prefers flags, then AWS_ENDPOINT_URL_KMS / AWS_REGION, then the generic variables', () => {
    const env = {
      AWS_ENDPOINT_URL_KMS: 'http://kms.example:1',
      AWS_ENDPOINT_URL: 'http://any.example:2',
      AWS_REGION: 'eu-central-1',
      AWS_DEFAULT_REGION: 'ap-south-1',
    };
    expect(kmsClientConfigFromEnv({ endpoint: 'http://flag:3', region: 'us-west-2', profile: 'p' }, env)).toEqual({
      endpoint: 'http://flag:3',
      region: 'us-west-2',
      profile: 'p',
    });
    expect(kmsClientConfigFromEnv({}, env)).toEqual({
      endpoint: 'http://kms.example:1',
      region: 'eu-central-1',
    });
    expect(
      kmsClientConfigFromEnv({}, { AWS_ENDPOINT_URL: 'http://any.example:2', AWS_DEFAULT_REGION: 'ap-south-1' }),
    ).toEqual({ endpoint: 'http://any.example:2', region: 'ap-south-1' });
  });

  it('defaults to the local Trent and us-east-1, and sets no credentials', () => {
    const config = kmsClientConfigFromEnv({}, {});
    expect(config).toEqual({ endpoint: DEFAULT_ENDPOINT, region: DEFAULT_REGION });
    expect(DEFAULT_ENDPOINT).toBe('http://127.0.0.1:4599');
    expect(config).not.toHaveProperty('credentials');
  });

  it('rejects an endpoint that is not a URL', () => {
    expect(() => kmsClientConfigFromEnv({ endpoint: 'localhost 4599' }, {})).toThrow(
      'KMS endpoint is not a URL: localhost 4599',
    );
  });
});

describe('encryptFile / decryptFile', () => {
  const kms = new FakeKms();
  const aliasName = 'alias/envelope-test';
  const { keyId, arn } = kms.createKey(aliasName);
  let dir: string;
  let opts: EnvelopeOptions;

  beforeAll(async () => {
    const endpoint = await kms.start();
    // Credentials come from the SDK's default chain; the environment is its first link.
    vi.stubEnv('AWS_ACCESS_KEY_ID', ACCESS_KEY_ID);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    opts = { client: kmsClientConfigFromEnv({ endpoint, region: REGION }, {}) };
    dir = await mkdtemp(path.join(tmpdir(), 'trent-envelope-'));
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await kms.stop();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    kms.calls.length = 0;
  });

  async function leftovers(): Promise<string[]> {
    return (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
  }

  it('round-trips a 20 MB file by streaming, with the data key and context held by KMS', async () => {
    const plain = path.join(dir, 'big.bin');
    const sealed = path.join(dir, 'big.bin.encrypted');
    const opened = path.join(dir, 'big.bin.decrypted');
    const size = 20 * 1024 * 1024;
    await writeRandomFile(plain, size);
    const encryptionContext = { purpose: 'backup', tenant: 'acme' };

    const encrypted = await encryptFile(aliasName, plain, sealed, { ...opts, encryptionContext });
    expect(encrypted.bytesIn).toBe(size);
    expect(encrypted.bytesOut).toBe((await stat(sealed)).size);
    expect(encrypted.bytesOut).toBeGreaterThan(size);
    // One data key per message, generated under the alias; no DescribeKey needed to get the ARN.
    expect(kms.calls.map((c) => c.target)).toEqual(['GenerateDataKey']);
    expect(kms.calls[0]?.body).toMatchObject({ KeyId: aliasName, NumberOfBytes: 32 });
    expect(kms.calls[0]?.body.EncryptionContext).toMatchObject(encryptionContext);
    expect(kms.calls[0]?.authorization).toContain(`Credential=${ACCESS_KEY_ID}/`);
    expect(kms.calls[0]?.authorization).toContain(`/${REGION}/kms/aws4_request`);
    // The encrypted data key sits in the message, named by the key ARN.
    expect((await readFile(sealed)).includes(Buffer.from(arn))).toBe(true);
    kms.calls.length = 0;

    const decrypted = await decryptFile(sealed, opened, { ...opts, encryptionContext: { tenant: 'acme' } });
    expect(decrypted).toEqual({
      bytesIn: encrypted.bytesOut,
      bytesOut: size,
      keyArns: [arn],
      encryptionContext,
    });
    expect(kms.calls.map((c) => c.target)).toEqual(['Decrypt']);
    expect(kms.calls[0]?.body.KeyId).toBe(arn);
    expect(await sha256(opened)).toBe(await sha256(plain));
    expect(await leftovers()).toEqual([]);
  });

  it('accepts a bare key id and round-trips an empty file with no encryption context', async () => {
    const plain = path.join(dir, 'empty.txt');
    const sealed = path.join(dir, 'empty.txt.encrypted');
    const opened = path.join(dir, 'empty.txt.decrypted');
    await writeFile(plain, '');

    await encryptFile(keyId, plain, sealed, opts);
    const decrypted = await decryptFile(sealed, opened, opts);

    expect(decrypted.keyArns).toEqual([arn]);
    expect(decrypted.encryptionContext).toEqual({});
    expect(decrypted.bytesOut).toBe(0);
    expect(await readFile(opened)).toHaveLength(0);
  });

  describe('a message that fails authentication yields no output', () => {
    const plain = () => path.join(dir, 'tamper.bin');
    const sealed = () => path.join(dir, 'tamper.bin.encrypted');

    beforeAll(async () => {
      await writeRandomFile(plain(), 1024 * 1024);
      await encryptFile(aliasName, plain(), sealed(), { ...opts, encryptionContext: { purpose: 'tamper' } });
    });

    it.each([
      ['a body frame', (size: number) => Math.floor(size / 2)],
      ['the signature', (size: number) => size - 1],
    ])('when %s is altered, and an existing --out is left untouched', async (_, offset) => {
      const message = await readFile(sealed());
      const at = offset(message.length);
      message[at] = (message[at] ?? 0) ^ 0x01;
      const tampered = path.join(dir, 'tampered.encrypted');
      await writeFile(tampered, message);

      const fresh = path.join(dir, 'tampered.fresh');
      await expect(decryptFile(tampered, fresh, opts)).rejects.toThrow();
      await expect(stat(fresh)).rejects.toMatchObject({ code: 'ENOENT' });

      const existing = path.join(dir, 'tampered.existing');
      await writeFile(existing, 'previous contents');
      await expect(decryptFile(tampered, existing, opts)).rejects.toThrow();
      expect(await readFile(existing, 'utf8')).toBe('previous contents');
      expect(await leftovers()).toEqual([]);
    });

    it('when the message is truncated', async () => {
      const message = await readFile(sealed());
      const truncated = path.join(dir, 'truncated.encrypted');
      await writeFile(truncated, message.subarray(0, message.length - 200));
      const out = path.join(dir, 'truncated.out');

      await expect(decryptFile(truncated, out, opts)).rejects.toThrow();
      await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await leftovers()).toEqual([]);
    });

    it('when the expected encryption context does not match, before any plaintext', async () => {
      const out = path.join(dir, 'context.out');
      await expect(decryptFile(sealed(), out, { ...opts, encryptionContext: { purpose: 'other' } })).rejects.toThrow(
        'encryption context of the message does not match on key "purpose"',
      );
      await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await leftovers()).toEqual([]);
    });
  });

  it('encrypt under an unknown key surfaces the KMS error and writes nothing', async () => {
    const plain = path.join(dir, 'nokey.txt');
    const out = path.join(dir, 'nokey.txt.encrypted');
    await writeFile(plain, 'secret');

    await expect(encryptFile('alias/missing', plain, out, opts)).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await leftovers()).toEqual([]);
  });

  it('encrypt refuses to write a message whose data key KMS did not name by key ARN', async () => {
    const plain = path.join(dir, 'bare.txt');
    const out = path.join(dir, 'bare.txt.encrypted');
    await writeFile(plain, 'secret');
    kms.answerWithBareKeyId = true;
    try {
      await expect(encryptFile(aliasName, plain, out, opts)).rejects.toThrow(
        `KMS returned KeyId "${keyId}" for GenerateDataKey; expected a key ARN`,
      );
    } finally {
      kms.answerWithBareKeyId = false;
    }
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await leftovers()).toEqual([]);
  });

  it('decrypt refuses a message whose key ARN is in another region than the configured one', async () => {
    const plain = path.join(dir, 'region.txt');
    const sealed = path.join(dir, 'region.txt.encrypted');
    const out = path.join(dir, 'region.txt.decrypted');
    await writeFile(plain, 'secret');
    await encryptFile(aliasName, plain, sealed, opts);
    kms.calls.length = 0;

    const elsewhere = { ...opts, client: { ...opts.client, region: 'us-east-2' } };
    await expect(decryptFile(sealed, out, elsewhere)).rejects.toThrow('Unable to decrypt data key');
    expect(kms.calls).toEqual([]);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
