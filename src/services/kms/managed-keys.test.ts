/** The AWS managed key's policy decides as AWS's does: use only through its service, metadata directly. */
import { describe, expect, it } from 'vitest';
import { accessDeniedMessage, compilePolicy, evaluateAccess, validateKeyPolicy } from '../../policy/index.js';
import { A, B, ALICE, alice, carolB, request, rootA } from '../../policy/testing/fixtures.js';
import {
  AWS_MANAGED_KEYS,
  managedKeyDescription,
  managedKeyPolicy,
  managedKeyServiceOf,
  predefinedAliases,
  viaServiceOf,
} from './managed-keys.js';

const ssm = managedKeyServiceOf('alias/aws/ssm')!;
const KEY = `arn:aws:kms:us-east-1:${A}:key/11111111-2222-3333-4444-555555555555`;
const policy = compilePolicy(managedKeyPolicy(ssm, A, 'us-east-1'), 'key policy');
const VIA_SSM = { 'kms:ViaService': 'ssm.us-east-1.amazonaws.com', 'kms:CallerAccount': A };

const decide = (principal = alice, action = 'kms:Decrypt', context: Record<string, string> = {}) =>
  evaluateAccess(
    { resourcePolicy: policy, identityPolicies: [], sessionPolicies: [] },
    request(principal, action, KEY, context),
    'kms-key',
  );

