/**
 * The CLI's exit-code rule: 0 on success, 1 on a failure the user can fix (a one-line message, no
 * stack trace), 2 on bad usage. Commands throw; main.ts's top-level handler applies the rule.
 */
import { CommanderError } from 'commander';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the user can fix, whose message says how; printed alone, exit 1. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** Bad usage found by a command itself (flags that exclude each other); exit 2. Commander's own
 * InvalidArgumentError counts as bad usage too. */
export class UsageError extends CommanderError {
  constructor(message: string) {
    super(EXIT_USAGE, 'trent.usage', message);
    this.name = 'UsageError';
  }
}

/**
 * The exit code for an error that ended a command: 2 for commander's usage errors and for an error
 * that says it is bad usage (`exitCode: 2`, e.g. a seed file that does not validate), else 1.
 */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) return EXIT_USAGE;
  const declared = typeof err === 'object' && err !== null ? (err as { exitCode?: unknown }).exitCode : undefined;
  return declared === EXIT_USAGE ? EXIT_USAGE : EXIT_FAILURE;
}

/**
 * The error as one line: its message without stack frames (the Encryption SDK folds its causes'
 * stacks into its messages), its lines joined.
 */
export function oneLineMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}
