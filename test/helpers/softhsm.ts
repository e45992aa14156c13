/**
 * SoftHSM2 for tests: a token directory of the test's own (SOFTHSM2_CONF pointing at a
 * softhsm2.conf in a temporary directory), tokens initialized with softhsm2-util, and a trust
 * anchor certificate for cluster specs. SoftHSM2 reads SOFTHSM2_CONF at C_Initialize, which
 * keystore/pkcs11 calls when a module's first user opens it and undoes when the last closes, so a
 * test that closes what it opened gets the next test's directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const USER_PIN = 'kmsuser-Pin-4711';
export const SO_PIN = 'so-pin-0815';

export interface SoftHsm {
  dir: string;
  conf: string;
  /** The environment a child process (trent serve) needs to see these tokens. */
  env: { SOFTHSM2_CONF: string };
  trustAnchor: string;
  initToken(label: string, pin?: string): void;
  /** The directory of the token labelled `label` (deleting it removes the HSM). */
  tokenDir(label: string): string;
  removeToken(label: string): void;
  cleanup(): void;
}

export function createSoftHsm(): SoftHsm {
  const dir = mkdtempSync(join(tmpdir(), 'trent-softhsm-'));
  const tokens = join(dir, 'tokens');
  execFileSync('mkdir', ['-p', tokens]);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  const trustAnchor = join(dir, 'customerCA.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'ca.key'),
    ].concat(['-out', trustAnchor, '-days', '2', '-subj', '/CN=Trent test trust anchor']),
    { stdio: 'ignore' },
  );
  const env = { SOFTHSM2_CONF: conf };
  const tokenDir = (label: string): string => {
    for (const entry of readdirSync(tokens)) {
      try {
        if (readFileSync(join(tokens, entry, 'token.object')).includes(Buffer.from(label))) return join(tokens, entry);
      } catch {
        // not a token directory
      }
    }
    throw new Error(`no token ${label}`);
  };
  return {
    dir,
    conf,
    env,
    trustAnchor,
    initToken(label, pin = USER_PIN) {
      execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', pin], {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      });
    },
    tokenDir,
    removeToken(label) {
      rmSync(tokenDir(label), { recursive: true, force: true });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
