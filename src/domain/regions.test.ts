import { describe, expect, it } from 'vitest';
import { keyArn, parseKeyIdentifier } from './arn.js';
import { partitionOf, regionSet } from './regions.js';

describe('regions', () => {
  it('knows the partition of each AWS region by the table', () => {
    expect(partitionOf('us-east-1')).toBe('aws');
    expect(partitionOf('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
  });

  it('accepts only AWS regions and those added, each added one in the partition its form gives', () => {
    const regions = regionSet(['us-east-7', 'cn-south-2']);
    expect(regions.has('eu-west-1')).toBe(true);
    expect(regions.has('us-east-7')).toBe(true);
    expect(regions.has('cn-south-2')).toBe(true);
    expect(regions.has('cn-south-3')).toBe(false);
    expect(regions.has('cn-')).toBe(false);
    expect(regions.has('a'.repeat(5000))).toBe(false);
    expect(partitionOf('cn-south-2')).toBe('aws-cn');
    expect(() => regionSet(['moon-base-1'])).toThrow(/region 'moon-base-1' is not a region name/);
  });

  it('keeps the partition of a parsed ARN, so it can be compared whole', () => {
    const arn = keyArn('us-east-1', '111122223333', '1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(parseKeyIdentifier(arn)).toMatchObject({ kind: 'keyArn', arn });
    const other = arn.replace('arn:aws:', 'arn:aws-cn:');
    expect(parseKeyIdentifier(other)).toMatchObject({ kind: 'keyArn', arn: other, region: 'us-east-1' });
  });
});
