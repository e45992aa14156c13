import { describe, expect, it } from 'vitest';
import type { Principal, PrincipalSession } from '../domain/index.js';
import { temporaryCredentialRefusal } from './temporary-credentials.js';

const session = (kind: PrincipalSession['kind'], mfaAuthenticated = false): PrincipalSession => ({
  kind,
  policies: [],
  issuedAt: new Date(0),
  expiration: new Date(3600_000),
  mfaAuthenticated,
});
const user: Principal = {
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:user/alice',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLE',
  userName: 'alice',
};
const userSession: Principal = { ...user, accessKeyId: 'ASIAEXAMPLE', session: session('GetSessionToken') };
const roleSession: Principal = {
  accountId: '111122223333',
  arn: 'arn:aws:sts::111122223333:assumed-role/r/s',
  accessKeyId: 'ASIAEXAMPLE2',
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLE:s',
  session: session('AssumeRole'),
};

const refusal = (p: Principal, service: string, op: string) => {
  const e = temporaryCredentialRefusal(p, service, op);
  return e && { code: e.code, message: e.message };
};

describe('temporaryCredentialRefusal', () => {
  it('lets long-term credentials do anything', () => {
    for (const [service, op] of [
      ['sts', 'GetSessionToken'],
      ['iam', 'CreateUser'],
      ['kms', 'Encrypt'],
    ] as const) {
      expect(refusal(user, service, op)).toBeUndefined();
    }
  });

  it('refuses GetSessionToken to every kind of temporary credentials, as AWS', () => {
    for (const p of [userSession, roleSession]) {
      expect(refusal(p, 'sts', 'GetSessionToken')).toEqual({
        code: 'AccessDenied',
        message: 'Cannot call GetSessionToken with session credentials',
      });
    }
  });

  it('refuses IAM to GetSessionToken credentials without MFA, as an invalid token', () => {
    expect(refusal(userSession, 'iam', 'ListUsers')).toEqual({
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid',
    });
    expect(refusal({ ...userSession, session: session('GetSessionToken', true) }, 'iam', 'ListUsers')).toBeUndefined();
  });

  it('lets GetSessionToken credentials call AssumeRole, GetCallerIdentity and other services', () => {
    expect(refusal(userSession, 'sts', 'AssumeRole')).toBeUndefined();
    expect(refusal(userSession, 'sts', 'GetCallerIdentity')).toBeUndefined();
    expect(refusal(userSession, 'kms', 'Encrypt')).toBeUndefined();
    expect(refusal(userSession, 'sts', 'GetFederationToken')).toEqual({
      code: 'AccessDenied',
      message: 'Cannot call GetFederationToken with session credentials',
    });
  });

  it('lets role sessions call IAM and AssumeRole (role chaining)', () => {
    expect(refusal(roleSession, 'iam', 'ListUsers')).toBeUndefined();
    expect(refusal(roleSession, 'sts', 'AssumeRole')).toBeUndefined();
  });
});
