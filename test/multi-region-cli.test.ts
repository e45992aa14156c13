/**
 * Multi-Region keys through the AWS CLI v2 (`aws kms create-key --multi-region`, `replicate-key`,
 * `update-primary-region`), on the server's real clock: the replica leaves Creating seconds after
 * ReplicateKey, as at AWS, without waiting for the scheduler's minute.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliOrSkip, cliServiceError, runAwsKms, type CliResult } from './helpers/aws-cli.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const AWS = awsCliOrSkip('test/multi-region-cli.test.ts');

describe.skipIf(!AWS)('multi-Region keys with the AWS CLI v2', () => {
  let t: TestServer;
  let home: string;

  const aws = (region: string, args: string[]): Promise<CliResult> =>
    runAwsKms({ aws: AWS!, endpoint: t.server.url, home, ...t.credentials }, args, { AWS_DEFAULT_REGION: region });

  async function ok<T = Record<string, unknown>>(region: string, args: string[]): Promise<T> {
    const r = await aws(region, args);
    expect(r, `aws kms ${args.join(' ')}`).toMatchObject({ code: 0 });
    return (r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)) as T;
  }

  type Metadata = { KeyMetadata: Record<string, unknown> & { KeyState: string } };
  async function waitForState(region: string, keyId: string, state: string): Promise<Metadata['KeyMetadata']> {
    for (let i = 0; i < 50; i++) {
      const { KeyMetadata } = await ok<Metadata>(region, ['describe-key', '--key-id', keyId]);
      if (KeyMetadata.KeyState === state) return KeyMetadata;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${keyId} in ${region} never became ${state}`);
  }

  beforeAll(async () => {
    t = await startTestServer();
    home = await mkdtemp(join(tmpdir(), 'trent-aws-cli-mrk-'));
  });
  afterAll(async () => {
    await t?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('creates, replicates, decrypts across Regions and moves the primary Region', async () => {
    const created = await ok<Metadata>('us-east-1', ['create-key', '--multi-region', '--description', 'cli primary']);
    const keyId = created.KeyMetadata.KeyId as string;
    expect(keyId).toMatch(/^mrk-[0-9a-f]{32}$/);
    expect(created.KeyMetadata.MultiRegionConfiguration).toMatchObject({ MultiRegionKeyType: 'PRIMARY' });

    const replica = await ok<{ ReplicaKeyMetadata: Record<string, unknown>; ReplicaTags: unknown[] }>('us-east-1', [
      'replicate-key',
      '--key-id',
      keyId,
      '--replica-region',
      'eu-west-1',
      '--description',
      'cli replica',
      '--tags',
      'TagKey=team,TagValue=dr',
    ]);
    expect(replica.ReplicaKeyMetadata).toMatchObject({
      KeyId: keyId,
      KeyState: 'Creating',
      Description: 'cli replica',
    });
    expect(replica.ReplicaTags).toEqual([{ TagKey: 'team', TagValue: 'dr' }]);
    const enabled = await waitForState('eu-west-1', keyId, 'Enabled');
    expect(enabled.MultiRegionConfiguration).toMatchObject({ MultiRegionKeyType: 'REPLICA' });

    const again = await aws('us-east-1', ['replicate-key', '--key-id', keyId, '--replica-region', 'eu-west-1']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(
      cliServiceError(
        'AlreadyExistsException',
        'ReplicateKey',
        `Unable to replicate key ${keyId} to region eu-west-1, as the key already exist there`,
      ),
    );

    const plain = join(home, 'plain.txt');
    await writeFile(plain, 'across the ocean');
    const { CiphertextBlob } = await ok<{ CiphertextBlob: string }>('us-east-1', [
      'encrypt',
      '--key-id',
      keyId,
      '--plaintext',
      `fileb://${plain}`,
    ]);
    const blob = join(home, 'blob.bin');
    await writeFile(blob, Buffer.from(CiphertextBlob, 'base64'));
    const decrypted = await ok<{ Plaintext: string; KeyId: string }>('eu-west-1', [
      'decrypt',
      '--ciphertext-blob',
      `fileb://${blob}`,
    ]);
    expect(Buffer.from(decrypted.Plaintext, 'base64').toString()).toBe('across the ocean');
    expect(decrypted.KeyId).toMatch(/^arn:aws:kms:eu-west-1:/);

    await ok('us-east-1', ['update-primary-region', '--key-id', keyId, '--primary-region', 'eu-west-1']);
    const moved = await waitForState('eu-west-1', keyId, 'Enabled');
    expect(moved.MultiRegionConfiguration).toMatchObject({
      MultiRegionKeyType: 'PRIMARY',
      PrimaryKey: { Region: 'eu-west-1' },
      ReplicaKeys: [{ Region: 'us-east-1' }],
    });
  });
});
