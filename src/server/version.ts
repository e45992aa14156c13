/** Trent's version, read once from the package.json of the installation (for /health and the CLI). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding package.json: two levels above this file in src/ and in dist/ alike. */
export const INSTALL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

let version: string | undefined;

/** The `version` of package.json, or `unknown` if it cannot be read (never throws). */
export function trentVersion(): string {
  version ??= readVersion();
  return version;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(INSTALL_DIR, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
