import { describe, expect, it } from 'vitest';
import { KmsError } from '../domain/errors.js';
import {
  decodeGrantToken,
  encodeGrantToken,
  issuingAccountOf,
  sameGrantParameters,
  type GrantConstraints,
  type GrantOperation,
  type GrantRecord,
} from '../domain/grants.js';
import {
  grantAllows,
  grantKeyKind,
  grantOperationOf,
  grantsAllowing,
  isEqualOrNarrower,
  mayRetire,
  validateCreateGrant,
  type CreateGrantParameters,
  type GrantRequest,
} from './grants.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const USER = `arn:aws:iam::${ACCOUNT}:user/appUser`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/acctAdmin`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app/AppRole`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/AppRole/s1`;
const OTHER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/AppRole/s2`;
const OTHER_USER = `arn:aws:iam::${OTHER}:user/partner`;

let n = 0;
function grant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    grantId: (++n).toString(16).padStart(64, '0'),
    keyArn: KEY,
    granteePrincipal: USER,
    issuingAccount: ROOT,
    operations: ['Encrypt', 'Decrypt'],
    creationDate: new Date(0),
    ...overrides,
  };
}

const ask = (overrides: Partial<GrantRequest> = {}): GrantRequest => ({
  operation: 'Decrypt',
  principalArns: [USER],
  ...overrides,
});

const SYMMETRIC = { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' };
const RSA_ENC = { keySpec: 'RSA_2048', keyUsage: 'ENCRYPT_DECRYPT' };
const RSA_SIGN = { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' };
const ECC_SIGN = { keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' };
const ECC_AGREE = { keySpec: 'ECC_NIST_P256', keyUsage: 'KEY_AGREEMENT' };
const HMAC = { keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' };
const MLKEM = { keySpec: 'ML_KEM_768', keyUsage: 'ENCAPSULATE_DECAPSULATE' };

function validationMessage(params: CreateGrantParameters, key = SYMMETRIC): string | undefined {
  try {
    validateCreateGrant(params, key);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(KmsError);
    expect((e as KmsError).code).toBe('ValidationException');
    return (e as KmsError).message;
  }
}

describe('grantAllows: grantee', () => {
  const cases: [string, string, readonly string[], boolean][] = [
    ['a user grantee allows that user', USER, [USER], true],
    ['a user grantee does not allow another user', USER, [ADMIN], false],
    ['a role grantee allows each session of the role', ROLE, [SESSION, ROLE], true],
    ['a role grantee allows another session of the role', ROLE, [OTHER_SESSION, ROLE], true],
    ['a session grantee allows that session', SESSION, [SESSION, ROLE], true],
    ['a session grantee does not allow another session of the role', SESSION, [OTHER_SESSION, ROLE], false],
    ['an account grantee allows the account root', ROOT, [ROOT], true],
    ['an account grantee does not itself allow a user of the account', ROOT, [USER], false],
    ['a grantee in another account allows that principal', OTHER_USER, [OTHER_USER], true],
    ['a service principal grantee allows that service', 'dynamodb.amazonaws.com', ['dynamodb.amazonaws.com'], true],
    ['grantee ARNs compare case-sensitively', USER.toUpperCase(), [USER], false],
  ];
  it.each(cases)('%s', (_name, grantee, principalArns, allowed) => {
    const g = grant({ granteePrincipal: grantee });
    expect(grantAllows([g], ask({ principalArns }))).toBe(allowed ? g : undefined);
  });

  it('a GranteeServicePrincipal grant allows the service with its SourceArn', () => {
    const g = grant({
      granteePrincipal: undefined,
      granteeServicePrincipal: 'logs.us-east-1.amazonaws.com',
      constraints: { sourceArn: 'arn:aws:logs:us-east-1:111122223333:log-group:x' },
    });
    const principalArns = ['logs.us-east-1.amazonaws.com'];
    expect(grantAllows([g], ask({ principalArns, sourceArn: 'arn:aws:logs:us-east-1:111122223333:log-group:x' }))).toBe(
      g,
    );
    expect(
      grantAllows([g], ask({ principalArns, sourceArn: 'arn:aws:logs:us-east-1:111122223333:log-group:y' })),
    ).toBeUndefined();
    expect(grantAllows([g], ask({ principalArns }))).toBeUndefined();
  });
});

describe('grantAllows: operations', () => {
  it('allows a listed operation and refuses one not listed', () => {
    const g = grant({ operations: ['GenerateDataKey', 'Decrypt'] });
    expect(grantAllows([g], ask({ operation: 'GenerateDataKey' }))).toBe(g);
    expect(grantAllows([g], ask({ operation: 'Decrypt' }))).toBe(g);
    expect(grantAllows([g], ask({ operation: 'Encrypt' }))).toBeUndefined();
  });

  it('GenerateDataKey does not cover GenerateDataKeyWithoutPlaintext or the pair operations', () => {
    const g = grant({ operations: ['GenerateDataKey'] });
    expect(grantAllows([g], ask({ operation: 'GenerateDataKeyWithoutPlaintext' }))).toBeUndefined();
    expect(grantAllows([g], ask({ operation: 'GenerateDataKeyPair' }))).toBeUndefined();
    expect(grantAllows([g], ask({ operation: 'GenerateDataKeyPairWithoutPlaintext' }))).toBeUndefined();
  });

  it('ReEncrypt needs ReEncryptFrom on the source and ReEncryptTo on the destination', () => {
    const from = grant({ operations: ['ReEncryptFrom'] });
    expect(grantAllows([from], ask({ operation: grantOperationOf('kms:ReEncryptFrom')! }))).toBe(from);
    expect(grantAllows([from], ask({ operation: grantOperationOf('kms:ReEncryptTo')! }))).toBeUndefined();
  });

  it('no grant allows an operation that is not a grant operation', () => {
    const g = grant({ operations: [...(['Encrypt', 'CreateGrant', 'RetireGrant'] as GrantOperation[])] });
    for (const op of ['RevokeGrant', 'ListGrants', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'ReEncrypt']) {
      expect(grantAllows([g], ask({ operation: op }))).toBeUndefined();
    }
  });

  it('maps IAM actions to grant operations', () => {
    expect(grantOperationOf('kms:Encrypt')).toBe('Encrypt');
    expect(grantOperationOf('kms:DeriveSharedSecret')).toBe('DeriveSharedSecret');
    expect(grantOperationOf('kms:ListGrants')).toBeUndefined();
    expect(grantOperationOf('iam:Encrypt')).toBeUndefined();
    expect(grantOperationOf('Encrypt')).toBeUndefined();
  });

  it('returns the first grant that allows; grantsAllowing returns each', () => {
    const a = grant({ operations: ['Encrypt'] });
    const b = grant({ operations: ['Decrypt'] });
    const c = grant({ operations: ['Decrypt', 'Encrypt'] });
    expect(grantAllows([a, b, c], ask())).toBe(b);
    expect(grantsAllowing([a, b, c], ask())).toEqual([b, c]);
    expect(grantAllows([], ask())).toBeUndefined();
  });
});

describe('grantAllows: encryption context constraints', () => {
  const subset: GrantConstraints = { encryptionContextSubset: { Department: 'Finance', Classification: 'Public' } };
  // The examples of "Using grant constraints" (EncryptionContextSubset).
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['the same pairs', { Department: 'Finance', Classification: 'Public' }, true],
    ['the same pairs in another order', { Classification: 'Public', Department: 'Finance' }, true],
    ['more pairs', { Customer: '12345', Department: 'Finance', Classification: 'Public', Purpose: 'Test' }, true],
    ['a missing pair', { Department: 'Finance' }, false],
    ['values in another case', { Department: 'finance', Classification: 'public' }, false],
    [
      'keys in another case (constraint keys are case-insensitive)',
      { department: 'Finance', CLASSIFICATION: 'Public' },
      true,
    ],
    ['another pair instead', { Classification: 'Public', Customer: '12345' }, false],
    ['no context', undefined, false],
  ];
  it.each(cases)('EncryptionContextSubset with %s', (_name, encryptionContext, allowed) => {
    const g = grant({ constraints: subset });
    expect(grantAllows([g], ask({ encryptionContext }))).toBe(allowed ? g : undefined);
  });

  const equals: GrantConstraints = { encryptionContextEquals: { Department: 'IT' } };
  const equalsCases: [string, Record<string, string> | undefined, boolean][] = [
    ['the exact map', { Department: 'IT' }, true],
    ['the key in another case', { department: 'IT' }, true],
    ['the value in another case', { Department: 'it' }, false],
    ['one more pair', { Department: 'IT', Project: 'x' }, false],
    ['no context', undefined, false],
  ];
  it.each(equalsCases)('EncryptionContextEquals with %s', (_name, encryptionContext, allowed) => {
    const g = grant({ constraints: equals });
    expect(grantAllows([g], ask({ encryptionContext }))).toBe(allowed ? g : undefined);
  });

  it('an empty Equals allows only requests without context', () => {
    const g = grant({ constraints: { encryptionContextEquals: {} } });
    expect(grantAllows([g], ask())).toBe(g);
    expect(grantAllows([g], ask({ encryptionContext: {} }))).toBe(g);
    expect(grantAllows([g], ask({ encryptionContext: { a: 'b' } }))).toBeUndefined();
  });

  it('constraints do not apply to DescribeKey, RetireGrant or CreateGrant', () => {
    const g = grant({ operations: ['Decrypt', 'DescribeKey', 'RetireGrant', 'CreateGrant'], constraints: equals });
    for (const operation of ['DescribeKey', 'RetireGrant', 'CreateGrant']) {
      expect(grantAllows([g], ask({ operation }))).toBe(g);
    }
    expect(grantAllows([g], ask({ operation: 'Decrypt' }))).toBeUndefined();
  });

  it('constraints do not apply where the key takes no context (RSA Decrypt)', () => {
    const g = grant({ constraints: equals });
    expect(grantAllows([g], ask({ keyKind: 'asymmetric-encryption' }))).toBe(g);
  });

  it('applies every constraint a grant has', () => {
    const g = grant({
      constraints: { encryptionContextEquals: { a: '1', b: '2' }, encryptionContextSubset: { a: '1' } },
    });
    expect(grantAllows([g], ask({ encryptionContext: { a: '1', b: '2' } }))).toBe(g);
    expect(grantAllows([g], ask({ encryptionContext: { a: '1' } }))).toBeUndefined();
  });
});

describe('validateCreateGrant', () => {
  const base: CreateGrantParameters = { operations: ['Encrypt', 'Decrypt'], granteePrincipal: USER };

  it('accepts the grant of the Using-a-grant-token example', () => {
    expect(
      validationMessage({ ...base, operations: ['GenerateDataKey', 'Decrypt'], retiringPrincipal: ADMIN }),
    ).toBeUndefined();
  });

  it('needs exactly one grantee', () => {
    expect(validationMessage({ operations: ['Encrypt'] })).toMatch(/GranteePrincipal or GranteeServicePrincipal/);
    expect(validationMessage({ ...base, granteeServicePrincipal: 'logs.us-east-1.amazonaws.com' })).toMatch(
      /but not both/,
    );
  });

  it('takes at most one retiring principal', () => {
    expect(
      validationMessage({
        ...base,
        retiringPrincipal: ADMIN,
        retiringServicePrincipal: 'logs.us-east-1.amazonaws.com',
      }),
    ).toMatch(/RetiringPrincipal or RetiringServicePrincipal/);
  });

  it('a service principal grantee needs a SourceArn and a retiring principal', () => {
    const service = { operations: ['Encrypt'], granteeServicePrincipal: 'logs.us-east-1.amazonaws.com' };
    expect(validationMessage(service)).toMatch(/SourceArn/);
    expect(
      validationMessage({ ...service, constraints: { sourceArn: 'arn:aws:logs:us-east-1:111122223333:x' } }),
    ).toMatch(/RetiringPrincipal or a RetiringServicePrincipal/);
    expect(
      validationMessage({
        ...service,
        constraints: { sourceArn: 'arn:aws:logs:us-east-1:111122223333:x' },
        retiringServicePrincipal: 'logs.us-east-1.amazonaws.com',
      }),
    ).toBeUndefined();
  });

  it('refuses a grant of CreateGrant alone, with AWS words', () => {
    expect(validationMessage({ ...base, operations: ['CreateGrant'] })).toBe(
      'Grants must not contain only the CreateGrant operation.',
    );
    expect(validationMessage({ ...base, operations: ['CreateGrant', 'Decrypt'] })).toBeUndefined();
  });

  it('refuses an operation that is not a grant operation', () => {
    expect(validationMessage({ ...base, operations: ['ReEncrypt'] })).toMatch(
      /ReEncrypt is not a valid grant operation/,
    );
  });

  // "Grant operations": each operation must be supported by the key.
  const supported: [string, { keySpec: string; keyUsage: string }, GrantOperation, boolean][] = [
    ['Sign on a symmetric key', SYMMETRIC, 'Sign', false],
    ['Verify on a symmetric key', SYMMETRIC, 'Verify', false],
    ['GetPublicKey on a symmetric key', SYMMETRIC, 'GetPublicKey', false],
    ['GenerateMac on a symmetric key', SYMMETRIC, 'GenerateMac', false],
    ['GenerateDataKeyPair on a symmetric key', SYMMETRIC, 'GenerateDataKeyPair', true],
    ['ReEncryptTo on a symmetric key', SYMMETRIC, 'ReEncryptTo', true],
    ['GenerateDataKey on an RSA key', RSA_ENC, 'GenerateDataKey', false],
    ['Encrypt on an RSA encryption key', RSA_ENC, 'Encrypt', true],
    ['ReEncryptFrom on an RSA encryption key', RSA_ENC, 'ReEncryptFrom', true],
    ['GetPublicKey on an RSA encryption key', RSA_ENC, 'GetPublicKey', true],
    ['Sign on an RSA encryption key', RSA_ENC, 'Sign', false],
    ['Sign on an RSA signing key', RSA_SIGN, 'Sign', true],
    ['Encrypt on an RSA signing key', RSA_SIGN, 'Encrypt', false],
    ['Verify on an ECC signing key', ECC_SIGN, 'Verify', true],
    ['DeriveSharedSecret on an ECC signing key', ECC_SIGN, 'DeriveSharedSecret', false],
    ['DeriveSharedSecret on a key agreement key', ECC_AGREE, 'DeriveSharedSecret', true],
    ['GenerateMac on an HMAC key', HMAC, 'GenerateMac', true],
    ['VerifyMac on an HMAC key', HMAC, 'VerifyMac', true],
    ['Encrypt on an HMAC key', HMAC, 'Encrypt', false],
    ['GetPublicKey on an HMAC key', HMAC, 'GetPublicKey', false],
    ['GetPublicKey on an ML-KEM key', MLKEM, 'GetPublicKey', true],
    ['DescribeKey on an HMAC key', HMAC, 'DescribeKey', true],
    ['RetireGrant on an ECC key', ECC_SIGN, 'RetireGrant', true],
  ];
  it.each(supported)('%s', (_name, key, op, ok) => {
    const message = validationMessage({ ...base, operations: [op, 'DescribeKey'] }, key);
    if (ok) expect(message).toBeUndefined();
    else
      expect(message).toBe(
        `Grant operation ${op} is not supported for a KMS key with KeySpec ${key.keySpec} and KeyUsage ${key.keyUsage}.`,
      );
  });

  it('accepts encryption context constraints on a symmetric key, with DescribeKey, RetireGrant and CreateGrant', () => {
    expect(
      validationMessage({
        ...base,
        operations: ['Decrypt', 'GenerateDataKey', 'DescribeKey', 'RetireGrant', 'CreateGrant'],
        constraints: { encryptionContextSubset: { Department: 'IT' } },
      }),
    ).toBeUndefined();
  });

  it('refuses encryption context constraints with operations that take no context', () => {
    const constraints = { encryptionContextEquals: { a: 'b' } };
    expect(validationMessage({ ...base, operations: ['Sign'], constraints }, RSA_SIGN)).toMatch(
      /not supported for the Sign operation/,
    );
    expect(validationMessage({ ...base, operations: ['Decrypt'], constraints }, RSA_ENC)).toMatch(/Decrypt operation/);
    expect(validationMessage({ ...base, operations: ['GenerateMac'], constraints }, HMAC)).toMatch(/GenerateMac/);
    expect(validationMessage({ ...base, operations: ['GetPublicKey', 'DescribeKey'], constraints }, RSA_ENC)).toMatch(
      /GetPublicKey/,
    );
    expect(
      validationMessage({ ...base, operations: ['DescribeKey', 'RetireGrant'], constraints }, RSA_SIGN),
    ).toBeUndefined();
  });

  it('limits a constraint to 8 pairs and values to 384 characters', () => {
    const pairs = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));
    expect(validationMessage({ ...base, constraints: { encryptionContextSubset: pairs(8) } })).toBeUndefined();
    expect(validationMessage({ ...base, constraints: { encryptionContextSubset: pairs(9) } })).toMatch(/at most 8/);
    expect(
      validationMessage({ ...base, constraints: { encryptionContextEquals: { k: 'x'.repeat(384) } } }),
    ).toBeUndefined();
    expect(validationMessage({ ...base, constraints: { encryptionContextEquals: { k: 'x'.repeat(385) } } })).toMatch(
      /384/,
    );
  });
});

describe('isEqualOrNarrower (a grant created through a grant)', () => {
  const parentOps = ['GenerateDataKey', 'Decrypt', 'CreateGrant'];
  const subset = { encryptionContextSubset: { Department: 'Finance' } };
  const cases: [
    string,
    { operations: string[]; constraints?: GrantConstraints },
    { operations: string[]; constraints?: GrantConstraints },
    boolean,
  ][] = [
    ['the same grant', { operations: parentOps }, { operations: parentOps }, true],
    ['a subset of the operations', { operations: ['GenerateDataKey', 'Decrypt'] }, { operations: parentOps }, true],
    [
      'another operation (ReEncryptFrom)',
      { operations: ['Decrypt', 'ReEncryptFrom'] },
      { operations: parentOps },
      false,
    ],
    [
      'a constraint where the parent has none',
      { operations: ['Decrypt'], constraints: subset },
      { operations: parentOps },
      true,
    ],
    [
      'no constraint where the parent has one',
      { operations: ['Decrypt'] },
      { operations: parentOps, constraints: subset },
      false,
    ],
    [
      'a Subset with a pair added',
      { operations: ['Decrypt'], constraints: { encryptionContextSubset: { Department: 'Finance', Team: 'A' } } },
      { operations: parentOps, constraints: subset },
      true,
    ],
    [
      'a Subset with its pair removed',
      { operations: ['Decrypt'], constraints: { encryptionContextSubset: { Team: 'A' } } },
      { operations: parentOps, constraints: subset },
      false,
    ],
    [
      'a Subset whose key differs only in case',
      { operations: ['Decrypt'], constraints: { encryptionContextSubset: { department: 'Finance' } } },
      { operations: parentOps, constraints: subset },
      true,
    ],
    [
      'a Subset whose value differs in case',
      { operations: ['Decrypt'], constraints: { encryptionContextSubset: { Department: 'finance' } } },
      { operations: parentOps, constraints: subset },
      false,
    ],
    [
      'Subset changed to Equals',
      { operations: ['Decrypt'], constraints: { encryptionContextEquals: { Department: 'Finance', Team: 'A' } } },
      { operations: parentOps, constraints: subset },
      true,
    ],
    [
      'Equals changed to Subset',
      { operations: ['Decrypt'], constraints: { encryptionContextSubset: { Department: 'Finance' } } },
      { operations: parentOps, constraints: { encryptionContextEquals: { Department: 'Finance' } } },
      false,
    ],
    [
      'the same Equals',
      { operations: ['Decrypt'], constraints: { encryptionContextEquals: { Department: 'Finance' } } },
      { operations: parentOps, constraints: { encryptionContextEquals: { Department: 'Finance' } } },
      true,
    ],
    [
      'an Equals with a pair added',
      { operations: ['Decrypt'], constraints: { encryptionContextEquals: { Department: 'Finance', Team: 'A' } } },
      { operations: parentOps, constraints: { encryptionContextEquals: { Department: 'Finance' } } },
      false,
    ],
    [
      'another SourceArn',
      { operations: ['Decrypt'], constraints: { sourceArn: 'arn:aws:s3:::b' } },
      { operations: parentOps, constraints: { sourceArn: 'arn:aws:s3:::a' } },
      false,
    ],
  ];
  it.each(cases)('%s', (_name, child, parent, narrower) => {
    expect(isEqualOrNarrower(child, parent)).toBe(narrower);
  });
});

describe('mayRetire', () => {
  it('lets the retiring principal retire', () => {
    expect(mayRetire(grant({ retiringPrincipal: ADMIN }), { principalArns: [ADMIN] })).toBe('retiring-principal');
  });
  it('lets a session retire a grant whose retiring principal is its role', () => {
    expect(mayRetire(grant({ retiringPrincipal: ROLE }), { principalArns: [SESSION, ROLE] })).toBe(
      'retiring-principal',
    );
  });
  it('lets the grantee retire only when the grant includes RetireGrant', () => {
    expect(mayRetire(grant(), { principalArns: [USER] })).toBeUndefined();
    expect(mayRetire(grant({ operations: ['Decrypt', 'RetireGrant'] }), { principalArns: [USER] })).toBe('grantee');
  });
  it('lets the account that issued the grant retire it', () => {
    expect(mayRetire(grant(), { principalArns: [ROOT] })).toBe('issuing-account');
    expect(mayRetire(grant(), { principalArns: [`arn:aws:iam::${OTHER}:root`] })).toBeUndefined();
  });
  it('refuses anyone else', () => {
    expect(mayRetire(grant({ retiringPrincipal: ADMIN }), { principalArns: [OTHER_USER] })).toBeUndefined();
  });
});

describe('grant records', () => {
  const random = (size: number) => Buffer.alloc(size, 7);

  it('round-trips a grant token, and each token is unique with a fresh nonce', () => {
    const id = 'ab'.repeat(32);
    const token = encodeGrantToken(id, KEY, random);
    expect(token).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect(decodeGrantToken(token)).toEqual({ grantId: id, keyArn: KEY });
    let i = 0;
    const counting = (size: number) => Buffer.alloc(size, ++i);
    expect(encodeGrantToken(id, KEY, counting)).not.toBe(encodeGrantToken(id, KEY, counting));
  });

  it('refuses text that is not a token', () => {
    const token = encodeGrantToken('cd'.repeat(32), KEY, random);
    for (const bad of ['', 'not a token', 'AQ', `${token}=`, token.slice(0, 40), `x${token}`, 'a'.repeat(9000)]) {
      expect(decodeGrantToken(bad)).toBeUndefined();
    }
  });

  it('names the issuing account as the key owner root, in the key partition', () => {
    expect(issuingAccountOf(KEY)).toBe(ROOT);
    expect(issuingAccountOf('arn:aws-cn:kms:cn-north-1:111122223333:key/k')).toBe('arn:aws-cn:iam::111122223333:root');
  });

  it('compares grant parameters for Name idempotency', () => {
    const a = grant({
      name: 'n',
      operations: ['Encrypt', 'Decrypt'],
      constraints: { encryptionContextSubset: { A: '1' } },
    });
    expect(
      sameGrantParameters(a, { ...a, grantId: 'other', creationDate: new Date(5), operations: ['Decrypt', 'Encrypt'] }),
    ).toBe(true);
    expect(sameGrantParameters(a, { ...a, constraints: { encryptionContextSubset: { a: '1' } } })).toBe(true);
    expect(sameGrantParameters(a, { ...a, constraints: { encryptionContextSubset: { A: '2' } } })).toBe(false);
    expect(sameGrantParameters(a, { ...a, constraints: { encryptionContextEquals: { A: '1' } } })).toBe(false);
    expect(sameGrantParameters(a, { ...a, operations: ['Encrypt'] })).toBe(false);
    expect(sameGrantParameters(a, { ...a, retiringPrincipal: ADMIN })).toBe(false);
    expect(sameGrantParameters(a, { ...a, granteePrincipal: ADMIN })).toBe(false);
  });

  it('classifies keys for the grant-operations table', () => {
    expect(grantKeyKind(SYMMETRIC)).toBe('symmetric');
    expect(grantKeyKind(RSA_ENC)).toBe('asymmetric-encryption');
    expect(grantKeyKind({ keySpec: 'SM2', keyUsage: 'ENCRYPT_DECRYPT' })).toBe('asymmetric-encryption');
    expect(grantKeyKind(HMAC)).toBe('hmac');
    expect(grantKeyKind(ECC_AGREE)).toBe('key-agreement');
    expect(grantKeyKind(MLKEM)).toBe('key-encapsulation');
  });
});
