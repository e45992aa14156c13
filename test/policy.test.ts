/** GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, and CreateKey's Policy. */
import {
  CreateKeyCommand,
  DisableKeyCommand,
  GetKeyPolicyCommand,
  ListKeyPoliciesCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_MESSAGE, expectKmsError, newKey } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;
let account: string;

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
  account = t.server.accountId;
});
afterAll(async () => {
  await t?.stop();
});

/** A valid policy, written compactly so a reformatting server would be caught. */
const policy = (sid: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Id: 'custom',
    Statement: [
      { Sid: sid, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
    ],
  });

const getPolicy = async (KeyId: string) => (await kms.send(new GetKeyPolicyCommand({ KeyId }))).Policy;

describe('GetKeyPolicy', () => {
  it("returns AWS's default key policy text byte for byte", async () => {
    const key = await newKey(kms);
    const out = await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default' }));
    expect(out.PolicyName).toBe('default');
    expect(out.Policy).toBe(
      [
        '{',
        '  "Version" : "2012-10-17",',
        '  "Id" : "key-default-1",',
        '  "Statement" : [ {',
        '    "Sid" : "Enable IAM User Permissions",',
        '    "Effect" : "Allow",',
        '    "Principal" : {',
        `      "AWS" : "arn:aws:iam::${account}:root"`,
        '    },',
        '    "Action" : "kms:*",',
        '    "Resource" : "*"',
        '  } ]',
        '}',
      ].join('\n'),
    );
  });

  it('treats an omitted PolicyName as "default" and accepts the key ARN', async () => {
    const key = await newKey(kms);
    const a = await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }));
    const b = await kms.send(new GetKeyPolicyCommand({ KeyId: key.Arn, PolicyName: 'default' }));
    expect(a.Policy).toBe(b.Policy);
    expect(a.PolicyName).toBe('default');
  });

  it('answers NotFoundException for any other policy name', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'other' })),
      'NotFoundException',
      'No such policy exists',
    );
    await expectKmsError(
      kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'not valid!' })),
      'ValidationException',
      "1 validation error detected: Value 'not valid!' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+",
    );
  });

  it('reads the policy of keys disabled or pending deletion', async () => {
    const key = await newKey(kms);
    const before = await getPolicy(key.KeyId!);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    expect(await getPolicy(key.KeyId!)).toBe(before);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    expect(await getPolicy(key.KeyId!)).toBe(before);
  });
});