describe('the aws/ssm key policy', () => {
  it('is AWS auto-ssm-1, as GetKeyPolicy shows it', () => {
    const text = managedKeyPolicy(ssm, A, 'us-east-1');
    expect(validateKeyPolicy(text).ok).toBe(true);
    expect(JSON.parse(text)).toEqual({
      Version: '2012-10-17',
      Id: 'auto-ssm-1',
      Statement: [
        {
          Sid: 'Allow access through SSM for all principals in the account that are authorized to use SSM',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': 'ssm.us-east-1.amazonaws.com', 'kms:CallerAccount': A } },
        },
        {
          Sid: 'Allow direct access to key metadata to the account',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${A}:root` },
          Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
          Resource: '*',
        },
      ],
    });
    // Jackson's layout, as KMS returns AWS's policies.
    expect(text.startsWith('{\n  "Version" : "2012-10-17",\n  "Id" : "auto-ssm-1",\n  "Statement" : [ {\n')).toBe(true);
    expect(text).toContain('"Principal" : {\n      "AWS" : "*"\n    },');
  });

  it('lets any principal of the account use it through Parameter Store, no identity policy needed', () => {
    for (const action of [
      'kms:Encrypt',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'kms:ReEncryptFrom',
      'kms:DescribeKey',
    ]) {
      expect(decide(alice, action, VIA_SSM).decision).toBe('Allow');
    }
    expect(decide(rootA, 'kms:Decrypt', VIA_SSM).decision).toBe('Allow');
  });

  it('refuses direct use, use through another service, and another account', () => {
    expect(decide(rootA, 'kms:Encrypt').decision).toBe('ImplicitDeny');
    expect(decide(alice, 'kms:Decrypt').decision).toBe('ImplicitDeny');
    const viaS3 = { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': A };
    expect(decide(alice, 'kms:Decrypt', viaS3).decision).toBe('ImplicitDeny');
    const viaOtherRegion = { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com', 'kms:CallerAccount': A };
    expect(decide(alice, 'kms:Decrypt', viaOtherRegion).decision).toBe('ImplicitDeny');
    expect(decide(carolB, 'kms:Decrypt', { ...VIA_SSM, 'kms:CallerAccount': B }).decision).toBe('ImplicitDeny');
  });

  it('refuses every change, even through Parameter Store, with the key policy named', () => {
    for (const action of [
      'kms:PutKeyPolicy',
      'kms:EnableKeyRotation',
      'kms:DisableKeyRotation',
      'kms:RotateKeyOnDemand',
      'kms:ScheduleKeyDeletion',
      'kms:DisableKey',
      'kms:UpdateKeyDescription',
      'kms:TagResource',
      'kms:UntagResource',
      'kms:CreateAlias',
      'kms:CreateGrant',
      'kms:RevokeGrant',
    ]) {
      const d = decide(rootA, action, VIA_SSM);
      expect(d.decision).toBe('ImplicitDeny');
      expect(accessDeniedMessage(ALICE, action, KEY, d)).toBe(
        `User: ${ALICE} is not authorized to perform: ${action} on resource: ${KEY} because no resource-based policy allows the ${action} action`,
      );
    }
  });

  it('lets the account read its metadata directly: the root, and users whose IAM policies allow it', () => {
    for (const action of ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags']) {
      expect(decide(rootA, action).decision).toBe('Allow');
    }
    // A user needs an identity policy: the statement names the account.
    expect(decide(alice, 'kms:GetKeyPolicy').decision).toBe('ImplicitDeny');
    const iam = compilePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }),
      'arn:aws:iam::111122223333:policy/admin',
    );
    const withIam = (action: string) =>
      evaluateAccess(
        { resourcePolicy: policy, identityPolicies: [iam], sessionPolicies: [] },
        request(alice, action, KEY),
        'kms-key',
      ).decision;
    expect(withIam('kms:GetKeyPolicy')).toBe('Allow');
    // kms:* in IAM does not open what the key policy does not delegate to the account.
    expect(withIam('kms:PutKeyPolicy')).toBe('ImplicitDeny');
    expect(withIam('kms:Decrypt')).toBe('ImplicitDeny');
  });
});

describe('every AWS managed key policy', () => {
  const ON = `arn:aws:kms:eu-west-1:${A}:key/11111111-2222-3333-4444-555555555555`;
  const decideFor = (name: string, principal: typeof alice, action: string, context: Record<string, string> = {}) =>
    evaluateAccess(
      {
        resourcePolicy: compilePolicy(managedKeyPolicy(AWS_MANAGED_KEYS.get(name)!, A, 'eu-west-1'), 'key policy'),
        identityPolicies: [],
        sessionPolicies: [],
      },
      request(principal, action, ON, context),
      'kms-key',
    ).decision;

  it.each([...AWS_MANAGED_KEYS.keys()])('%s: Decrypt only through its service, no change at all', (name) => {
    const s = AWS_MANAGED_KEYS.get(name)!;
    const via = { 'kms:ViaService': viaServiceOf(s, 'eu-west-1'), 'kms:CallerAccount': A };
    expect(decideFor(name, alice, 'kms:Decrypt', via)).toBe('Allow');
    const direct = { 'kms:CallerAccount': A };
    expect(decideFor(name, rootA, 'kms:Decrypt', direct)).toBe('ImplicitDeny');
    expect(decideFor(name, alice, 'kms:Decrypt', { ...via, 'kms:ViaService': 'other.eu-west-1.amazonaws.com' })).toBe(
      'ImplicitDeny',
    );
    expect(decideFor(name, carolB, 'kms:Decrypt', { ...via, 'kms:CallerAccount': B })).toBe('ImplicitDeny');
    for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:TagResource']) {
      expect(decideFor(name, rootA, action, via)).toBe('ImplicitDeny');
    }
    expect(decideFor(name, rootA, 'kms:DescribeKey', direct)).toBe('Allow');
  });
});

describe('the predefined aliases', () => {
  it('are alias/aws/<service>, in name order, each with a description and a policy for its service', () => {
    const names = predefinedAliases('eu-west-1', A).map((a) => a.AliasName);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('alias/aws/ssm');
    expect(predefinedAliases('eu-west-1', A)[0]?.AliasArn).toBe(`arn:aws:kms:eu-west-1:${A}:${names[0]}`);
    for (const [name, s] of AWS_MANAGED_KEYS) {
      expect(name).toBe(`alias/aws/${s.service}`);
      const text = managedKeyPolicy(s, A, 'eu-west-1');
      expect(validateKeyPolicy(text).ok).toBe(true);
      expect(JSON.parse(text)).toMatchObject({ Version: '2012-10-17', Id: s.policyId });
      expect(text).not.toContain('us-east-1');
    }
    expect(managedKeyDescription(ssm)).toBe('Default key that protects my SSM parameters when no other key is defined');
    expect(managedKeyServiceOf('alias/aws/unknown')).toBeUndefined();
  });

  it('names the partition of the region in the account root', () => {
    expect(managedKeyPolicy(ssm, A, 'cn-north-1')).toContain(`"AWS" : "arn:aws-cn:iam::${A}:root"`);
  });
});
