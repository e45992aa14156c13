import { describe, expect, it } from 'vitest';
import { checkAllowedPattern } from './pattern.js';

describe('AllowedPattern', () => {
  it('accepts a matching value and refuses another, naming the pattern only', () => {
    expect(() => checkAllowedPattern('^\\d+$', '123')).not.toThrow();
    expect(() => checkAllowedPattern('^\\d+$', 'secret-abc')).toThrow(
      expect.objectContaining({
        code: 'ParameterPatternMismatchException',
        message: 'Parameter value, cannot be validated against allowedPattern: ^\\d+$',
      }),
    );
    try {
      checkAllowedPattern('^\\d+$', 'secret-abc');
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
    }
  });
  it("reads Java's inline flags and anchors", () => {
    expect(() => checkAllowedPattern('(?i)^abc$', 'ABC')).not.toThrow();
    expect(() => checkAllowedPattern('\\Aab\\z', 'ab')).not.toThrow();
    expect(() => checkAllowedPattern('\\Aab\\z', 'xab')).toThrow();
  });
  it('refuses a pattern that does not compile', () => {
    expect(() => checkAllowedPattern('([a-z]', 'a')).toThrow(
      expect.objectContaining({ code: 'InvalidAllowedPatternException' }),
    );
  });
});
