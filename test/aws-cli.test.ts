/**
 * The real AWS CLI v2 against a real Trent: the CLI's own signing, shorthand syntax, fileb://
 * blobs, JSON output and error reporting (exit code 254 for a service error). Skipped with a
 * message when no AWS CLI v2 is installed, except in CI, where its absence fails the suite.
 */
import { DecryptCommand } from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliOrSkip, runAwsKms, type CliResult } from './helpers/aws-cli.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const AWS = awsCliOrSkip('test/aws-cli.test.ts');

describe.skipIf(!AWS)('AWS CLI v2 against Trent', () => {
  let t: TestServer;
  let home: string;
  let keyId: string;
  let keyArn: string;
  const alias = 'alias/cli-test';

  /** Runs `aws kms <args>` in an isolated environment: no config files, no profile, no pager. */
  const aws = (args: string[], overrides: Record<string, string> = {}): Promise<CliResult> =>
    runAwsKms({ aws: AWS!, endpoint: t.server.url, home, ...t.credentials }, args, overrides);

  /** Runs a command that must succeed and returns its JSON output. */
  async function ok<T = Record<string, unknown>>(args: string[]): Promise<T> {
    const r = await aws(args);
    expect(r, `aws kms ${args.join(' ')}`).toMatchObject({ code: 0 });
    return (r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)) as T;
  }

  beforeAll(async () => {
    t = await startTestServer();
    home = await mkdtemp(join(tmpdir(), 'trent-aws-cli-'));
  });

  afterAll(async () => {
    await t?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('creates, describes and lists a key', async () => {
    const created = await ok<{ KeyMetadata: Record<string, unknown> }>([
      'create-key',
      '--description',
      'made by the AWS CLI',
      '--tags',
      'TagKey=team,TagValue=platform',
    ]);
    const md = created.KeyMetadata;
    expect(md).toMatchObject({
      Description: 'made by the AWS CLI',
      KeyState: 'Enabled',
      Enabled: true,
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyManager: 'CUSTOMER',
      Origin: 'AWS_KMS',
    });
    keyId = md['KeyId'] as string;
    keyArn = md['Arn'] as string;
    expect(keyArn).toBe(`arn:aws:kms:us-east-1:${t.server.accountId}:key/${keyId}`);

    const described = await ok<{ KeyMetadata: Record<string, unknown> }>(['describe-key', '--key-id', keyId]);
    expect(described.KeyMetadata).toMatchObject({ KeyId: keyId, Arn: keyArn, Description: 'made by the AWS CLI' });

    const listed = await ok<{ Keys: Array<{ KeyId: string; KeyArn: string }> }>(['list-keys']);
    expect(listed.Keys).toContainEqual({ KeyId: keyId, KeyArn: keyArn });
  });

  it('creates an alias and lists it', async () => {
    const r = await aws(['create-alias', '--alias-name', alias, '--target-key-id', keyId]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    const listed = await ok<{ Aliases: Array<Record<string, unknown>> }>(['list-aliases', '--key-id', keyId]);
    expect(listed.Aliases).toEqual([
      expect.objectContaining({
        AliasName: alias,
        AliasArn: `arn:aws:kms:us-east-1:${t.server.accountId}:${alias}`,
        TargetKeyId: keyId,
      }),
    ]);
    const described = await ok<{ KeyMetadata: Record<string, unknown> }>(['describe-key', '--key-id', alias]);
    expect(described.KeyMetadata['KeyId']).toBe(keyId);
  });

  it('round-trips binary data through encrypt and decrypt with fileb://', async () => {
    // Every byte value, including NUL and bytes that are not UTF-8.
    const plaintext = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(1000)]);
    const ptFile = join(home, 'plaintext.bin');
    await writeFile(ptFile, plaintext);
    const enc = await ok<{ CiphertextBlob: string; KeyId: string; EncryptionAlgorithm: string }>([
      'encrypt',
      '--key-id',
      alias,
      '--plaintext',
      `fileb://${ptFile}`,
      '--encryption-context',
      'purpose=cli-test',
    ]);
    expect(enc.KeyId).toBe(keyArn);
    expect(enc.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    const ctFile = join(home, 'ciphertext.bin');
    await writeFile(ctFile, Buffer.from(enc.CiphertextBlob, 'base64'));

    const dec = await ok<{ Plaintext: string; KeyId: string }>([
      'decrypt',
      '--ciphertext-blob',
      `fileb://${ctFile}`,
      '--encryption-context',
      'purpose=cli-test',
    ]);
    expect(dec.KeyId).toBe(keyArn);
    expect(Buffer.from(dec.Plaintext, 'base64').equals(plaintext)).toBe(true);
    expect((await readFile(ptFile)).equals(plaintext)).toBe(true);

    // The wrong encryption context is refused with the fixed message-less error.
    const wrong = await aws([
      'decrypt',
      '--ciphertext-blob',
      `fileb://${ctFile}`,
      '--encryption-context',
      'purpose=other',
    ]);
    expect(wrong.code).toBe(254);
    // AWS sends no message; the CLI then prints nothing (or "Unknown") after the colon.
    expect(wrong.stderr).toMatch(
      /An error occurred \(InvalidCiphertextException\) when calling the Decrypt operation(?: \(reached max retries: \d+\))?: (?:Unknown)?\s*$/,
    );
  });

  it('generates a data key whose ciphertext decrypts to its plaintext', async () => {
    const dk = await ok<{ Plaintext: string; CiphertextBlob: string; KeyId: string }>([
      'generate-data-key',
      '--key-id',
      alias,
      '--key-spec',
      'AES_256',
    ]);
    expect(dk.KeyId).toBe(keyArn);
    const plaintext = Buffer.from(dk.Plaintext, 'base64');
    expect(plaintext).toHaveLength(32);
    const sdk = await t.client().send(new DecryptCommand({ CiphertextBlob: Buffer.from(dk.CiphertextBlob, 'base64') }));
    expect(Buffer.from(sdk.Plaintext!).equals(plaintext)).toBe(true);
  });

  it('enables key rotation and reports its status', async () => {
    const before = await ok(['get-key-rotation-status', '--key-id', keyId]);
    expect(before['KeyRotationEnabled']).toBe(false);
    // --rotation-period-in-days is newer than the CLI in Debian 12 (2.9), so the default period applies.
    const r = await aws(['enable-key-rotation', '--key-id', keyId]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    const after = await ok(['get-key-rotation-status', '--key-id', keyId]);
    expect(after['KeyRotationEnabled']).toBe(true);
  });

  /** The CLI's wording of a service error; newer CLIs add the retry count after the operation name. */
  const serviceError = (code: string, operation: string, message: string) =>
    new RegExp(
      `An error occurred \\(${code}\\) when calling the ${operation} operation(?: \\(reached max retries: \\d+\\))?: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
    );

  it('reports a missing alias as NotFoundException with exit code 254', async () => {
    const r = await aws(['describe-key', '--key-id', 'alias/nope']);
    expect(r.code).toBe(254);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      serviceError(
        'NotFoundException',
        'DescribeKey',
        `Alias arn:aws:kms:us-east-1:${t.server.accountId}:alias/nope is not found.`,
      ),
    );
  });

  it('refuses a wrong secret with InvalidSignatureException', async () => {
    // Another last character (one secret in 40 or so already ends with any given one).
    const secret = t.credentials.secretAccessKey;
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`;
    const r = await aws(['list-keys'], { AWS_SECRET_ACCESS_KEY: wrong });
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(
      serviceError(
        'InvalidSignatureException',
        'ListKeys',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      ),
    );
  });

  it('schedules the key for deletion', async () => {
    const scheduled = await ok(['schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '7']);
    expect(scheduled).toMatchObject({ KeyId: keyArn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    // The CLI prints timestamps as ISO 8601.
    const deletionDate = Date.parse(String(scheduled['DeletionDate']));
    const days = (deletionDate - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);

    const described = await ok<{ KeyMetadata: Record<string, unknown> }>(['describe-key', '--key-id', keyId]);
    expect(described.KeyMetadata).toMatchObject({ KeyState: 'PendingDeletion', Enabled: false });

    const ptFile = join(home, 'small.bin');
    await writeFile(ptFile, Buffer.from('no longer'));
    const refused = await aws(['encrypt', '--key-id', keyId, '--plaintext', `fileb://${ptFile}`]);
    expect(refused.code).toBe(254);
    expect(refused.stderr).toMatch(
      serviceError('KMSInvalidStateException', 'Encrypt', `${keyArn} is pending deletion.`),
    );
  });
});
