import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAdminCredentials, renderEnv, shellQuote } from './env.js';
import { UserError } from './errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trent-env-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What bash makes of `eval "$text"` followed by printing the variables. */
function evalInBash(text: string, names: string[]): Record<string, string> {
  const script = `eval "$1"; for n in ${names.join(' ')}; do printf '%s=%s\\0' "$n" "\${!n-<unset>}"; done`;
  const r = spawnSync('bash', ['-c', script, 'bash', text], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AWS_SESSION_TOKEN: 'left over', AWS_ENDPOINT_URL_KMS: 'x' },
  });
  expect(r.status, r.stderr).toBe(0);
  return Object.fromEntries(
    r.stdout
      .split('\0')
      .filter((s) => s !== '')
      .map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)]),
  );
}

describe('shellQuote', () => {
  it('leaves safe words bare and single-quotes the rest, so the shell reads back the same string', () => {
    expect(shellQuote('AKIA234')).toBe('AKIA234');
    expect(shellQuote('http://127.0.0.1:4599')).toBe('http://127.0.0.1:4599');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('')).toBe("''");
    for (const value of ["it's", '$(rm -rf /)', '`x`', 'a\nb', '"q"', '\\', '!x', '*']) {
      const r = spawnSync('bash', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
      expect(r.stdout).toBe(value);
    }
  });
});

describe('renderEnv', () => {
  it('exports endpoint, credentials and region, and unsets what would override them', () => {
    const facts = {
      endpointUrl: 'http://127.0.0.1:4599',
      accessKeyId: 'AKIAEXAMPLE234567ABC',
      secretAccessKey: "wJalr/K7+MDENG'bPxRfi CYEXAMPLEKEY=",
      region: 'eu-west-1',
    };
    const text = renderEnv(facts);
    expect(text.split('\n')[0]).toBe('unset AWS_SESSION_TOKEN AWS_ENDPOINT_URL_KMS');
    expect(text).toMatch(/^export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:4599$/m);
    expect(
      evalInBash(text, [
        'AWS_ENDPOINT_URL',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
        'AWS_SESSION_TOKEN',
        'AWS_ENDPOINT_URL_KMS',
      ]),
    ).toEqual({
      AWS_ENDPOINT_URL: facts.endpointUrl,
      AWS_ACCESS_KEY_ID: facts.accessKeyId,
      AWS_SECRET_ACCESS_KEY: facts.secretAccessKey,
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_SESSION_TOKEN: '<unset>',
      AWS_ENDPOINT_URL_KMS: '<unset>',
    });
  });
});

describe('readAdminCredentials', () => {
  it('reads the file the server wrote', async () => {
    const d = join(dir, 'ok');
    await mkdir(d);
    await writeFile(
      join(d, 'admin-credentials.json'),
      JSON.stringify({ accountId: '111122223333', accessKeyId: 'AKIA1', secretAccessKey: 's' }),
    );
    expect(await readAdminCredentials(d)).toEqual({ accessKeyId: 'AKIA1', secretAccessKey: 's' });
  });

  it('says in one line what is wrong and how to fix it', async () => {
    const missing = join(dir, 'nothing-here');
    const err = await readAdminCredentials(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `no administrator credentials at ${missing}/admin-credentials.json: start the server once with this ` +
        `data directory (trent serve --data-dir ${missing}) to create them`,
    );
    await writeFile(join(dir, 'admin-credentials.json'), '{"accessKeyId": 1}');
    await expect(readAdminCredentials(dir)).rejects.toThrow(`${dir}/admin-credentials.json has no accessKeyId`);
    await writeFile(join(dir, 'admin-credentials.json'), 'nope');
    await expect(readAdminCredentials(dir)).rejects.toThrow(`${dir}/admin-credentials.json is not JSON`);
  });
});
