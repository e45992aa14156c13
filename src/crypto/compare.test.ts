import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from './compare.js';

describe('constantTimeEqual', () => {
  it('compares bytes and strings, including different lengths', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('', Buffer.alloc(0))).toBe(true);
    expect(constantTimeEqual(Buffer.from('é'), 'é')).toBe(true);
    expect(constantTimeEqual(Buffer.of(0), Buffer.alloc(0))).toBe(false);
  });

  it('agrees with Buffer.equals', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        expect(constantTimeEqual(Buffer.from(a), Buffer.from(b))).toBe(Buffer.from(a).equals(Buffer.from(b)));
        expect(constantTimeEqual(Buffer.from(a), Buffer.from(a))).toBe(true);
      }),
    );
  });
});
