/** Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom. */
import {
  DecryptCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { CreateAliasCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, EMPTY_MESSAGE, expectKmsError, newKey, text } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;
let key: KeyMetadata;
let other: KeyMetadata;
let disabled: KeyMetadata;
let deleting: KeyMetadata;
const INCORRECT_KEY = 'The key ID in the request does not identify a CMK that can perform this operation.';
const DRY_RUN = 'The request would have succeeded, but the DryRun option is set.';

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
  key = await newKey(kms, 'main');
  other = await newKey(kms, 'other');
  disabled = await newKey(kms, 'disabled');
  deleting = await newKey(kms, 'deleting');
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/crypto-main', TargetKeyId: key.KeyId }));
});
afterAll(async () => {
  await t?.stop();
});

async function encrypt(plaintext: string, context?: Record<string, string>, keyId = key.KeyId) {
  const out = await kms.send(
    new EncryptCommand({ KeyId: keyId, Plaintext: bytes(plaintext), EncryptionContext: context }),
  );
  return out.CiphertextBlob!;
}

/** Ciphertexts made while the keys were still usable. */
let underDisabled: Uint8Array;
let underDeleting: Uint8Array;
beforeAll(async () => {
  underDisabled = await encrypt('d', undefined, disabled.KeyId);
  underDeleting = await encrypt('p', undefined, deleting.KeyId);
  await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: deleting.KeyId }));
});

