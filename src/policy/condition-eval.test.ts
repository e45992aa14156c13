import { describe, expect, test } from 'vitest';
import { compileCondition, evaluateCondition, parseCidr, parseDate, parseNumber } from './condition-eval.js';
import { parseConditionOperator } from './conditions.js';
import type { ConditionValue } from './evaluate-types.js';

function holds(
  operator: string,
  key: string,
  values: string[],
  context: Record<string, ConditionValue>,
  variables = true,
): boolean {
  const op = parseConditionOperator(operator);
  if (!op) throw new Error(`unknown operator ${operator}`);
  const c = compileCondition({ operator: op, key, values }, variables);
  return evaluateCondition(c, new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v])));
}

describe('numbers', () => {
  test.each([
    ['0', 0],
    ['-12', -12],
    ['+3', 3],
    ['1.50', 1.5],
    ['.5', 0.5],
    ['7.', 7],
  ])('parses %s', (text, n) => expect(parseNumber(text)).toBe(n));
  test.each(['', 'abc', '1e3', '0x10', '1 ', ' 1', '1,0', 'NaN', 'Infinity'])('refuses %j', (text) => {
    expect(parseNumber(text)).toBeNaN();
  });
  test('NumericNotEquals with an unparsable request value is false (never matches)', () => {
    expect(holds('NumericEquals', 'a:n', ['1'], { 'a:n': 'one' })).toBe(false);
    expect(holds('NumericNotEquals', 'a:n', ['1'], { 'a:n': 'one' })).toBe(true);
  });
  test('an unparsable policy value matches nothing', () => {
    expect(holds('NumericEquals', 'a:n', ['x', '2'], { 'a:n': '2' })).toBe(true);
    expect(holds('NumericEquals', 'a:n', ['x'], { 'a:n': '2' })).toBe(false);
  });
});

describe('dates', () => {
  test.each([
    ['2026-12-02T02:00:00Z', Date.UTC(2026, 11, 2, 2)],
    ['2026-12-02T02:00:00.250Z', Date.UTC(2026, 11, 2, 2) + 250],
    ['2026-12-02', Date.UTC(2026, 11, 2)],
    ['2026-12-02T02:00Z', Date.UTC(2026, 11, 2, 2)],
    ['2026-12-02T04:30:00+02:30', Date.UTC(2026, 11, 2, 2)],
    ['2026-12-01T21:00:00-05:00', Date.UTC(2026, 11, 2, 2)],
    ['2026-12-02T02:00:00', Date.UTC(2026, 11, 2, 2)],
    ['1796176800', 1796176800_000],
    ['0', 0],
  ])('parses %s', (text, ms) => expect(parseDate(text)).toBe(ms));
  test.each(['2026-13-01', '2026-02-30', '2026-12-02T25:00:00Z', 'yesterday', '', '2026/12/02', '-5'])(
    'refuses %j',
    (text) => {
      expect(parseDate(text)).toBeNaN();
    },
  );
  test('epoch and ISO compare as instants', () => {
    expect(holds('DateEquals', 'aws:CurrentTime', ['1796176800'], { 'aws:CurrentTime': '2026-12-02T03:20:00Z' })).toBe(
      new Date('2026-12-02T03:20:00Z').getTime() === 1796176800_000,
    );
  });
});

