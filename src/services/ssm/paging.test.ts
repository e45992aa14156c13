import { describe, expect, it } from 'vitest';
import { pageOf } from './paging.js';

describe('paging', () => {
  const names = ['/a', '/b', '/c', '/d', '/e'];
  it('pages by name and ends without a token', () => {
    const first = pageOf(names, (n) => n, 2, undefined);
    expect(first.page).toEqual(['/a', '/b']);
    const second = pageOf(names, (n) => n, 2, first.next);
    expect(second.page).toEqual(['/c', '/d']);
    const third = pageOf(names, (n) => n, 2, second.next);
    expect(third).toEqual({ page: ['/e'] });
  });
  it('refuses a token it did not make', () => {
    expect(() => pageOf(names, (n) => n, 2, 'garbage')).toThrow(expect.objectContaining({ code: 'InvalidNextToken' }));
  });
});
