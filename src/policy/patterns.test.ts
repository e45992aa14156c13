import { describe, expect, test } from 'vitest';
import { compileWildcard, matchStatic } from './patterns.js';

describe('compileWildcard', () => {
  test.each([
    ['kms:encrypt', 1, 'kms:encrypt'],
    ['*', 0, ''],
    ['**', 0, ''],
    ['kms:*', 2, 'kms:'],
    ['*:key/abc', 3, ':key/abc'],
    ['arn:aws:kms:*:111122223333:key/*', 4, ''],
    ['kms:?ncrypt', 4, ''],
    ['kms:*?', 4, ''],
  ])('%s is kind %i', (text, kind, literal) => {
    expect(compileWildcard(text)).toMatchObject({ kind, text, literal });
  });

  test('matches like the definition, and the memo never changes an answer', () => {
    const p = compileWildcard('arn:aws:kms:*:111122223333:key/*');
    const yes = 'arn:aws:kms:us-east-1:111122223333:key/k';
    const no = 'arn:aws:kms:us-east-1:444455556666:key/k';
    for (let i = 0; i < 3; i++) {
      expect(matchStatic(p, yes)).toBe(true);
      expect(matchStatic(p, no)).toBe(false);
      expect(matchStatic(p, no)).toBe(false);
      expect(matchStatic(p, yes)).toBe(true);
    }
    expect(matchStatic(compileWildcard('kms:*'), 'kms:')).toBe(true);
    expect(matchStatic(compileWildcard('kms:*'), 'km')).toBe(false);
    expect(matchStatic(compileWildcard('*up'), 'up')).toBe(true);
    expect(matchStatic(compileWildcard('a'), 'A')).toBe(false);
  });
});
