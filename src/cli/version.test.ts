import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { renderVersion, versionInfo } from './version.js';

describe('versionInfo', () => {
  it('takes the commit from TRENT_BUILD_COMMIT first', () => {
    expect(versionInfo({ TRENT_BUILD_COMMIT: 'abc1234' })).toEqual({
      version: pkg.version,
      node: process.versions.node,
      openssl: process.versions.openssl,
      commit: 'abc1234',
    });
  });

  it('has no commit, and does not fail, outside a git checkout without the variable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trent-version-'));
    try {
      expect(versionInfo({}, dir).commit).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('renderVersion', () => {
  it('prints one fact a line', () => {
    expect(renderVersion({ version: '0.1.0', node: '20.19.0', openssl: '3.0.15', commit: 'abc1234' })).toBe(
      'trent 0.1.0 (commit abc1234)\nNode.js 20.19.0\nOpenSSL 3.0.15\n',
    );
    expect(renderVersion({ version: '0.1.0', node: '20.19.0', openssl: '3.0.15' })).toBe(
      'trent 0.1.0\nNode.js 20.19.0\nOpenSSL 3.0.15\n',
    );
  });
});
