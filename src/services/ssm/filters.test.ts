import { describe, expect, it } from 'vitest';
import type { ParameterRecord, ParameterVersionRecord } from '../../storage/parameter-types.js';
import { checkDescribeFilters, checkParameterFilters, matchingVersion, passesDescribeFilters } from './filters.js';

const version = (n: number, over: Partial<ParameterVersionRecord> = {}): ParameterVersionRecord => ({
  version: n,
  type: 'String',
  value: Buffer.alloc(0),
  tier: 'Standard',
  dataType: 'text',
  labels: [],
  lastModifiedDate: new Date(0),
  lastModifiedUser: 'arn:aws:iam::111122223333:root',
  ...over,
});
const record = (name: string, versions: ParameterVersionRecord[], tags: { Key: string; Value: string }[] = []) =>
  ({
    accountId: '111122223333',
    region: 'us-east-1',
    name,
    arn: `arn:${name}`,
    versions,
    tags,
    revision: 1,
  }) as ParameterRecord;

const failure = (f: () => void) => {
  try {
    f();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a failure');
};

describe('checkParameterFilters', () => {
  it('refuses keys an operation does not take', () => {
    expect(failure(() => checkParameterFilters([{ Key: 'Label', Values: ['x'] }], 'describe'))).toEqual(
      expect.objectContaining({
        code: 'InvalidFilterKey',
        message:
          'The following filter key is not valid: Label. Valid filter keys include: [Path, Name, Type, KeyId, Tier].',
      }),
    );
    for (const key of ['Name', 'Path', 'Tier', 'DataType', 'tag:team']) {
      expect(failure(() => checkParameterFilters([{ Key: key, Values: ['/x'] }], 'by-path'))).toEqual(
        expect.objectContaining({
          code: 'InvalidFilterKey',
          message: `The following filter key is not valid: ${key}. Valid filter keys include: [Type, KeyId].`,
        }),
      );
    }
  });
  it('answers missing values, duplicates, bad options and bad values', () => {
    expect(failure(() => checkParameterFilters([{ Key: 'Type' }], 'describe'))).toMatchObject({
      code: 'InvalidFilterValue',
      message: 'The following filter values are missing : null for filter key Type.',
    });
    expect(
      failure(() =>
        checkParameterFilters(
          [
            { Key: 'Name', Values: ['a'] },
            { Key: 'Name', Values: ['b'] },
          ],
          'describe',
        ),
      ),
    ).toMatchObject({
      code: 'InvalidFilterKey',
      message:
        'The following filter is duplicated in the request: Name. A request can contain only one occurrence of a specific filter.',
    });
    expect(
      failure(() => checkParameterFilters([{ Key: 'Path', Option: 'Equals', Values: ['/a'] }], 'describe')),
    ).toMatchObject({
      code: 'InvalidFilterOption',
      message: 'The following filter option is not valid: Equals. Valid options include: [Recursive, OneLevel].',
    });
    expect(
      failure(() => checkParameterFilters([{ Key: 'Type', Option: 'Contains', Values: ['String'] }], 'describe')),
    ).toMatchObject({
      code: 'InvalidFilterOption',
      message: 'The following filter option is not valid: Contains. Valid options include: [BeginsWith, Equals].',
    });
    expect(failure(() => checkParameterFilters([{ Key: 'Tier', Values: ['Gold'] }], 'describe'))).toMatchObject({
      code: 'InvalidFilterValue',
      message:
        'The following filter value is not valid: Gold. Valid values include: [Standard, Advanced, Intelligent-Tiering].',
    });
    expect(failure(() => checkParameterFilters([{ Key: 'Path', Values: ['/aws/x'] }], 'describe')).code).toBe(
      'ValidationException',
    );
    expect(() => checkParameterFilters([{ Key: 'Name', Option: 'Contains', Values: ['x'] }], 'describe')).not.toThrow();
    expect(() => checkParameterFilters([{ Key: 'tag:team' }], 'describe')).not.toThrow();
  });
  it('refuses Filters beside ParameterFilters', () => {
    expect(
      failure(() => checkDescribeFilters([{ Key: 'Name', Values: ['a'] }], [{ Key: 'Type', Values: ['String'] }])),
    ).toMatchObject({
      code: 'ValidationException',
      message: 'You can use either Filters or ParameterFilters in a single request.',
    });
  });
});

describe('matching', () => {
  const secret = record(
    '/app/db/password',
    [version(1, { type: 'SecureString', keyId: 'alias/aws/ssm', tier: 'Advanced' })],
    [{ Key: 'team', Value: 'payments' }],
  );
  const plain = record('/app/url', [version(1, { labels: ['prod'] }), version(2)]);
  const top = record('top', [version(1)]);

  it('selects by name, path, type, key, tier and tag', () => {
    const names = (filters: Parameters<typeof matchingVersion>[1]) =>
      [secret, plain, top].filter((r) => matchingVersion(r, filters)).map((r) => r.name);
    expect(names([{ Key: 'Name', Values: ['app/url'] }])).toEqual(['/app/url']);
    expect(names([{ Key: 'Name', Option: 'BeginsWith', Values: ['/app'] }])).toEqual(['/app/db/password', '/app/url']);
    expect(names([{ Key: 'Name', Option: 'Contains', Values: ['pass'] }])).toEqual(['/app/db/password']);
    expect(names([{ Key: 'Path', Values: ['/app'] }])).toEqual(['/app/url']);
    expect(names([{ Key: 'Path', Option: 'Recursive', Values: ['/app'] }])).toEqual(['/app/db/password', '/app/url']);
    expect(names([{ Key: 'Path', Values: ['/'] }])).toEqual(['top']);
    expect(names([{ Key: 'Type', Values: ['SecureString'] }])).toEqual(['/app/db/password']);
    expect(names([{ Key: 'KeyId', Values: ['alias/aws/ssm'] }])).toEqual(['/app/db/password']);
    expect(names([{ Key: 'Tier', Values: ['Standard'] }])).toEqual(['/app/url', 'top']);
    expect(names([{ Key: 'tag:team' }])).toEqual(['/app/db/password']);
    expect(names([{ Key: 'tag:team', Option: 'BeginsWith', Values: ['pay'] }])).toEqual(['/app/db/password']);
    expect(names([{ Key: 'tag:team', Values: ['ops'] }])).toEqual([]);
    expect(
      names([
        { Key: 'Type', Values: ['String'] },
        { Key: 'Path', Option: 'Recursive', Values: ['/app'] },
      ]),
    ).toEqual(['/app/url']);
  });
  it('answers the newest version, or the one carrying the label', () => {
    expect(matchingVersion(plain, undefined)?.version).toBe(2);
    expect(matchingVersion(plain, [{ Key: 'Label', Values: ['prod'] }])?.version).toBe(1);
    expect(matchingVersion(plain, [{ Key: 'Label', Values: ['beta'] }])).toBeUndefined();
  });
  it('applies the deprecated Filters', () => {
    expect(passesDescribeFilters([{ Key: 'Name', Values: ['/app/d'] }], secret, secret.versions[0]!)).toBe(true);
    expect(passesDescribeFilters([{ Key: 'Type', Values: ['String'] }], secret, secret.versions[0]!)).toBe(false);
  });
});
