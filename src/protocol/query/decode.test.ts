import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmsError } from '../../domain/index.js';
import { iam, sts } from '../../model/index.js';
import { patternOf } from '../validate.js';
import { decodeQueryRequest, parseForm, validateQueryInput } from './index.js';

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const form = (params: Record<string, string> | [string, string][]): Buffer =>
  Buffer.from(new URLSearchParams(params).toString());

function thrown(f: () => unknown): KmsError {
  try {
    f();
  } catch (e) {
    if (e instanceof KmsError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('parseForm', () => {
  it('decodes + as space and %XX as UTF-8 bytes; the first of a repeated name wins', () => {
    const params = parseForm(Buffer.from('a=x+y%2Bz&b=%C3%BC%F0%9F%98%80&a=second&c&=empty-name&&d='));
    expect([...params]).toEqual([
      ['a', 'x y+z'],
      ['b', 'ü😀'],
      ['c', ''],
      ['', 'empty-name'],
      ['d', ''],
    ]);
  });

  it.each(['a=%', 'a=%4', 'a=%zz', 'a=%C3', 'a=%FF', '%G0=1', 'a=%ED%A0%80'])(
    'refuses %s (bad escape or not UTF-8) with MalformedQueryString',
    (body) => {
      expect(thrown(() => parseForm(Buffer.from(body))).code).toBe('MalformedQueryString');
    },
  );
});

describe('decodeQueryRequest: Action and Version (as AWS STS answers them)', () => {
  it.each([
    ['Action=GetCallerIdentity', 'Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED'],
    ['Action=GetCallerIdentity&Version=', 'Could not find operation GetCallerIdentity for version '],
    [
      'Action=GetCallerIdentity&Version=2000-01-01',
      'Could not find operation GetCallerIdentity for version 2000-01-01',
    ],
    ['Action=NoSuchAction&Version=2011-06-15', 'Could not find operation NoSuchAction for version 2011-06-15'],
    ['Action=&Version=2011-06-15', 'Could not find operation  for version 2011-06-15'],
    ['Version=2011-06-15', 'Could not find operation  for version 2011-06-15'],
    ['Action=toString&Version=2011-06-15', 'Could not find operation toString for version 2011-06-15'],
    ['Action=__proto__&Version=2011-06-15', 'Could not find operation __proto__ for version 2011-06-15'],
    [
      'Action=getcalleridentity&Version=2011-06-15',
      'Could not find operation getcalleridentity for version 2011-06-15',
    ],
    [
      'Action=NoSuchAction&Action=GetCallerIdentity&Version=2011-06-15',
      'Could not find operation NoSuchAction for version 2011-06-15',
    ],
    [
      'Action=GetCallerIdentity&Version=2000-01-01&Version=2011-06-15',
      'Could not find operation GetCallerIdentity for version 2000-01-01',
    ],
  ])('%s -> InvalidAction', (body, message) => {
    const e = thrown(() => decodeQueryRequest('sts', Buffer.from(body), FORM));
    expect(e.code).toBe('InvalidAction');
    expect(e.message).toBe(message);
  });

  it('takes the first Action and Version, ignores unknown parameters', () => {
    expect(
      decodeQueryRequest(
        'sts',
        Buffer.from('Action=GetCallerIdentity&Action=NoSuchAction&Version=2011-06-15&Version=x&Unknown=value'),
        FORM,
      ),
    ).toEqual({ action: 'GetCallerIdentity', version: '2011-06-15', input: {} });
  });

  it('checks the version of the service asked: an IAM action at the STS version is unknown', () => {
    expect(
      thrown(() => decodeQueryRequest('iam', form({ Action: 'ListUsers', Version: '2011-06-15' }), FORM)).message,
    ).toBe('Could not find operation ListUsers for version 2011-06-15');
    expect(
      thrown(() => decodeQueryRequest('sts', form({ Action: 'ListUsers', Version: '2011-06-15' }), FORM)).code,
    ).toBe('InvalidAction');
    expect(decodeQueryRequest('iam', form({ Action: 'ListUsers', Version: '2010-05-08' }), FORM).action).toBe(
      'ListUsers',
    );
  });

  it('reads no parameters without the form Content-Type (AWS redirects such a request)', () => {
    for (const type of [undefined, '', 'application/json', 'text/plain', 'application/x-amz-json-1.1']) {
      expect(
        thrown(() => decodeQueryRequest('sts', form({ Action: 'GetCallerIdentity', Version: '2011-06-15' }), type))
          .message,
      ).toBe('Could not find operation  for version NO_VERSION_SPECIFIED');
    }
    expect(
      decodeQueryRequest(
        'sts',
        form({ Action: 'GetCallerIdentity', Version: '2011-06-15' }),
        'Application/X-WWW-Form-URLEncoded',
      ).action,
    ).toBe('GetCallerIdentity');
  });

  it('types the input by the action (narrowing on action)', () => {
    const r = decodeQueryRequest('iam', form({ Action: 'CreateUser', Version: '2010-05-08', UserName: 'alice' }), FORM);
    expect(r.action).toBe('CreateUser');
    if (r.action === 'CreateUser') {
      const input: iam.IamOperationInput<'CreateUser'> = r.input;
      const name: string = input.UserName;
      expect(name).toBe('alice');
    }
  });

  it('decodes operations without an input shape to an empty input', () => {
    expect(
      decodeQueryRequest('iam', form({ Action: 'GetAccountSummary', Version: '2010-05-08', X: '1' }), FORM),
    ).toEqual({
      action: 'GetAccountSummary',
      version: '2010-05-08',
      input: {},
    });
  });
});

const assumeRole = (extra: [string, string][]): Buffer =>
  form([
    ['Action', 'AssumeRole'],
    ['Version', '2011-06-15'],
    ['RoleArn', 'arn:aws:iam::111122223333:role/app'],
    ['RoleSessionName', 's1'],
    ...extra,
  ]);

describe('decodeQueryRequest: members', () => {
  it('decodes lists of structures and of strings, in index order, skipping what is not an index', () => {
    const r = decodeQueryRequest(
      'sts',
      assumeRole([
        ['Tags.member.2.Key', 'b'],
        ['Tags.member.2.Value', '2'],
        ['Tags.member.1.Key', 'a'],
        ['Tags.member.1.Value', '1'],
        ['Tags.member.10.Key', 'j'],
        ['Tags.member.10.Value', '10'],
        ['Tags.member.0.Key', 'zero'],
        ['Tags.member.x.Key', 'x'],
        ['TransitiveTagKeys.member.1', 'a'],
        ['PolicyArns.member.1.arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
      ]),
      FORM,
    );
    expect(r.action).toBe('AssumeRole');
    expect(r.input).toEqual({
      RoleArn: 'arn:aws:iam::111122223333:role/app',
      RoleSessionName: 's1',
      Tags: [
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: '2' },
        { Key: 'j', Value: '10' },
      ],
      TransitiveTagKeys: ['a'],
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    });
  });

  it('reads `Name=` alone as an empty list (how the SDKs send one)', () => {
    const r = decodeQueryRequest('sts', assumeRole([['Tags', '']]), FORM);
    expect(r.input).toMatchObject({ Tags: [] });
  });

  it.each([
    ['900', 900],
    ['+900', 900],
    ['0900', 900],
    ['-1', -1],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
  ])('reads the integer %s as %d', (text, n) => {
    expect(decodeQueryRequest('sts', assumeRole([['DurationSeconds', text]]), FORM).input).toMatchObject({
      DurationSeconds: n,
    });
  });

  it.each([
    ['', 'missing value for decimal type'],
    ['abc', ''],
    ['900.0', ''],
    ['9e2', ''],
    [' 900', ''],
    ['2147483648', ''],
    ['-2147483649', ''],
  ])('refuses the integer %j with MalformedInput %j (AWS STS, recorded)', (text, message) => {
    const e = thrown(() => decodeQueryRequest('sts', assumeRole([['DurationSeconds', text]]), FORM));
    expect(e.code).toBe('MalformedInput');
    expect(e.message).toBe(message);
  });

  it('reads booleans true/false in any case and refuses anything else', () => {
    const list = (v: string): unknown =>
      decodeQueryRequest('iam', form({ Action: 'ListPolicies', Version: '2010-05-08', OnlyAttached: v }), FORM).input;
    expect(list('true')).toEqual({ OnlyAttached: true });
    expect(list('FALSE')).toEqual({ OnlyAttached: false });
    expect(thrown(() => list('yes')).code).toBe('MalformedInput');
    expect(thrown(() => list('')).code).toBe('MalformedInput');
  });

  it('keeps values exactly, unicode and JSON included', () => {
    const doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}\r\n';
    const r = decodeQueryRequest(
      'iam',
      form({ Action: 'PutUserPolicy', Version: '2010-05-08', UserName: 'ü', PolicyName: 'p', PolicyDocument: doc }),
      FORM,
    );
    expect(r.input).toEqual({ UserName: 'ü', PolicyName: 'p', PolicyDocument: doc });
  });

  it('ignores a scalar where a structure or list is expected, and children of a scalar', () => {
    const r = decodeQueryRequest(
      'sts',
      assumeRole([
        ['Tags', 'not-a-list'],
        ['ProvidedContexts', 'x'],
        ['RoleSessionName.member.1', 'y'],
      ]),
      FORM,
    );
    expect(r.input).toEqual({ RoleArn: 'arn:aws:iam::111122223333:role/app', RoleSessionName: 's1' });
  });

  it('never throws anything but KmsError, and validation never throws on what decoding returns', () => {
    const names = fc.constantFrom(
      'Action',
      'Version',
      'RoleArn',
      'RoleSessionName',
      'DurationSeconds',
      'Tags',
      'Tags.member.1.Key',
      'Tags.member.1.Value',
      'Tags.member.2.Key',
      'PolicyArns.member.1.arn',
      'TransitiveTagKeys.member.1',
      'UserName',
      'MaxItems',
      'OnlyAttached',
      'Tags.entry.1.key',
      '__proto__',
      'constructor.member.1',
    );
    const values = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'AssumeRole',
        'ListUsers',
        'ListPolicies',
        'CreateUser',
        '2011-06-15',
        '2010-05-08',
        '12',
        'true',
      ),
    );
    const bodies = fc.oneof(
      fc.array(fc.tuple(names, values), { maxLength: 12 }).map((pairs) => form(pairs)),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      fc.string().map((s) => Buffer.from(s)),
    );
    fc.assert(
      fc.property(fc.constantFrom('iam' as const, 'sts' as const), bodies, (service, body) => {
        try {
          const r = decodeQueryRequest(service, body, FORM);
          const message = validateQueryInput(service, r.action, r.input);
          expect(message === undefined || /^\d+ validation errors? detected: /.test(message)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(KmsError);
          expect(['InvalidAction', 'MalformedInput', 'MalformedQueryString']).toContain((e as KmsError).code);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('validateQueryInput', () => {
  const check = (service: 'iam' | 'sts', body: Buffer): string | undefined => {
    const r = decodeQueryRequest(service, body, FORM);
    return validateQueryInput(service, r.action, r.input);
  };

  // Recorded from AWS STS (probes of the real service).
  it.each([
    [
      [['DurationSeconds', '899']],
      "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    ],
    [
      [['DurationSeconds', '43201']],
      "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    ],
    [
      [['DurationSeconds', '-2147483648']],
      "1 validation error detected: Value '-2147483648' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    ],
  ] as [[string, string][], string][])('%j', (extra, message) => {
    expect(check('sts', assumeRole(extra))).toBe(message);
  });

  it('reports what AWS STS reports for RoleArn and RoleSessionName (recorded)', () => {
    const body = (arn: string | undefined, session: string | undefined): Buffer =>
      form([
        ['Action', 'AssumeRole'],
        ['Version', '2011-06-15'],
        ...(arn === undefined ? [] : [['RoleArn', arn] as [string, string]]),
        ...(session === undefined ? [] : [['RoleSessionName', session] as [string, string]]),
      ]);
    const arn = 'arn:aws:iam::111122223333:role/app';
    const arnPattern = '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+';
    expect(check('sts', body(undefined, 's1'))).toBe(
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
    expect(check('sts', body('', 's1'))).toBe(
      `2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${arnPattern}; Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`,
    );
    expect(check('sts', body('not-an-arn', 's1'))).toBe(
      "1 validation error detected: Value 'not-an-arn' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    );
    // Java reads \u10000 as \u1000 followed by 0, so characters beyond the BMP fail the pattern.
    const emoji = '😀'.repeat(2049);
    expect(check('sts', body(emoji, 's1'))).toBe(
      `2 validation errors detected: Value '${emoji}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${arnPattern}; Value '${emoji}' at 'roleArn' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
    expect(check('sts', body('é'.repeat(2048), 's1'))).toBeUndefined();
    expect(check('sts', body('e\u0301'.repeat(1025), 's1'))).toBe(
      `1 validation error detected: Value '${'e\u0301'.repeat(1025)}' at 'roleArn' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
    expect(check('sts', body(arn, undefined))).toBe(
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
    expect(check('sts', body(arn, 'a'))).toBe(
      "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    );
    expect(check('sts', body(arn, 'a'.repeat(65)))).toBe(
      `1 validation error detected: Value '${'a'.repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
    expect(check('sts', body(arn, 'b'.repeat(64)))).toBeUndefined();
  });

  it('names list members tags.<n>.member.<field> and reports IAM patterns and enums', () => {
    expect(
      check(
        'iam',
        form([
          ['Action', 'TagUser'],
          ['Version', '2010-05-08'],
          ['UserName', 'alice'],
          ['Tags.member.1.Key', 'k'],
          ['Tags.member.1.Value', 'v'],
          ['Tags.member.2.Value', 'v'],
        ]),
      ),
    ).toBe(
      "1 validation error detected: Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null",
    );
    expect(check('iam', form({ Action: 'CreateUser', Version: '2010-05-08', UserName: 'a b' }))).toBe(
      "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    expect(
      check(
        'iam',
        form({ Action: 'UpdateAccessKey', Version: '2010-05-08', AccessKeyId: 'AKIAEXAMPLEEXAMPLE01', Status: 'On' }),
      ),
    ).toBe(
      "1 validation error detected: Value 'On' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]",
    );
    expect(check('iam', form({ Action: 'ListUsers', Version: '2010-05-08', MaxItems: '1001' }))).toBe(
      "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
  });

  it('compiles every pattern of the IAM and STS models as a whole-value regex', () => {
    for (const schema of [iam.SCHEMA, sts.SCHEMA]) {
      for (const [name, shape] of Object.entries(schema)) {
        if (shape.pattern === undefined) continue;
        const re = patternOf(shape.pattern);
        // Unicode mode (for \p{L}) except for the one Java-only escape (`\:` in federatedIdType).
        expect(re.unicode || name === 'federatedIdType', name).toBe(true);
      }
    }
    expect(patternOf(sts.SCHEMA.federatedIdType.pattern!).test('a:b@c')).toBe(true);
  });
});