describe('CreateKey Policy and PutKeyPolicy', () => {
  it('keeps the policy given to CreateKey verbatim', async () => {
    const text = policy('FromCreate');
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Policy: text }));
    expect(await getPolicy(KeyMetadata!.KeyId!)).toBe(text);
  });

  it('replaces the policy verbatim, also on a disabled key', async () => {
    const key = await newKey(kms);
    const pretty = JSON.stringify(JSON.parse(policy('Put')), null, 4);
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: pretty }));
    expect(await getPolicy(key.KeyId!)).toBe(pretty);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.Arn, Policy: policy('Again') }));
    expect(await getPolicy(key.KeyId!)).toBe(policy('Again'));
  });

  it('answers MalformedPolicyDocumentException and keeps the old policy', async () => {
    const key = await newKey(kms);
    const before = await getPolicy(key.KeyId!);
    const cases: [string, string | RegExp][] = [
      ['{"Version": "2012-10-17", "Statement": [', /.+/],
      ['[]', /.+/],
      [
        JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }),
        'Policy contains a statement with no principal.',
      ],
      [
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: 'not-an-arn' }, Action: 'kms:*', Resource: '*' }],
        }),
        'Policy contains a statement with one or more invalid principals.',
      ],
      [
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Maybe', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
          ],
        }),
        /.+/,
      ],
    ];
    for (const [doc, message] of cases) {
      await expectKmsError(
        kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: doc })),
        'MalformedPolicyDocumentException',
        message,
      );
      await expectKmsError(
        kms.send(new CreateKeyCommand({ Policy: doc })),
        'MalformedPolicyDocumentException',
        message,
      );
    }
    expect(await getPolicy(key.KeyId!)).toBe(before);
  });

  it('refuses policy names other than "default" and a missing Policy', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'other', Policy: policy('x') })),
      'NotFoundException',
      'No such policy exists',
    );
    await expectKmsError(
      kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId } as never)),
      'ValidationException',
      "1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('the key policy lockout safety check and size quota', () => {
  const only = (statement: Record<string, unknown>) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 's', Resource: '*', ...statement }] });
  const lockout = 'The new key policy will not allow you to update the key policy in the future.';

  it('refuses a policy that would stop the caller from calling PutKeyPolicy again', async () => {
    const key = await newKey(kms);
    const before = await getPolicy(key.KeyId!);
    const otherPrincipal = only({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: 'kms:*',
    });
    const encryptOnly = only({ Effect: 'Allow', Principal: { AWS: account }, Action: ['kms:Encrypt', 'kms:Decrypt'] });
    const denied = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Put*', Resource: '*' },
      ],
    });
    for (const Policy of [otherPrincipal, encryptOnly, denied]) {
      await expectKmsError(
        kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy })),
        'MalformedPolicyDocumentException',
        lockout,
      );
      await expectKmsError(kms.send(new CreateKeyCommand({ Policy })), 'MalformedPolicyDocumentException', lockout);
    }
    expect(await getPolicy(key.KeyId!)).toBe(before);
  });

  it('accepts such a policy with BypassPolicyLockoutSafetyCheck, and wildcards that cover PutKeyPolicy', async () => {
    const key = await newKey(kms);
    // Read past the API: the policies below take GetKeyPolicy away from the caller, as in AWS.
    const storedPolicy = async (keyId: string) =>
      (await t.server.services.storage.getKey('us-east-1', account, keyId))?.policy;
    const Policy = only({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:*' });
    await kms.send(new CreateKeyCommand({ Policy, BypassPolicyLockoutSafetyCheck: true }));
    const wildcard = only({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'KMS:put*' });
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: wildcard }));
    expect(await storedPolicy(key.KeyId!)).toBe(wildcard);
    await expectKmsError(kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId })), 'AccessDeniedException');
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy, BypassPolicyLockoutSafetyCheck: true }));
    expect(await storedPolicy(key.KeyId!)).toBe(Policy);
    await expectKmsError(
      kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: wildcard })),
      'AccessDeniedException',
      `User: arn:aws:iam::${account}:root is not authorized to perform: kms:PutKeyPolicy on resource: ${key.Arn} because no resource-based policy allows the kms:PutKeyPolicy action`,
    );
  });

  it('answers LimitExceededException above 32 KiB', async () => {
    const key = await newKey(kms);
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'x'.repeat(33_000), Effect: 'Allow', Principal: { AWS: account }, Action: 'kms:*', Resource: '*' },
      ],
    });
    await expectKmsError(
      kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: big })),
      'LimitExceededException',
      'The key policy exceeds the maximum size of 32768 bytes.',
    );
  });
});

describe('ListKeyPolicies', () => {
  it('lists the one policy, "default"', async () => {
    const key = await newKey(kms);
    const out = await kms.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId }));
    expect(out.PolicyNames).toEqual(['default']);
    expect(out.Truncated).toBe(false);
    expect(out.NextMarker).toBeUndefined();
    const limited = await kms.send(new ListKeyPoliciesCommand({ KeyId: key.Arn, Limit: 1 }));
    expect(limited).toMatchObject({ PolicyNames: ['default'], Truncated: false });
  });

  it('answers InvalidMarkerException for a marker it did not issue', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId, Marker: 'zzz' })),
      'InvalidMarkerException',
      EMPTY_MESSAGE,
    );
  });
});
