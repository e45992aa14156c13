import { describe, expect, it } from 'vitest';
import { priceClassOf } from './classes.js';

describe('priceClassOf', () => {
  it.each([
    ['Encrypt', 'SYMMETRIC_DEFAULT', undefined, 'symmetric'],
    ['Decrypt', undefined, undefined, 'symmetric'],
    ['GenerateDataKey', 'SYMMETRIC_DEFAULT', undefined, 'symmetric'],
    ['CreateKey', undefined, undefined, 'symmetric'],
    ['DescribeKey', 'RSA_4096', undefined, 'symmetric'],
    ['GenerateMac', 'HMAC_256', undefined, 'hmac'],
    ['Sign', 'RSA_2048', undefined, 'asymmetric-rsa-2048'],
    ['Decrypt', 'RSA_3072', undefined, 'asymmetric'],
    ['GetPublicKey', 'ECC_NIST_P256', undefined, 'asymmetric'],
    ['Verify', 'ECC_SECG_P256K1', undefined, 'asymmetric'],
    ['Sign', 'ML_DSA_65', undefined, 'asymmetric'],
    ['Decapsulate', 'ML_KEM_768', undefined, 'asymmetric'],
    ['DeriveSharedSecret', 'ECC_NIST_P384', undefined, 'asymmetric'],
    ['Sign', 'SM2', undefined, 'asymmetric'],
    ['GenerateDataKeyPair', 'SYMMETRIC_DEFAULT', 'RSA_2048', 'rsa-generate-data-key-pair'],
    ['GenerateDataKeyPairWithoutPlaintext', 'SYMMETRIC_DEFAULT', 'RSA_4096', 'rsa-generate-data-key-pair'],
    ['GenerateDataKeyPair', 'SYMMETRIC_DEFAULT', 'ECC_NIST_P521', 'ecc-generate-data-key-pair'],
    ['GenerateDataKeyPair', 'SYMMETRIC_DEFAULT', 'SM2', 'ecc-generate-data-key-pair'],
    ['GenerateDataKeyPair', 'SYMMETRIC_DEFAULT', undefined, 'symmetric'],
  ])('%s with key spec %s, key pair %s: %s', (operation, keySpec, keyPairSpec, expected) => {
    expect(priceClassOf({ service: 'kms', operation, keySpec, keyPairSpec })).toBe(expected);
  });

  it('does not charge other services', () => {
    expect(priceClassOf({ service: 'iam', operation: 'CreateUser' })).toBe('not-charged');
    expect(priceClassOf({ service: 'sts', operation: 'GetCallerIdentity' })).toBe('not-charged');
  });
});
