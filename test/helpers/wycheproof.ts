/**
 * Where the Wycheproof vectors are (../shared/wycheproof beside the repository) and what a suite
 * does without them: skip with a message locally, fail in CI (CI=true), where they must run.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

export const WYCHEPROOF_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../..', 'shared/wycheproof');

/**
 * True when every one of `files` is present. Otherwise registers, in the calling file, a test that
 * fails in CI or a skipped one elsewhere, both naming the folder.
 */
export function wycheproofPresent(label: string, files: readonly string[]): boolean {
  if (files.every((f) => existsSync(join(WYCHEPROOF_DIR, f)))) return true;
  if (process.env.CI === 'true') {
    it(`Wycheproof ${label} vectors are present in CI`, () => {
      throw new Error(`Wycheproof vectors not found at ${WYCHEPROOF_DIR}`);
    });
  } else {
    console.warn(`Wycheproof vectors not found at ${WYCHEPROOF_DIR}; skipping ${label} (CI=true makes this fail)`);
    it.skip(`Wycheproof ${label} vectors not found at ${WYCHEPROOF_DIR}; skipping`, () => undefined);
  }
  return false;
}