describe('Encrypt and Decrypt', () => {
  it('round-trips and answers with the key ARN, algorithm and material id', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('hello, world') }));
    expect(enc).toMatchObject({ KeyId: key.Arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(text(enc.CiphertextBlob)).not.toContain('hello');
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    expect(dec).toMatchObject({
      KeyId: key.Arn,
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      KeyMaterialId: key.CurrentKeyMaterialId,
    });
    expect(text(dec.Plaintext)).toBe('hello, world');
  });

  it('makes a different ciphertext each time', async () => {
    const a = await encrypt('same');
    const b = await encrypt('same');
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('encrypts exactly 4096 bytes and refuses 4097 and 0', async () => {
    const max = new Uint8Array(4096).fill(7);
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: max }));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    expect(Buffer.from(dec.Plaintext!).equals(Buffer.from(max))).toBe(true);
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array(4097) })),
      'ValidationException',
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array(0) })),
      'ValidationException',
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('binds the encryption context: same context decrypts, any other fails with no message', async () => {
    const ctx = { purpose: 'test', tenant: 'acme' };
    const blob = await encrypt('bound', ctx);
    const dec = await kms.send(
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { tenant: 'acme', purpose: 'test' } }),
    );
    expect(text(dec.Plaintext)).toBe('bound');
    const wrongContexts: (Record<string, string> | undefined)[] = [
      undefined,
      {},
      { purpose: 'test' },
      { purpose: 'test', tenant: 'other' },
      { ...ctx, extra: 'x' },
    ];
    for (const wrong of wrongContexts) {
      await expectKmsError(
        kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: wrong })),
        'InvalidCiphertextException',
        EMPTY_MESSAGE,
      );
    }
    // And a ciphertext made without context does not decrypt with one.
    const plain = await encrypt('free');
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: plain, EncryptionContext: { a: 'b' } })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
  });

  it('refuses an encryption context that is not well-formed Unicode', async () => {
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x'), EncryptionContext: { '\ud800': 'v' } })),
      'ValidationException',
      "1 validation error detected: Value at 'encryptionContext' failed to satisfy constraint: Member must contain only well-formed Unicode",
    );
    await expectKmsError(
      kms.send(
        new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: { k: 'a\udfff' } }),
      ),
      'ValidationException',
      "1 validation error detected: Value at 'encryptionContext.k.member' failed to satisfy constraint: Member must contain only well-formed Unicode",
    );
    const blob = await encrypt('x', { k: '\ufffd' });
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { k: '\ud800' } })),
      'ValidationException',
      "1 validation error detected: Value at 'encryptionContext.k.member' failed to satisfy constraint: Member must contain only well-formed Unicode",
    );
    expect(
      text(
        (await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { k: '\ufffd' } }))).Plaintext,
      ),
    ).toBe('x');
  });

  it('Decrypt accepts KeyId in every form that names the right key', async () => {
    const blob = await encrypt('named');
    const aliasArn = `arn:aws:kms:us-east-1:${t.server.accountId}:alias/crypto-main`;
    for (const id of [key.KeyId, key.Arn, 'alias/crypto-main', aliasArn]) {
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: id }));
      expect(text(dec.Plaintext)).toBe('named');
    }
  });

  it('Decrypt with KeyId of another key answers IncorrectKeyException', async () => {
    const blob = await encrypt('named');
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: other.KeyId })),
      'IncorrectKeyException',
      INCORRECT_KEY,
    );
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: other.Arn })),
      'IncorrectKeyException',
      INCORRECT_KEY,
    );
  });

  it('rejects garbage and tampered ciphertext with InvalidCiphertextException', async () => {
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: bytes('not a ciphertext') })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
    const blob = Buffer.from(await encrypt('tamper me', { purpose: 'tamper' }));
    // Every byte changed (three ways), every truncation, and an extra byte: one answer for all,
    // with no message, so a caller learns nothing about which part was wrong.
    const variants: Buffer[] = [];
    for (let at = 0; at < blob.length; at++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = Buffer.from(blob);
        bad[at] = bad[at]! ^ mask;
        variants.push(bad);
      }
    }
    for (let length = 1; length < blob.length; length++) variants.push(blob.subarray(0, length));
    variants.push(Buffer.concat([blob, Buffer.from([0])]));
    const answers = await Promise.all(
      variants.map((CiphertextBlob) =>
        kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { purpose: 'tamper' } })).then(
          () => 'decrypted',
          (e: Error) => `${e.name}: ${e.message}`,
        ),
      ),
    );
    const garbage = await kms.send(new DecryptCommand({ CiphertextBlob: bytes('not a ciphertext') })).then(
      () => 'decrypted',
      (e: Error) => `${e.name}: ${e.message}`,
    );
    expect(garbage).toMatch(/^InvalidCiphertextException: (UnknownError)?$/);
    expect(new Set(answers)).toEqual(new Set([garbage]));
    // The untouched blob still decrypts, with the right context only.
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { purpose: 'other' } })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
    const ok = await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { purpose: 'tamper' } }));
    expect(Buffer.from(ok.Plaintext!).toString()).toBe('tamper me');
  });

  it('refuses an asymmetric EncryptionAlgorithm on a symmetric key', async () => {
    await expectKmsError(
      kms.send(
        new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }),
      ),
      'InvalidKeyUsageException',
      'Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.',
    );
    const blob = await encrypt('x');
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })),
      'InvalidKeyUsageException',
      'Algorithm RSAES_OAEP_SHA_1 is incompatible with key spec SYMMETRIC_DEFAULT.',
    );
    const ok = await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }));
    expect(text(ok.Plaintext)).toBe('x');
  });

  it('answers NotFoundException for a missing key and for an unknown alias', async () => {
    const id = '99999999-9999-4999-8999-999999999999';
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('x') })),
      'NotFoundException',
      `Key 'arn:aws:kms:us-east-1:${t.server.accountId}:key/${id}' does not exist`,
    );
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: 'alias/none', Plaintext: bytes('x') })),
      'NotFoundException',
      `Alias arn:aws:kms:us-east-1:${t.server.accountId}:alias/none is not found.`,
    );
  });
});

describe('key states', () => {
  it('every cryptographic operation answers DisabledException for a disabled key', async () => {
    const msg = `${disabled.Arn} is disabled.`;
    const id = disabled.KeyId;
    await expectKmsError(kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('x') })), 'DisabledException', msg);
    await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob: underDisabled })), 'DisabledException', msg);
    await expectKmsError(
      kms.send(new GenerateDataKeyCommand({ KeyId: id, KeySpec: 'AES_256' })),
      'DisabledException',
      msg,
    );
    await expectKmsError(
      kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: id, KeySpec: 'AES_256' })),
      'DisabledException',
      msg,
    );
    await expectKmsError(
      kms.send(new ReEncryptCommand({ CiphertextBlob: underDisabled, DestinationKeyId: key.KeyId })),
      'DisabledException',
      msg,
    );
    const blob = await encrypt('to disabled');
    await expectKmsError(
      kms.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: id })),
      'DisabledException',
      msg,
    );
  });

  it('every cryptographic operation answers KMSInvalidStateException for a key pending deletion', async () => {
    const msg = `${deleting.Arn} is pending deletion.`;
    const id = deleting.KeyId;
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('x') })),
      'KMSInvalidStateException',
      msg,
    );
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: underDeleting })),
      'KMSInvalidStateException',
      msg,
    );
    await expectKmsError(
      kms.send(new GenerateDataKeyCommand({ KeyId: id, NumberOfBytes: 16 })),
      'KMSInvalidStateException',
      msg,
    );
    await expectKmsError(
      kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: id, NumberOfBytes: 16 })),
      'KMSInvalidStateException',
      msg,
    );
    await expectKmsError(
      kms.send(new ReEncryptCommand({ CiphertextBlob: underDeleting, DestinationKeyId: key.KeyId })),
      'KMSInvalidStateException',
      msg,
    );
  });
});

