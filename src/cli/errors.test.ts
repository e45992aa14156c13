import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, oneLineMessage, UsageError, UserError } from './errors.js';

describe('the exit-code rule', () => {
  it('is 2 for bad usage, commander’s own errors included, and 1 for everything else', () => {
    expect(exitCodeOf(new UsageError('--a and --b exclude each other'))).toBe(2);
    expect(exitCodeOf(new InvalidArgumentError('must be 12 digits'))).toBe(2);
    expect(exitCodeOf(new UserError('no such file: x'))).toBe(1);
    expect(exitCodeOf(new Error('ECONNREFUSED'))).toBe(1);
    expect(exitCodeOf('thrown string')).toBe(1);
    // An error of another module that says it is bad usage (a seed file that does not validate).
    expect(exitCodeOf(Object.assign(new Error('line 3, Keys[0].KeySpec: unknown'), { exitCode: 2 }))).toBe(2);
    expect(exitCodeOf(Object.assign(new Error('odd'), { exitCode: 7 }))).toBe(1);
  });

  it('prints a message as one line without stack frames', () => {
    const folded =
      'Unable to decrypt data key\n  Error #1 \n    at Foo (x.js:1:2)\n  DisabledException: arn is disabled.\n';
    expect(oneLineMessage(new Error(folded))).toBe(
      'Unable to decrypt data key Error #1 DisabledException: arn is disabled.',
    );
    expect(oneLineMessage('plain')).toBe('plain');
  });
});
