/**
 * Importing key material with the real AWS CLI v2 and OpenSSL, step by step as the KMS Developer
 * Guide's "Importing key material" procedure does it: create a key of Origin EXTERNAL, download
 * the wrapping public key and import token, wrap 256 bits with `openssl pkeyutl`, import with
 * `fileb://` blobs, use the key, delete the material and import it again.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliOrSkip, runAwsKms, type CliResult } from './helpers/aws-cli.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const AWS = awsCliOrSkip('test/aws-cli-import.test.ts');

describe.skipIf(!AWS)('importing key material with the AWS CLI v2 and openssl', () => {
  let t: TestServer;
  let home: string;
  const file = (name: string) => join(home, name);

  const aws = (args: string[]): Promise<CliResult> =>
    runAwsKms({ aws: AWS!, endpoint: t.server.url, home, ...t.credentials }, args);

  async function ok<T = Record<string, unknown>>(args: string[]): Promise<T> {
    const r = await aws(args);
    expect(r, `aws kms ${args.join(' ')}`).toMatchObject({ code: 0 });
    return (r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)) as T;
  }

  /** GetParametersForImport, the public key and token written as the binary files the procedure uses. */
  async function downloadParameters(keyId: string, algorithm: string, spec: string): Promise<void> {
    const params = await ok<{ PublicKey: string; ImportToken: string; ParametersValidTo: string }>([
      'get-parameters-for-import',
      '--key-id',
      keyId,
      '--wrapping-algorithm',
      algorithm,
      '--wrapping-key-spec',
      spec,
    ]);
    expect(new Date(params.ParametersValidTo).getTime()).toBeGreaterThan(Date.now());
    await writeFile(file('WrappingPublicKey.bin'), Buffer.from(params.PublicKey, 'base64'));
    await writeFile(file('ImportToken.bin'), Buffer.from(params.ImportToken, 'base64'));
  }

  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

  function wrapOaepSha256(): void {
    openssl(
      'pkeyutl',
      '-encrypt',
      '-in',
      file('PlaintextKeyMaterial.bin'),
      '-out',
      file('EncryptedKeyMaterial.bin'),
      '-inkey',
      file('WrappingPublicKey.bin'),
      '-keyform',
      'DER',
      '-pubin',
      '-pkeyopt',
      'rsa_padding_mode:oaep',
      '-pkeyopt',
      'rsa_oaep_md:sha256',
      '-pkeyopt',
      'rsa_mgf1_md:sha256',
    );
  }

  const importMaterial = (keyId: string, ...extra: string[]) =>
    aws([
      'import-key-material',
      '--key-id',
      keyId,
      '--encrypted-key-material',
      `fileb://${file('EncryptedKeyMaterial.bin')}`,
      '--import-token',
      `fileb://${file('ImportToken.bin')}`,
      ...extra,
    ]);

  beforeAll(async () => {
    t = await startTestServer();
    home = await mkdtemp(join(tmpdir(), 'trent-aws-cli-import-'));
  });

  afterAll(async () => {
    await t?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('imports, uses, deletes and re-imports 256 bits wrapped with RSAES_OAEP_SHA_256', async () => {
    const created = await ok<{ KeyMetadata: { KeyId: string; KeyState: string; Origin: string } }>([
      'create-key',
      '--origin',
      'EXTERNAL',
      '--description',
      'imported with the AWS CLI',
    ]);
    const keyId = created.KeyMetadata.KeyId;
    expect(created.KeyMetadata).toMatchObject({ KeyState: 'PendingImport', Origin: 'EXTERNAL' });

    openssl('rand', '-out', file('PlaintextKeyMaterial.bin'), '32');
    await downloadParameters(keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    wrapOaepSha256();
    const imported = await importMaterial(keyId, '--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    expect(imported.code, imported.stderr).toBe(0);

    const described = await ok<{ KeyMetadata: Record<string, unknown> }>(['describe-key', '--key-id', keyId]);
    expect(described.KeyMetadata).toMatchObject({
      KeyState: 'Enabled',
      Origin: 'EXTERNAL',
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });

    await writeFile(file('message.txt'), 'imported material at work');
    const encrypted = await ok<{ CiphertextBlob: string }>([
      'encrypt',
      '--key-id',
      keyId,
      '--plaintext',
      `fileb://${file('message.txt')}`,
    ]);
    await writeFile(file('message.enc'), Buffer.from(encrypted.CiphertextBlob, 'base64'));
    const decrypt = () =>
      aws([
        'decrypt',
        '--ciphertext-blob',
        `fileb://${file('message.enc')}`,
        '--output',
        'text',
        '--query',
        'Plaintext',
      ]);
    const first = await decrypt();
    expect(first.code, first.stderr).toBe(0);
    expect(Buffer.from(first.stdout.trim(), 'base64').toString()).toBe('imported material at work');

    // Without its material the key waits for an import and the ciphertext does not decrypt.
    expect(await aws(['delete-imported-key-material', '--key-id', keyId])).toMatchObject({ code: 0 });
    const pending = await ok<{ KeyMetadata: { KeyState: string } }>(['describe-key', '--key-id', keyId]);
    expect(pending.KeyMetadata.KeyState).toBe('PendingImport');
    const refused = await decrypt();
    expect(refused.code).toBe(254);
    expect(refused.stderr).toContain('KMSInvalidStateException');

    // The same material, under a new token, brings the old ciphertext back.
    await downloadParameters(keyId, 'RSAES_OAEP_SHA_256', 'RSA_3072');
    wrapOaepSha256();
    const again = await importMaterial(keyId, '--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    expect(again.code, again.stderr).toBe(0);
    const back = await decrypt();
    expect(back.code, back.stderr).toBe(0);
    expect(Buffer.from(back.stdout.trim(), 'base64').toString()).toBe('imported material at work');
  });

  it('refuses other material under a used token and under a fresh one, as AWS answers', async () => {
    const created = await ok<{ KeyMetadata: { KeyId: string } }>(['create-key', '--origin', 'EXTERNAL']);
    const keyId = created.KeyMetadata.KeyId;
    openssl('rand', '-out', file('PlaintextKeyMaterial.bin'), '32');
    await downloadParameters(keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    wrapOaepSha256();
    expect((await importMaterial(keyId, '--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE')).code).toBe(0);

    // The token served its import.
    const reused = await importMaterial(keyId, '--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    expect(reused.code).toBe(254);
    expect(reused.stderr).toMatch(/InvalidImportTokenException|ExpiredImportTokenException/);

    // Different material is not the key's material.
    openssl('rand', '-out', file('PlaintextKeyMaterial.bin'), '32');
    await downloadParameters(keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    wrapOaepSha256();
    const other = await importMaterial(keyId, '--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    expect(other.code).toBe(254);
    expect(other.stderr).toContain('IncorrectKeyMaterialException');

    // A blob not wrapped for this token is refused, and nothing changes.
    await writeFile(file('EncryptedKeyMaterial.bin'), (await readFile(file('EncryptedKeyMaterial.bin'))).reverse());
    const garbled = await importMaterial(keyId, '--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    expect(garbled.code).toBe(254);
    const described = await ok<{ KeyMetadata: { KeyState: string } }>(['describe-key', '--key-id', keyId]);
    expect(described.KeyMetadata.KeyState).toBe('Enabled');
  });
});
