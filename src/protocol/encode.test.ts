import { describe, expect, it } from 'vitest';
import { decodeInput } from './decode.js';
import { encodeOutput } from './encode.js';

const json = (b: Buffer): Record<string, unknown> => JSON.parse(b.toString('utf8')) as Record<string, unknown>;

describe('encodeOutput', () => {
  it('writes blobs as base64 and omits absent members', () => {
    const out = encodeOutput('Encrypt', {
      CiphertextBlob: new Uint8Array([0, 1, 2, 250, 255]),
      KeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
      EncryptionAlgorithm: undefined,
    });
    expect(out.toString()).toBe('{"CiphertextBlob":"AAEC+v8=","KeyId":"arn:aws:kms:us-east-1:111122223333:key/k"}');
  });

  it('encodes a Buffer slice of a larger pool correctly', () => {
    const pool = Buffer.from('xxhelloxx');
    expect(json(encodeOutput('GenerateRandom', { Plaintext: pool.subarray(2, 7) }))).toEqual({
      Plaintext: Buffer.from('hello').toString('base64'),
    });
  });

  it('writes timestamps as epoch seconds with milliseconds as a fraction, nested in lists', () => {
    const out = json(
      encodeOutput('DescribeKey', {
        KeyMetadata: {
          KeyId: 'k',
          CreationDate: new Date(1700000000123),
          EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        },
      }),
    );
    expect(out).toEqual({
      KeyMetadata: {
        KeyId: 'k',
        CreationDate: 1700000000.123,
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      },
    });
    const aliases = json(
      encodeOutput('ListAliases', {
        Aliases: [{ AliasName: 'alias/a', CreationDate: new Date(0) }],
        Truncated: false,
      }),
    );
    expect(aliases).toEqual({
      Aliases: [{ AliasName: 'alias/a', CreationDate: 0 }],
      Truncated: false,
    });
  });

  it('writes only members the model declares', () => {
    const output = { KeyId: 'k', keyMaterial: 'SECRET' } as unknown as { KeyId: string };
    expect(encodeOutput('CancelKeyDeletion', output).toString()).toBe('{"KeyId":"k"}');
  });

  it('answers {} for operations without an output', () => {
    expect(encodeOutput('EnableKey', {}).toString()).toBe('{}');
  });

  it('round-trips through decodeInput: blobs, maps, lists, integers', () => {
    const plaintext = Buffer.from([0, 1, 2, 3, 254, 255]);
    const ciphertext = json(encodeOutput('Encrypt', { CiphertextBlob: plaintext, KeyId: 'k' }));
    const decrypt = decodeInput(
      'Decrypt',
      Buffer.from(
        JSON.stringify({
          ...ciphertext,
          EncryptionContext: { a: 'b', __proto__x: 'c' },
          GrantTokens: ['t'],
        }),
      ),
    );
    expect(Buffer.from(decrypt.CiphertextBlob!)).toEqual(plaintext);
    expect(decrypt.EncryptionContext).toEqual({ a: 'b', __proto__x: 'c' });
    expect(decrypt.GrantTokens).toEqual(['t']);
  });
});