describe('IP addresses', () => {
  test('IPv4 forms', () => {
    expect(parseCidr('203.0.113.0/24')).toMatchObject({ v6: false, prefix: 24 });
    expect(parseCidr('203.0.113.7')).toMatchObject({ v6: false, prefix: 32, explicitPrefix: false });
    for (const bad of ['203.0.113', '256.0.0.1', '1.2.3.4/33', '1.2.3.4/', 'a.b.c.d', '01.2.3.4.5']) {
      expect(parseCidr(bad)).toBeUndefined();
    }
  });
  test('IPv6 forms', () => {
    expect(parseCidr('2001:db8::/32')).toMatchObject({ v6: true, prefix: 32 });
    expect(parseCidr('::1')).toMatchObject({ v6: true, prefix: 128 });
    expect(parseCidr('::')).toMatchObject({ v6: true });
    expect(parseCidr('::ffff:192.0.2.1')).toMatchObject({ v6: true });
    expect(parseCidr('1:2:3:4:5:6:7:8')).toMatchObject({ v6: true });
    for (const bad of ['1:2:3:4:5:6:7', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '::/129', 'g::1']) {
      expect(parseCidr(bad)).toBeUndefined();
    }
  });
  test('prefix boundaries', () => {
    expect(holds('IpAddress', 'aws:SourceIp', ['10.0.0.0/31'], { 'aws:SourceIp': '10.0.0.1' })).toBe(true);
    expect(holds('IpAddress', 'aws:SourceIp', ['10.0.0.0/31'], { 'aws:SourceIp': '10.0.0.2' })).toBe(false);
    expect(holds('IpAddress', 'aws:SourceIp', ['128.0.0.0/1'], { 'aws:SourceIp': '200.1.1.1' })).toBe(true);
    expect(holds('IpAddress', 'aws:SourceIp', ['128.0.0.0/1'], { 'aws:SourceIp': '100.1.1.1' })).toBe(false);
    expect(holds('IpAddress', 'aws:SourceIp', ['2001:db8::/33'], { 'aws:SourceIp': '2001:db8:7fff::1' })).toBe(true);
    expect(holds('IpAddress', 'aws:SourceIp', ['2001:db8::/33'], { 'aws:SourceIp': '2001:db8:8000::1' })).toBe(false);
    expect(holds('IpAddress', 'aws:SourceIp', ['2001:db8::1/128'], { 'aws:SourceIp': '2001:DB8:0:0:0:0:0:1' })).toBe(
      true,
    );
  });
  test('a request value with a prefix is not an address', () => {
    expect(holds('IpAddress', 'aws:SourceIp', ['10.0.0.0/8'], { 'aws:SourceIp': '10.0.0.0/8' })).toBe(false);
  });
});

describe('binary', () => {
  test('compares decoded bytes', () => {
    expect(holds('BinaryEquals', 'a:b', ['AAEC'], { 'a:b': 'AAEC' })).toBe(true);
    expect(holds('BinaryEquals', 'a:b', ['AAEC'], { 'a:b': 'AAED' })).toBe(false);
    expect(holds('BinaryEquals', 'a:b', ['not base64!'], { 'a:b': 'not base64!' })).toBe(false);
  });
});

describe('missing keys and set operators', () => {
  const cases: [string, boolean][] = [
    ['StringEquals', false],
    ['StringNotEquals', true],
    ['StringLike', false],
    ['StringNotLike', true],
    ['NumericEquals', false],
    ['NumericNotEquals', true],
    ['DateEquals', false],
    ['DateNotEquals', true],
    ['Bool', false],
    ['IpAddress', false],
    ['NotIpAddress', true],
    ['ArnEquals', false],
    ['ArnNotEquals', true],
    ['ArnLike', false],
    ['ArnNotLike', true],
    ['BinaryEquals', false],
    ['StringEqualsIfExists', true],
    ['StringNotEqualsIfExists', true],
    ['ForAllValues:StringEquals', true],
    ['ForAnyValue:StringEquals', false],
    ['ForAllValues:StringNotEquals', true],
    ['ForAnyValue:StringNotEquals', false],
  ];
  test.each(cases)('%s with the key absent is %s', (operator, expected) => {
    expect(holds(operator, 'a:k', ['1'], {})).toBe(expected);
  });
  test('Null', () => {
    expect(holds('Null', 'a:k', ['true'], {})).toBe(true);
    expect(holds('Null', 'a:k', ['false'], {})).toBe(false);
    expect(holds('Null', 'a:k', ['false'], { 'a:k': '' })).toBe(true);
    expect(holds('Null', 'a:k', ['true', 'false'], { 'a:k': 'v' })).toBe(true);
  });
  test('ForAllValues with a negated operator: no value may match', () => {
    expect(holds('ForAllValues:StringNotLike', 'a:k', ['x*'], { 'a:k': ['ya', 'yb'] })).toBe(true);
    expect(holds('ForAllValues:StringNotLike', 'a:k', ['x*'], { 'a:k': ['ya', 'xb'] })).toBe(false);
  });
  test('ForAnyValue with IgnoreCase', () => {
    expect(holds('ForAnyValue:StringEqualsIgnoreCase', 'a:k', ['ADMIN'], { 'a:k': ['user', 'Admin'] })).toBe(true);
  });
});

