/**
 * Racing writers: compare-and-set on the key record keeps every write and every limit, however
 * requests interleave.
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  ListKeyRotationsCommand,
  ListResourceTagsCommand,
  RotateKeyOnDemandCommand,
  TagResourceCommand,
  UpdateKeyDescriptionCommand,
  DescribeKeyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, REGISTRY, type Caller, type Operation } from '../src/services/kms/index.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
});
afterAll(async () => t.stop());

describe('concurrent writes to one key', () => {
  it('keeps every tag of 40 racing TagResource calls', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: `k${i}`, TagValue: `v${i}` }] })),
      ),
    );
    const tags = (await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags!;
    expect(tags).toHaveLength(40);
    expect(new Set(tags.map((tag) => tag.TagKey))).toEqual(new Set(Array.from({ length: 40 }, (_, i) => `k${i}`)));
  });

  it('lets exactly 25 of 40 racing RotateKeyOnDemand calls through, and every ciphertext decrypts', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const limited = results.filter(
      (r) => r.status === 'rejected' && (r.reason as Error).name === 'LimitExceededException',
    ).length;
    expect({ ok, limited }).toEqual({ ok: 25, limited: 15 });
    const rotations = (await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 100 }))).Rotations!;
    expect(rotations.filter((r) => r.RotationType === 'ON_DEMAND')).toHaveLength(25);
    expect(rotations.filter((r) => r.KeyMaterialState === 'CURRENT')).toHaveLength(1);
    const current = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.CurrentKeyMaterialId;
    expect(rotations.find((r) => r.KeyMaterialState === 'CURRENT')?.KeyMaterialId).toBe(current);
  });

  it('serves Encrypt and Decrypt correctly while the key rotates and changes underneath', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const work = Array.from({ length: 60 }, async (_, i) => {
      if (i % 6 === 0) return kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
      if (i % 6 === 1) return kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: `d${i}` }));
      const plaintext = Buffer.from(`message ${i}`);
      const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      expect(Buffer.from(dec.Plaintext!).equals(plaintext)).toBe(true);
      return undefined;
    });
    await Promise.all(work);
  });

  it('holds the on-demand limit when 40 pipelines interleave at every await (no HTTP in between)', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const caller = (): Caller => ({
      principal: {
        accountId: key.AWSAccountId!,
        arn: `arn:aws:iam::${key.AWSAccountId}:root`,
        accessKeyId: 'AKIATEST',
        type: 'Root',
      },
      region: 'us-east-1',
      sourceIp: '127.0.0.1',
      secure: false,
      time: new Date(),
      requestId: 'race',
      keyArns: [],
    });
    const op = REGISTRY.RotateKeyOnDemand as Operation<'RotateKeyOnDemand'>;
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => execute(op, { KeyId: key.KeyId! }, caller(), t.server.services)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const limited = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'LimitExceededException',
    ).length;
    expect({ ok, limited }).toEqual({ ok: 25, limited: 15 });
    const materials = await t.server.services.storage.listKeyMaterials(key.Arn!);
    expect(materials.filter((m) => m.rotationType === 'ON_DEMAND')).toHaveLength(25);
  });
});
