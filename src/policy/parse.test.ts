import { describe, expect, it } from 'vitest';
import { PolicyMessages as M } from './messages.js';
import { parsePolicyDocument, validateKeyPolicy } from './parse.js';

const ROOT = { AWS: 'arn:aws:iam::111122223333:root' };
const statement = (overrides: Record<string, unknown> = {}) => ({
  Sid: 'S',
  Effect: 'Allow',
  Principal: ROOT,
  Action: 'kms:*',
  Resource: '*',
  ...overrides,
});
/** A policy with one statement; `undefined` values remove an element. */
const policy = (overrides: Record<string, unknown> = {}, top: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [statement(overrides)], ...top });

const validDocuments: [string, string][] = [
  ['one statement as an object', JSON.stringify({ Statement: statement() })],
  ['Version 2008-10-17', policy({}, { Version: '2008-10-17' })],
  ['no Version', policy({}, { Version: undefined })],
  ['an Id', policy({}, { Id: 'key-consolepolicy-3' })],
  ['a Sid with spaces', policy({ Sid: 'Allow use of the key' })],
  ['no Sid', policy({ Sid: undefined })],
  ['Principal "*"', policy({ Principal: '*' })],
  ['AWS "*"', policy({ Principal: { AWS: '*' } })],
  ['an account id', policy({ Principal: { AWS: '111122223333' } })],
  ['a user with a path', policy({ Principal: { AWS: 'arn:aws:iam::111122223333:user/ops/alice' } })],
  [
    'a service-linked role',
    policy({
      Principal: {
        AWS: 'arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
      },
    }),
  ],
  ['an assumed-role session', policy({ Principal: { AWS: 'arn:aws:sts::111122223333:assumed-role/Admin/bob' } })],
  ['a federated user', policy({ Principal: { AWS: 'arn:aws:sts::111122223333:federated-user/carol' } })],
  ['another partition', policy({ Principal: { AWS: 'arn:aws-us-gov:iam::111122223333:root' } })],
  ['a service principal', policy({ Principal: { Service: ['logs.us-east-1.amazonaws.com', 's3.amazonaws.com'] } })],
  ['a SAML provider', policy({ Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/Okta' } })],
  ['a web identity provider', policy({ Principal: { Federated: 'cognito-identity.amazonaws.com' } })],
  ['a canonical user', policy({ Principal: { CanonicalUser: 'a'.repeat(64) } })],
  ['NotPrincipal', policy({ Effect: 'Deny', Principal: undefined, NotPrincipal: ROOT })],
  [
    'actions with wildcards',
    policy({ Action: ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey?', 's3:*', '*'] }),
  ],
  ['NotAction', policy({ Action: undefined, NotAction: 'kms:ScheduleKeyDeletion' })],
  ['no Action (accepted; the statement has no effect)', policy({ Action: undefined })],
  ['no Resource (accepted; the statement has no effect)', policy({ Resource: undefined })],
  ['a resource ARN', policy({ Resource: 'arn:aws:kms:us-east-1:111122223333:key/*' })],
  ['NotResource', policy({ Resource: undefined, NotResource: 'arn:aws:kms:*:*:alias/*' })],
  [
    'conditions of every shape',
    policy({
      Condition: {
        StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': ['ec2.us-east-1.amazonaws.com'] },
        'ForAnyValue:StringLikeIfExists': { 'kms:EncryptionContextKeys': 'aws:*' },
        'ForAllValues:StringEqualsIgnoreCase': { 'aws:TagKeys': ['a', 'b'] },
        Bool: { 'kms:GrantIsForAWSResource': true },
        NumericLessThan: { 'aws:MultiFactorAuthAge': 300 },
        DateGreaterThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' },
        IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
        ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x' },
        Null: { 'kms:EncryptionContext:aws:s3:arn': 'false' },
        BinaryEquals: { 'kms:RecipientAttestation:ImageSha384': 'AAAA' },
      },
    }),
  ],
];

const invalidDocuments: [string, string, string][] = [
  ['a control character', policy().replace('"S"', '"S\u0001"'), M.invalidCharacters],
  ['a character above U+00FF', policy({ Sid: 'snow ☃' }), M.invalidCharacters],
  ['not JSON', 'not a real policy statement', M.invalidJson],
  ['trailing comma', '{"Statement": [],}', M.invalidJson],
  ['a duplicate element', '{"Statement": {"Effect": "Allow", "Effect": "Deny"}}', M.duplicateElement('Effect')],
  ['an array', '[]', M.notAnObject],
  ['an unknown top-level element', policy({}, { Statment: [] }), M.unknownElement('Statment')],
  ['an unknown Version', policy({}, { Version: '2012-10-18' }), M.invalidVersion],
  ['a numeric Version', policy({}, { Version: 2012 }), M.invalidVersion],
  ['a non-string Id', policy({}, { Id: 1 }), M.invalidId],
  ['no Statement', JSON.stringify({ Version: '2012-10-17' }), M.missingStatement],
  ['an empty Statement', JSON.stringify({ Statement: [] }), M.invalidStatement],
  ['a string Statement', JSON.stringify({ Statement: 'allow' }), M.invalidStatement],
  ['an unknown statement element', policy({ Principals: ROOT }), M.unknownStatementElement('Principals')],
  ['lower-case element names', policy({ Effect: undefined, effect: 'Allow' }), M.unknownStatementElement('effect')],
  ['a non-string Sid', policy({ Sid: 7 }), M.invalidSid],
  ['a repeated Sid', JSON.stringify({ Statement: [statement({ Sid: 'A' }), statement({ Sid: 'A' })] }), M.duplicateSid],
  ['no Effect', policy({ Effect: undefined }), M.invalidEffect],
  ['Effect "allow"', policy({ Effect: 'allow' }), M.invalidEffect],
  ['no principal', policy({ Principal: undefined }), M.noPrincipal],
  ['an empty principal list', policy({ Principal: { AWS: [] } }), M.noPrincipal],
  ['an empty Principal object', policy({ Principal: {} }), M.noPrincipal],
  ['Principal and NotPrincipal', policy({ NotPrincipal: ROOT }), M.bothElements('Principal', 'NotPrincipal')],
  ['a bare ARN as Principal', policy({ Principal: 'arn:aws:iam::111122223333:root' }), M.invalidPrincipals],
  ['an unknown principal type', policy({ Principal: { Group: 'x' } }), M.invalidPrincipals],
  ['an IAM group', policy({ Principal: { AWS: 'arn:aws:iam::111122223333:group/admins' } }), M.invalidPrincipals],
  ['a wildcard inside an ARN', policy({ Principal: { AWS: 'arn:aws:iam::111122223333:role/*' } }), M.invalidPrincipals],
  ['an 11-digit account', policy({ Principal: { AWS: '11112222333' } }), M.invalidPrincipals],
  ['a unique id', policy({ Principal: { AWS: 'AIDACKCEVSQ6C2EXAMPLE' } }), M.invalidPrincipals],
  [
    'a key ARN as principal',
    policy({ Principal: { AWS: 'arn:aws:kms:us-east-1:111122223333:key/x' } }),
    M.invalidPrincipals,
  ],
  ['a non-string principal', policy({ Principal: { AWS: 111122223333 } }), M.invalidPrincipals],
  ['a service that is not a host name', policy({ Principal: { Service: 'logs' } }), M.invalidPrincipals],
  ['a bad canonical user', policy({ Principal: { CanonicalUser: 'abc' } }), M.invalidPrincipals],
  ['Action and NotAction', policy({ NotAction: 'kms:Decrypt' }), M.bothElements('Action', 'NotAction')],
  ['an action without a vendor', policy({ Action: 'Encrypt' }), M.missingVendor],
  ['an action with two colons', policy({ Action: 'kms:Encrypt:x' }), M.actionColons],
  ['an action with a space', policy({ Action: 'kms:Encrypt Decrypt' }), M.invalidAction],
  ['an empty action name', policy({ Action: 'kms:' }), M.invalidAction],
  ['an empty Action list', policy({ Action: [] }), M.invalidAction],
  ['an empty NotAction list', policy({ Action: undefined, NotAction: [] }), M.invalidAction],
  ['a non-string action', policy({ Action: ['kms:Encrypt', 1] }), M.invalidAction],
  ['Resource and NotResource', policy({ NotResource: '*' }), M.bothElements('Resource', 'NotResource')],
  ['a resource that is not an ARN', policy({ Resource: 'my-key' }), M.resourceFormat('my-key')],
  ['an empty Resource list', policy({ Resource: [] }), M.invalidResource],
  ['a Condition that is a list', policy({ Condition: [] }), M.invalidCondition],
  [
    'an unknown operator',
    policy({ Condition: { StringEqualz: { 'kms:CallerAccount': 'x' } } }),
    M.invalidConditionOperator('StringEqualz'),
  ],
  [
    'NullIfExists',
    policy({ Condition: { NullIfExists: { 'kms:CallerAccount': 'true' } } }),
    M.invalidConditionOperator('NullIfExists'),
  ],
  [
    'an unknown set prefix',
    policy({ Condition: { 'ForSomeValues:StringEquals': { 'aws:TagKeys': 'x' } } }),
    M.invalidConditionOperator('ForSomeValues:StringEquals'),
  ],
  [
    'an operator in the wrong case',
    policy({ Condition: { stringequals: { 'kms:CallerAccount': 'x' } } }),
    M.invalidConditionOperator('stringequals'),
  ],
  ['an empty operator block', policy({ Condition: { StringEquals: {} } }), M.invalidCondition],
  ['an operator block that is a string', policy({ Condition: { StringEquals: 'x' } }), M.invalidCondition],
  [
    'a condition key without a vendor',
    policy({ Condition: { StringEquals: { CallerAccount: 'x' } } }),
    M.missingVendor,
  ],
  [
    'a null condition value',
    policy({ Condition: { StringEquals: { 'kms:CallerAccount': null } } }),
    M.invalidCondition,
  ],
  [
    'an object condition value',
    policy({ Condition: { StringEquals: { 'kms:CallerAccount': { a: 1 } } } }),
    M.invalidCondition,
  ],
  ['an empty value list', policy({ Condition: { StringEquals: { 'kms:CallerAccount': [] } } }), M.invalidCondition],
  [
    'aws:ResourceTag',
    policy({ Condition: { StringEquals: { 'aws:ResourceTag/team': 'x' } } }),
    M.conditionKeysNotPermitted,
  ],
  [
    'kms:ResourceAliases',
    policy({ Condition: { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/x' } } }),
    M.conditionKeysNotPermitted,
  ],
];

describe('validateKeyPolicy', () => {
  it.each(validDocuments)('accepts %s', (_name, text) => {
    const result = validateKeyPolicy(text);
    expect(result.ok ? 'ok' : result.message).toBe('ok');
  });

  it.each(invalidDocuments)('refuses %s', (_name, text, message) => {
    expect(validateKeyPolicy(text)).toEqual({ ok: false, message });
  });

  it('uses the exact AWS texts where they are known', () => {
    expect(M.invalidPrincipals).toBe('Policy contains a statement with one or more invalid principals.');
    expect(M.noPrincipal).toBe('Policy contains a statement with no principal.');
  });

  it('normalises every list and keeps the Not forms apart', () => {
    const result = validateKeyPolicy(
      JSON.stringify({
        Statement: {
          Effect: 'Deny',
          NotPrincipal: { AWS: '111122223333', Service: 's3.amazonaws.com' },
          NotAction: 'kms:Decrypt',
          NotResource: ['arn:aws:kms:us-east-1:111122223333:key/k'],
          Condition: {
            'ForAllValues:StringLikeIfExists': { 'kms:EncryptionContextKeys': ['a*', 'b'] },
            Bool: { 'aws:SecureTransport': false },
          },
        },
      }),
    );
    if (!result.ok) throw new Error(result.message);
    const [s] = result.document.statements;
    expect(s).toMatchObject({
      effect: 'Deny',
      principal: { negated: true, principals: { anyone: false, aws: ['111122223333'], service: ['s3.amazonaws.com'] } },
      action: { negated: true, patterns: ['kms:Decrypt'] },
      resource: { negated: true, patterns: ['arn:aws:kms:us-east-1:111122223333:key/k'] },
    });
    expect(s?.conditions).toEqual([
      {
        operator: {
          name: 'ForAllValues:StringLikeIfExists',
          base: 'StringLike',
          family: 'String',
          negated: false,
          ignoreCase: false,
          wildcards: true,
          ifExists: true,
          setOperator: 'ForAllValues',
        },
        key: 'kms:EncryptionContextKeys',
        values: ['a*', 'b'],
      },
      expect.objectContaining({ key: 'aws:SecureTransport', values: ['false'] }),
    ]);
  });

  it('keeps numbers in conditions as written', () => {
    const text =
      '{"Statement": {"Effect": "Allow", "Principal": "*", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": 300.0}}}}';
    const result = validateKeyPolicy(text);
    if (!result.ok) throw new Error(result.message);
    expect(result.document.statements[0]?.conditions[0]?.values).toEqual(['300.0']);
  });

  it('records an absent Action or Resource as absent, not as an empty match', () => {
    const result = validateKeyPolicy(policy({ Action: undefined, Resource: undefined }));
    if (!result.ok) throw new Error(result.message);
    expect(result.document.statements[0]?.action).toBeUndefined();
    expect(result.document.statements[0]?.resource).toBeUndefined();
  });
});

describe('parsePolicyDocument', () => {
  it('returns the document of a valid policy', () => {
    expect(parsePolicyDocument(policy()).statements).toHaveLength(1);
  });

  it('throws a plain Error for a stored policy that does not validate', () => {
    expect(() => parsePolicyDocument('{}')).toThrow(
      'Stored key policy does not validate: Policy must contain a Statement.',
    );
  });
});
