import { describe, expect, it } from 'vitest';
import type { KeyMaterialRecord, KeyRecord } from '../domain/types.js';
import type { UsageRow } from '../storage/types.js';
import { chargedKeyHours, keyHoursAtDeletion, monthBounds, priceUsage } from './bill.js';
import { DEFAULT_PRICE_TABLE, validatePriceTable } from './prices.js';

const A = '111122223333';
const B = '444455556666';
const KEY = `arn:aws:kms:us-east-1:${A}:key/k1`;

const row = (o: Partial<UsageRow>): UsageRow => ({
  period: '2026-02',
  accountId: A,
  region: 'us-east-1',
  keyArn: KEY,
  operation: 'Encrypt',
  priceClass: 'symmetric',
  requests: 1,
  ...o,
});

const key = (o: Partial<KeyRecord>): KeyRecord => ({
  arn: KEY,
  keyId: 'k1',
  accountId: A,
  region: 'us-east-1',
  description: '',
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  origin: 'AWS_KMS',
  keyManager: 'CUSTOMER',
  keyState: 'Enabled',
  creationDate: new Date('2026-01-01T00:00:00Z'),
  policy: '{}',
  tags: [],
  rotationEnabled: false,
  currentMaterialId: 'm0',
  multiRegion: false,
  version: 1,
  ...o,
});

const material = (createdAt: string, rotated: boolean): KeyMaterialRecord => ({
  keyArn: KEY,
  materialId: createdAt,
  wrapped: Buffer.alloc(0),
  createdAt: new Date(createdAt),
  ...(rotated ? { rotationType: 'AUTOMATIC' as const } : {}),
});

describe('monthBounds', () => {
  it('gives the UTC month and refuses what is not YYYY-MM', () => {
    expect(monthBounds('2026-02')).toEqual({ start: Date.UTC(2026, 1, 1), end: Date.UTC(2026, 2, 1) });
    expect(monthBounds('2026-12').end).toBe(Date.UTC(2027, 0, 1));
    expect(() => monthBounds('2026-13')).toThrow('period must be YYYY-MM, got "2026-13"');
  });
});

describe('priceUsage', () => {
  it('applies the free tier per account across regions, then the class prices', () => {
    const report = priceUsage(
      '2026-02',
      [
        // Account A: 15,000 + 10,000 symmetric requests, 20,000 of them free: 5,000 x $0.03/10k = $0.015.
        row({ operation: 'Encrypt', requests: 10_000 }),
        row({ operation: 'Decrypt', requests: 15_000 }),
        // Another region shares the same free tier, already used up: 100 x $0.000003 = $0.0003.
        row({ region: 'us-west-2', keyArn: '', operation: 'ListKeys', requests: 100 }),
        // Not in the free tier: 3 x $12/10k = $0.0036; 1,000 x $0.15/10k = $0.015.
        row({ operation: 'GenerateDataKeyPair', priceClass: 'rsa-generate-data-key-pair', requests: 3 }),
        row({ operation: 'Sign', priceClass: 'asymmetric', requests: 1_000 }),
        // Account B has a free tier of its own.
        row({ accountId: B, requests: 100 }),
        row({ accountId: B, operation: 'iam:CreateUser', priceClass: 'not-charged', keyArn: '', requests: 9 }),
      ],
      [
        // February 2026 has 672 hours: all of them is $1, half is $0.50.
        { accountId: A, region: 'us-east-1', keyArn: KEY, hours: 672 },
        { accountId: B, region: 'us-east-1', keyArn: 'arn:b', hours: 336 },
        { accountId: B, region: 'us-east-1', keyArn: 'arn:gone', hours: 0 },
      ],
      DEFAULT_PRICE_TABLE,
    );
    expect(report.period).toBe('2026-02');
    expect(report.lines.map((l) => [l.accountId, l.region, l.operation, l.requests, l.costUsd])).toEqual([
      [A, 'us-east-1', 'Decrypt', 15_000, 0],
      [A, 'us-east-1', 'Encrypt', 10_000, 0.015],
      [A, 'us-east-1', 'GenerateDataKeyPair', 3, 0.0036],
      [A, 'us-east-1', 'Sign', 1_000, 0.015],
      [A, 'us-west-2', 'ListKeys', 100, 0.0003],
      // Lines without a key ('') come first.
      [B, 'us-east-1', 'iam:CreateUser', 9, 0],
      [B, 'us-east-1', 'Encrypt', 100, 0],
    ]);
    expect(report.keyMonths).toEqual([
      { accountId: A, region: 'us-east-1', keyArn: KEY, hours: 672, costUsd: 1 },
      { accountId: B, region: 'us-east-1', keyArn: 'arn:b', hours: 336, costUsd: 0.5 },
    ]);
    // 0.015 + 0.0036 + 0.015 + 0.0003 + 1 + 0.5
    expect(report.totalUsd).toBe(1.5339);
    expect(Object.keys(report.lines[0]!)).toEqual([
      'accountId',
      'region',
      'keyArn',
      'operation',
      'priceClass',
      'requests',
      'costUsd',
    ]);
  });

  it('prices with an overriding table', () => {
    const prices = validatePriceTable({
      freeRequestsPerMonth: 0,
      keyMonthUsd: 2,
      requestClasses: { symmetric: { usdPer10000: 1 } },
    });
    const report = priceUsage(
      '2026-02',
      [row({ requests: 50 })],
      [{ accountId: A, region: 'us-east-1', keyArn: KEY, hours: 168 }],
      prices,
    );
    // 50 x $1/10k = $0.005; 168/672 x $2 = $0.50.
    expect(report.lines[0]!.costUsd).toBe(0.005);
    expect(report.keyMonths[0]!.costUsd).toBe(0.5);
    expect(report.totalUsd).toBe(0.505);
  });
});

