/**
 * Every key identifier form against every operation that takes a key: key id, key ARN, alias name,
 * alias ARN; which operations refuse aliases; other accounts' keys.
 */
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ListKeyPoliciesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
  type KMSClient,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, expectKmsError, newKey, otherAccountClient, text } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;
let key: KeyMetadata;
let account: string;
const ALIAS = 'alias/ident-main';
let aliasArn: string;

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
  account = t.server.accountId;
  key = await newKey(kms, 'identifiers');
  await kms.send(new CreateAliasCommand({ AliasName: ALIAS, TargetKeyId: key.KeyId }));
  aliasArn = `arn:aws:kms:us-east-1:${account}:${ALIAS}`;
});
afterAll(async () => {
  await t?.stop();
});

const forms = () => ({ keyId: key.KeyId!, keyArn: key.Arn!, aliasName: ALIAS, aliasArn });

/** Operations that take only a key id or key ARN, each as a call of KeyId that does not change the key's state. */
const keyOnly: Record<string, (KeyId: string) => object> = {
  UpdateKeyDescription: (KeyId) => new UpdateKeyDescriptionCommand({ KeyId, Description: 'identifiers' }),
  TagResource: (KeyId) => new TagResourceCommand({ KeyId, Tags: [{ TagKey: 't', TagValue: 'v' }] }),
  UntagResource: (KeyId) => new UntagResourceCommand({ KeyId, TagKeys: ['none'] }),
  ListResourceTags: (KeyId) => new ListResourceTagsCommand({ KeyId }),
  EnableKey: (KeyId) => new EnableKeyCommand({ KeyId }),
  EnableKeyRotation: (KeyId) => new EnableKeyRotationCommand({ KeyId }),
  DisableKeyRotation: (KeyId) => new DisableKeyRotationCommand({ KeyId }),
  GetKeyRotationStatus: (KeyId) => new GetKeyRotationStatusCommand({ KeyId }),
  ListKeyRotations: (KeyId) => new ListKeyRotationsCommand({ KeyId }),
  GetKeyPolicy: (KeyId) => new GetKeyPolicyCommand({ KeyId }),
  ListKeyPolicies: (KeyId) => new ListKeyPoliciesCommand({ KeyId }),
  ListAliases: (KeyId) => new ListAliasesCommand({ KeyId }),
};

/** Operations that also accept alias names and alias ARNs. */
const anyForm: Record<string, (KeyId: string) => object> = {
  DescribeKey: (KeyId) => new DescribeKeyCommand({ KeyId }),
  Encrypt: (KeyId) => new EncryptCommand({ KeyId, Plaintext: bytes('x') }),
  GenerateDataKey: (KeyId) => new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256' }),
  GenerateDataKeyWithoutPlaintext: (KeyId) => new GenerateDataKeyWithoutPlaintextCommand({ KeyId, NumberOfBytes: 8 }),
};

