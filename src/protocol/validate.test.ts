import { describe, expect, it } from 'vitest';
import { KeySpecValues, type OperationName } from '../model/index.js';
import { decodeInput } from './decode.js';
import { enumDisplayOrder, validateInput } from './validate.js';

/** Decodes a JSON body as the server would, then validates it. */
const check = (op: OperationName, json: unknown): string | undefined =>
  validateInput(op, decodeInput(op, Buffer.from(JSON.stringify(json))));

const b64 = (n: number): string => Buffer.alloc(n, 7).toString('base64');

describe('validateInput', () => {
  it('accepts a valid Encrypt', () => {
    expect(check('Encrypt', { KeyId: 'alias/a', Plaintext: b64(4096) })).toBeUndefined();
  });

  // Recorded from AWS (moto's aws_verified tests, AWS CLI output).
  it('reports a too-long plaintext without printing it', () => {
    expect(check('Encrypt', { KeyId: 'k', Plaintext: b64(4097) })).toBe(
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
    expect(check('Encrypt', { KeyId: 'k', Plaintext: '' })).toBe(
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('reports a missing required member', () => {
    expect(check('Encrypt', { Plaintext: b64(1) })).toBe(
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
  });

  it('prints string values quoted (recorded: empty keyId)', () => {
    expect(check('Encrypt', { KeyId: '', Plaintext: b64(1) })).toBe(
      "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('reports a bad enum value with the value set in the order AWS lists it', () => {
    expect(check('CreateKey', { KeySpec: 'FOO' })).toBe(
      `1 validation error detected: Value 'FOO' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [${enumDisplayOrder('KeySpec', KeySpecValues).join(', ')}]`,
    );
    // Recorded from AWS (LocalStack snapshot, test_invalid_generate_mac).
    expect(check('GenerateMac', { KeyId: 'k', Message: b64(1), MacAlgorithm: 'INVALID' })).toBe(
      "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]",
    );
    expect(enumDisplayOrder('KeySpec', KeySpecValues).slice(0, 12)).toEqual([
      'RSA_2048',
      'ECC_NIST_P384',
      'ECC_NIST_P256',
      'ECC_NIST_P521',
      'HMAC_384',
      'RSA_3072',
      'ECC_SECG_P256K1',
      'RSA_4096',
      'SYMMETRIC_DEFAULT',
      'HMAC_256',
      'HMAC_224',
      'HMAC_512',
    ]);
    expect([...enumDisplayOrder('KeySpec', KeySpecValues)].sort()).toEqual([...KeySpecValues].sort());
    expect(check('GenerateDataKey', { KeyId: 'k', KeySpec: 'AES_512' })).toBe(
      "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
    );
  });

  it('reports GenerateRandom NumberOfBytes out of range', () => {
    expect(check('GenerateRandom', { NumberOfBytes: 0 })).toBe(
      "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect(check('GenerateRandom', { NumberOfBytes: 1025 })).toBe(
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
    expect(check('GenerateRandom', { NumberOfBytes: 1024 })).toBeUndefined();
    expect(check('GenerateRandom', {})).toBeUndefined();
  });

  it('collects every violation, in Coral order', () => {
    expect(check('Encrypt', {})).toBe(
      '2 validation errors detected: ' +
        "Value null at 'keyId' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'plaintext' failed to satisfy constraint: Member must not be null",
    );
    expect(
      check('Encrypt', {
        KeyId: '',
        Plaintext: b64(5000),
        GrantTokens: Array(11).fill('t'),
        EncryptionAlgorithm: 'ROT13',
      }),
    ).toBe(
      '4 validation errors detected: ' +
        "Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '[t, t, t, t, t, t, t, t, t, t, t]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10; " +
        "Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096; " +
        "Value 'ROT13' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]",
    );
  });

  it('reports pattern violations before length violations of the same member', () => {
    expect(check('CreateAlias', { AliasName: '', TargetKeyId: 'k' })).toBe(
      '2 validation errors detected: ' +
        "Value '' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$; " +
        "Value '' at 'aliasName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('names nested list members tags.<n>.member.<field> (1-based)', () => {
    expect(
      check('TagResource', {
        KeyId: 'k',
        Tags: [{ TagKey: 'a', TagValue: 'b' }, { TagKey: 'x'.repeat(129), TagValue: 'v' }, { TagValue: 'v' }],
      }),
    ).toBe(
      '2 validation errors detected: ' +
        `Value '${'x'.repeat(129)}' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128; ` +
        "Value null at 'tags.3.member.tagKey' failed to satisfy constraint: Member must not be null",
    );
  });

  it('prints a non-sensitive blob as Java prints a ByteBuffer', () => {
    expect(check('Decrypt', { CiphertextBlob: '' })).toBe(
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]' at 'ciphertextBlob' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('never prints a sensitive string', () => {
    const message = check('CreateCustomKeyStore', {
      CustomKeyStoreName: 'n',
      KeyStorePassword: 'hunter2hunter2hunter2hunter2hunter2',
    });
    expect(message).toBe(
      "1 validation error detected: Value at 'keyStorePassword' failed to satisfy constraint: Member must have length less than or equal to 32",
    );
  });

  it('counts string length in code points', () => {
    expect(check('UpdateKeyDescription', { KeyId: 'k', Description: '😀'.repeat(8192) })).toBeUndefined();
  });

  it('stops after 10 violations', () => {
    const tags = Array.from({ length: 12 }, () => ({}));
    const message = check('TagResource', { KeyId: 'k', Tags: tags })!;
    expect(message.startsWith('10 validation errors detected: ')).toBe(true);
    expect(message.split('; ')).toHaveLength(10);
  });
});