describe('chargedKeyHours', () => {
  it('counts each started hour from creation to the end of the month or now', () => {
    const k = key({ creationDate: new Date('2026-02-10T12:30:00Z') });
    // Feb 10 12:30 to Mar 1 00:00: 18 days and 11.5 hours, so 444 started hours.
    expect(chargedKeyHours(k, [], '2026-02', new Date('2026-03-15T00:00:00Z'))).toBe(444);
    // March up to the 15th: 14 days.
    expect(chargedKeyHours(k, [], '2026-03', new Date('2026-03-15T00:00:00Z'))).toBe(336);
    expect(chargedKeyHours(k, [], '2026-01', new Date('2026-03-15T00:00:00Z'))).toBe(0);
  });

  it('adds a key-month for each of the first two rotations only', () => {
    const materials = [
      material('2026-01-01T00:00:00Z', false),
      material('2026-03-10T00:00:00Z', true),
      material('2026-03-20T00:00:00Z', true),
      material('2026-03-25T00:00:00Z', true),
    ];
    // March: 744 for the key, 22 days (528) and 12 days (288) for two rotations, the third free.
    expect(chargedKeyHours(key({}), materials, '2026-03', new Date('2026-04-02T00:00:00Z'))).toBe(1560);
  });

  it('stops charging when the key was scheduled for deletion', () => {
    const k = key({
      creationDate: new Date('2026-03-01T00:00:00Z'),
      keyState: 'PendingDeletion',
      deletionDate: new Date('2026-03-18T00:00:00Z'),
      pendingDeletionWindowInDays: 7,
    });
    // Scheduled on March 11: 10 days.
    expect(chargedKeyHours(k, [], '2026-03', new Date('2026-03-31T00:00:00Z'))).toBe(240);
  });

  it('charges nothing for AWS managed keys', () => {
    expect(chargedKeyHours(key({ keyManager: 'AWS' }), [], '2026-03', new Date('2026-04-01T00:00:00Z'))).toBe(0);
  });
});

describe('keyHoursAtDeletion', () => {
  it('gives the charged hours of every month from creation to the deletion, for the bill to keep', () => {
    const k = key({
      creationDate: new Date('2026-01-31T00:00:00Z'),
      keyState: 'PendingDeletion',
      deletionDate: new Date('2026-03-08T00:00:00Z'),
      pendingDeletionWindowInDays: 7,
    });
    // Scheduled on March 1 00:00: all of January 31 and February, nothing in March.
    expect(keyHoursAtDeletion(k, [], new Date('2026-03-08T00:00:00Z'))).toEqual([
      { period: '2026-01', accountId: A, region: 'us-east-1', keyArn: KEY, hours: 24 },
      { period: '2026-02', accountId: A, region: 'us-east-1', keyArn: KEY, hours: 672 },
    ]);
  });

  it('crosses a year and keeps nothing of AWS managed keys', () => {
    const k = key({
      creationDate: new Date('2025-12-31T23:00:00Z'),
      keyState: 'PendingDeletion',
      deletionDate: new Date('2026-01-08T01:00:00Z'),
      pendingDeletionWindowInDays: 7,
    });
    expect(keyHoursAtDeletion(k, [], new Date('2026-01-08T01:00:00Z')).map((r) => [r.period, r.hours])).toEqual([
      ['2025-12', 1],
      ['2026-01', 1],
    ]);
    expect(keyHoursAtDeletion(key({ keyManager: 'AWS' }), [], new Date('2026-03-01T00:00:00Z'))).toEqual([]);
  });
});