describe('identifier forms', () => {
  for (const [name, call] of Object.entries(keyOnly)) {
    it(`${name} accepts key id and key ARN, and refuses aliases with "Invalid keyId"`, async () => {
      const f = forms();
      await kms.send(call(f.keyId) as never);
      await kms.send(call(f.keyArn) as never);
      for (const alias of [f.aliasName, f.aliasArn]) {
        await expectKmsError(kms.send(call(alias) as never), 'NotFoundException', `Invalid keyId '${alias}'`);
      }
    });
  }

  for (const [name, call] of Object.entries(anyForm)) {
    it(`${name} accepts all four forms`, async () => {
      for (const id of Object.values(forms())) {
        const out = (await kms.send(call(id) as never)) as { KeyId?: string; KeyMetadata?: KeyMetadata };
        expect(out.KeyId ?? out.KeyMetadata?.Arn).toBe(key.Arn);
      }
    });
  }

  it('ReEncrypt accepts all four forms for SourceKeyId and DestinationKeyId', async () => {
    const blob = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('re') }))).CiphertextBlob;
    for (const id of Object.values(forms())) {
      const out = await kms.send(new ReEncryptCommand({ CiphertextBlob: blob, SourceKeyId: id, DestinationKeyId: id }));
      expect([out.SourceKeyId, out.KeyId]).toEqual([key.Arn, key.Arn]);
    }
  });

  it('key-only management operations that change state refuse aliases too', async () => {
    const calls = [
      (KeyId: string) => new DisableKeyCommand({ KeyId }),
      (KeyId: string) => new ScheduleKeyDeletionCommand({ KeyId }),
      (KeyId: string) => new CancelKeyDeletionCommand({ KeyId }),
      (KeyId: string) => new RotateKeyOnDemandCommand({ KeyId }),
      (KeyId: string) => new PutKeyPolicyCommand({ KeyId, Policy: '{}' }),
      (KeyId: string) => new CreateAliasCommand({ AliasName: 'alias/new-one', TargetKeyId: KeyId }),
      (KeyId: string) => new UpdateAliasCommand({ AliasName: ALIAS, TargetKeyId: KeyId }),
    ];
    for (const call of calls) {
      for (const alias of [ALIAS, aliasArn]) {
        await expectKmsError(kms.send(call(alias) as never), 'NotFoundException', `Invalid keyId '${alias}'`);
      }
    }
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe('Enabled');
  });

  it('answers "Invalid keyId" for text that is no identifier at all', async () => {
    for (const bad of [
      'key_id',
      'arn:aws:kms:us-east-1:123',
      `arn:aws:kms:us-east-1:${account}:key/not-a-uuid`,
      'arn:aws:s3:::bucket',
    ]) {
      await expectKmsError(
        kms.send(new DescribeKeyCommand({ KeyId: bad })),
        'NotFoundException',
        `Invalid keyId '${bad}'`,
      );
      await expectKmsError(
        kms.send(new EnableKeyCommand({ KeyId: bad })),
        'NotFoundException',
        `Invalid keyId '${bad}'`,
      );
    }
  });

  it('names the full ARN when a well-formed key id or key ARN does not exist', async () => {
    const id = 'deadbeef-dead-4eef-8eef-deadbeefdead';
    const arn = `arn:aws:kms:us-east-1:${account}:key/${id}`;
    for (const call of [...Object.values(keyOnly), ...Object.values(anyForm)]) {
      for (const form of [id, arn]) {
        await expectKmsError(kms.send(call(form) as never), 'NotFoundException', `Key '${arn}' does not exist`);
      }
    }
  });
});

