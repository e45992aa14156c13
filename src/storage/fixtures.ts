/**
 * Key records for the conformance suites and storage tests: a minimal Enabled symmetric customer
 * managed key (no optional fields), with what a test cares about given.
 */
import type { KeyRecord } from '../domain/types.js';

export function keyRecordFixture(
  o: { keyId: string; accountId: string; region: string; currentMaterialId: string } & Partial<KeyRecord>,
): KeyRecord {
  return {
    arn: `arn:aws:kms:${o.region}:${o.accountId}:key/${o.keyId}`,
    description: '',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    creationDate: new Date('2026-01-01T00:00:00Z'),
    policy: '{"Version":"2012-10-17","Statement":[]}',
    tags: [],
    rotationEnabled: false,
    multiRegion: false,
    version: 1,
    ...o,
  };
}