describe('DryRun', () => {
  it('answers DryRunOperationException when the call would succeed, and does nothing', async () => {
    const blob = await encrypt('dry');
    const calls = [
      new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x'), DryRun: true }),
      new DecryptCommand({ CiphertextBlob: blob, DryRun: true }),
      new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: other.KeyId, DryRun: true }),
      new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', DryRun: true }),
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, KeySpec: 'AES_128', DryRun: true }),
    ];
    for (const call of calls) await expectKmsError(kms.send(call as never), 'DryRunOperationException', DRY_RUN);
  });

  it('reports the real error instead when the call would fail', async () => {
    await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: disabled.KeyId, Plaintext: bytes('x'), DryRun: true })),
      'DisabledException',
      `${disabled.Arn} is disabled.`,
    );
    const blob = await encrypt('dry');
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: other.KeyId, DryRun: true })),
      'IncorrectKeyException',
      INCORRECT_KEY,
    );
  });

  it('reports errors found after the key checks too', async () => {
    const blob = await encrypt('dry');
    await expectKmsError(
      kms.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: disabled.KeyId, DryRun: true })),
      'DisabledException',
      `${disabled.Arn} is disabled.`,
    );
    await expectKmsError(
      kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, DryRun: true })),
      'ValidationException',
      'Please specify either number of bytes or key spec.',
    );
    await expectKmsError(
      kms.send(
        new EncryptCommand({
          KeyId: key.KeyId,
          Plaintext: bytes('x'),
          EncryptionAlgorithm: 'RSAES_OAEP_SHA_1',
          DryRun: true,
        }),
      ),
      'InvalidKeyUsageException',
      'Algorithm RSAES_OAEP_SHA_1 is incompatible with key spec SYMMETRIC_DEFAULT.',
    );
  });

  it('DryRun false behaves as usual', async () => {
    const out = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x'), DryRun: false }));
    expect(out.CiphertextBlob?.length).toBeGreaterThan(0);
  });
});

