import { describe, expect, it } from 'vitest';
import { KmsError } from '../domain/index.js';
import { burstOf, InProcessAdmission, TokenBucket } from './bucket.js';
import {
  GENERIC_THROTTLING_MESSAGE,
  KMS_THROTTLING_MESSAGE,
  RequestQuotas,
  requestQuotaOverrides,
  splitQuotaSettings,
} from './limits.js';
import { defaultRate, keyQuota, operationQuota, REQUEST_QUOTA_NAMES, REQUEST_QUOTAS } from './table.js';

const T0 = Date.parse('2026-12-01T00:00:00Z');

/** How many of `n` requests at `at` the bucket admits. */
const admitted = (take: (at: number) => boolean, n: number, at: number) =>
  Array.from({ length: n }, () => take(at)).filter(Boolean).length;

describe('token bucket', () => {
  it('admits one second worth at once, then refills at the rate', () => {
    const bucket = new TokenBucket(5, T0);
    expect(admitted((t) => bucket.take(t), 10, T0)).toBe(5);
    expect(bucket.take(T0 + 199)).toBe(false);
    expect(bucket.take(T0 + 200)).toBe(true);
    expect(bucket.take(T0 + 200)).toBe(false);
    // A long pause refills to the burst, never beyond.
    expect(admitted((t) => bucket.take(t), 10, T0 + 60_000)).toBe(5);
  });

  it('holds a sustained rate to the quota', () => {
    const bucket = new TokenBucket(10, T0);
    let passed = 0;
    // 100 requests a second for 10 seconds, one every 10 ms.
    for (let ms = 0; ms < 10_000; ms += 10) if (bucket.take(T0 + ms)) passed++;
    // The first second's burst (10) plus 10 a second for the rest.
    expect(passed).toBeGreaterThanOrEqual(100);
    expect(passed).toBeLessThanOrEqual(110);
  });

  it('admits one request per 1/rate seconds below one a second', () => {
    expect(burstOf(0.1)).toBe(1);
    const bucket = new TokenBucket(0.1, T0);
    expect(bucket.take(T0)).toBe(true);
    expect(bucket.take(T0 + 9_999)).toBe(false);
    expect(bucket.take(T0 + 19_999)).toBe(true);
  });

  it('refills nothing when the clock goes back, and restarts from there', () => {
    const bucket = new TokenBucket(1, T0);
    expect(bucket.take(T0)).toBe(true);
    expect(bucket.take(T0 - 60_000)).toBe(false);
    expect(bucket.take(T0 - 59_000)).toBe(true);
  });
});

describe('in-process admission', () => {
  it('keeps one bucket per account, Region and quota', () => {
    const admission = new InProcessAdmission();
    const key = { accountId: '111122223333', region: 'us-east-1', quota: 'CreateKey' };
    expect(admitted(() => admission.admit(key, 2, T0), 3, T0)).toBe(2);
    expect(admission.admit({ ...key, accountId: '444455556666' }, 2, T0)).toBe(true);
    expect(admission.admit({ ...key, region: 'eu-west-1' }, 2, T0)).toBe(true);
    expect(admission.admit({ ...key, quota: 'CreateAlias' }, 2, T0)).toBe(true);
    expect(admission.admit(key, 2, T0)).toBe(false);
    expect(admission.size).toBe(4);
  });

  it('forgets full buckets once there are many', () => {
    const admission = new InProcessAdmission();
    for (let i = 0; i < 10_000; i++) admission.admit({ accountId: String(i), region: 'r', quota: 'q' }, 1, T0);
    // A second later every bucket is full again: the next new one sweeps them.
    admission.admit({ accountId: 'new', region: 'r', quota: 'q' }, 1, T0 + 1_000);
    expect(admission.size).toBe(1);
  });
});

