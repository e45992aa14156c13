import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmsError } from '../domain/index.js';
import { OPERATION_NAMES } from '../model/index.js';
import { MAX_JSON_DEPTH, decodeInput } from './decode.js';
import { validateInput } from './validate.js';

const body = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

function serializationMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof KmsError && e.code === 'SerializationException') return e.message;
    throw e;
  }
  throw new Error('did not throw');
}

describe('decodeInput', () => {
  it('decodes members, base64 blobs to Buffers and ignores unknown members', () => {
    const input = decodeInput(
      'Encrypt',
      body({
        KeyId: 'alias/a',
        Plaintext: 'aGVsbG8=',
        Bogus: [1, { x: 2 }],
        EncryptionContext: { k: 'v' },
      }),
    );
    expect(input.KeyId).toBe('alias/a');
    expect(Buffer.isBuffer(input.Plaintext)).toBe(true);
    expect(Buffer.from(input.Plaintext).toString()).toBe('hello');
    expect(input.EncryptionContext).toEqual({ k: 'v' });
    expect(input).not.toHaveProperty('Bogus');
  });

  it('treats an empty body and null members as absent', () => {
    expect(decodeInput('ListKeys', Buffer.alloc(0))).toEqual({});
    expect(decodeInput('ListKeys', body('  \n'))).toEqual({});
    expect(decodeInput('ListKeys', body('null'))).toEqual({});
    expect(decodeInput('Encrypt', body({ KeyId: null, Plaintext: null, GrantTokens: null }))).toEqual({});
  });

  it('truncates fractional integers and decodes epoch-second timestamps', () => {
    expect(decodeInput('GenerateRandom', body({ NumberOfBytes: 32.9 })).NumberOfBytes).toBe(32);
    const input = decodeInput(
      'ImportKeyMaterial',
      body({
        KeyId: 'k',
        ImportToken: 'AA==',
        EncryptedKeyMaterial: 'AA==',
        ValidTo: 1700000000.5,
      }),
    );
    expect(input.ValidTo).toEqual(new Date(1700000000500));
  });

  it('keeps a map key named __proto__ as an ordinary key', () => {
    const input = decodeInput(
      'Encrypt',
      body('{"KeyId":"k","Plaintext":"AA==","EncryptionContext":{"__proto__":"x"}}'),
    );
    expect(Object.getPrototypeOf(input.EncryptionContext)).toBe(Object.prototype);
    expect(Object.keys(input.EncryptionContext!)).toEqual(['__proto__']);
  });

  it.each([
    ['{"KeyId": 5}', 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String'],
    ['{"KeyId": true}', 'class java.lang.Boolean can not be converted to an String'],
    ['{"KeyId": {}}', 'Start of structure or map found where not expected.'],
    ['{"KeyId": []}', 'Start of list found where not expected'],
    [
      '{"Plaintext": 7}',
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob',
    ],
    ['{"GrantTokens": "t"}', 'Expected list or null'],
    ['{"GrantTokens": {}}', 'Start of structure or map found where not expected.'],
    ['{"EncryptionContext": "x"}', 'Expected map or null'],
    ['{"EncryptionContext": []}', 'Start of list found where not expected'],
    [
      '{"EncryptionContext": {"a": 1}}',
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    ],
    ['{"DryRun": "yes"}', "'YES' can not be converted to an Boolean"],
    ['[]', 'Start of list found where not expected'],
    ['"Encrypt"', 'Expected null'],
  ])('rejects %s with a SerializationException', (json, message) => {
    expect(serializationMessage(() => decodeInput('Encrypt', body(json)))).toBe(message);
  });

  it('rejects wrong types in nested structures', () => {
    expect(serializationMessage(() => decodeInput('TagResource', body({ KeyId: 'k', Tags: ['x'] })))).toBe(
      'Expected null',
    );
    expect(
      serializationMessage(() => decodeInput('TagResource', body({ KeyId: 'k', Tags: [{ TagKey: 1 }] }))),
    ).toContain('can not be converted to an String');
    expect(serializationMessage(() => decodeInput('GenerateRandom', body({ NumberOfBytes: '32' })))).toBe(
      'class java.lang.String can not be converted to an Integer',
    );
    expect(serializationMessage(() => decodeInput('GenerateRandom', body({ NumberOfBytes: 1e12 })))).toBe(
      'Number 1000000000000 can not be converted to an Integer',
    );
  });

  it.each([
    [
      'aGVsbG8',
      "Value at 'plaintext' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 7",
    ],
    ['****', "Value at 'plaintext' can not be converted to a Blob: Invalid Base64 character"],
    [
      'aGVs bG8=',
      "Value at 'plaintext' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 9",
    ],
    ['aGV-bG8=', "Value at 'plaintext' can not be converted to a Blob: Invalid Base64 character"],
    ['aGVsbG9=', "Value at 'plaintext' can not be converted to a Blob: Invalid last non-pad Base64 character detected"],
    ['aG=sbG8=', "Value at 'plaintext' can not be converted to a Blob: Invalid Base64 character"],
  ])('decodes base64 strictly and never echoes the value (%s)', (b64, message) => {
    const m = serializationMessage(() => decodeInput('Encrypt', body({ KeyId: 'k', Plaintext: b64 })));
    expect(m).toBe(message);
  });

  it('rejects malformed JSON, invalid UTF-8 and deep nesting', () => {
    expect(serializationMessage(() => decodeInput('Encrypt', body('{"KeyId":')))).toBe(
      'Request body is not valid JSON',
    );
    expect(serializationMessage(() => decodeInput('Encrypt', Buffer.from([0x7b, 0xff, 0x7d])))).toBe(
      'Request body is not valid UTF-8',
    );
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(serializationMessage(() => decodeInput('Encrypt', body(`{"X":${deep}}`)))).toBe(
      'Request body is nested too deeply',
    );
    const huge = '['.repeat(1_000_000);
    expect(serializationMessage(() => decodeInput('Encrypt', body(huge)))).toBe('Request body is nested too deeply');
    // Brackets inside strings do not count.
    expect(decodeInput('Encrypt', body({ KeyId: '[[[['.repeat(100) }))).toEqual({
      KeyId: '[[[['.repeat(100),
    });
  });

  it('never throws anything but KmsError, and validation never throws on what decoding returns', () => {
    const op = fc.constantFrom(...OPERATION_NAMES);
    const jsonBody = fc.oneof(
      fc.json().map((s) => Buffer.from(s)),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      fc
        .dictionary(
          fc.constantFrom(
            'KeyId',
            'Plaintext',
            'CiphertextBlob',
            'EncryptionContext',
            'GrantTokens',
            'NumberOfBytes',
            'Tags',
            'KeySpec',
            'ValidTo',
            'DryRun',
            'Limit',
            'Policy',
          ),
          fc.jsonValue(),
        )
        .map((o) => Buffer.from(JSON.stringify(o))),
    );
    fc.assert(
      fc.property(op, jsonBody, (name, bytes) => {
        try {
          const input = decodeInput(name, bytes);
          const message = validateInput(name, input);
          expect(message === undefined || /^\d+ validation errors? detected: /.test(message)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(KmsError);
          expect((e as KmsError).code).toBe('SerializationException');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
