/**
 * AllowedPattern (PutParameter): a regular expression the value must match, as AWS checks it
 * (Java's java.util.regex, the value searched). Patterns are Java's; the parts JavaScript reads
 * differently are translated: a leading inline flag group (`(?i)`, `(?s)`, `(?m)`), `\A`, `\z`
 * and `\Z`. A pattern that does not compile is InvalidAllowedPatternException; a value that does
 * not match, ParameterPatternMismatchException naming the pattern (never the value).
 */
import { KmsError } from '../../domain/index.js';

const invalidPattern = (): KmsError =>
  new KmsError('InvalidAllowedPatternException', 'The request does not meet the regular expression requirement.');

/** The pattern as a JavaScript RegExp; throws InvalidAllowedPatternException if it does not compile. */
export function compileAllowedPattern(pattern: string): RegExp {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    if (inline[1]!.includes('x')) throw invalidPattern(); // comments mode has no JavaScript equivalent
    flags = [...new Set(inline[1]!)].join('');
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$');
  try {
    return new RegExp(source, `${flags}u`);
  } catch {
    try {
      return new RegExp(source, flags);
    } catch {
      throw invalidPattern();
    }
  }
}

/** Throws InvalidAllowedPatternException or ParameterPatternMismatchException. */
export function checkAllowedPattern(pattern: string | undefined, value: string): void {
  if (pattern === undefined || pattern === '') return;
  if (!compileAllowedPattern(pattern).test(value)) {
    throw new KmsError(
      'ParameterPatternMismatchException',
      `Parameter value, cannot be validated against allowedPattern: ${pattern}`,
    );
  }
}