describe('ReEncrypt', () => {
  it('moves a ciphertext to another key and context without showing the plaintext', async () => {
    const blob = await encrypt('moving', { from: 'a' });
    const out = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: blob,
        SourceEncryptionContext: { from: 'a' },
        DestinationKeyId: 'alias/crypto-main',
        DestinationEncryptionContext: { to: 'b' },
      }),
    );
    expect(out).toMatchObject({
      SourceKeyId: key.Arn,
      KeyId: key.Arn,
      SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    expect(out).not.toHaveProperty('Plaintext');
    const toOther = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: out.CiphertextBlob,
        SourceEncryptionContext: { to: 'b' },
        DestinationKeyId: other.Arn,
      }),
    );
    expect(toOther).toMatchObject({ SourceKeyId: key.Arn, KeyId: other.Arn });
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: toOther.CiphertextBlob }));
    expect(dec.KeyId).toBe(other.Arn);
    expect(text(dec.Plaintext)).toBe('moving');
    await expectKmsError(
      kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
  });

  it('needs the source context and a matching SourceKeyId', async () => {
    const blob = await encrypt('ctx', { k: 'v' });
    await expectKmsError(
      kms.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: other.KeyId })),
      'InvalidCiphertextException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      kms.send(
        new ReEncryptCommand({
          CiphertextBlob: blob,
          SourceEncryptionContext: { k: 'v' },
          SourceKeyId: other.KeyId,
          DestinationKeyId: other.KeyId,
        }),
      ),
      'IncorrectKeyException',
      INCORRECT_KEY,
    );
    const ok = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: blob,
        SourceEncryptionContext: { k: 'v' },
        SourceKeyId: 'alias/crypto-main',
        DestinationKeyId: other.KeyId,
      }),
    );
    expect(ok.SourceKeyId).toBe(key.Arn);
  });

  it('requires DestinationKeyId', async () => {
    const blob = await encrypt('x');
    await expectKmsError(
      kms.send(new ReEncryptCommand({ CiphertextBlob: blob } as never)),
      'ValidationException',
      "1 validation error detected: Value null at 'destinationKeyId' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('GenerateDataKey and GenerateDataKeyWithoutPlaintext', () => {
  it('makes data keys of the KeySpec length that Decrypt gives back', async () => {
    for (const [spec, len] of [
      ['AES_256', 32],
      ['AES_128', 16],
    ] as const) {
      const out = await kms.send(
        new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: spec, EncryptionContext: { use: 'dk' } }),
      );
      expect(out.KeyId).toBe(key.Arn);
      expect(out.KeyMaterialId).toBe(key.CurrentKeyMaterialId);
      expect(out.Plaintext).toHaveLength(len);
      const dec = await kms.send(
        new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: { use: 'dk' } }),
      );
      expect(Buffer.from(dec.Plaintext!).equals(Buffer.from(out.Plaintext!))).toBe(true);
    }
  });

  it('makes data keys of NumberOfBytes, 1 to 1024', async () => {
    for (const n of [1, 64, 1024]) {
      const out = await kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/crypto-main', NumberOfBytes: n }));
      expect(out.Plaintext).toHaveLength(n);
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob }));
      expect(dec.Plaintext).toHaveLength(n);
    }
  });

  it('WithoutPlaintext returns only the ciphertext, which decrypts to a key of the right length', async () => {
    const out = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.Arn, KeySpec: 'AES_256' }));
    expect(out).not.toHaveProperty('Plaintext');
    expect(out.KeyId).toBe(key.Arn);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob }));
    expect(dec.Plaintext).toHaveLength(32);
    const n = await kms.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, NumberOfBytes: 5, EncryptionContext: { a: '1' } }),
    );
    expect(
      (await kms.send(new DecryptCommand({ CiphertextBlob: n.CiphertextBlob, EncryptionContext: { a: '1' } })))
        .Plaintext,
    ).toHaveLength(5);
  });

  it('needs exactly one of KeySpec and NumberOfBytes', async () => {
    for (const Command of [GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand]) {
      await expectKmsError(
        kms.send(new Command({ KeyId: key.KeyId }) as never),
        'ValidationException',
        'Please specify either number of bytes or key spec.',
      );
      await expectKmsError(
        kms.send(new Command({ KeyId: key.KeyId, KeySpec: 'AES_256', NumberOfBytes: 32 }) as never),
        'ValidationException',
        'Please specify either number of bytes or key spec.',
      );
    }
  });

  it('checks NumberOfBytes and KeySpec against the model', async () => {
    await expectKmsError(
      kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, NumberOfBytes: 0 })),
      'ValidationException',
      "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await expectKmsError(
      kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, NumberOfBytes: 1025 })),
      'ValidationException',
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
    await expectKmsError(
      kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_512' as never })),
      'ValidationException',
      "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
    );
  });
});

describe('GenerateRandom', () => {
  it('returns exactly NumberOfBytes random bytes', async () => {
    for (const n of [1, 12, 44, 91, 1024]) {
      const out = await kms.send(new GenerateRandomCommand({ NumberOfBytes: n }));
      expect(out.Plaintext).toHaveLength(n);
    }
    const a = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    const b = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    expect(Buffer.from(a.Plaintext!).equals(Buffer.from(b.Plaintext!))).toBe(false);
  });

  it('checks NumberOfBytes with AWS messages', async () => {
    await expectKmsError(kms.send(new GenerateRandomCommand({})), 'ValidationException', 'NumberOfBytes is required.');
    await expectKmsError(
      kms.send(new GenerateRandomCommand({ NumberOfBytes: 0 })),
      'ValidationException',
      "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await expectKmsError(
      kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })),
      'ValidationException',
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
  });

  it('answers UnsupportedOperationException for a Nitro Enclaves Recipient', async () => {
    await expectKmsError(
      kms.send(
        new GenerateRandomCommand({
          NumberOfBytes: 8,
          Recipient: { KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', AttestationDocument: bytes('doc') },
        }),
      ),
      'UnsupportedOperationException',
      'Recipient is not supported: this server cannot verify Nitro Enclaves attestation documents.',
    );
  });

  it('answers CustomKeyStoreNotFoundException for an unknown custom key store', async () => {
    await expectKmsError(
      kms.send(new GenerateRandomCommand({ NumberOfBytes: 8, CustomKeyStoreId: 'cks-1234567890abcdef0' })),
      'CustomKeyStoreNotFoundException',
      'Custom key store cks-1234567890abcdef0 does not exist.',
    );
  });
});
