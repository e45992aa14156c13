/** Seed files (issue 13): `--dev --seed FILE` through the server's options and the AWS SDK. */
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  SignCommand,
} from '@aws-sdk/client-kms';
import { constants, createPublicKey, createVerify, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { exportSeed } from '../src/seed/index.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const ACCOUNT = '111122223333';
const SYM = '0d5c3a1e-6f0b-4b7e-9a51-3c2f8e1d7a90';
const EC = '1d5c3a1e-6f0b-4b7e-9a51-3c2f8e1d7a91';
const GEN = '2d5c3a1e-6f0b-4b7e-9a51-3c2f8e1d7a92';
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ecPem = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

const seedObject = {
  Accounts: [
    {
      AccountId: ACCOUNT,
      Regions: {
        'us-east-1': {
          Keys: [
            {
              KeyId: SYM,
              KeySpec: 'SYMMETRIC_DEFAULT',
              KeyUsage: 'ENCRYPT_DECRYPT',
              Description: 'app key',
              Enabled: true,
              Tags: [{ TagKey: 'team', TagValue: 'payments' }],
              KeyRotationEnabled: true,
              RotationPeriodInDays: 180,
              KeyMaterial: ['11'.repeat(32), '22'.repeat(32)],
            },
            { KeyId: EC, KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', KeyMaterial: [ecPem] },
            { KeyId: GEN, Description: 'generated', Enabled: false },
          ],
          Aliases: [{ AliasName: 'alias/app', TargetKeyId: SYM }],
        },
      },
    },
  ],
};

const dirs: string[] = [];
async function seedFile(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trent-seed-'));
  dirs.push(dir);
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}
const servers: TestServer[] = [];
async function start(seed: string, dataDir?: string): Promise<TestServer> {
  const s = await startTestServer({ dev: true, seed, ...(dataDir ? { dataDir } : {}) });
  servers.push(s);
  return s;
}
afterAll(async () => {
  for (const s of servers) await s.server.close();
});

describe('serve --dev --seed', () => {
  it('creates the keys with their ids, settings, tags and aliases', async () => {
    const file = await seedFile('seed.yaml', stringify(seedObject));
    const s = await start(file);
    const kms = s.client();
    const { KeyMetadata: sym } = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/app' }));
    expect(sym).toMatchObject({ KeyId: SYM, Description: 'app key', Enabled: true, KeySpec: 'SYMMETRIC_DEFAULT' });
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: SYM }));
    expect(tags.Tags).toEqual([{ TagKey: 'team', TagValue: 'payments' }]);
    const { KeyMetadata: gen } = await kms.send(new DescribeKeyCommand({ KeyId: GEN }));
    expect(gen).toMatchObject({ KeyState: 'Disabled', Description: 'generated' });
  });

  it('a ciphertext made under seeded material decrypts on another server seeded from the same file', async () => {
    const file = await seedFile('seed.json', JSON.stringify(seedObject, null, 2));
    const a = await start(file);
    const { CiphertextBlob } = await a
      .client()
      .send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('attack at dawn') }));
    const b = await start(file);
    const out = await b.client().send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(out.Plaintext!).toString()).toBe('attack at dawn');
    expect(out.KeyId).toBe(`arn:aws:kms:us-east-1:${ACCOUNT}:key/${SYM}`);
  });

  it('starting again with the same file changes nothing', async () => {
    const file = await seedFile('seed.yaml', stringify(seedObject));
    const first = await startTestServer({ dev: true, seed: file });
    const before = await first.client().send(new DescribeKeyCommand({ KeyId: GEN }));
    const { CiphertextBlob } = await first
      .client()
      .send(new EncryptCommand({ KeyId: SYM, Plaintext: Buffer.from('x') }));
    await first.server.close();
    const { startServer } = await import('../src/server/index.js');
    const again = await startServer({
      dev: true,
      seed: file,
      dataDir: first.dataDir,
      port: 0,
      schedulerIntervalMs: 0,
      logger: first.logs,
    });
    try {
      const kms = first.client({ endpoint: again.url });
      const after = await kms.send(new DescribeKeyCommand({ KeyId: GEN }));
      expect(after.KeyMetadata).toEqual(before.KeyMetadata);
      expect((await kms.send(new ListKeysCommand({}))).Keys).toHaveLength(3);
      expect((await kms.send(new DecryptCommand({ CiphertextBlob }))).KeyId).toContain(SYM);
    } finally {
      await again.close();
    }
  });

  it('signs with PKCS#8 PEM material, checkable with the known public key', async () => {
    const s = await start(await seedFile('seed.yaml', stringify(seedObject)));
    const kms = s.client();
    const message = Buffer.from('hello');
    const { Signature } = await kms.send(
      new SignCommand({ KeyId: EC, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(createVerify('sha256').update(message).verify(ec.publicKey, Buffer.from(Signature!))).toBe(true);
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: EC }));
    expect(
      createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' }).export({
        format: 'pem',
        type: 'spki',
      }),
    ).toBe(ec.publicKey.export({ format: 'pem', type: 'spki' }));
  });

  it('refuses a file with errors whole, naming each line and member, and writes nothing', async () => {
    const text = [
      'Accounts:',
      '  - AccountId: "111122223333"',
      '    Regions:',
      '      us-east-1:',
      '        Keys:',
      `          - KeyId: ${SYM}`,
      '            KeyMaterial: ["abcd"]',
      '          - KeyId: 3d5c3a1e-6f0b-4b7e-9a51-3c2f8e1d7a93',
      '            KeySpec: AES_512',
      '          - KeyId: 4d5c3a1e-6f0b-4b7e-9a51-3c2f8e1d7a94',
      '            Colour: blue',
      '            Enabled: "yes"',
      '        Aliases:',
      '          - AliasName: alias/missing',
      '            TargetKeyId: 5d5c3a1e-6f0b-4b7e-9a51-3c2f8e1d7a95',
      '',
    ].join('\n');
    const file = await seedFile('bad.yaml', text);
    const dataDir = await mkdtemp(join(tmpdir(), 'trent-seed-data-'));
    dirs.push(dataDir);
    const err = await startTestServer({ dev: true, seed: file, dataDir }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain(`invalid seed file ${file}`);
    expect(err?.message).toContain(
      'line 7, Accounts[0].Regions.us-east-1.Keys[0].KeyMaterial[0]: must be 64 hex digits',
    );
    expect(err?.message).toContain(
      'line 9, Accounts[0].Regions.us-east-1.Keys[1].KeySpec: must be one of SYMMETRIC_DEFAULT',
    );
    expect(err?.message).toContain('line 11, Accounts[0].Regions.us-east-1.Keys[2].Colour: unknown member');
    expect(err?.message).toContain('line 12, Accounts[0].Regions.us-east-1.Keys[2].Enabled: must be true or false');
    expect(err?.message).toContain('line 15, Accounts[0].Regions.us-east-1.Aliases[0].TargetKeyId: names no key');
    // Refused before the data directory was touched.
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('POST /_trent/reset wipes what the API made and applies the seed file again', async () => {
    const file = await seedFile('seed.yaml', stringify(seedObject));
    const s = await start(file);
    const kms = s.client();
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('before the reset') }),
    );
    const extra = (await kms.send(new CreateKeyCommand({ Description: 'made by a test' }))).KeyMetadata!;
    expect((await kms.send(new ListKeysCommand({}))).Keys).toHaveLength(4);

    const reset = await fetch(`${s.server.url}/_trent/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);

    const keys = (await kms.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyId).sort();
    expect(keys).toEqual([SYM, EC, GEN].sort());
    await expect(kms.send(new DescribeKeyCommand({ KeyId: extra.KeyId }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    // The seeded material is the same material, so what was encrypted before still decrypts.
    const out = await kms.send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(out.Plaintext!).toString()).toBe('before the reset');
    const aliases = (await kms.send(new ListAliasesCommand({}))).Aliases!.map((a) => a.AliasName);
    expect(aliases).toContain('alias/app');
  });

  it('refuses a seed file without dev', async () => {
    const file = await seedFile('seed.yaml', stringify(seedObject));
    await expect(startTestServer({ seed: file })).rejects.toThrow('--seed needs --dev');
  });

  it('export recreates keys, aliases and (with material) decryptable ciphertexts', async () => {
    const a = await start(await seedFile('seed.yaml', stringify(seedObject)));
    const { CiphertextBlob } = await a.client().send(new EncryptCommand({ KeyId: SYM, Plaintext: Buffer.from('g') }));
    const exported = await exportSeed(a.server.services.storage, a.server.services.keyStore, { includeMaterial: true });
    const b = await start(await seedFile('exported.yaml', stringify(exported)));
    const kms = b.client();
    const aliases = await kms.send(new ListAliasesCommand({}));
    expect(aliases.Aliases?.find((x) => x.AliasName === 'alias/app')?.TargetKeyId).toBe(SYM);
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: GEN }));
    expect(KeyMetadata).toMatchObject({ KeyState: 'Disabled', Description: 'generated' });
    const out = await kms.send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(out.Plaintext!).toString()).toBe('g');
    const withoutMaterial = await exportSeed(a.server.services.storage, a.server.services.keyStore, {
      includeMaterial: false,
    });
    expect(JSON.stringify(withoutMaterial)).not.toContain('KeyMaterial');
  });

  it('keeps imported keys imported: their origin, their material, and a key still waiting for it', async () => {
    const a = await start(await seedFile('none.yaml', stringify({ Accounts: [{ AccountId: ACCOUNT }] })));
    const kms = a.client();
    const importInto = async (keyId: string, material: Buffer) => {
      const params = await kms.send(
        new GetParametersForImportCommand({
          KeyId: keyId,
          WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
          WrappingKeySpec: 'RSA_2048',
        }),
      );
      const publicKey = createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' });
      const EncryptedKeyMaterial = publicEncrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        material,
      );
      await kms.send(
        new ImportKeyMaterialCommand({
          KeyId: keyId,
          ImportToken: params.ImportToken,
          EncryptedKeyMaterial,
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      );
    };
    const imported = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    const waiting = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', Description: 'later' }))).KeyMetadata!
      .KeyId!;
    const material = randomBytes(32);
    await importInto(imported, material);
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: imported, Plaintext: Buffer.from('byok') }));

    // An AWS managed key (made by naming its alias) is its service's, never the seed's.
    await kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/ssm' }));
    const exported = await exportSeed(a.server.services.storage, a.server.services.keyStore, { includeMaterial: true });
    expect(JSON.stringify(exported)).not.toContain('alias/aws/');
    const keys = (exported as { Accounts: { Regions: Record<string, { Keys: Record<string, unknown>[] }> }[] })
      .Accounts[0]!.Regions['us-east-1']!.Keys;
    expect(keys.find((k) => k.KeyId === imported)).toMatchObject({ Origin: 'EXTERNAL' });
    expect(keys.find((k) => k.KeyId === waiting)).toMatchObject({ Origin: 'EXTERNAL', Description: 'later' });
    expect(keys.find((k) => k.KeyId === waiting)).not.toHaveProperty('KeyMaterial');

    const b = await start(await seedFile('imported.yaml', stringify(exported)));
    const again = b.client();
    expect((await again.send(new DescribeKeyCommand({ KeyId: imported }))).KeyMetadata).toMatchObject({
      Origin: 'EXTERNAL',
      KeyState: 'Enabled',
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });
    const out = await again.send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(out.Plaintext!).toString()).toBe('byok');
    expect((await again.send(new DescribeKeyCommand({ KeyId: waiting }))).KeyMetadata).toMatchObject({
      Origin: 'EXTERNAL',
      KeyState: 'PendingImport',
    });
    // The seeded material is the imported one: importing it again into the seeded key is accepted.
    const client = b.client();
    const params = await client.send(
      new GetParametersForImportCommand({
        KeyId: imported,
        WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
        WrappingKeySpec: 'RSA_2048',
      }),
    );
    await client.send(
      new ImportKeyMaterialCommand({
        KeyId: imported,
        ImportToken: params.ImportToken,
        EncryptedKeyMaterial: publicEncrypt(
          {
            key: createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' }),
            padding: constants.RSA_PKCS1_OAEP_PADDING,
            oaepHash: 'sha256',
          },
          material,
        ),
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
    );
  });
});
