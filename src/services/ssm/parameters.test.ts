import { describe, expect, it } from 'vitest';
import type { Caller } from '../../pipeline/types.js';
import type { ParameterRecord, ParameterVersionRecord } from '../../storage/parameter-types.js';
import { parameterArn, parseSelector, selectVersion } from './parameters.js';

const caller = { region: 'us-east-1', principal: { accountId: '111122223333' } } as Caller;

const version = (n: number, labels: string[] = []): ParameterVersionRecord => ({
  version: n,
  type: 'String',
  value: Buffer.alloc(0),
  tier: 'Standard',
  dataType: 'text',
  labels,
  lastModifiedDate: new Date(0),
  lastModifiedUser: 'arn:aws:iam::111122223333:root',
});

const record: ParameterRecord = {
  accountId: '111122223333',
  region: 'us-east-1',
  name: '/a/b',
  arn: parameterArn('us-east-1', '111122223333', '/a/b'),
  versions: [version(1, ['old']), version(2), version(3, ['new'])],
  tags: [],
  revision: 1,
};

describe('parameter ARNs', () => {
  it('leave out the leading slash, with the partition of the region', () => {
    expect(parameterArn('us-east-1', '111122223333', '/a/b')).toBe('arn:aws:ssm:us-east-1:111122223333:parameter/a/b');
    expect(parameterArn('us-east-1', '111122223333', 'plain')).toBe(
      'arn:aws:ssm:us-east-1:111122223333:parameter/plain',
    );
    expect(parameterArn('cn-north-1', '111122223333', '/x')).toBe('arn:aws-cn:ssm:cn-north-1:111122223333:parameter/x');
  });
});

describe('selectors', () => {
  it('parse name, name:version and name:label', () => {
    expect(parseSelector('/a/b')).toEqual({ name: '/a/b' });
    expect(parseSelector('/a/b:12')).toEqual({ name: '/a/b', selector: ':12', version: 12 });
    expect(parseSelector('/a/b:prod')).toEqual({ name: '/a/b', selector: ':prod', label: 'prod' });
  });

  it('parse the ARN of a parameter of the caller, and leave another account’s as given', () => {
    const arn = 'arn:aws:ssm:us-east-1:111122223333:parameter/a/b';
    expect(parseSelector(arn, caller)).toEqual({ name: '/a/b' });
    expect(parseSelector(`${arn}:3`, caller)).toEqual({ name: '/a/b', selector: ':3', version: 3 });
    expect(parseSelector('arn:aws:ssm:us-east-1:111122223333:parameter/plain', caller)).toEqual({ name: 'plain' });
    const other = 'arn:aws:ssm:us-east-1:444455556666:parameter/a/b';
    expect(parseSelector(other, caller)).toEqual({ name: other });
    expect(parseSelector('arn:aws:ssm:eu-west-1:111122223333:parameter/a', caller)).toEqual({
      name: 'arn:aws:ssm:eu-west-1:111122223333:parameter/a',
    });
  });

  it('select the newest, a version or a label', () => {
    expect(selectVersion(record, { name: '/a/b' }).version).toBe(3);
    expect(selectVersion(record, { name: '/a/b', version: 2 }).version).toBe(2);
    expect(selectVersion(record, { name: '/a/b', label: 'old' }).version).toBe(1);
    expect(() => selectVersion(record, { name: '/a/b', version: 7 })).toThrow(
      'Systems Manager could not find version 7 of /a/b. Verify the version and try again.',
    );
    expect(() => selectVersion(record, { name: '/a/b', label: 'none' })).toThrow(
      expect.objectContaining({ code: 'ParameterVersionNotFound' }),
    );
  });
});
