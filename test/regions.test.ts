/** Keys and aliases are regional: the region of the caller's SigV4 scope decides what it sees. */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ReEncryptCommand,
  type KMSClient,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, EMPTY_MESSAGE, expectKmsError, newKey } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let east: KMSClient;
let west: KMSClient;
let eastKey: KeyMetadata;
let account: string;

beforeAll(async () => {
  t = await startTestServer();
  east = t.client({ region: 'us-east-1' });
  west = t.client({ region: 'eu-west-1' });
  account = t.server.accountId;
  eastKey = await newKey(east, 'east');
});
afterAll(async () => {
  await t?.stop();
});

describe('regions', () => {
  it("builds ARNs with the caller's region", async () => {
    const westKey = await newKey(west);
    expect(westKey.Arn).toBe(`arn:aws:kms:eu-west-1:${account}:key/${westKey.KeyId}`);
    expect(eastKey.Arn).toBe(`arn:aws:kms:us-east-1:${account}:key/${eastKey.KeyId}`);
  });

  it("hides a key from other regions: the bare id names a key of the caller's region", async () => {
    await expectKmsError(
      west.send(new DescribeKeyCommand({ KeyId: eastKey.KeyId })),
      'NotFoundException',
      `Key 'arn:aws:kms:eu-west-1:${account}:key/${eastKey.KeyId}' does not exist`,
    );
    const listed = await west.send(new ListKeysCommand({}));
    expect(listed.Keys?.some((k) => k.KeyId === eastKey.KeyId)).toBe(false);
    const own = await east.send(new ListKeysCommand({}));
    expect(own.Keys?.some((k) => k.KeyId === eastKey.KeyId)).toBe(true);
  });

  it('answers "Invalid arn <region>" for a key ARN or alias ARN of another region', async () => {
    await expectKmsError(
      west.send(new DescribeKeyCommand({ KeyId: eastKey.Arn })),
      'NotFoundException',
      'Invalid arn us-east-1',
    );
    await expectKmsError(
      west.send(new EncryptCommand({ KeyId: eastKey.Arn, Plaintext: bytes('x') })),
      'NotFoundException',
      'Invalid arn us-east-1',
    );
    await expectKmsError(
      west.send(new EnableKeyCommand({ KeyId: eastKey.Arn })),
      'NotFoundException',
      'Invalid arn us-east-1',
    );
    await east.send(new CreateAliasCommand({ AliasName: 'alias/regional', TargetKeyId: eastKey.KeyId }));
    await expectKmsError(
      west.send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:us-east-1:${account}:alias/regional` })),
      'NotFoundException',
      'Invalid arn us-east-1',
    );
    const other = `arn:aws:kms:ap-southeast-1:${account}:key/${eastKey.KeyId}`;
    await expectKmsError(
      east.send(new DescribeKeyCommand({ KeyId: other })),
      'NotFoundException',
      'Invalid arn ap-southeast-1',
    );
  });

  it('keeps a separate alias namespace per region', async () => {
    const westKey = await newKey(west);
    await east.send(new CreateAliasCommand({ AliasName: 'alias/both', TargetKeyId: eastKey.KeyId }));
    await west.send(new CreateAliasCommand({ AliasName: 'alias/both', TargetKeyId: westKey.KeyId }));
    expect((await east.send(new DescribeKeyCommand({ KeyId: 'alias/both' }))).KeyMetadata?.Arn).toBe(eastKey.Arn);
    expect((await west.send(new DescribeKeyCommand({ KeyId: 'alias/both' }))).KeyMetadata?.Arn).toBe(westKey.Arn);
    const westAliases = (await west.send(new ListAliasesCommand({}))).Aliases ?? [];
    expect(westAliases.find((a) => a.AliasName === 'alias/both')?.AliasArn).toBe(
      `arn:aws:kms:eu-west-1:${account}:alias/both`,
    );
    expect(westAliases.some((a) => a.AliasName === 'alias/regional')).toBe(false);
    await expectKmsError(
      west.send(new CreateAliasCommand({ AliasName: 'alias/x', TargetKeyId: eastKey.KeyId })),
      'NotFoundException',
      `Key 'arn:aws:kms:eu-west-1:${account}:key/${eastKey.KeyId}' does not exist`,
    );
  });

  it('does not decrypt a ciphertext of another region, nor re-encrypt into one', async () => {
    const blob = (await east.send(new EncryptCommand({ KeyId: eastKey.KeyId, Plaintext: bytes('regional') })))
      .CiphertextBlob;
    await expectKmsError(
      west.send(new DecryptCommand({ CiphertextBlob: blob })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      east.send(
        new ReEncryptCommand({
          CiphertextBlob: blob,
          DestinationKeyId: `arn:aws:kms:eu-west-1:${account}:key/${eastKey.KeyId}`,
        }),
      ),
      'NotFoundException',
      'Invalid arn eu-west-1',
    );
  });

  it("uses the region's partition in ARNs and in the default key policy", async () => {
    const cn = t.client({ region: 'cn-north-1' });
    const key = await newKey(cn);
    expect(key.Arn).toBe(`arn:aws-cn:kms:cn-north-1:${account}:key/${key.KeyId}`);
    const { Policy } = await cn.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }));
    expect(Policy).toContain(`"AWS" : "arn:aws-cn:iam::${account}:root"`);
    expect((await cn.send(new DescribeKeyCommand({ KeyId: key.Arn }))).KeyMetadata?.KeyId).toBe(key.KeyId);
  });
});

describe('key specs offered per partition, as AWS', () => {
  it('offers SM2 only in the China regions and ML-KEM everywhere else', async () => {
    const t = await startTestServer();
    try {
      const global = t.client({ region: 'us-east-1' });
      const china = t.client({ region: 'cn-north-1' });
      await expect(
        global.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' })),
      ).rejects.toMatchObject({
        name: 'UnsupportedOperationException',
        message: 'KeySpec SM2 is not supported in this Region',
      });
      await expect(
        china.send(new CreateKeyCommand({ KeySpec: 'ML_KEM_768', KeyUsage: 'ENCAPSULATE_DECAPSULATE' as never })),
      ).rejects.toMatchObject({
        name: 'UnsupportedOperationException',
        message: 'KeySpec ML_KEM_768 is not supported in this Region',
      });
      const kem = await global.send(
        new CreateKeyCommand({ KeySpec: 'ML_KEM_768', KeyUsage: 'ENCAPSULATE_DECAPSULATE' as never }),
      );
      expect(kem.KeyMetadata?.KeySpec).toBe('ML_KEM_768');
      const china256 = await china.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
      expect(china256.KeyMetadata?.Arn).toMatch(/^arn:aws-cn:kms:cn-north-1:/);
    } finally {
      await t.stop();
    }
  });
});