describe("AWS's request quota table", () => {
  it('has the shared cryptographic quotas with their per-Region defaults', () => {
    expect(defaultRate('symmetric', 'us-east-1')).toBe(100_000);
    expect(defaultRate('symmetric', 'eu-west-2')).toBe(20_000);
    expect(defaultRate('symmetric', 'sa-east-1')).toBe(10_000);
    expect(defaultRate('rsa', 'us-east-1')).toBe(1_000);
    expect(defaultRate('ecc', 'us-east-1')).toBe(1_000);
    expect(defaultRate('ml-dsa', 'us-east-1')).toBe(1_000);
    expect(defaultRate('GenerateDataKeyPair-RSA_4096', 'us-east-1')).toBe(1);
    expect(defaultRate('GenerateDataKeyPair-RSA_4096', 'cn-north-1')).toBe(0.1);
    expect(defaultRate('CreateKey', 'us-east-1')).toBe(5);
    expect(defaultRate('DescribeKey', 'us-east-1')).toBe(2_000);
    expect(defaultRate('LookupEvents', 'us-east-1')).toBe(2);
    expect(REQUEST_QUOTA_NAMES).not.toContain('hmac');
    for (const row of Object.values(REQUEST_QUOTAS)) expect(row.rate).toBeGreaterThan(0);
  });

  it('counts cryptographic operations by the type of their key', () => {
    expect(keyQuota('Encrypt', 'SYMMETRIC_DEFAULT')).toBe('symmetric');
    expect(keyQuota('GenerateMac', 'HMAC_256')).toBe('symmetric');
    expect(keyQuota('Sign', 'RSA_2048')).toBe('rsa');
    expect(keyQuota('Decrypt', 'RSA_4096')).toBe('rsa');
    expect(keyQuota('Sign', 'ECC_NIST_P256')).toBe('ecc');
    expect(keyQuota('DeriveSharedSecret', 'ECC_NIST_P384')).toBe('ecc');
    expect(keyQuota('Encrypt', 'SM2')).toBe('ecc');
    expect(keyQuota('Verify', 'ML_DSA_65')).toBe('ml-dsa');
    // Quotas of their own, or none AWS publishes.
    expect(keyQuota('GetPublicKey', 'RSA_2048')).toBeUndefined();
    expect(keyQuota('DescribeKey', 'SYMMETRIC_DEFAULT')).toBeUndefined();
    expect(keyQuota('GenerateDataKeyPair', 'SYMMETRIC_DEFAULT')).toBeUndefined();
    expect(keyQuota('Decapsulate', 'ML_KEM_768')).toBeUndefined();
  });

  it('counts the other operations by their name, and data key pairs by their spec', () => {
    expect(operationQuota('kms', 'CreateKey', {})).toBe('CreateKey');
    expect(operationQuota('kms', 'GenerateRandom', { NumberOfBytes: 8 })).toBe('symmetric');
    expect(operationQuota('kms', 'GenerateDataKeyPair', { KeyPairSpec: 'RSA_2048' })).toBe(
      'GenerateDataKeyPair-RSA_2048',
    );
    expect(operationQuota('kms', 'GenerateDataKeyPairWithoutPlaintext', { KeyPairSpec: 'ECC_NIST_P256' })).toBe(
      'GenerateDataKeyPair-ECC_NIST_P256',
    );
    expect(operationQuota('kms', 'Encrypt', {})).toBeUndefined();
    expect(operationQuota('cloudtrail', 'LookupEvents', {})).toBe('LookupEvents');
    expect(operationQuota('kms', 'LookupEvents', {})).toBeUndefined();
    expect(operationQuota('iam', 'CreateUser', {})).toBeUndefined();
  });
});

