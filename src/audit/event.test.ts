import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auditView,
  buildAuditEvent,
  buildServiceEvent,
  responseDate,
  returnsSecret,
  type AuditInput,
} from './event.js';
import { LIMITS } from './limits.js';

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

  it('bounds the JSON size of every view from above, so only a large one is serialised to be measured', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const input = fc.record(
      {
        KeyId: text,
        EncryptionContext: fc.dictionary(text, text, { maxKeys: 8 }),
        GrantTokens: fc.array(text, { maxLength: 5 }),
        NumberOfBytes: fc.integer(),
        DryRun: fc.boolean(),
        KeySpec: text,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        input,
        fc.constantFrom('EncryptRequest', 'GenerateDataKeyRequest', 'ReEncryptRequest'),
        (v, shape) => {
          const state = { truncated: [], bound: 0 };
          const view = auditView(shape, v, state, 'requestParameters');
          expect(state.bound).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(view ?? null)));
        },
      ),
      { numRuns: 2000, seed: 3 },
    );
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

describe('bounded events (CloudTrail truncates fields over their maximum size)', () => {
  const base: AuditInput = {
    operation: 'DescribeKey',
    requestId: 'r',
    time: new Date('2026-01-02T03:04:05Z'),
    region: 'us-east-1',
    sourceIp: '127.0.0.1',
    userAgent: 'aws-sdk-js/3',
    readOnly: true,
    keyArns: [],
  };
  const size = (e: unknown) => Buffer.byteLength(JSON.stringify(e));

  it('cuts a long userAgent, errorMessage and region, ends each with "..." and lists them', () => {
    const e = buildAuditEvent({
      ...base,
      operation: undefined,
      userAgent: 'u'.repeat(7000),
      region: 'r'.repeat(5000),
      error: { code: 'IncompleteSignatureException', message: 'm'.repeat(7000) },
    });
    expect(e.userAgent).toBe('u'.repeat(LIMITS.userAgent) + '...');
    expect(e.errorMessage).toBe('m'.repeat(LIMITS.errorMessage) + '...');
    expect(e.awsRegion).toBe('r'.repeat(LIMITS.region) + '...');
    expect(e.additionalEventData).toEqual({ truncatedFields: ['errorMessage', 'awsRegion', 'userAgent'] });
    expect(size(e)).toBeLessThan(3500);
  });

  it('never cuts a value the model allows, and cuts a 1 MB KeyId to the model maximum (2048)', () => {
    const ok = buildAuditEvent({ ...base, input: { KeyId: 'k'.repeat(2048) } });
    expect(ok.requestParameters).toEqual({ keyId: 'k'.repeat(2048) });
    expect(ok).not.toHaveProperty('additionalEventData');
    const big = buildAuditEvent({ ...base, input: { KeyId: 'k'.repeat(1024 * 1024) } });
    expect(big.requestParameters).toEqual({ keyId: 'k'.repeat(2048) + '...' });
    expect(big.additionalEventData).toEqual({ truncatedFields: ['requestParameters.keyId'] });
    expect(size(big)).toBeLessThan(4000);
  });

  it('bounds the keys and values of an encryption context, which the model does not', () => {
    const e = buildAuditEvent({
      ...base,
      operation: 'Encrypt',
      input: { KeyId: 'alias/x', EncryptionContext: { ['a'.repeat(20_000)]: 'v', k: 'b'.repeat(20_000) } },
    });
    const context = (e.requestParameters as { encryptionContext: Record<string, string> }).encryptionContext;
    expect(context).toEqual({ ['a'.repeat(8192) + '...']: 'v', k: 'b'.repeat(8192) + '...' });
    expect(e.additionalEventData!.truncatedFields).toEqual([
      'requestParameters.encryptionContext{key}',
      'requestParameters.encryptionContext.k',
    ]);
  });

  it('replaces requestParameters over 100 KB with CloudTrail\'s {"omitted": true}', () => {
    const context = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key${i}`, 'value']));
    const e = buildAuditEvent({ ...base, operation: 'Encrypt', input: { KeyId: 'x', EncryptionContext: context } });
    expect(e.requestParameters).toEqual({ omitted: true });
    expect(e.additionalEventData).toEqual({ truncatedFields: ['requestParameters'] });
    expect(size(e)).toBeLessThan(2000);
  });

  it('never carries the Authorization header, its signature or a session token, whatever the message says', () => {
    const authorization =
      'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260102/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=' +
      'ab'.repeat(32);
    const token = 'FQoGZXIvYXdzEXAMPLETOKEN';
    const e = buildAuditEvent({
      ...base,
      error: {
        code: 'IncompleteSignatureException',
        message: `Bad: Authorization=${authorization} sig ${'ab'.repeat(32)} token ${token}`,
      },
      redact: [authorization, 'ab'.repeat(32), token, ''],
    });
    expect(e.errorMessage).toBe('Bad: Authorization=[redacted] sig [redacted] token [redacted]');
    const cut = buildAuditEvent({
      ...base,
      error: { code: 'IncompleteSignatureException', message: `header: '${authorization.slice(0, -10)}...'` },
    });
    expect(cut.errorMessage).not.toContain('abab');
    expect(cut.errorMessage).toContain('Signature=[redacted]');
  });

  it('keeps the key material ids of a successful call beside the truncation list', () => {
    const e = buildAuditEvent({
      ...base,
      userAgent: 'u'.repeat(2000),
      additionalEventData: { keyMaterialId: 'm1' },
    });
    expect(e.additionalEventData).toEqual({ keyMaterialId: 'm1', truncatedFields: ['userAgent'] });
    expect(Object.keys(e).indexOf('additionalEventData')).toBe(Object.keys(e).indexOf('responseElements') + 1);
  });
});
