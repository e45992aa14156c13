import { describe, expect, it } from 'vitest';
import { isJsonObject, parseJson } from './json.js';

describe('parseJson', () => {
  it('reads objects in order and keeps number text', () => {
    const r = parseJson(' {"b": [1.0, -2e3, true, false, null], "a": "x\\u00e9\\n"} ');
    expect(r.ok).toBe(true);
    if (!r.ok || !isJsonObject(r.value)) throw new Error('expected an object');
    expect([...r.value.members.keys()]).toEqual(['b', 'a']);
    expect(r.value.members.get('b')).toEqual([
      { kind: 'number', raw: '1.0' },
      { kind: 'number', raw: '-2e3' },
      true,
      false,
      null,
    ]);
    expect(r.value.members.get('a')).toBe('xé\n');
  });

  it('refuses duplicate member names at any depth', () => {
    expect(parseJson('{"a": {"b": 1, "b": 2}}')).toEqual({ ok: false, reason: 'duplicate', name: 'b' });
  });

  it('does not treat __proto__ specially', () => {
    const r = parseJson('{"__proto__": {"x": 1}}');
    expect(r.ok && isJsonObject(r.value) && r.value.members.has('__proto__')).toBe(true);
  });

  it.each([
    '',
    '{',
    '{"a":1,}',
    '[1,]',
    '{"a" 1}',
    "{'a':1}",
    '01',
    '1.',
    '+1',
    '"\t"',
    '"\\x"',
    '"\\u12"',
    'truex',
    '{} {}',
    'NaN',
    '['.repeat(100) + ']'.repeat(100),
  ])('refuses %j', (text) => {
    expect(parseJson(text)).toEqual({ ok: false, reason: 'syntax' });
  });
});
