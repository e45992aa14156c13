/** `trent version` and `trent --version`: what is running, for bug reports. */
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALL_DIR, trentVersion } from '../server/index.js';

export interface VersionInfo {
  version: string;
  node: string;
  openssl: string;
  /** The build's commit, when known. */
  commit?: string;
}

/**
 * The commit comes from TRENT_BUILD_COMMIT (set by whoever builds a package or image), else from
 * `git rev-parse` when the installation is a git checkout; neither is required.
 */
export function versionInfo(env: NodeJS.ProcessEnv = process.env, installDir = INSTALL_DIR): VersionInfo {
  const commit = env.TRENT_BUILD_COMMIT?.trim() || gitCommit(installDir);
  return {
    version: trentVersion(),
    node: process.versions.node,
    openssl: process.versions.openssl ?? 'unknown',
    ...(commit ? { commit } : {}),
  };
}

function gitCommit(dir: string): string | undefined {
  if (!existsSync(join(dir, '.git'))) return undefined;
  try {
    const r = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      timeout: 2000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const out = r.status === 0 ? r.stdout.trim() : '';
    return /^[0-9a-f]{4,40}$/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

export function renderVersion(info: VersionInfo): string {
  return (
    `trent ${info.version}${info.commit ? ` (commit ${info.commit})` : ''}\n` +
    `Node.js ${info.node}\n` +
    `OpenSSL ${info.openssl}\n`
  );
}

/** Registers `trent version`. */
export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print the version of Trent, Node.js and OpenSSL, and the build commit when known')
    .action(() => {
      process.stdout.write(renderVersion(versionInfo()));
    });
}
