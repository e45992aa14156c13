import { describe, expect, it } from 'vitest';
import { auditView, returnsSecret } from './event.js';

describe('audit events from the model', () => {
  it('knows which operations return secret material', () => {
    for (const op of [
      'Decrypt',
      'GenerateDataKey',
      'GenerateRandom',
      'GenerateDataKeyPair',
      'DeriveSharedSecret',
    ] as const) {
      expect(returnsSecret(op), op).toBe(true);
    }
    for (const op of ['Encrypt', 'DescribeKey', 'Sign', 'GenerateDataKeyWithoutPlaintext', 'CreateKey'] as const) {
      expect(returnsSecret(op), op).toBe(false);
    }
  });

  it('copies no blob or sensitive member into request parameters', () => {
    const view = auditView('EncryptRequest', {
      KeyId: 'alias/x',
      Plaintext: Buffer.from('secret'),
      EncryptionContext: { purpose: 'test' },
    });
    expect(view).toEqual({ keyId: 'alias/x', encryptionContext: { purpose: 'test' } });
  });
});
