import { describe, expect, it } from 'vitest';
import { KmsError } from '../../domain/index.js';
import { kmsFailure } from './values.js';

const SUFFIX = /\(Service: AWSKMS; Status Code: 400; Error Code: (\w+); Request ID: [0-9a-f-]{36}; Proxy: null\)$/;

describe('KMS refusals as Parameter Store answers them', () => {
  it('keeps AccessDeniedException with the service suffix', () => {
    const e = kmsFailure(new KmsError('AccessDeniedException', 'User: x is not authorized')) as KmsError;
    expect(e.code).toBe('AccessDeniedException');
    expect(e.message).toMatch(/^User: x is not authorized \(Service: AWSKMS;/);
    expect(SUFFIX.exec(e.message)?.[1]).toBe('AccessDeniedException');
  });

  it('answers InvalidKeyId for the key refusals', () => {
    for (const code of [
      'NotFoundException',
      'DisabledException',
      'KMSInvalidStateException',
      'InvalidKeyUsageException',
    ]) {
      const e = kmsFailure(new KmsError(code, 'm')) as KmsError;
      expect(e.code).toBe('InvalidKeyId');
      expect(SUFFIX.exec(e.message)?.[1]).toBe(code);
    }
  });

  it('keeps throttling, hides internal errors, and passes other errors through', () => {
    expect((kmsFailure(new KmsError('ThrottlingException', 'Rate exceeded')) as KmsError).code).toBe(
      'ThrottlingException',
    );
    expect(kmsFailure(new KmsError('KMSInternalException', 'boom'))).toMatchObject({
      code: 'InternalServerError',
      message: '',
    });
    const other = new Error('x');
    expect(kmsFailure(other)).toBe(other);
  });
});
