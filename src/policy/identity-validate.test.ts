import { describe, expect, test } from 'vitest';
import { validateIdentityPolicy, validateTrustPolicy } from './identity-validate.js';

const policy = (statement: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statement, ...extra });
const ok = { ok: true };
const bad = (message: string) => ({ ok: false, message });

describe('validateIdentityPolicy', () => {
  const good = { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' };
  test.each([
    ['a minimal policy', policy([good])],
    ['a single statement object', policy(good)],
    ['Version 2008-10-17', policy([good], { Version: '2008-10-17' })],
    ['no Version', JSON.stringify({ Statement: [good] })],
    [
      'NotAction and NotResource',
      policy([{ Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:iam::111122223333:user/x' }]),
    ],
    ['alphanumeric Sid', policy([{ ...good, Sid: 'AllowEncrypt1' }])],
    ['empty Sid', policy([{ ...good, Sid: '' }])],
    [
      'conditions with numbers and booleans',
      policy([
        {
          ...good,
          Condition: { NumericLessThan: { 'kms:RotationPeriodInDays': 90 }, Bool: { 'aws:SecureTransport': true } },
        },
      ]),
    ],
    [
      'aws:ResourceTag (refused only in key policies)',
      policy([{ ...good, Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } } }]),
    ],
    ['policy variables', policy([{ ...good, Resource: 'arn:aws:iam::111122223333:user/${aws:username}' }])],
    ['action wildcards', policy([{ ...good, Action: ['kms:*', 'kms:Generate*', '*'] }])],
  ])('accepts %s', (_name, text) => expect(validateIdentityPolicy(text)).toEqual(ok));

  test.each([
    ['invalid JSON', '{"Version": "2012-10-17", "Statement": [}', 'Syntax errors in policy.'],
    ['a duplicate member', '{"Version":"2012-10-17","Statement":[],"Statement":[]}', 'Syntax errors in policy.'],
    ['not an object', '[]', 'Syntax errors in policy.'],
    ['an unknown element', policy([good], { Extra: 1 }), 'Syntax errors in policy.'],
    ['an unknown statement element', policy([{ ...good, Extra: 1 }]), 'Syntax errors in policy.'],
    ['no Statement', JSON.stringify({ Version: '2012-10-17' }), 'Syntax errors in policy.'],
    ['an empty Statement list', policy([]), 'Syntax errors in policy.'],
    ['a bad Version', policy([good], { Version: '2012-10-18' }), 'The policy failed legacy parsing'],
    ['a lowercase Effect', policy([{ ...good, Effect: 'allow' }]), 'The policy failed legacy parsing'],
    ['no Effect', policy([{ Action: 'kms:Encrypt', Resource: '*' }]), 'The policy failed legacy parsing'],
    ['a Principal', policy([{ ...good, Principal: { AWS: '*' } }]), 'Policy document should not specify a principal.'],
    [
      'a NotPrincipal',
      policy([{ ...good, NotPrincipal: { AWS: '111122223333' } }]),
      'Policy document should not specify a principal.',
    ],
    ['no Action', policy([{ Effect: 'Allow', Resource: '*' }]), 'Policy statement must contain actions.'],
    ['an empty Action list', policy([{ ...good, Action: [] }]), 'Policy statement must contain actions.'],
    ['no Resource', policy([{ Effect: 'Allow', Action: 'kms:Encrypt' }]), 'Policy statement must contain resources.'],
    [
      'an action without vendor',
      policy([{ ...good, Action: 'Encrypt' }]),
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
    [
      'an action with two colons',
      policy([{ ...good, Action: 'kms:Encrypt:x' }]),
      'Actions/Condition can contain only one colon.',
    ],
    [
      'a condition key without vendor',
      policy([{ ...good, Condition: { StringEquals: { SourceIp: 'x' } } }]),
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
    [
      'a Sid with a dash',
      policy([{ ...good, Sid: 'allow-encrypt' }]),
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
    ],
    [
      'a Sid with a space',
      policy([{ ...good, Sid: 'Allow Encrypt' }]),
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
    ],
    [
      'duplicate Sids',
      policy([
        { ...good, Sid: 'A' },
        { ...good, Sid: 'A' },
      ]),
      'Statement IDs (SID) in a single policy must be unique.',
    ],
    [
      'a resource that is not an ARN',
      policy([{ ...good, Resource: 'my-bucket' }]),
      'Resource my-bucket must be in ARN format or "*".',
    ],
    [
      'an unknown condition operator',
      policy([{ ...good, Condition: { StringEqualz: { 'aws:x': 'y' } } }]),
      'Invalid Condition type : StringEqualz.',
    ],
    ['Action and NotAction', policy([{ ...good, NotAction: 'kms:Decrypt' }]), 'Syntax errors in policy.'],
    ['a non-string action', policy([{ ...good, Action: 5 }]), 'Syntax errors in policy.'],
    ['characters outside the allowed set', policy([{ ...good, Sid: 'Ā' }]), 'Syntax errors in policy.'],
  ])('refuses %s', (_name, text, message) => expect(validateIdentityPolicy(text)).toEqual(bad(message)));
});

describe('validateTrustPolicy', () => {
  const good = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' };
  test.each([
    ['an account principal', policy([good])],
    ['a service principal', policy([{ ...good, Principal: { Service: 'ec2.amazonaws.com' } }])],
    [
      'Principal "*" with a condition',
      policy([{ ...good, Principal: '*', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }]),
    ],
    ['sts:AssumeRole and sts:TagSession', policy([{ ...good, Action: ['sts:AssumeRole', 'sts:TagSession'] }])],
    ['sts:* and sts:Assume*', policy([{ ...good, Action: ['sts:*', 'sts:AssumeRole*'] }])],
    [
      'a federated principal',
      policy([
        {
          ...good,
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ]),
    ],
  ])('accepts %s', (_name, text) => expect(validateTrustPolicy(text)).toEqual(ok));

  test.each([
    ['invalid JSON', '{', 'This policy contains invalid Json'],
    ['no Principal', policy([{ Effect: 'Allow', Action: 'sts:AssumeRole' }]), 'Missing required field Principal'],
    ['a Resource', policy([{ ...good, Resource: '*' }]), 'Has prohibited field Resource'],
    ['a NotResource', policy([{ ...good, NotResource: '*' }]), 'Has prohibited field NotResource'],
    [
      'a non-STS action',
      policy([{ ...good, Action: 'kms:Encrypt' }]),
      'AssumeRole policy may only specify STS AssumeRole actions.',
    ],
    [
      'sts:GetCallerIdentity',
      policy([{ ...good, Action: 'sts:GetCallerIdentity' }]),
      'AssumeRole policy may only specify STS AssumeRole actions.',
    ],
    [
      'a malformed AWS principal',
      policy([{ ...good, Principal: { AWS: 'arn:aws:iam::1234:user/x' } }]),
      'Invalid principal in policy: "AWS":"arn:aws:iam::1234:user/x"',
    ],
    [
      'an unknown principal type',
      policy([{ ...good, Principal: { Robot: 'x' } }]),
      'Invalid principal in policy: "Robot":"x"',
    ],
    ['no Action', policy([{ Effect: 'Allow', Principal: '*' }]), 'Policy statement must contain actions.'],
  ])('refuses %s', (_name, text, message) => expect(validateTrustPolicy(text)).toEqual(bad(message)));
});
