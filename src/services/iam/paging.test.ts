import { describe, expect, it } from 'vitest';
import { decodeMarker, encodeMarker, pageAnswer, pageOf } from './paging.js';

describe('IAM paging', () => {
  it('round-trips markers and refuses ones it did not make', () => {
    expect(decodeMarker(encodeMarker('alice'))).toBe('alice');
    expect(decodeMarker(undefined)).toBeUndefined();
    expect(() => decodeMarker('!!')).toThrow(expect.objectContaining({ code: 'InvalidInput' }) as Error);
  });

  it('pages a list by its order key, saying whether more follow', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const first = pageOf(items, (i) => i, { MaxItems: 2 });
    expect(first).toMatchObject({ items: ['a', 'b'], IsTruncated: true });
    const second = pageOf(items, (i) => i, { MaxItems: 2, Marker: first.Marker });
    expect(second).toMatchObject({ items: ['c', 'd'], IsTruncated: true });
    const last = pageOf(items, (i) => i, { MaxItems: 2, Marker: second.Marker });
    expect(last).toEqual({ items: ['e'], IsTruncated: false });
    expect(pageOf(items, (i) => i, {})).toEqual({ items, IsTruncated: false });
  });

  it('answers no marker on the last page', () => {
    expect(pageAnswer(false, 'x')).toEqual({ IsTruncated: false });
    expect(pageAnswer(true, 'x')).toEqual({ IsTruncated: true, Marker: encodeMarker('x') });
  });
});
