/**
 * What is on disk: no key material and no secret access key in plaintext anywhere in the data
 * directory, and a wrapped material copied to another key's row does not unwrap.
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  RotateKeyOnDemandCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrappingAad } from '../src/crypto/index.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
});
afterAll(async () => t.stop());

/** The bytes of every file below `dir` (database, WAL, audit log, ...), except `skip`. */
async function everyFileBytes(dir: string, skip = ''): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name !== skip) parts.push(await readFile(join(entry.parentPath, entry.name)));
  }
  return Buffer.concat(parts);
}

describe('data at rest', () => {
  it('holds no key material or secret access key in plaintext', async () => {
    const { services } = t.server;
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) {
      const key = (await kms.send(new CreateKeyCommand({ Description: `at rest ${i}` }))).KeyMetadata!;
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
      arns.push(key.Arn!);
    }
    const materials: Buffer[] = [];
    for (const arn of arns) {
      for (const m of await services.storage.listKeyMaterials(arn)) {
        materials.push((await services.materials.plaintext(arn, m.materialId))!);
      }
    }
    expect(materials).toHaveLength(10);
    const disk = await everyFileBytes(t.dataDir);
    for (const material of materials) {
      expect(material).toHaveLength(32);
      expect(disk.includes(material)).toBe(false);
      expect(disk.includes(Buffer.from(material.toString('base64')))).toBe(false);
      expect(disk.includes(Buffer.from(material.toString('hex')))).toBe(false);
    }
    const secret = t.credentials.secretAccessKey;
    // The credentials file is the one place the secret is meant to be, once, for the operator.
    const onDiskOutsideCredentialsFile = await everyFileBytes(t.dataDir, 'admin-credentials.json');
    expect(onDiskOutsideCredentialsFile.includes(Buffer.from(secret))).toBe(false);
  });

  it('binds each wrapped material to its key and material id', async () => {
    const { services } = t.server;
    const a = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const b = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const wrappedA = (await services.storage.getKeyMaterial(a.Arn!, a.CurrentKeyMaterialId!))!.wrapped;
    await expect(
      services.keyStore.unwrap(wrappedA, wrappingAad('key-material', b.Arn!, b.CurrentKeyMaterialId!)),
    ).rejects.toThrow();
    await expect(
      services.keyStore.unwrap(wrappedA, wrappingAad('key-material', a.Arn!, b.CurrentKeyMaterialId!)),
    ).rejects.toThrow();
    expect(
      (await services.keyStore.unwrap(wrappedA, wrappingAad('key-material', a.Arn!, a.CurrentKeyMaterialId!))).length,
    ).toBe(32);
    // And the service still works with its own material.
    const enc = await kms.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: Buffer.from('x') }));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    expect(Buffer.from(dec.Plaintext!).toString()).toBe('x');
  });
});
