import { describe, expect, it } from 'vitest';
import { auditView, buildServiceEvent, responseDate, returnsSecret } from './event.js';

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

  it('writes dates inside responseElements as CloudTrail does for KMS (ct-createkey)', () => {
    expect(responseDate(new Date('2022-08-10T22:38:27Z'))).toBe('Aug 10, 2022, 10:38:27 PM');
    expect(responseDate(new Date('2021-01-05T00:07:09Z'))).toBe('Jan 5, 2021, 12:07:09 AM');
    expect(responseDate(new Date('2021-12-31T12:00:00Z'))).toBe('Dec 31, 2021, 12:00:00 PM');
  });

  it('names members as Java beans do: AWSAccountId keeps its capitals', () => {
    const view = auditView('KeyMetadata', { AWSAccountId: '111122223333', KeyId: 'k', Enabled: true }) as object;
    expect(view).toEqual({ AWSAccountId: '111122223333', keyId: 'k', enabled: true });
  });

  it('builds service events with the key id from the ARN and no caller', () => {
    const e = buildServiceEvent({
      eventName: 'DeleteKey',
      keyArn: 'arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      time: new Date('2026-01-02T03:04:05.678Z'),
    });
    expect(e).toMatchObject({
      eventTime: '2026-01-02T03:04:05Z',
      awsRegion: 'cn-north-1',
      recipientAccountId: '111122223333',
      userIdentity: { accountId: '111122223333', invokedBy: 'AWS Internal' },
      eventType: 'AwsServiceEvent',
      serviceEventDetails: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' },
    });
    expect(e).not.toHaveProperty('requestID');
  });
});
