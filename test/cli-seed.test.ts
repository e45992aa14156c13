/**
 * Seed files through the `trent` command (docs/seed-files.md): `serve --dev --seed FILE` serves the
 * seeded key, `--seed` without `--dev` and a file with a problem are refused before anything is
 * written, and `seed export` writes back what was seeded (material only with --dev).
 */
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runTrent, serveReady } from './helpers/cli.js';

const ACCOUNT = '111122223333';
const KEY_ID = '0d5c3a1e-6f0b-4b7e-9a51-3c2f8e1d7a90';
const ALIAS = 'alias/cli-seeded';

const seedObject = {
  Accounts: [
    {
      AccountId: ACCOUNT,
      Regions: {
        'us-east-1': {
          Keys: [
            {
              KeyId: KEY_ID,
              KeySpec: 'SYMMETRIC_DEFAULT',
              KeyUsage: 'ENCRYPT_DECRYPT',
              Description: 'seeded from the CLI',
              KeyMaterial: ['11'.repeat(32)],
            },
          ],
          Aliases: [{ AliasName: ALIAS, TargetKeyId: KEY_ID }],
        },
      },
    },
  ],
};

const dirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function seedFile(content: string): Promise<string> {
  const path = join(await tempDir('trent-cli-seed-file-'), 'seed.yaml');
  await writeFile(path, content);
  return path;
}

const run = runTrent;
const serve = (...args: string[]) => serveReady(args);

describe('trent serve --dev --seed, then trent seed export', () => {
  it('serves the seeded key and alias, and exports them once the server has stopped', async () => {
    const file = await seedFile(stringify(seedObject));
    const dataDir = await tempDir('trent-cli-seed-data-');
    const s = await serve('--dev', '--seed', file, '--data-dir', dataDir);
    const kms = new KMSClient({
      endpoint: s.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIAANYTHINGATALL000', secretAccessKey: 'not-checked-in-dev' },
    });
    try {
      for (const id of [KEY_ID, ALIAS]) {
        const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: id }));
        expect(KeyMetadata).toMatchObject({
          KeyId: KEY_ID,
          AWSAccountId: ACCOUNT,
          Description: 'seeded from the CLI',
          KeySpec: 'SYMMETRIC_DEFAULT',
          Enabled: true,
        });
      }
    } finally {
      kms.destroy();
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).toBe(0);

    const exported = await run('seed', 'export', '--data-dir', dataDir);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(KEY_ID);
    expect(exported.stdout).toContain(ALIAS);
    const doc = parse(exported.stdout) as typeof seedObject;
    const region = doc.Accounts.find((a) => a.AccountId === ACCOUNT)?.Regions['us-east-1'];
    expect(region?.Keys.map((k) => k.KeyId)).toContain(KEY_ID);
    expect(region?.Aliases).toContainEqual({ AliasName: ALIAS, TargetKeyId: KEY_ID });
    // No material without --include-material.
    expect(exported.stdout).not.toContain('KeyMaterial');
    expect(exported.stdout).not.toContain('11'.repeat(32));

    // --include-material without --dev is bad usage, said in one line, and writes nothing out.
    const refused = await run('seed', 'export', '--include-material', '--data-dir', dataDir);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    const lines = refused.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^trent: .*--include-material.*--dev/);
  });
});

describe('trent serve --seed refusals', () => {
  it('refuses --seed without --dev with the configuration error naming seed and dev (exit 2)', async () => {
    const file = await seedFile(stringify(seedObject));
    const dataDir = join(await tempDir('trent-cli-seed-nodev-'), 'data');
    const r = await run('serve', '--seed', file, '--port', '0', '--data-dir', dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid configuration/);
    expect(r.stderr).toMatch(/\bseed\b.*\bdev\b/);
    expect(r.stderr).toContain('--seed needs --dev');
    await expect(readdir(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a seed file with a problem (exit 2), naming its line and member, and writes nothing', async () => {
    const bad = structuredClone(seedObject);
    bad.Accounts[0]!.Regions['us-east-1'].Keys[0]!.KeyMaterial = ['abcd'];
    const text = stringify(bad);
    const line = text.split('\n').findIndex((l) => l.includes('abcd')) + 1;
    expect(line).toBeGreaterThan(0);
    const file = await seedFile(text);
    const dataDir = await tempDir('trent-cli-seed-bad-');

    const r = await run('serve', '--dev', '--seed', file, '--port', '0', '--data-dir', dataDir);
    expect(r.stderr).toContain(`line ${line}, Accounts[0].Regions.us-east-1.Keys[0].KeyMaterial[0]:`);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(await readdir(dataDir)).toStrictEqual([]);
    // SeedError says exit 2 ("a file that does not validate is bad usage, as invalid configuration is").
    expect(r.code).toBe(2);
  });
});
