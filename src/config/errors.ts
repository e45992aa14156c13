/** The one error of configuration: every problem found, each naming its setting and its source. */
import { describeSource, type Source } from './setting.js';

export interface Problem {
  /** What is wrong, as the user wrote it: `maxConnections = -3`, `unknown setting maxConections`. */
  subject: string;
  /** Absent when the subject names its settings' sources itself (a rule across settings). */
  source?: Source;
  /** What is allowed, or what is wrong with it: `must be a positive integer`. */
  message: string;
}

export const formatProblem = (p: Problem): string =>
  p.source ? `${p.subject} (from ${describeSource(p.source)}): ${p.message}` : `${p.subject}: ${p.message}`;

export class ConfigError extends Error {
  /** Invalid configuration is bad usage (issue 14: exit code 2). */
  readonly exitCode = 2;
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const lines = problems.map(formatProblem);
    // One problem on one line; several, one per line under the first.
    super(
      lines.length === 1 ? `invalid configuration: ${lines[0]}` : `invalid configuration:\n  ${lines.join('\n  ')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
