import { describe, expect, it } from 'vitest';
import type { KeyRecord } from '../domain/types.js';
import { openStorage } from '../storage/index.js';
import type { Storage } from '../storage/types.js';
import { MeteringRecorder, periodOf } from './recorder.js';

const A = '111122223333';
const RSA = `arn:aws:kms:us-east-1:${A}:key/00000000-0000-4000-8000-000000000001`;
const SYM = `arn:aws:kms:us-east-1:${A}:key/00000000-0000-4000-8000-000000000002`;
const T = new Date('2026-03-31T23:59:59.999Z');

function keyRecord(arn: string, keySpec: string): KeyRecord {
  const keyId = arn.split('/')[1]!;
  return {
    arn,
    keyId,
    accountId: A,
    region: 'us-east-1',
    description: '',
    keySpec,
    keyUsage: keySpec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : 'SIGN_VERIFY',
    origin: 'AWS_KMS',
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    creationDate: T,
    policy: '{}',
    tags: [],
    rotationEnabled: false,
    currentMaterialId: keyId.replaceAll('-', '').padEnd(64, '0'),
    multiRegion: false,
    version: 1,
  };
}

async function storageWithKeys(): Promise<Storage> {
  const s = await openStorage({ sqlitePath: ':memory:' });
  for (const k of [keyRecord(RSA, 'RSA_2048'), keyRecord(SYM, 'SYMMETRIC_DEFAULT')]) {
    await s.createKey(k, { keyArn: k.arn, materialId: k.currentMaterialId, wrapped: Buffer.from('w'), createdAt: T });
  }
  return s;
}

const req = (
  operation: string,
  keyArns: string[] = [],
  o: { service?: string; input?: unknown; time?: Date } = {},
) => ({
  accountId: A,
  region: 'us-east-1',
  service: o.service ?? 'kms',
  operation,
  keyArns,
  time: o.time ?? T,
  input: o.input ?? {},
});

describe('periodOf', () => {
  it('is the UTC month', () => {
    expect(periodOf(new Date('2026-03-31T23:59:59.999Z'))).toBe('2026-03');
    expect(periodOf(new Date('2026-04-01T00:00:00Z'))).toBe('2026-04');
    expect(periodOf(new Date('2026-11-05T00:00:00Z'))).toBe('2026-11');
  });
});

describe('MeteringRecorder', () => {
  it('counts in memory and writes the counts by price class in one flush', async () => {
    const s = await storageWithKeys();
    const m = new MeteringRecorder();
    m.note(req('Sign', [RSA]));
    m.note(req('Sign', [RSA]));
    m.note(req('Encrypt', [SYM]));
    m.note(req('ReEncrypt', [SYM, RSA]));
    m.note(req('GenerateDataKeyPair', [SYM], { input: { KeyId: SYM, KeyPairSpec: 'ECC_NIST_P256' } }));
    m.note(req('GenerateDataKeyPair', [SYM], { input: { KeyId: SYM, KeyPairSpec: 'RSA_2048' } }));
    m.note(req('ListKeys'));
    m.note(req('CreateUser', [], { service: 'iam' }));
    m.note(req('Encrypt', [SYM], { time: new Date('2026-04-01T00:00:00Z') }));
    expect(m.pendingRequests).toBe(9);
    expect(await s.listUsage('2026-03')).toEqual([]);
    await m.flush(s);
    expect(m.pendingRequests).toBe(0);
    const rows = (await s.listUsage('2026-03')).map((r) => [r.keyArn, r.operation, r.priceClass, r.requests]);
    expect(rows).toEqual([
      ['', 'ListKeys', 'symmetric', 1],
      ['', 'iam:CreateUser', 'not-charged', 1],
      [RSA, 'Sign', 'asymmetric-rsa-2048', 2],
      [SYM, 'Encrypt', 'symmetric', 1],
      [SYM, 'GenerateDataKeyPair', 'ecc-generate-data-key-pair', 1],
      [SYM, 'GenerateDataKeyPair', 'rsa-generate-data-key-pair', 1],
      [SYM, 'ReEncrypt', 'symmetric', 1],
    ]);
    expect((await s.listUsage('2026-04')).map((r) => r.requests)).toEqual([1]);
    // A second flush adds to the stored counts.
    m.note(req('Sign', [RSA]));
    await m.flush(s);
    expect((await s.listUsage('2026-03')).find((r) => r.operation === 'Sign')?.requests).toBe(3);
    await s.close();
  });

  it('keeps what a failed flush held for the next one', async () => {
    const s = await storageWithKeys();
    const failing = new Proxy(s, {
      get: (target, prop) =>
        prop === 'addUsage' ? () => Promise.reject(new Error('disk full')) : (Reflect.get(target, prop) as unknown),
    });
    const m = new MeteringRecorder();
    m.note(req('Encrypt', [SYM]));
    await expect(m.flush(failing)).rejects.toThrow('disk full');
    m.note(req('Encrypt', [SYM]));
    expect(m.pendingRequests).toBe(2);
    await m.flush(s);
    expect((await s.listUsage('2026-03')).map((r) => r.requests)).toEqual([2]);
    await s.close();
  });
});
