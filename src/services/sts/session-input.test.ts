import { describe, expect, it } from 'vitest';
import { KmsError, type Principal } from '../../domain/index.js';
import { assumedRoleArn, callerIdentity, parseRoleArn } from './identity.js';
import { MAX_SESSION_POLICY_PLAINTEXT, packedPolicySize, sessionTags } from './session-input.js';

const user: Principal = {
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:user/alice',
  accessKeyId: 'AKIAEXAMPLE',
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLE',
};

describe('role ARNs', () => {
  it('parse with their path and partition, and name sessions without the path', () => {
    const arn = parseRoleArn('arn:aws-cn:iam::111122223333:role/a/b/deployer');
    expect(arn).toEqual({ partition: 'aws-cn', accountId: '111122223333', path: '/a/b/', name: 'deployer' });
    expect(assumedRoleArn(arn!, 's')).toBe('arn:aws-cn:sts::111122223333:assumed-role/deployer/s');
    expect(parseRoleArn('arn:aws:iam::111122223333:role/deployer')?.path).toBe('/');
  });

  it('refuse what is not a role ARN', () => {
    for (const arn of [
      'arn:aws:iam::111122223333:user/alice',
      'arn:aws:iam::1111:role/x',
      'arn:aws:sts::111122223333:role/x',
      'arn:aws:iam::111122223333:role/',
      'arn:other:iam::111122223333:role/x',
    ]) {
      expect(parseRoleArn(arn)).toBeUndefined();
    }
  });
});

describe('callerIdentity', () => {
  it('falls back to the account id when a principal has no unique id', () => {
    expect(callerIdentity({ ...user, principalId: undefined })).toEqual({
      Account: '111122223333',
      Arn: user.arn,
      UserId: '111122223333',
    });
  });
});

describe('sessionTags', () => {
  it('keeps the requested tags and their transitive keys, in the case given', () => {
    expect(sessionTags({ Tags: [{ Key: 'Team', Value: 'b' }], TransitiveTagKeys: ['team'] }, user)).toEqual({
      tags: { Team: 'b' },
      transitiveTagKeys: ['team'],
    });
    expect(sessionTags({}, user)).toEqual({ tags: {}, transitiveTagKeys: [] });
  });

  it("inherits only the calling session's transitive tags", () => {
    const caller: Principal = {
      ...user,
      type: 'AssumedRole',
      tags: { team: 'b', cost: '1', env: 'dev' },
      session: {
        kind: 'AssumeRole',
        policies: [],
        issuedAt: new Date(0),
        expiration: new Date(1),
        mfaAuthenticated: false,
        transitiveTagKeys: ['team'],
      },
    };
    expect(sessionTags({ Tags: [{ Key: 'env', Value: 'prod' }] }, caller)).toEqual({
      tags: { team: 'b', env: 'prod' },
      transitiveTagKeys: ['team'],
    });
    expect(() => sessionTags({ Tags: [{ Key: 'TEAM', Value: 'x' }] }, caller)).toThrow(KmsError);
  });
});

describe('packedPolicySize', () => {
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
  });

  it('is a percentage that grows with what the session carries', () => {
    const small = packedPolicySize(policy, [], {});
    const more = packedPolicySize(policy, ['arn:aws:iam::aws:policy/IAMReadOnlyAccess'], { a: 'b'.repeat(200) });
    expect(small).toBeGreaterThan(0);
    expect(more).toBeGreaterThan(small);
    expect(more).toBeLessThanOrEqual(100);
  });

  it('ignores white space, and refuses more plaintext than AWS allows', () => {
    expect(packedPolicySize(JSON.stringify(JSON.parse(policy), null, 8), [], {})).toBe(
      packedPolicySize(policy, [], {}),
    );
    const long = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:${'a'.repeat(MAX_SESSION_POLICY_PLAINTEXT)}` },
      ],
    });
    let error: unknown;
    try {
      packedPolicySize(long, [], {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KmsError);
    expect((error as KmsError).code).toBe('PackedPolicyTooLarge');
  });
});
