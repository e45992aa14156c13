import { describe, expect, it } from 'vitest';
import type { KeyMaterialRecord, KeyRecord } from '../domain/types.js';
import { openStorage, withKeyCache } from './index.js';

const now = new Date('2026-01-01T00:00:00Z');
const arn = 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-4333-8444-555555555555';
const material: KeyMaterialRecord = {
  keyArn: arn,
  materialId: 'a'.repeat(64),
  wrapped: Buffer.alloc(60, 1),
  createdAt: now,
};
const key: KeyRecord = {
  arn,
  keyId: '11111111-2222-4333-8444-555555555555',
  accountId: '111122223333',
  region: 'us-east-1',
  description: 'before',
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  origin: 'AWS_KMS',
  keyManager: 'CUSTOMER',
  keyState: 'Enabled',
  creationDate: now,
  policy: '{}',
  tags: [{ TagKey: 'a', TagValue: 'b' }],
  rotationEnabled: false,
  currentMaterialId: material.materialId,
  multiRegion: false,
  version: 0,
};

async function setup() {
  const storage = withKeyCache(await openStorage({ sqlitePath: ':memory:' }));
  await storage.createKey(key, material);
  return storage;
}

describe('withKeyCache', () => {
  it('forgets every cached key on resetAll', async () => {
    const storage = await setup();
    expect(await storage.getKey(key.region, key.accountId, key.keyId)).toBeDefined();
    await storage.resetAll();
    expect(await storage.getKey(key.region, key.accountId, key.keyId)).toBeUndefined();
    await storage.close();
  });

  it('serves repeated reads from the cache and sees every write made through it', async () => {
    const storage = await setup();
    const first = await storage.getKey('us-east-1', key.accountId, key.keyId);
    expect(await storage.getKey('us-east-1', key.accountId, key.keyId)).toBe(first);
    expect(await storage.updateKey({ ...first!, description: 'after' })).toBe('ok');
    expect((await storage.getKey('us-east-1', key.accountId, key.keyId))?.description).toBe('after');
    await storage.close();
  });

  it('does not cache a read that a write overtook', async () => {
    const storage = await setup();
    const stale = storage.getKey('us-east-1', key.accountId, key.keyId);
    const write = storage.updateKey({ ...key, description: 'after' });
    await Promise.all([stale, write]);
    expect((await storage.getKey('us-east-1', key.accountId, key.keyId))?.description).toBe('after');
    await storage.close();
  });

  it('hands out frozen records, so no request can change another request’s copy', async () => {
    const storage = await setup();
    const k = (await storage.getKey('us-east-1', key.accountId, key.keyId))!;
    expect(Object.isFrozen(k) && Object.isFrozen(k.tags) && Object.isFrozen(k.tags[0])).toBe(true);
    await storage.close();
  });

  it('forgets deleted keys', async () => {
    const storage = await setup();
    const k = (await storage.getKey('us-east-1', key.accountId, key.keyId))!;
    expect(await storage.deleteKey(k)).toBe('ok');
    expect(await storage.getKey('us-east-1', key.accountId, key.keyId)).toBeUndefined();
    await storage.close();
  });
});