describe('policy variables in condition values', () => {
  test('resolved when variables are on, literal when off', () => {
    const ctx = { 'aws:username': 'alice', 'a:k': 'alice' };
    expect(holds('StringEquals', 'a:k', ['${aws:username}'], ctx)).toBe(true);
    expect(holds('StringEquals', 'a:k', ['${aws:username}'], ctx, false)).toBe(false);
    expect(holds('StringEquals', 'a:k', ['${aws:username}'], { 'a:k': '${aws:username}' }, false)).toBe(true);
  });
  test('IgnoreCase folds the substituted value', () => {
    expect(
      holds('StringEqualsIgnoreCase', 'a:k', ['${aws:username}'], { 'aws:username': 'Alice', 'a:k': 'ALICE' }),
    ).toBe(true);
  });
  test('missing variable: positive false, negated true', () => {
    expect(holds('StringEquals', 'a:k', ['${aws:username}'], { 'a:k': '' })).toBe(false);
    expect(holds('StringNotEquals', 'a:k', ['${aws:username}'], { 'a:k': '' })).toBe(true);
  });
  test('Bool, Date, IpAddress values from variables', () => {
    expect(holds('Bool', 'a:k', ['${a:flag}'], { 'a:flag': 'TRUE', 'a:k': 'true' })).toBe(true);
    expect(holds('DateLessThan', 'a:k', ['${a:limit}'], { 'a:limit': '2030-01-01', 'a:k': '2029-12-31' })).toBe(true);
    expect(
      holds('IpAddress', 'aws:SourceIp', ['${a:net}'], { 'a:net': '10.0.0.0/8', 'aws:SourceIp': '10.9.9.9' }),
    ).toBe(true);
  });
});

describe('strings, booleans and ARNs', () => {
  test('StringEquals is exact and case-sensitive; IgnoreCase folds both sides', () => {
    expect(holds('StringEquals', 'a:k', ['Value'], { 'a:k': 'Value' })).toBe(true);
    expect(holds('StringEquals', 'a:k', ['Value'], { 'a:k': 'value' })).toBe(false);
    expect(holds('StringEquals', 'a:k', [''], { 'a:k': '' })).toBe(true);
    expect(holds('StringEqualsIgnoreCase', 'a:k', ['VALUE'], { 'a:k': 'vAlUe' })).toBe(true);
    expect(holds('StringNotEqualsIgnoreCase', 'a:k', ['VALUE'], { 'a:k': 'vAlUe' })).toBe(false);
  });
  test('StringLike wildcards; StringEquals treats them literally', () => {
    expect(holds('StringLike', 'a:k', ['a*c?'], { 'a:k': 'abbbcd' })).toBe(true);
    expect(holds('StringLike', 'a:k', ['a*c?'], { 'a:k': 'abbbc' })).toBe(false);
    expect(holds('StringEquals', 'a:k', ['a*'], { 'a:k': 'ab' })).toBe(false);
    expect(holds('StringEquals', 'a:k', ['a*'], { 'a:k': 'a*' })).toBe(true);
  });
  test('Bool', () => {
    expect(holds('Bool', 'a:k', ['true'], { 'a:k': 'TRUE' })).toBe(true);
    expect(holds('Bool', 'a:k', ['false'], { 'a:k': 'true' })).toBe(false);
    expect(holds('Bool', 'a:k', ['yes'], { 'a:k': 'yes' })).toBe(true);
  });
  test('ARNs are compared component by component', () => {
    const role = 'arn:aws:iam::111122223333:role/path/app';
    expect(holds('ArnLike', 'a:k', ['arn:aws:iam::*:role/*'], { 'a:k': role })).toBe(true);
    // A * does not cross a component boundary.
    expect(holds('ArnLike', 'a:k', ['arn:aws:*:role/*'], { 'a:k': role })).toBe(false);
    expect(holds('ArnLike', 'a:k', ['arn:*:iam::111122223333:*'], { 'a:k': role })).toBe(true);
    expect(holds('ArnLike', 'a:k', ['arn:aws:iam::111122223333:role/path/app'], { 'a:k': role.toUpperCase() })).toBe(
      false,
    );
    expect(holds('ArnEquals', 'a:k', ['*'], { 'a:k': role })).toBe(true);
    expect(holds('ArnNotLike', 'a:k', ['arn:aws:iam::*:user/*'], { 'a:k': role })).toBe(true);
  });
});