describe('request quotas', () => {
  const caller = (accountId = '111122223333', region = 'us-east-1') => ({ principal: { accountId }, region });
  const throttledBy = (f: () => void): KmsError | undefined => {
    try {
      f();
      return undefined;
    } catch (err) {
      return err as KmsError;
    }
  };

  it("throws AWS's ThrottlingException over a quota, and says which quota", () => {
    let now = T0;
    const told: string[] = [];
    const quotas = new RequestQuotas({
      overrides: requestQuotaOverrides({ CreateKey: 2, LookupEvents: 1 }),
      now: () => now,
      onThrottled: (quota) => told.push(quota),
    });
    quotas.chargeOperation('kms', 'CreateKey', {}, caller());
    quotas.chargeOperation('kms', 'CreateKey', {}, caller());
    const err = throttledBy(() => quotas.chargeOperation('kms', 'CreateKey', {}, caller()));
    expect(err).toBeInstanceOf(KmsError);
    expect(err?.code).toBe('ThrottlingException');
    expect(err?.message).toBe(KMS_THROTTLING_MESSAGE);
    // Other accounts and Regions have their own.
    expect(throttledBy(() => quotas.chargeOperation('kms', 'CreateKey', {}, caller('444455556666')))).toBeUndefined();
    expect(throttledBy(() => quotas.chargeOperation('kms', 'CreateKey', {}, caller(undefined, 'eu-west-1')))).toBe(
      undefined,
    );
    quotas.chargeOperation('cloudtrail', 'LookupEvents', {}, caller());
    expect(throttledBy(() => quotas.chargeOperation('cloudtrail', 'LookupEvents', {}, caller()))?.message).toBe(
      GENERIC_THROTTLING_MESSAGE,
    );
    expect(told).toEqual(['CreateKey', 'LookupEvents']);
    now += 500;
    expect(throttledBy(() => quotas.chargeOperation('kms', 'CreateKey', {}, caller()))).toBeUndefined();
  });

  it('shares the symmetric quota between operations and keeps RSA apart', () => {
    const quotas = new RequestQuotas({ overrides: requestQuotaOverrides({ symmetric: 2, rsa: 1 }), now: () => T0 });
    quotas.chargeKey('Encrypt', 'SYMMETRIC_DEFAULT', caller());
    quotas.chargeKey('GenerateMac', 'HMAC_256', caller());
    expect(throttledBy(() => quotas.chargeOperation('kms', 'GenerateRandom', {}, caller()))?.code).toBe(
      'ThrottlingException',
    );
    quotas.chargeKey('Sign', 'RSA_2048', caller());
    expect(throttledBy(() => quotas.chargeKey('Verify', 'RSA_3072', caller()))?.code).toBe('ThrottlingException');
    // Not limited by the table: nothing counted.
    for (let i = 0; i < 5; i++) quotas.chargeKey('GetPublicKey', 'RSA_2048', caller());
  });

  it("applies AWS's default for the caller's Region unless overridden", () => {
    const quotas = new RequestQuotas({ overrides: requestQuotaOverrides({ CreateKey: 7 }), now: () => T0 });
    expect(quotas.rateOf('symmetric', 'us-east-1')).toBe(100_000);
    expect(quotas.rateOf('symmetric', 'ca-central-1')).toBe(10_000);
    expect(quotas.rateOf('CreateKey', 'ca-central-1')).toBe(7);
  });

  it('refuses unknown names and values that are not positive', () => {
    expect(() => requestQuotaOverrides({ symetric: 5 })).toThrow(/unknown request quota symetric/);
    expect(() => requestQuotaOverrides({ CreateKey: 0 })).toThrow(/positive number/);
    expect(() => requestQuotaOverrides({ CreateKey: -1 })).toThrow(/positive number/);
    expect(() => requestQuotaOverrides({ CreateKey: Number.NaN })).toThrow(/positive number/);
    expect(requestQuotaOverrides({ 'GenerateDataKeyPair-RSA_3072': 0.5 }).get('GenerateDataKeyPair-RSA_3072')).toBe(
      0.5,
    );
  });

  it('splits the one quotas setting into resource and request quotas', () => {
    expect(splitQuotaSettings({ keysPerRegion: 3, CreateKey: 1, symmetric: 9 })).toEqual({
      resource: { keysPerRegion: 3 },
      request: { CreateKey: 1, symmetric: 9 },
    });
  });
});
