import { describe, expect, test } from 'vitest';
import type { ConditionValue } from './evaluate-types.js';
import { mapLiterals, parseTemplate, resolvePattern, resolvePlain } from './variables.js';
import { wildcardMatch } from './wildcard.js';

const ctx = (entries: Record<string, ConditionValue>): Map<string, ConditionValue> => new Map(Object.entries(entries));

describe('parseTemplate', () => {
  test('no variables: undefined', () => {
    expect(parseTemplate('arn:aws:s3:::bucket/*')).toBeUndefined();
    expect(parseTemplate('${')).toBeUndefined();
    expect(parseTemplate('${not a key}')).toBeUndefined();
    expect(parseTemplate('$ {aws:username}')).toBeUndefined();
  });
  test('variables, specials and defaults', () => {
    expect(parseTemplate('home/${aws:username}/*')?.parts).toEqual([
      { kind: 'text', text: 'home/' },
      { kind: 'var', key: 'aws:username', name: 'aws:username' },
      { kind: 'text', text: '/*' },
    ]);
    expect(parseTemplate('${*}${?}${$}')?.parts.map((p) => p.kind)).toEqual(['literal', 'literal', 'literal']);
    expect(parseTemplate("${aws:PrincipalTag/team, 'none'}")?.parts).toEqual([
      { kind: 'var', key: 'aws:principaltag/team', name: 'aws:PrincipalTag/team', fallback: 'none' },
    ]);
  });
  test('an invalid ${...} stays literal text next to a valid one', () => {
    const t = parseTemplate('${bad}-${aws:username}');
    expect(resolvePlain(t!, ctx({ 'aws:username': 'u' }))).toBe('${bad}-u');
  });
});

describe('resolution', () => {
  test('plain', () => {
    const t = parseTemplate('${aws:username}@${aws:PrincipalTag/dept}')!;
    expect(resolvePlain(t, ctx({ 'aws:username': 'a', 'aws:principaltag/dept': 'd' }))).toBe('a@d');
    expect(resolvePlain(t, ctx({ 'aws:username': 'a' }))).toBeUndefined();
    expect(resolvePlain(t, ctx({ 'aws:username': ['a'], 'aws:principaltag/dept': 'd' }))).toBeUndefined();
  });
  test('patterns keep policy wildcards and make substituted text literal', () => {
    const t = parseTemplate('user/${aws:username}/*')!;
    const literalStar = resolvePattern(t, ctx({ 'aws:username': 'a*' }))!;
    expect(literalStar.mapped).toBe(true);
    const match = (value: string): boolean => wildcardMatch(literalStar.pattern, mapLiterals(value));
    expect(match('user/a*/x')).toBe(true);
    expect(match('user/abc/x')).toBe(false);
    const plain = resolvePattern(t, ctx({ 'aws:username': 'bob' }))!;
    expect(plain.mapped).toBe(false);
    expect(wildcardMatch(plain.pattern, 'user/bob/anything')).toBe(true);
  });
  test('a substituted private-use stand-in matches nothing', () => {
    const t = parseTemplate('${a:x}${*}')!;
    expect(resolvePattern(t, ctx({ 'a:x': '\uE02A' }))).toBeUndefined();
  });
  test('mapLiterals is its own inverse', () => {
    for (const s of ['', 'abc', '*?', '\uE02A\uE03F', 'a*b?c\uE02A']) expect(mapLiterals(mapLiterals(s))).toBe(s);
  });
});
