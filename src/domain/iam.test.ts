import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AWS_MANAGED_POLICIES,
  DEFAULT_IAM_QUOTAS,
  IamErrors,
  awsManagedPolicy,
  encodePolicyDocument,
  iamArn,
  iamIdKind,
  mergeTags,
  nameKey,
  newIamId,
  parseIamArn,
  policySize,
  removeTags,
  versionNumber,
} from './iam.js';

describe('IAM ids', () => {
  it('are the prefix and 17 base32 characters, 16 for access keys', () => {
    for (const [kind, prefix] of [
      ['user', 'AIDA'],
      ['group', 'AGPA'],
      ['role', 'AROA'],
      ['policy', 'ANPA'],
    ] as const) {
      const id = newIamId(kind, randomBytes);
      expect(id).toMatch(new RegExp(`^${prefix}[A-Z2-7]{17}$`));
      expect(iamIdKind(id)).toBe(kind);
    }
    expect(newIamId('accessKey', randomBytes)).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(newIamId('temporaryAccessKey', randomBytes)).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(iamIdKind('AKIAIOSFODNN7EXAMPLE')).toBe('accessKey');
    expect(iamIdKind('AIDACKCEVSQ6C2EXAMPLE')).toBe('user');
    expect(iamIdKind('aidacKCEVSQ6C2EXAMPLE')).toBeUndefined();
  });

  it('use the bytes given', () => {
    expect(newIamId('user', (n) => Buffer.alloc(n, 0))).toBe('AIDA' + 'A'.repeat(17));
    expect(newIamId('user', (n) => Buffer.alloc(n, 31))).toBe('AIDA' + '7'.repeat(17));
  });
});

describe('IAM ARNs', () => {
  it('put the path between the kind and the name', () => {
    expect(iamArn('user', '111122223333', '/', 'bob')).toBe('arn:aws:iam::111122223333:user/bob');
    expect(iamArn('role', '111122223333', '/svc/a/', 'r')).toBe('arn:aws:iam::111122223333:role/svc/a/r');
    expect(iamArn('policy', '111122223333', '/', 'p', 'aws-cn')).toBe('arn:aws-cn:iam::111122223333:policy/p');
  });

  it('parse back with their path', () => {
    expect(parseIamArn('arn:aws:iam::111122223333:role/svc/a/r')).toEqual({
      partition: 'aws',
      accountId: '111122223333',
      kind: 'role',
      path: '/svc/a/',
      name: 'r',
    });
    expect(parseIamArn('arn:aws:iam::aws:policy/AdministratorAccess')?.accountId).toBe('aws');
    expect(parseIamArn('arn:aws:iam::111122223333:root')).toBeUndefined();
    expect(parseIamArn('arn:aws:kms:us-east-1:111122223333:key/x')).toBeUndefined();
  });
});

describe('names, sizes, versions', () => {
  it('compares names without regard to case', () => {
    expect(nameKey('Alice')).toBe(nameKey('aLICE'));
  });

  it('counts policy size without white space', () => {
    expect(policySize('{ "a" :\n\t"b c" }')).toBe(10);
  });

  it('numbers versions', () => {
    expect(versionNumber('v12')).toBe(12);
    expect(versionNumber('v0')).toBeUndefined();
    expect(versionNumber('1')).toBeUndefined();
  });

  it('URL-encodes policy documents as IAM returns them', () => {
    expect(encodePolicyDocument('{"Version":"2012-10-17", "Action":"s3:*"}')).toBe(
      '%7B%22Version%22%3A%222012-10-17%22%2C%20%22Action%22%3A%22s3%3A*%22%7D',
    );
  });
});

describe('tags', () => {
  it('merge and remove without regard to key case', () => {
    const tags = mergeTags(
      [{ Key: 'Team', Value: 'a' }],
      [
        { Key: 'team', Value: 'b' },
        { Key: 'x', Value: '1' },
      ],
    );
    expect(tags).toEqual([
      { Key: 'team', Value: 'b' },
      { Key: 'x', Value: '1' },
    ]);
    expect(removeTags(tags, ['TEAM'])).toEqual([{ Key: 'x', Value: '1' }]);
  });
});

describe('quotas and errors', () => {
  it('has AWS defaults', () => {
    expect(DEFAULT_IAM_QUOTAS).toMatchObject({
      usersPerAccount: 5000,
      groupsPerAccount: 300,
      rolesPerAccount: 1000,
      managedPoliciesPerAccount: 1500,
      accessKeysPerUser: 2,
      policiesPerUser: 10,
      versionsPerPolicy: 5,
      tagsPerEntity: 50,
      userInlinePolicySize: 2048,
      groupInlinePolicySize: 5120,
      roleInlinePolicySize: 10240,
      managedPolicySize: 6144,
    });
  });

  it("speaks AWS's words", () => {
    expect(IamErrors.noSuchEntity('user', 'bob')).toMatchObject({
      code: 'NoSuchEntity',
      message: 'The user with name bob cannot be found.',
    });
    expect(IamErrors.entityExists('user', 'bob').message).toBe('User with name bob already exists.');
    expect(IamErrors.quotaExceeded('accessKeysPerUser', 2).message).toBe(
      'Cannot exceed quota for AccessKeysPerUser: 2',
    );
    expect(IamErrors.deleteConflict('access-keys')).toMatchObject({
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete access keys first.',
    });
  });
});

describe('AWS managed policies', () => {
  it('are found by ARN', () => {
    expect(awsManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')?.name).toBe('AdministratorAccess');
    expect(awsManagedPolicy('arn:aws:iam::111122223333:policy/AdministratorAccess')).toBeUndefined();
    for (const p of AWS_MANAGED_POLICIES) expect(() => JSON.parse(p.document) as unknown).not.toThrow();
  });
});