describe('another account', () => {
  let b: KMSClient;
  let bAccount: string;

  beforeAll(async () => {
    bAccount = '444455556666';
    b = await otherAccountClient(t, bAccount);
  });

  const denied = (action: string) =>
    `User: arn:aws:iam::${bAccount}:root is not authorized to perform: ${action} on resource: ${key.Arn} because no resource-based policy allows the ${action} action`;

  it("sees none of the first account's keys or aliases", async () => {
    const keys = await b.send(new ListKeysCommand({}));
    expect(keys.Keys).toEqual([]);
    const aliases = await b.send(new ListAliasesCommand({}));
    expect(aliases.Aliases?.some((a) => a.AliasName === ALIAS)).toBe(false);
  });

  it('cannot find the key by bare id or alias, which resolve in its own account', async () => {
    await expectKmsError(
      b.send(new DescribeKeyCommand({ KeyId: key.KeyId })),
      'NotFoundException',
      `Key 'arn:aws:kms:us-east-1:${bAccount}:key/${key.KeyId}' does not exist`,
    );
    await expectKmsError(
      b.send(new EncryptCommand({ KeyId: ALIAS, Plaintext: bytes('x') })),
      'NotFoundException',
      `Alias arn:aws:kms:us-east-1:${bAccount}:${ALIAS} is not found.`,
    );
  });

  it('may name the key by alias ARN (AWS allows it across accounts), and is then denied by the key policy', async () => {
    await expectKmsError(
      b.send(new DescribeKeyCommand({ KeyId: aliasArn })),
      'AccessDeniedException',
      denied('kms:DescribeKey'),
    );
    await expectKmsError(
      b.send(new EncryptCommand({ KeyId: aliasArn, Plaintext: bytes('x') })),
      'AccessDeniedException',
      denied('kms:Encrypt'),
    );
    const missing = `arn:aws:kms:us-east-1:${account}:alias/not-there`;
    await expectKmsError(
      b.send(new DescribeKeyCommand({ KeyId: missing })),
      'NotFoundException',
      `Alias ${missing} is not found.`,
    );
  });

  it('is denied by the default key policy when it names the key by ARN', async () => {
    await expectKmsError(
      b.send(new DescribeKeyCommand({ KeyId: key.Arn })),
      'AccessDeniedException',
      denied('kms:DescribeKey'),
    );
    await expectKmsError(
      b.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: bytes('x') })),
      'AccessDeniedException',
      denied('kms:Encrypt'),
    );
    await expectKmsError(
      b.send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: 'AES_256' })),
      'AccessDeniedException',
      denied('kms:GenerateDataKey'),
    );
    await expectKmsError(
      b.send(new GetKeyRotationStatusCommand({ KeyId: key.Arn })),
      'AccessDeniedException',
      denied('kms:GetKeyRotationStatus'),
    );
  });

  it("cannot decrypt or re-encrypt the first account's ciphertext", async () => {
    const blob = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('secret') }))).CiphertextBlob;
    await expectKmsError(
      b.send(new DecryptCommand({ CiphertextBlob: blob })),
      'AccessDeniedException',
      denied('kms:Decrypt'),
    );
    const own = await newKey(b);
    await expectKmsError(
      b.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: own.KeyId })),
      'AccessDeniedException',
      denied('kms:ReEncryptFrom'),
    );
    // The owner still can.
    expect(text((await kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext)).toBe('secret');
  });

  it('cannot manage the key: operations without cross-account access answer NotFoundException', async () => {
    for (const call of [
      (KeyId: string) => new DisableKeyCommand({ KeyId }),
      (KeyId: string) => new ScheduleKeyDeletionCommand({ KeyId }),
      (KeyId: string) => new TagResourceCommand({ KeyId, Tags: [{ TagKey: 'evil', TagValue: '1' }] }),
      (KeyId: string) => new PutKeyPolicyCommand({ KeyId, Policy: '{}' }),
      (KeyId: string) => new RotateKeyOnDemandCommand({ KeyId }),
    ]) {
      await expectKmsError(b.send(call(key.Arn!) as never), 'NotFoundException', `Key '${key.Arn}' does not exist`);
    }
    const m = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata;
    expect(m?.KeyState).toBe('Enabled');
    expect(m?.CurrentKeyMaterialId).toBe(key.CurrentKeyMaterialId);
    const tags = (await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags ?? [];
    expect(tags.some((x) => x.TagKey === 'evil')).toBe(false);
  });

  it("cannot point its aliases at the first account's key", async () => {
    await expectKmsError(
      b.send(new CreateAliasCommand({ AliasName: 'alias/steal', TargetKeyId: key.Arn })),
      'NotFoundException',
      `Key '${key.Arn}' does not exist`,
    );
  });

  it('has its own alias namespace', async () => {
    const own = await newKey(b);
    await b.send(new CreateAliasCommand({ AliasName: ALIAS, TargetKeyId: own.KeyId }));
    expect((await b.send(new DescribeKeyCommand({ KeyId: ALIAS }))).KeyMetadata?.Arn).toBe(own.Arn);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: ALIAS }))).KeyMetadata?.Arn).toBe(key.Arn);
    expect(own.Arn).toBe(`arn:aws:kms:us-east-1:${bAccount}:key/${own.KeyId}`);
  });
});
