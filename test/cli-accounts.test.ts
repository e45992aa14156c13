/**
 * `trent accounts create|list` and `trent policy explain` against a data directory a running
 * server uses: a new account's root key works at once, and explain names what decides.
 */
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrent, serveReady, type Served } from './helpers/cli.js';

let dataDir: string;
let served: Served & { url: string };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'trent-cli-accounts-'));
  served = await serveReady(['--data-dir', dataDir]);
});

afterAll(async () => {
  served.child.kill('SIGTERM');
  await served.exited;
  await rm(dataDir, { recursive: true, force: true });
});

const clients = (creds: { accessKeyId: string; secretAccessKey: string }) => ({
  kms: new KMSClient({ endpoint: served.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 }),
  iam: new IAMClient({ endpoint: served.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 }),
});

describe('trent accounts', () => {
  it('creates an account while the server runs; its root key works at once; list shows it', async () => {
    const r = await runTrent('accounts', 'create', '--account-id', '222233334444', '--data-dir', dataDir);
    expect(r.code, r.stderr).toBe(0);
    const created = JSON.parse(r.stdout) as { accountId: string; accessKeyId: string; secretAccessKey: string };
    expect(created.accountId).toBe('222233334444');
    expect(created.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    const { kms } = clients(created);
    const key = await kms.send(new CreateKeyCommand({}));
    expect(key.KeyMetadata?.AWSAccountId).toBe('222233334444');

    const again = await runTrent('accounts', 'create', '--account-id', '222233334444', '--data-dir', dataDir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('account 222233334444 exists already');

    const random = JSON.parse((await runTrent('accounts', 'create', '--data-dir', dataDir)).stdout) as {
      accountId: string;
    };
    expect(random.accountId).toMatch(/^[1-9][0-9]{11}$/);

    const list = await runTrent('accounts', 'list', '--data-dir', dataDir);
    expect(list.code).toBe(0);
    const ids = (JSON.parse(list.stdout) as { accountId: string }[]).map((a) => a.accountId);
    expect(ids).toEqual(expect.arrayContaining(['222233334444', random.accountId]));
    expect(ids).toEqual([...ids].sort());
  });

  it('refuses a malformed account id as bad usage', async () => {
    const r = await runTrent('accounts', 'create', '--account-id', '12345', '--data-dir', dataDir);
    expect(r.code).toBe(2);
  });
});

describe('trent policy explain', () => {
  it('says allow for the root by the key policy, deny for a user without policies, and why', async () => {
    const admin = JSON.parse(await readFile(join(dataDir, 'admin-credentials.json'), 'utf8')) as {
      accessKeyId: string;
      secretAccessKey: string;
    };
    const { kms, iam } = clients(admin);
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const user = (await iam.send(new CreateUserCommand({ UserName: 'explained' }))).User!;
    const root = `arn:aws:iam::${key.AWSAccountId}:root`;

    const allow = await runTrent(
      'policy',
      'explain',
      '--principal',
      root,
      '--action',
      'kms:Encrypt',
      '--key',
      key.Arn!,
      '--data-dir',
      dataDir,
    );
    expect(allow.code, allow.stderr).toBe(0);
    expect(allow.stdout).toContain(`ALLOW: ${root} may perform kms:Encrypt on ${key.Arn}`);
    expect(allow.stdout).toContain('decided by: key policy, statement 1 (Sid "Enable IAM User Permissions")');

    const deny = await runTrent(
      'policy',
      'explain',
      '--principal',
      user.Arn!,
      '--action',
      'kms:Decrypt',
      '--key',
      key.Arn!,
      '--context',
      'purpose=test',
      '--json',
      '--data-dir',
      dataDir,
    );
    expect(deny.code, deny.stderr).toBe(0);
    const answer = JSON.parse(deny.stdout) as {
      decision: string;
      decidedBy: string;
      evaluation: { statements: unknown[] };
    };
    expect(answer.decision).toBe('deny');
    expect(answer.decidedBy).toBe('no identity-based policy allows kms:Decrypt, and no grant does');
    expect(answer.evaluation.statements.length).toBeGreaterThan(0);

    const unknown = await runTrent(
      'policy',
      'explain',
      '--principal',
      `arn:aws:iam::${key.AWSAccountId}:user/ghost`,
      '--action',
      'kms:Encrypt',
      '--key',
      key.Arn!,
      '--data-dir',
      dataDir,
    );
    expect(unknown.code).toBe(1);
  });
});
