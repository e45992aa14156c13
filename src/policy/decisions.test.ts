/**
 * Decision table written from AWS documentation: IAM User Guide "Policy evaluation logic",
 * "Determining whether a request is allowed or denied within an account", "Cross-account policy
 * evaluation logic", "IAM JSON policy elements: Condition operators", "Variables and tags",
 * "AWS global condition context keys"; KMS Developer Guide "Key policies in AWS KMS", "Allowing
 * users in other accounts to use a KMS key", "AWS KMS condition keys". Condition keys appear here
 * as request-context entries (the pipeline fills them).
 */
import { describe, expect, test } from 'vitest';
import { accessDeniedMessage } from './access-denied.js';
import { evaluateAccess, explainAccess } from './evaluate.js';
import type {
  ConditionValue,
  Decision,
  EvaluationMode,
  PolicyKind,
  PolicySet,
  PrincipalFacts,
} from './evaluate-types.js';
import {
  A,
  ALICE,
  B,
  BOB,
  CAROL_B,
  KEY_A,
  KEY_B,
  ROLE_APP,
  ROLE_B,
  ROOT_A,
  ROOT_B,
  SESSION_APP,
  alice,
  allow,
  appSession,
  bob,
  carolB,
  compile,
  deny,
  doc,
  enableIam,
  partnerSession,
  request,
  rootA,
  rootB,
  type Json,
} from './testing/fixtures.js';

type Kind = 'rbp' | 'ibp' | 'sp' | 'pb';
type Expected = 'Allow' | `XD:${Kind}` | `ID:${Kind}`;

interface Case {
  name: string;
  mode?: EvaluationMode;
  key?: string;
  identity?: string[];
  boundary?: string;
  session?: string[];
  who?: PrincipalFacts;
  action?: string;
  resource?: string;
  context?: Record<string, ConditionValue>;
  expect: Expected;
  /** For Allow: which policy type decided. */
  by?: 'resource-policy' | 'identity-policy' | 'root';
}

const KIND: Record<Kind, PolicyKind> = {
  rbp: 'resource-based policy',
  ibp: 'identity-based policy',
  sp: 'session policy',
  pb: 'permissions boundary',
};

const cases: Case[] = [];
const add = (...c: Case[]): void => {
  cases.push(...c);
};

// Statement shorthands.
const ENCRYPT = { Action: 'kms:Encrypt', Resource: '*' };
const toAlice = { Principal: { AWS: ALICE } };
const defaultKey = doc([enableIam()]);
const aliceKey = (extra: Json = {}): string => doc([allow({ ...toAlice, ...ENCRYPT, ...extra })]);
const iam = (...statements: Json[]): string => doc(statements);
const iamEncrypt = iam(allow({ Action: 'kms:Encrypt', Resource: KEY_A }));
const iamAll = iam(allow({ Action: '*', Resource: '*' }));

// ---- 1. Key policy only (KMS Developer Guide, "Key policies in AWS KMS") ----
add(
  {
    name: 'default policy: root is allowed by the key policy',
    key: defaultKey,
    who: rootA,
    expect: 'Allow',
    by: 'resource-policy',
  },
  { name: 'default policy: user without identity policy is denied', key: defaultKey, expect: 'ID:ibp' },
  {
    name: 'key policy names the user: allowed without identity policy',
    key: aliceKey(),
    expect: 'Allow',
    by: 'resource-policy',
  },
  {
    name: 'key policy names another user',
    key: doc([allow({ Principal: { AWS: BOB }, ...ENCRYPT })]),
    expect: 'ID:rbp',
  },
  { name: 'key policy names the user, other action', key: aliceKey(), action: 'kms:Decrypt', expect: 'ID:rbp' },
  { name: 'action case-insensitive: KMS:ENCRYPT', key: aliceKey(), action: 'KMS:ENCRYPT', expect: 'Allow' },
  {
    name: 'action pattern case-insensitive: kms:encrypt in policy',
    key: doc([allow({ ...toAlice, Action: 'kms:encrypt', Resource: '*' })]),
    expect: 'Allow',
  },
  {
    name: 'action wildcard kms:*',
    key: doc([allow({ ...toAlice, Action: 'kms:*', Resource: '*' })]),
    action: 'kms:ScheduleKeyDeletion',
    expect: 'Allow',
  },
  {
    name: 'action wildcard kms:Re*',
    key: doc([allow({ ...toAlice, Action: 'kms:Re*', Resource: '*' })]),
    action: 'kms:ReEncryptFrom',
    expect: 'Allow',
  },
  {
    name: 'action wildcard kms:Re* does not match Decrypt',
    key: doc([allow({ ...toAlice, Action: 'kms:Re*', Resource: '*' })]),
    action: 'kms:Decrypt',
    expect: 'ID:rbp',
  },
  {
    name: 'action wildcard kms:Generate*',
    key: doc([allow({ ...toAlice, Action: 'kms:Generate*', Resource: '*' })]),
    action: 'kms:GenerateDataKeyWithoutPlaintext',
    expect: 'Allow',
  },
  {
    name: 'action ? wildcard kms:?ncrypt',
    key: doc([allow({ ...toAlice, Action: 'kms:?ncrypt', Resource: '*' })]),
    expect: 'Allow',
  },
  {
    name: 'action ? wildcard kms:?crypt does not match Encrypt',
    key: doc([allow({ ...toAlice, Action: 'kms:?crypt', Resource: '*' })]),
    expect: 'ID:rbp',
  },
  {
    name: 'action * matches every action',
    key: doc([allow({ ...toAlice, Action: '*', Resource: '*' })]),
    action: 'kms:PutKeyPolicy',
    expect: 'Allow',
  },
  {
    name: 'action list: second entry matches',
    key: doc([allow({ ...toAlice, Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' })]),
    expect: 'Allow',
  },
  {
    name: 'action of another service does not match',
    key: doc([allow({ ...toAlice, Action: 's3:*', Resource: '*' })]),
    expect: 'ID:rbp',
  },
  {
    name: 'resource is the key ARN',
    key: doc([allow({ ...toAlice, Action: 'kms:Encrypt', Resource: KEY_A })]),
    expect: 'Allow',
  },
  {
    name: 'resource is another key',
    key: doc([allow({ ...toAlice, Action: 'kms:Encrypt', Resource: KEY_B })]),
    expect: 'ID:rbp',
  },
  {
    name: 'resource ARN is case-sensitive',
    key: doc([
      allow({ ...toAlice, Action: 'kms:Encrypt', Resource: KEY_A.toUpperCase().replace('ARN:AWS:KMS', 'arn:aws:kms') }),
    ]),
    expect: 'ID:rbp',
  },
  {
    name: 'resource wildcard key/*',
    key: doc([allow({ ...toAlice, Action: 'kms:Encrypt', Resource: `arn:aws:kms:us-east-1:${A}:key/*` })]),
    expect: 'Allow',
  },
  {
    name: 'resource wildcard in region',
    key: doc([allow({ ...toAlice, Action: 'kms:Encrypt', Resource: `arn:aws:kms:*:${A}:key/*` })]),
    expect: 'Allow',
  },
  {
    name: 'resource wildcard in the middle',
    key: doc([
      allow({ ...toAlice, Action: 'kms:Encrypt', Resource: 'arn:aws:kms:us-east-1:*:key/1234abcd-*-1234567890ab' }),
    ]),
    expect: 'Allow',
  },
  {
    name: 'resource wildcard in other region',
    key: doc([allow({ ...toAlice, Action: 'kms:Encrypt', Resource: `arn:aws:kms:eu-west-1:${A}:key/*` })]),
    expect: 'ID:rbp',
  },
  {
    name: 'statement without Resource has no effect',
    key: doc([allow({ ...toAlice, Action: 'kms:Encrypt' })]),
    expect: 'ID:rbp',
  },
  {
    name: 'statement without Action has no effect',
    key: doc([allow({ ...toAlice, Resource: '*' })]),
    expect: 'ID:rbp',
  },
  { name: 'Principal "*" allows anyone', key: doc([allow({ Principal: '*', ...ENCRYPT })]), expect: 'Allow' },
  {
    name: 'Principal {"AWS":"*"} allows anyone',
    key: doc([allow({ Principal: { AWS: '*' }, ...ENCRYPT })]),
    who: bob,
    expect: 'Allow',
  },
  {
    name: 'Principal as account id enables IAM: user needs identity policy',
    key: doc([allow({ Principal: { AWS: A }, Action: 'kms:*', Resource: '*' })]),
    expect: 'ID:ibp',
  },
  {
    name: 'Principal as account id allows root',
    key: doc([allow({ Principal: { AWS: A }, Action: 'kms:*', Resource: '*' })]),
    who: rootA,
    expect: 'Allow',
  },
  {
    name: 'Principal list: user among others',
    key: doc([allow({ Principal: { AWS: [BOB, ALICE] }, ...ENCRYPT })]),
    expect: 'Allow',
  },
  {
    name: 'Service principal does not match a user',
    key: doc([allow({ Principal: { Service: 'logs.us-east-1.amazonaws.com' }, ...ENCRYPT })]),
    expect: 'ID:rbp',
  },
  {
    name: 'user with path named exactly',
    key: doc([allow({ Principal: { AWS: BOB }, ...ENCRYPT })]),
    who: bob,
    expect: 'Allow',
  },
  { name: 'no key policy at all: denied', expect: 'ID:rbp' },
  {
    name: 'key policy without Allow statements',
    key: doc([deny({ Principal: { AWS: BOB }, ...ENCRYPT })]),
    expect: 'ID:rbp',
  },
  {
    name: 'root of the account not named in a policy without the account',
    key: aliceKey(),
    who: rootA,
    expect: 'ID:rbp',
  },
);

// ---- 2. Identity policies only: account-level actions ("identity-only") ----
const io = (c: Omit<Case, 'mode'>): Case => ({ mode: 'identity-only', action: 'kms:CreateKey', resource: '*', ...c });
add(
  io({ name: 'identity-only: root allowed', who: rootA, expect: 'Allow', by: 'root' }),
  io({ name: 'identity-only: user without policies denied', expect: 'ID:ibp' }),
  io({
    name: 'identity-only: user with kms:CreateKey allowed',
    identity: [iam(allow({ Action: 'kms:CreateKey', Resource: '*' }))],
    expect: 'Allow',
    by: 'identity-policy',
  }),
  io({
    name: 'identity-only: kms:Create* allowed',
    identity: [iam(allow({ Action: 'kms:Create*', Resource: '*' }))],
    expect: 'Allow',
  }),
  io({
    name: 'identity-only: other action denied',
    identity: [iam(allow({ Action: 'kms:ListKeys', Resource: '*' }))],
    expect: 'ID:ibp',
  }),
  io({
    name: 'identity-only: second policy allows',
    identity: [
      iam(allow({ Action: 'kms:ListKeys', Resource: '*' })),
      iam(allow({ Action: 'kms:CreateKey', Resource: '*' })),
    ],
    expect: 'Allow',
  }),
  io({
    name: 'identity-only: a key policy does not help',
    key: doc([allow({ ...toAlice, Action: 'kms:*', Resource: '*' })]),
    expect: 'ID:ibp',
  }),
  io({
    name: 'identity-only: explicit deny beats allow',
    identity: [iamAll, iam(deny({ Action: 'kms:CreateKey', Resource: '*' }))],
    expect: 'XD:ibp',
  }),
  io({
    name: 'identity-only: deny in the same policy',
    identity: [iam(allow({ Action: '*', Resource: '*' }), deny({ Action: 'kms:Create*', Resource: '*' }))],
    expect: 'XD:ibp',
  }),
  io({
    name: 'identity-only: iam:CreateUser allowed by iam:*',
    action: 'iam:CreateUser',
    resource: `arn:aws:iam::${A}:user/x`,
    identity: [iam(allow({ Action: 'iam:*', Resource: '*' }))],
    expect: 'Allow',
  }),
  io({
    name: 'identity-only: iam resource ARN pattern',
    action: 'iam:CreateUser',
    resource: `arn:aws:iam::${A}:user/dev/x`,
    identity: [iam(allow({ Action: 'iam:CreateUser', Resource: `arn:aws:iam::${A}:user/dev/*` }))],
    expect: 'Allow',
  }),
  io({
    name: 'identity-only: iam resource ARN pattern mismatch',
    action: 'iam:CreateUser',
    resource: `arn:aws:iam::${A}:user/ops/x`,
    identity: [iam(allow({ Action: 'iam:CreateUser', Resource: `arn:aws:iam::${A}:user/dev/*` }))],
    expect: 'ID:ibp',
  }),
  io({
    name: 'identity-only: role session allowed by role policy',
    who: appSession,
    identity: [iam(allow({ Action: 'kms:CreateKey', Resource: '*' }))],
    expect: 'Allow',
  }),
  io({
    name: 'identity-only: root of another account is not root here',
    who: rootB,
    resource: `arn:aws:iam::${A}:user/x`,
    expect: 'ID:ibp',
  }),
  io({
    name: 'identity-only: NotAction allows everything else',
    identity: [iam(allow({ NotAction: 'iam:*', Resource: '*' }))],
    expect: 'Allow',
  }),
  io({
    name: 'identity-only: NotAction excludes the action',
    action: 'iam:CreateUser',
    identity: [iam(allow({ NotAction: 'iam:*', Resource: '*' }))],
    expect: 'ID:ibp',
  }),
  io({
    name: 'identity-only: Version 2008-10-17 policy works',
    identity: [doc([allow({ Action: 'kms:CreateKey', Resource: '*' })], '2008-10-17')],
    expect: 'Allow',
  }),
  io({
    name: 'identity-only: policy without Version works',
    identity: [doc([allow({ Action: 'kms:CreateKey', Resource: '*' })], null)],
    expect: 'Allow',
  }),
);

// ---- 3. Key policy and identity policies together ----
add(
  {
    name: 'default policy + identity allow',
    key: defaultKey,
    identity: [iamEncrypt],
    expect: 'Allow',
    by: 'identity-policy',
  },
  {
    name: 'default policy + identity allow on kms:*',
    key: defaultKey,
    identity: [iam(allow({ Action: 'kms:*', Resource: '*' }))],
    action: 'kms:Decrypt',
    expect: 'Allow',
  },
  {
    name: 'default policy + identity allow on another key',
    key: defaultKey,
    identity: [iam(allow({ Action: 'kms:Encrypt', Resource: KEY_B }))],
    expect: 'ID:ibp',
  },
  {
    name: 'default policy + identity allow on another action',
    key: defaultKey,
    identity: [iam(allow({ Action: 'kms:Decrypt', Resource: '*' }))],
    expect: 'ID:ibp',
  },
  {
    name: 'identity allow without key policy allow: denied (key policy must allow)',
    key: aliceKey({ Action: 'kms:Decrypt' }),
    identity: [iamAll],
    expect: 'ID:rbp',
  },
  {
    name: 'identity allow, key policy names only another account',
    key: doc([enableIam(B)]),
    identity: [iamAll],
    expect: 'ID:rbp',
  },
  {
    name: 'key policy names user, identity policy irrelevant',
    key: aliceKey(),
    identity: [iam(allow({ Action: 's3:*', Resource: '*' }))],
    expect: 'Allow',
    by: 'resource-policy',
  },
  {
    name: 'key policy enables IAM only for Encrypt; identity allows Decrypt',
    key: doc([allow({ Principal: { AWS: ROOT_A }, Action: 'kms:Encrypt', Resource: '*' })]),
    identity: [iamAll],
    action: 'kms:Decrypt',
    expect: 'ID:rbp',
  },
  {
    name: 'key policy enables IAM for Encrypt; identity allows it',
    key: doc([allow({ Principal: { AWS: ROOT_A }, Action: 'kms:Encrypt', Resource: '*' })]),
    identity: [iamAll],
    expect: 'Allow',
  },
  {
    name: 'key policy account delegation with condition that fails',
    key: doc([
      allow({
        Principal: { AWS: A },
        ...ENCRYPT,
        Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
      }),
    ]),
    identity: [iamAll],
    expect: 'ID:rbp',
  },
  {
    name: 'key policy account delegation with condition that holds',
    key: doc([
      allow({
        Principal: { AWS: A },
        ...ENCRYPT,
        Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
      }),
    ]),
    identity: [iamAll],
    context: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' },
    expect: 'Allow',
  },
  {
    name: 'identity policy with key ARN wildcard',
    key: defaultKey,
    identity: [iam(allow({ Action: 'kms:Encrypt', Resource: `arn:aws:kms:*:${A}:key/*` }))],
    expect: 'Allow',
  },
  {
    name: 'identity policy for alias ARN does not match key ARN',
    key: defaultKey,
    identity: [iam(allow({ Action: 'kms:Encrypt', Resource: `arn:aws:kms:us-east-1:${A}:alias/app` }))],
    expect: 'ID:ibp',
  },
  {
    name: 'group and user policies are all identity policies',
    key: defaultKey,
    identity: [iam(allow({ Action: 's3:*', Resource: '*' })), iamEncrypt],
    expect: 'Allow',
  },
);

// ---- 4. Explicit deny wins wherever it is ----
add(
  {
    name: 'deny in key policy beats allow in key policy',
    key: doc([allow({ ...toAlice, ...ENCRYPT }), deny({ ...toAlice, ...ENCRYPT })]),
    expect: 'XD:rbp',
  },
  {
    name: 'deny in key policy beats identity allow',
    key: doc([enableIam(), deny({ Principal: { AWS: ALICE }, ...ENCRYPT })]),
    identity: [iamAll],
    expect: 'XD:rbp',
  },
  {
    name: 'deny in key policy to everyone hits root',
    key: doc([enableIam(), deny({ Principal: '*', ...ENCRYPT })]),
    who: rootA,
    expect: 'XD:rbp',
  },
  {
    name: 'deny to the account hits users of it',
    key: doc([enableIam(), deny({ Principal: { AWS: A }, ...ENCRYPT })]),
    identity: [iamAll],
    expect: 'XD:rbp',
  },
  {
    name: 'deny in identity policy beats key policy naming the user',
    key: aliceKey(),
    identity: [iam(deny({ Action: 'kms:Encrypt', Resource: '*' }))],
    expect: 'XD:ibp',
  },
  {
    name: 'deny in identity policy on kms:*',
    key: defaultKey,
    identity: [iamAll, iam(deny({ Action: 'kms:*', Resource: '*' }))],
    expect: 'XD:ibp',
  },
  {
    name: 'deny in identity policy for another key does not apply',
    key: defaultKey,
    identity: [iamAll, iam(deny({ Action: 'kms:*', Resource: KEY_B }))],
    expect: 'Allow',
  },
  {
    name: 'deny in permissions boundary',
    key: defaultKey,
    identity: [iamAll],
    boundary: iam(allow({ Action: '*', Resource: '*' }), deny({ Action: 'kms:Encrypt', Resource: '*' })),
    expect: 'XD:pb',
  },
  {
    name: 'deny in session policy',
    who: appSession,
    key: defaultKey,
    identity: [iamAll],
    session: [iam(allow({ Action: '*', Resource: '*' }), deny({ Action: 'kms:Encrypt', Resource: '*' }))],
    expect: 'XD:sp',
  },
  {
    name: 'deny in key policy with condition that fails does not apply',
    key: doc([
      allow({ ...toAlice, ...ENCRYPT }),
      deny({ ...toAlice, ...ENCRYPT, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]),
    context: { 'aws:SecureTransport': 'true' },
    expect: 'Allow',
  },
  {
    name: 'deny in key policy with condition that holds',
    key: doc([
      allow({ ...toAlice, ...ENCRYPT }),
      deny({ ...toAlice, ...ENCRYPT, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]),
    context: { 'aws:SecureTransport': 'false' },
    expect: 'XD:rbp',
  },
  {
    name: 'deny for another action does not apply',
    key: doc([allow({ ...toAlice, ...ENCRYPT }), deny({ ...toAlice, Action: 'kms:Decrypt', Resource: '*' })]),
    expect: 'Allow',
  },
  {
    name: 'deny for another principal does not apply',
    key: doc([allow({ ...toAlice, ...ENCRYPT }), deny({ Principal: { AWS: BOB }, ...ENCRYPT })]),
    expect: 'Allow',
  },
  {
    name: 'deny in key policy wins over deny in identity policy (reported first)',
    key: doc([deny({ Principal: '*', ...ENCRYPT })]),
    identity: [iam(deny({ Action: '*', Resource: '*' }))],
    expect: 'XD:rbp',
  },
  {
    name: 'explicit deny even when nothing allows',
    key: doc([deny({ Principal: '*', ...ENCRYPT })]),
    expect: 'XD:rbp',
  },
  {
    name: 'deny with NotResource other key applies to this key',
    key: doc([enableIam()]),
    identity: [iamAll, iam(deny({ Action: 'kms:*', NotResource: KEY_B }))],
    expect: 'XD:ibp',
  },
);

// ---- 5. Cross-account ("Allowing users in other accounts to use a KMS key") ----
const keyForB = (extra: Json = {}): string =>
  doc([enableIam(), allow({ Principal: { AWS: ROOT_B }, ...ENCRYPT, ...extra })]);
add(
  {
    name: 'cross-account: key policy allows account B, user has identity allow',
    key: keyForB(),
    who: carolB,
    identity: [iamEncrypt],
    expect: 'Allow',
    by: 'identity-policy',
  },
  {
    name: 'cross-account: key policy allows account B, user without identity policy',
    key: keyForB(),
    who: carolB,
    expect: 'ID:ibp',
  },
  {
    name: 'cross-account: key policy allows account B by id',
    key: doc([allow({ Principal: { AWS: B }, ...ENCRYPT })]),
    who: carolB,
    identity: [iamEncrypt],
    expect: 'Allow',
  },
  {
    name: 'cross-account: root of B needs only the key policy',
    key: keyForB(),
    who: rootB,
    expect: 'Allow',
    by: 'resource-policy',
  },
  {
    name: 'cross-account: key policy names the user of B, still needs identity policy',
    key: doc([allow({ Principal: { AWS: CAROL_B }, ...ENCRYPT })]),
    who: carolB,
    expect: 'ID:ibp',
  },
  {
    name: 'cross-account: key policy names the user of B and identity allows',
    key: doc([allow({ Principal: { AWS: CAROL_B }, ...ENCRYPT })]),
    who: carolB,
    identity: [iamEncrypt],
    expect: 'Allow',
  },
  {
    name: 'cross-account: identity allow but key policy only enables account A',
    key: defaultKey,
    who: carolB,
    identity: [iamAll],
    expect: 'ID:rbp',
  },
  {
    name: 'cross-account: Principal "*" still needs identity policy',
    key: doc([allow({ Principal: '*', ...ENCRYPT })]),
    who: carolB,
    expect: 'ID:ibp',
  },
  {
    name: 'cross-account: Principal "*" and identity allow',
    key: doc([allow({ Principal: '*', ...ENCRYPT })]),
    who: carolB,
    identity: [iamAll],
    expect: 'Allow',
  },
  {
    name: 'cross-account: other action not in key policy',
    key: keyForB(),
    who: carolB,
    identity: [iamAll],
    action: 'kms:PutKeyPolicy',
    expect: 'ID:rbp',
  },
  {
    name: 'cross-account: deny in B identity policy',
    key: keyForB(),
    who: carolB,
    identity: [iamAll, iam(deny({ Action: 'kms:*', Resource: `arn:aws:kms:*:${A}:key/*` }))],
    expect: 'XD:ibp',
  },
  {
    name: 'cross-account: deny in key policy for account B',
    key: doc([
      enableIam(),
      allow({ Principal: { AWS: ROOT_B }, ...ENCRYPT }),
      deny({ Principal: { AWS: B }, ...ENCRYPT }),
    ]),
    who: carolB,
    identity: [iamAll],
    expect: 'XD:rbp',
  },
  {
    name: 'cross-account: role session of B with role policy allow',
    key: keyForB(),
    who: partnerSession,
    identity: [iamEncrypt],
    expect: 'Allow',
  },
  {
    name: 'cross-account: role session of B named by role ARN needs identity',
    key: doc([allow({ Principal: { AWS: ROLE_B }, ...ENCRYPT })]),
    who: partnerSession,
    expect: 'ID:ibp',
  },
  {
    name: 'cross-account: role of B named, identity and session policy allow',
    key: doc([allow({ Principal: { AWS: ROLE_B }, ...ENCRYPT })]),
    who: partnerSession,
    identity: [iamAll],
    session: [iamAll],
    expect: 'Allow',
  },
  {
    name: 'cross-account: session policy limits B role',
    key: keyForB(),
    who: partnerSession,
    identity: [iamAll],
    session: [iam(allow({ Action: 's3:*', Resource: '*' }))],
    expect: 'ID:sp',
  },
  {
    name: 'cross-account: kms:CallerAccount condition holds',
    key: doc([allow({ Principal: '*', ...ENCRYPT, Condition: { StringEquals: { 'kms:CallerAccount': B } } })]),
    who: carolB,
    identity: [iamAll],
    context: { 'kms:CallerAccount': B },
    expect: 'Allow',
  },
  {
    name: 'cross-account: kms:CallerAccount condition fails',
    key: doc([allow({ Principal: '*', ...ENCRYPT, Condition: { StringEquals: { 'kms:CallerAccount': B } } })]),
    who: alice,
    context: { 'kms:CallerAccount': A },
    expect: 'ID:rbp',
  },
  {
    name: 'cross-account: user of A using key of B named by A',
    resource: KEY_B,
    key: doc([allow({ Principal: { AWS: ROOT_A }, ...ENCRYPT })]),
    identity: [iam(allow({ Action: 'kms:Encrypt', Resource: KEY_B }))],
    expect: 'Allow',
  },
);

// ---- 6. Assumed roles: role ARN vs session ARN in Principal ----
add(
  {
    name: 'role ARN in key policy allows its session',
    key: doc([allow({ Principal: { AWS: ROLE_APP }, ...ENCRYPT })]),
    who: appSession,
    expect: 'Allow',
    by: 'resource-policy',
  },
  {
    name: 'session ARN in key policy allows that session',
    key: doc([allow({ Principal: { AWS: SESSION_APP }, ...ENCRYPT })]),
    who: appSession,
    expect: 'Allow',
  },
  {
    name: 'other session ARN does not match',
    key: doc([allow({ Principal: { AWS: `arn:aws:sts::${A}:assumed-role/app/other` }, ...ENCRYPT })]),
    who: appSession,
    expect: 'ID:rbp',
  },
  {
    name: 'other role ARN does not match',
    key: doc([allow({ Principal: { AWS: `arn:aws:iam::${A}:role/other` }, ...ENCRYPT })]),
    who: appSession,
    expect: 'ID:rbp',
  },
  { name: 'role session via account delegation needs role policy', key: defaultKey, who: appSession, expect: 'ID:ibp' },
  {
    name: 'role session via account delegation with role policy',
    key: defaultKey,
    who: appSession,
    identity: [iamEncrypt],
    expect: 'Allow',
    by: 'identity-policy',
  },
  {
    name: 'role ARN named: session policy limits',
    key: doc([allow({ Principal: { AWS: ROLE_APP }, ...ENCRYPT })]),
    who: appSession,
    session: [iam(allow({ Action: 's3:*', Resource: '*' }))],
    expect: 'ID:sp',
  },
  {
    name: 'session ARN named: session policy does not limit',
    key: doc([allow({ Principal: { AWS: SESSION_APP }, ...ENCRYPT })]),
    who: appSession,
    session: [iam(allow({ Action: 's3:*', Resource: '*' }))],
    expect: 'Allow',
  },
  {
    name: 'role ARN named: permissions boundary limits',
    key: doc([allow({ Principal: { AWS: ROLE_APP }, ...ENCRYPT })]),
    who: appSession,
    boundary: iam(allow({ Action: 's3:*', Resource: '*' })),
    expect: 'ID:pb',
  },
  {
    name: 'session ARN named: permissions boundary does not limit',
    key: doc([allow({ Principal: { AWS: SESSION_APP }, ...ENCRYPT })]),
    who: appSession,
    boundary: iam(allow({ Action: 's3:*', Resource: '*' })),
    expect: 'Allow',
  },
  {
    name: 'role ARN named: boundary and session allow',
    key: doc([allow({ Principal: { AWS: ROLE_APP }, ...ENCRYPT })]),
    who: appSession,
    boundary: iamAll,
    session: [iamAll],
    expect: 'Allow',
  },
  {
    name: 'aws:PrincipalArn of a session is the role ARN',
    key: doc([allow({ Principal: '*', ...ENCRYPT, Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE_APP } } })]),
    who: appSession,
    context: { 'aws:PrincipalArn': ROLE_APP },
    expect: 'Allow',
  },
  { name: 'user ARN does not match a role session', key: aliceKey(), who: appSession, expect: 'ID:rbp' },
  {
    name: 'role policy deny applies to the session',
    key: doc([allow({ Principal: { AWS: ROLE_APP }, ...ENCRYPT })]),
    who: appSession,
    identity: [iam(deny({ Action: 'kms:Encrypt', Resource: '*' }))],
    expect: 'XD:ibp',
  },
  {
    name: 'Principal "*" for a session: limited by session policy',
    key: doc([allow({ Principal: '*', ...ENCRYPT })]),
    who: appSession,
    session: [iam(allow({ Action: 's3:*', Resource: '*' }))],
    expect: 'ID:sp',
  },
);

// ---- 7. Permissions boundaries and session policies limit identity allows ----
add(
  {
    name: 'boundary allows: identity allow stands',
    key: defaultKey,
    identity: [iamEncrypt],
    boundary: iam(allow({ Action: 'kms:*', Resource: '*' })),
    expect: 'Allow',
  },
  {
    name: 'boundary silent: identity allow limited',
    key: defaultKey,
    identity: [iamEncrypt],
    boundary: iam(allow({ Action: 's3:*', Resource: '*' })),
    expect: 'ID:pb',
  },
  { name: 'boundary allows but identity does not', key: defaultKey, boundary: iamAll, expect: 'ID:ibp' },
  {
    name: 'boundary does not limit key policy naming the user',
    key: aliceKey(),
    boundary: iam(allow({ Action: 's3:*', Resource: '*' })),
    expect: 'Allow',
  },
  {
    name: 'boundary on another key limits',
    key: defaultKey,
    identity: [iamAll],
    boundary: iam(allow({ Action: 'kms:*', Resource: KEY_B })),
    expect: 'ID:pb',
  },
  {
    name: 'boundary with condition that holds',
    key: defaultKey,
    identity: [iamAll],
    boundary: iam(
      allow({ Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }),
    ),
    context: { 'aws:RequestedRegion': 'us-east-1' },
    expect: 'Allow',
  },
  {
    name: 'boundary with condition that fails',
    key: defaultKey,
    identity: [iamAll],
    boundary: iam(
      allow({ Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }),
    ),
    context: { 'aws:RequestedRegion': 'eu-west-1' },
    expect: 'ID:pb',
  },
  {
    name: 'session policy allows: identity allow stands',
    who: appSession,
    key: defaultKey,
    identity: [iamAll],
    session: [iam(allow({ Action: 'kms:Encrypt', Resource: '*' }))],
    expect: 'Allow',
  },
  {
    name: 'session policy silent: identity allow limited',
    who: appSession,
    key: defaultKey,
    identity: [iamAll],
    session: [iam(allow({ Action: 'kms:Decrypt', Resource: '*' }))],
    expect: 'ID:sp',
  },
  {
    name: 'session policy allows but the role does not',
    who: appSession,
    key: defaultKey,
    session: [iamAll],
    expect: 'ID:ibp',
  },
  {
    name: 'several session policies: any one allows',
    who: appSession,
    key: defaultKey,
    identity: [iamAll],
    session: [iam(allow({ Action: 's3:*', Resource: '*' })), iam(allow({ Action: 'kms:Encrypt', Resource: '*' }))],
    expect: 'Allow',
  },
  {
    name: 'empty session policy list means no session policy',
    who: appSession,
    key: defaultKey,
    identity: [iamAll],
    session: [],
    expect: 'Allow',
  },
  {
    name: 'identity-only: boundary limits',
    mode: 'identity-only',
    action: 'kms:CreateKey',
    resource: '*',
    identity: [iamAll],
    boundary: iam(allow({ Action: 'kms:List*', Resource: '*' })),
    expect: 'ID:pb',
  },
  {
    name: 'identity-only: session policy limits',
    mode: 'identity-only',
    who: appSession,
    action: 'kms:CreateKey',
    resource: '*',
    identity: [iamAll],
    session: [iam(allow({ Action: 'kms:List*', Resource: '*' }))],
    expect: 'ID:sp',
  },
  {
    name: 'identity-only: boundary and session allow',
    mode: 'identity-only',
    who: appSession,
    action: 'kms:CreateKey',
    resource: '*',
    identity: [iamAll],
    boundary: iamAll,
    session: [iamAll],
    expect: 'Allow',
  },
  {
    name: 'boundary NotAction allows everything but iam',
    key: defaultKey,
    identity: [iamAll],
    boundary: iam(allow({ NotAction: 'iam:*', Resource: '*' })),
    expect: 'Allow',
  },
);

// ---- 8. NotPrincipal, NotAction, NotResource ----
add(
  {
    name: 'NotAction allow in key policy: other action allowed',
    key: doc([allow({ ...toAlice, NotAction: 'kms:Decrypt', Resource: '*' })]),
    expect: 'Allow',
  },
  {
    name: 'NotAction allow in key policy: listed action not allowed',
    key: doc([allow({ ...toAlice, NotAction: 'kms:Encrypt', Resource: '*' })]),
    expect: 'ID:rbp',
  },
  {
    name: 'NotAction with wildcard excludes matching actions',
    key: doc([allow({ ...toAlice, NotAction: 'kms:*crypt', Resource: '*' })]),
    expect: 'ID:rbp',
  },
  {
    name: 'NotAction list',
    key: doc([allow({ ...toAlice, NotAction: ['kms:Decrypt', 'kms:PutKeyPolicy'], Resource: '*' })]),
    expect: 'Allow',
  },
  {
    name: 'NotAction deny: everything but Encrypt denied',
    key: doc([
      allow({ ...toAlice, Action: 'kms:*', Resource: '*' }),
      deny({ ...toAlice, NotAction: 'kms:Encrypt', Resource: '*' }),
    ]),
    action: 'kms:Decrypt',
    expect: 'XD:rbp',
  },
  {
    name: 'NotAction deny: Encrypt not denied',
    key: doc([
      allow({ ...toAlice, Action: 'kms:*', Resource: '*' }),
      deny({ ...toAlice, NotAction: 'kms:Encrypt', Resource: '*' }),
    ]),
    expect: 'Allow',
  },
  {
    name: 'NotResource allow: other key allowed',
    key: defaultKey,
    identity: [iam(allow({ Action: 'kms:*', NotResource: KEY_B }))],
    expect: 'Allow',
  },
  {
    name: 'NotResource allow: listed key not allowed',
    key: defaultKey,
    identity: [iam(allow({ Action: 'kms:*', NotResource: KEY_A }))],
    expect: 'ID:ibp',
  },
  {
    name: 'NotResource with wildcard',
    key: defaultKey,
    identity: [iam(allow({ Action: 'kms:*', NotResource: `arn:aws:kms:*:${A}:key/*` }))],
    expect: 'ID:ibp',
  },
  {
    name: 'NotPrincipal deny: listed user + account exempt',
    key: doc([allow({ Principal: '*', ...ENCRYPT }), deny({ NotPrincipal: { AWS: [ALICE, ROOT_A] }, ...ENCRYPT })]),
    expect: 'Allow',
  },
  {
    name: 'NotPrincipal deny: other user denied',
    key: doc([allow({ Principal: '*', ...ENCRYPT }), deny({ NotPrincipal: { AWS: [ALICE, ROOT_A] }, ...ENCRYPT })]),
    who: bob,
    expect: 'XD:rbp',
  },
  {
    name: 'NotPrincipal deny listing only the user still denies it (account not listed)',
    key: doc([allow({ Principal: '*', ...ENCRYPT }), deny({ NotPrincipal: { AWS: ALICE }, ...ENCRYPT })]),
    expect: 'XD:rbp',
  },
  {
    name: 'NotPrincipal deny listing only the account still denies its users',
    key: doc([allow({ Principal: '*', ...ENCRYPT }), deny({ NotPrincipal: { AWS: ROOT_A }, ...ENCRYPT })]),
    expect: 'XD:rbp',
  },
  {
    name: 'NotPrincipal deny listing the account exempts root',
    key: doc([allow({ Principal: '*', ...ENCRYPT }), deny({ NotPrincipal: { AWS: ROOT_A }, ...ENCRYPT })]),
    who: rootA,
    expect: 'Allow',
  },
  {
    name: 'NotPrincipal deny: session exempt with session, role and account',
    key: doc([
      allow({ Principal: '*', ...ENCRYPT }),
      deny({ NotPrincipal: { AWS: [SESSION_APP, ROLE_APP, ROOT_A] }, ...ENCRYPT }),
    ]),
    who: appSession,
    expect: 'Allow',
  },
  {
    name: 'NotPrincipal deny: session not exempt with role and account only',
    key: doc([allow({ Principal: '*', ...ENCRYPT }), deny({ NotPrincipal: { AWS: [ROLE_APP, ROOT_A] }, ...ENCRYPT })]),
    who: appSession,
    expect: 'XD:rbp',
  },
  {
    name: 'NotPrincipal deny: cross-account user denied',
    key: doc([allow({ Principal: '*', ...ENCRYPT }), deny({ NotPrincipal: { AWS: [ALICE, ROOT_A] }, ...ENCRYPT })]),
    who: carolB,
    identity: [iamAll],
    expect: 'XD:rbp',
  },
  {
    name: 'NotPrincipal allow: everyone but the listed',
    key: doc([allow({ NotPrincipal: { AWS: [BOB, ROOT_A] }, ...ENCRYPT })]),
    expect: 'Allow',
  },
  {
    name: 'NotPrincipal allow: the listed (with account) is not allowed',
    key: doc([allow({ NotPrincipal: { AWS: [BOB, ROOT_A] }, ...ENCRYPT })]),
    who: bob,
    expect: 'ID:rbp',
  },
  {
    name: 'NotPrincipal with a service principal applies to users',
    key: doc([
      allow({ Principal: '*', ...ENCRYPT }),
      deny({ NotPrincipal: { Service: 'logs.amazonaws.com' }, ...ENCRYPT }),
    ]),
    expect: 'XD:rbp',
  },
);

// ---- 9. Condition operators (IAM User Guide, "Condition operators") ----
/** One row: operator, key, policy values, request value (undefined: key absent), expected result. */
type Row = [string, string, string | string[] | boolean | number, ConditionValue | undefined, boolean];
const opRows: Row[] = [
  // String
  ['StringEquals', 'kms:EncryptionContext:purpose', 'backup', 'backup', true],
  ['StringEquals', 'kms:EncryptionContext:purpose', 'backup', 'Backup', false],
  ['StringEquals', 'kms:EncryptionContext:purpose', ['a', 'backup'], 'backup', true],
  ['StringEquals', 'kms:EncryptionContext:purpose', 'backup', undefined, false],
  ['StringEquals', 'kms:EncryptionContext:purpose', 'back*', 'backup', false],
  ['StringNotEquals', 'kms:EncryptionContext:purpose', 'backup', 'restore', true],
  ['StringNotEquals', 'kms:EncryptionContext:purpose', 'backup', 'backup', false],
  ['StringNotEquals', 'kms:EncryptionContext:purpose', ['a', 'b'], 'b', false],
  ['StringNotEquals', 'kms:EncryptionContext:purpose', ['a', 'b'], 'c', true],
  ['StringNotEquals', 'kms:EncryptionContext:purpose', 'backup', undefined, true],
  ['StringEqualsIgnoreCase', 'kms:EncryptionContext:purpose', 'BACKUP', 'backup', true],
  ['StringEqualsIgnoreCase', 'kms:EncryptionContext:purpose', 'backup', 'BackUp', true],
  ['StringEqualsIgnoreCase', 'kms:EncryptionContext:purpose', 'backup', 'restore', false],
  ['StringEqualsIgnoreCase', 'kms:EncryptionContext:purpose', 'backup', undefined, false],
  ['StringNotEqualsIgnoreCase', 'kms:EncryptionContext:purpose', 'BACKUP', 'backup', false],
  ['StringNotEqualsIgnoreCase', 'kms:EncryptionContext:purpose', 'BACKUP', 'other', true],
  ['StringNotEqualsIgnoreCase', 'kms:EncryptionContext:purpose', 'BACKUP', undefined, true],
  ['StringLike', 'kms:EncryptionContext:purpose', 'back*', 'backup', true],
  ['StringLike', 'kms:EncryptionContext:purpose', 'back*', 'BACKUP', false],
  ['StringLike', 'kms:EncryptionContext:purpose', '*up', 'backup', true],
  ['StringLike', 'kms:EncryptionContext:purpose', 'b?ckup', 'backup', true],
  ['StringLike', 'kms:EncryptionContext:purpose', 'b?ckup', 'baackup', false],
  ['StringLike', 'kms:EncryptionContext:purpose', 'b*k*p', 'backup', true],
  ['StringLike', 'kms:EncryptionContext:purpose', '*', '', true],
  ['StringLike', 'kms:EncryptionContext:purpose', '*', undefined, false],
  ['StringLike', 'kms:EncryptionContext:purpose', ['x*', 'b*'], 'backup', true],
  ['StringNotLike', 'kms:EncryptionContext:purpose', 'back*', 'backup', false],
  ['StringNotLike', 'kms:EncryptionContext:purpose', 'back*', 'restore', true],
  ['StringNotLike', 'kms:EncryptionContext:purpose', 'back*', undefined, true],
  ['StringNotLike', 'kms:EncryptionContext:purpose', ['x*', 'b*'], 'backup', false],
  ['StringEqualsIfExists', 'kms:EncryptionContext:purpose', 'backup', undefined, true],
  ['StringEqualsIfExists', 'kms:EncryptionContext:purpose', 'backup', 'backup', true],
  ['StringEqualsIfExists', 'kms:EncryptionContext:purpose', 'backup', 'other', false],
  ['StringNotEqualsIfExists', 'kms:EncryptionContext:purpose', 'backup', undefined, true],
  ['StringNotEqualsIfExists', 'kms:EncryptionContext:purpose', 'backup', 'backup', false],
  ['StringLikeIfExists', 'kms:EncryptionContext:purpose', 'b*', undefined, true],
  ['StringLikeIfExists', 'kms:EncryptionContext:purpose', 'b*', 'x', false],
  ['StringEqualsIgnoreCaseIfExists', 'kms:EncryptionContext:purpose', 'B', 'b', true],
  // Numeric
  ['NumericEquals', 'kms:RotationPeriodInDays', '365', '365', true],
  ['NumericEquals', 'kms:RotationPeriodInDays', '365', '365.0', true],
  ['NumericEquals', 'kms:RotationPeriodInDays', '365', '366', false],
  ['NumericEquals', 'kms:RotationPeriodInDays', 365, '365', true],
  ['NumericEquals', 'kms:RotationPeriodInDays', '365', 'abc', false],
  ['NumericEquals', 'kms:RotationPeriodInDays', '365', undefined, false],
  ['NumericNotEquals', 'kms:RotationPeriodInDays', '365', '366', true],
  ['NumericNotEquals', 'kms:RotationPeriodInDays', '365', '365', false],
  ['NumericNotEquals', 'kms:RotationPeriodInDays', '365', undefined, true],
  ['NumericLessThan', 'kms:ScheduleKeyDeletionPendingWindowInDays', '30', '7', true],
  ['NumericLessThan', 'kms:ScheduleKeyDeletionPendingWindowInDays', '30', '30', false],
  ['NumericLessThan', 'kms:ScheduleKeyDeletionPendingWindowInDays', '30', '31', false],
  ['NumericLessThanEquals', 'kms:ScheduleKeyDeletionPendingWindowInDays', '30', '30', true],
  ['NumericLessThanEquals', 'kms:ScheduleKeyDeletionPendingWindowInDays', '30', '31', false],
  ['NumericGreaterThan', 'kms:ScheduleKeyDeletionPendingWindowInDays', '7', '8', true],
  ['NumericGreaterThan', 'kms:ScheduleKeyDeletionPendingWindowInDays', '7', '7', false],
  ['NumericGreaterThanEquals', 'kms:ScheduleKeyDeletionPendingWindowInDays', '7', '7', true],
  ['NumericGreaterThanEquals', 'kms:ScheduleKeyDeletionPendingWindowInDays', '7', '6', false],
  ['NumericGreaterThanEquals', 'kms:ScheduleKeyDeletionPendingWindowInDays', ['30', '7'], '10', true],
  ['NumericLessThan', 'kms:ScheduleKeyDeletionPendingWindowInDays', '-1', '-2', true],
  ['NumericLessThan', 'kms:ScheduleKeyDeletionPendingWindowInDays', '1.5', '1.25', true],
  ['NumericLessThanIfExists', 'kms:ScheduleKeyDeletionPendingWindowInDays', '30', undefined, true],
  ['NumericLessThanIfExists', 'kms:ScheduleKeyDeletionPendingWindowInDays', '30', '40', false],
  // Date
  ['DateLessThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z', '2026-12-02T02:00:00Z', true],
  ['DateLessThan', 'aws:CurrentTime', '2020-01-01T00:00:00Z', '2026-12-02T02:00:00Z', false],
  ['DateLessThan', 'aws:CurrentTime', '2030-01-01', '2026-12-02T02:00:00Z', true],
  ['DateGreaterThan', 'aws:CurrentTime', '2026-12-01T00:00:00Z', '2026-12-02T02:00:00Z', true],
  ['DateGreaterThan', 'aws:CurrentTime', '2026-12-02T02:00:00Z', '2026-12-02T02:00:00Z', false],
  ['DateGreaterThanEquals', 'aws:CurrentTime', '2026-12-02T02:00:00Z', '2026-12-02T02:00:00Z', true],
  ['DateLessThanEquals', 'aws:CurrentTime', '2026-12-02T02:00:00Z', '2026-12-02T02:00:00Z', true],
  ['DateEquals', 'aws:CurrentTime', '2026-12-02T02:00:00Z', '2026-12-02T02:00:00.000Z', true],
  ['DateEquals', 'aws:CurrentTime', '2026-12-02T04:00:00+02:00', '2026-12-02T02:00:00Z', true],
  ['DateNotEquals', 'aws:CurrentTime', '2026-12-02T02:00:00Z', '2026-12-02T02:00:01Z', true],
  ['DateNotEquals', 'aws:CurrentTime', '2026-12-02T02:00:00Z', '2026-12-02T02:00:00Z', false],
  ['DateNotEquals', 'aws:CurrentTime', '2026-12-02T02:00:00Z', undefined, true],
  ['DateLessThan', 'aws:CurrentTime', '1893456000', '2026-12-02T02:00:00Z', true],
  ['DateLessThan', 'aws:EpochTime', '2030-01-01T00:00:00Z', '1796176800', true],
  ['DateGreaterThan', 'aws:EpochTime', '1796176800', '1796176801', true],
  ['DateLessThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z', 'not a date', false],
  ['DateLessThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z', undefined, false],
  ['DateLessThanIfExists', 'aws:CurrentTime', '2030-01-01T00:00:00Z', undefined, true],
  ['DateGreaterThan', 'aws:TokenIssueTime', '2026-12-01T00:00:00Z', '2026-12-01T12:00:00Z', true],
  // Bool
  ['Bool', 'aws:SecureTransport', 'true', 'true', true],
  ['Bool', 'aws:SecureTransport', 'true', 'false', false],
  ['Bool', 'aws:SecureTransport', true, 'true', true],
  ['Bool', 'aws:SecureTransport', 'false', 'false', true],
  ['Bool', 'aws:SecureTransport', 'True', 'true', true],
  ['Bool', 'aws:SecureTransport', 'true', undefined, false],
  ['BoolIfExists', 'aws:MultiFactorAuthPresent', 'true', undefined, true],
  ['BoolIfExists', 'aws:MultiFactorAuthPresent', 'true', 'false', false],
  ['BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', 'false', true],
  ['Bool', 'kms:GrantIsForAWSResource', 'true', 'true', true],
  ['Bool', 'kms:GrantIsForAWSResource', 'true', 'false', false],
  ['Bool', 'kms:ReEncryptOnSameKey', 'true', 'true', true],
  ['Bool', 'kms:BypassPolicyLockoutSafetyCheck', 'true', 'false', false],
  ['Bool', 'kms:MultiRegion', false, 'false', true],
  // Binary
  ['BinaryEquals', 'test:blob', 'QmluYXJ5', 'QmluYXJ5', true],
  ['BinaryEquals', 'test:blob', 'QmluYXJ5', 'QmluYXJ6', false],
  ['BinaryEquals', 'test:blob', 'QmluYXJ5', undefined, false],
  ['BinaryEqualsIfExists', 'test:blob', 'QmluYXJ5', undefined, true],
  // IpAddress
  ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', '203.0.113.7', true],
  ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', '203.0.114.7', false],
  ['IpAddress', 'aws:SourceIp', '203.0.113.7', '203.0.113.7', true],
  ['IpAddress', 'aws:SourceIp', '203.0.113.7/32', '203.0.113.8', false],
  ['IpAddress', 'aws:SourceIp', '0.0.0.0/0', '198.51.100.1', true],
  ['IpAddress', 'aws:SourceIp', ['10.0.0.0/8', '203.0.113.0/24'], '10.1.2.3', true],
  ['IpAddress', 'aws:SourceIp', '2001:DB8:1234:5678::/64', '2001:db8:1234:5678::1', true],
  ['IpAddress', 'aws:SourceIp', '2001:DB8:1234:5678::/64', '2001:db8:1234:5679::1', false],
  ['IpAddress', 'aws:SourceIp', '2001:db8::/32', '203.0.113.7', false],
  ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', '::1', false],
  ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', 'not-an-ip', false],
  ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', undefined, false],
  ['NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', '198.51.100.1', true],
  ['NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', '203.0.113.200', false],
  ['NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', undefined, true],
  ['IpAddressIfExists', 'aws:SourceIp', '203.0.113.0/24', undefined, true],
  ['IpAddress', 'aws:SourceIp', '192.168.0.0/23', '192.168.1.255', true],
  ['IpAddress', 'aws:SourceIp', '::/0', '2001:db8::1', true],
  // Arn
  ['ArnEquals', 'aws:PrincipalArn', ALICE, ALICE, true],
  ['ArnEquals', 'aws:PrincipalArn', ALICE, BOB, false],
  ['ArnLike', 'aws:PrincipalArn', `arn:aws:iam::${A}:user/*`, BOB, true],
  ['ArnLike', 'aws:PrincipalArn', `arn:aws:iam::*:user/*`, CAROL_B, true],
  ['ArnLike', 'aws:PrincipalArn', `arn:aws:iam::${A}:role/*`, ALICE, false],
  ['ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*', ALICE, false],
  ['ArnLike', 'aws:PrincipalArn', 'arn:aws:*:*:*:*', ALICE, true],
  ['ArnLike', 'aws:PrincipalArn', `arn:aws:iam::${A}:user/*`, 'not-an-arn', false],
  ['ArnLike', 'aws:SourceArn', 'arn:aws:s3:::bucket-?', 'arn:aws:s3:::bucket-1', true],
  ['ArnLike', 'aws:SourceArn', 'arn:aws:s3:::bucket-?', 'arn:aws:s3:::bucket-12', false],
  ['ArnLike', 'aws:PrincipalArn', `arn:aws:iam::${A}:user/*`, undefined, false],
  ['ArnEquals', 'aws:PrincipalArn', `arn:aws:iam::${A}:user/*`, ALICE, true],
  ['ArnNotEquals', 'aws:PrincipalArn', ALICE, BOB, true],
  ['ArnNotEquals', 'aws:PrincipalArn', ALICE, ALICE, false],
  ['ArnNotLike', 'aws:PrincipalArn', `arn:aws:iam::${A}:role/*`, ALICE, true],
  ['ArnNotLike', 'aws:PrincipalArn', `arn:aws:iam::${A}:user/*`, ALICE, false],
  ['ArnNotLike', 'aws:PrincipalArn', `arn:aws:iam::${A}:user/*`, undefined, true],
  ['ArnLikeIfExists', 'aws:SourceArn', 'arn:aws:s3:::*', undefined, true],
  ['ArnEquals', 'aws:SourceArn', 'arn:aws:s3:::my:bucket', 'arn:aws:s3:::my:bucket', true],
  // Null
  ['Null', 'aws:TokenIssueTime', 'true', undefined, true],
  ['Null', 'aws:TokenIssueTime', 'true', '2026-12-01T00:00:00Z', false],
  ['Null', 'aws:TokenIssueTime', 'false', '2026-12-01T00:00:00Z', true],
  ['Null', 'aws:TokenIssueTime', 'false', undefined, false],
  ['Null', 'aws:TokenIssueTime', true, undefined, true],
  ['Null', 'aws:TagKeys', 'true', [], true],
  ['Null', 'kms:EncryptionContextKeys', 'false', ['purpose'], true],
  // Set operators on multivalued keys ("Single-valued vs. multivalued context keys")
  ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], ['env'], true],
  ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], ['env', 'team'], true],
  ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], ['env', 'cost'], false],
  ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], undefined, true],
  ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], [], true],
  ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], 'env', true],
  ['ForAnyValue:StringEquals', 'aws:TagKeys', ['env', 'team'], ['cost', 'team'], true],
  ['ForAnyValue:StringEquals', 'aws:TagKeys', ['env', 'team'], ['cost'], false],
  ['ForAnyValue:StringEquals', 'aws:TagKeys', ['env', 'team'], undefined, false],
  ['ForAnyValue:StringEquals', 'aws:TagKeys', ['env', 'team'], [], false],
  ['ForAllValues:StringLike', 'kms:EncryptionContextKeys', ['app*'], ['app-id', 'app-name'], true],
  ['ForAllValues:StringLike', 'kms:EncryptionContextKeys', ['app*'], ['app-id', 'user'], false],
  ['ForAnyValue:StringLike', 'kms:EncryptionContextKeys', ['app*'], ['user', 'app-id'], true],
  ['ForAllValues:StringNotEquals', 'aws:TagKeys', ['secret'], ['env', 'team'], true],
  ['ForAllValues:StringNotEquals', 'aws:TagKeys', ['secret'], ['env', 'secret'], false],
  ['ForAnyValue:StringNotEquals', 'aws:TagKeys', ['secret'], ['secret', 'env'], true],
  ['ForAnyValue:StringNotEquals', 'aws:TagKeys', ['secret'], ['secret'], false],
  ['ForAllValues:StringEqualsIgnoreCase', 'aws:TagKeys', ['ENV'], ['env', 'Env'], true],
  ['ForAnyValue:StringEqualsIfExists', 'aws:TagKeys', ['env'], undefined, true],
  ['ForAllValues:StringEquals', 'kms:GrantOperations', ['Decrypt', 'Encrypt'], ['Decrypt'], true],
  ['ForAllValues:StringEquals', 'kms:GrantOperations', ['Decrypt', 'Encrypt'], ['Decrypt', 'CreateGrant'], false],
  ['ForAnyValue:StringEquals', 'kms:GrantOperations', ['CreateGrant'], ['Decrypt', 'CreateGrant'], true],
  [
    'ForAnyValue:StringEquals',
    'aws:CalledVia',
    'athena.amazonaws.com',
    ['athena.amazonaws.com', 'glue.amazonaws.com'],
    true,
  ],
  [
    'ForAllValues:StringEquals',
    'aws:CalledVia',
    'athena.amazonaws.com',
    ['athena.amazonaws.com', 'glue.amazonaws.com'],
    false,
  ],
  ['ForAnyValue:NumericLessThan', 'test:numbers', '10', ['20', '5'], true],
  ['ForAllValues:NumericLessThan', 'test:numbers', '10', ['20', '5'], false],
  ['ForAnyValue:IpAddress', 'test:addresses', '10.0.0.0/8', ['192.0.2.1', '10.2.3.4'], true],
  ['ForAllValues:ArnLike', 'test:arns', `arn:aws:iam::${A}:*`, [ALICE, BOB], true],
  ['ForAllValues:ArnLike', 'test:arns', `arn:aws:iam::${A}:*`, [ALICE, CAROL_B], false],
  // A single-valued operator on a multivalued key: any value (negated: none) — see docs.
  ['StringEquals', 'aws:TagKeys', 'env', ['env', 'team'], true],
  ['StringNotEquals', 'aws:TagKeys', 'env', ['env', 'team'], false],
  ['StringNotEquals', 'aws:TagKeys', 'x', ['env', 'team'], true],
  // Condition key names are case-insensitive.
  ['StringEquals', 'KMS:ENCRYPTIONCONTEXT:PURPOSE', 'backup', 'backup', true],
  ['StringEquals', 'Aws:SourceVpce', 'vpce-1a2b3c4d', 'vpce-1a2b3c4d', true],
];

for (const [operator, key, values, value, holds] of opRows) {
  const context: Record<string, ConditionValue> = value === undefined ? {} : { [key]: value };
  const shown = value === undefined ? 'absent' : JSON.stringify(value);
  add({
    name: `${operator} ${key} ${JSON.stringify(values)} vs ${shown} -> ${holds}`,
    key: aliceKey({ Condition: { [operator]: { [key]: values } } }),
    context,
    expect: holds ? 'Allow' : 'ID:rbp',
  });
}

// The same operators in identity policies and as Deny conditions, to check every path.
const denyRows: Row[] = [
  ['StringNotEquals', 'aws:PrincipalAccount', A, B, true],
  ['StringNotEquals', 'aws:PrincipalAccount', A, A, false],
  ['StringNotEqualsIfExists', 'kms:ViaService', 'ec2.us-east-1.amazonaws.com', undefined, true],
  ['StringNotEqualsIfExists', 'kms:ViaService', 'ec2.us-east-1.amazonaws.com', 'ec2.us-east-1.amazonaws.com', false],
  ['NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', '198.51.100.9', true],
  ['NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', '203.0.113.9', false],
  ['Bool', 'aws:SecureTransport', 'false', 'false', true],
  ['BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', undefined, true],
  ['BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', 'true', false],
  ['BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', 'false', true],
  ['Null', 'aws:MultiFactorAuthPresent', 'true', undefined, true],
  ['DateGreaterThan', 'aws:CurrentTime', '2026-01-01T00:00:00Z', '2026-12-02T00:00:00Z', true],
  ['NumericGreaterThan', 'aws:MultiFactorAuthAge', '3600', '7200', true],
  ['NumericGreaterThan', 'aws:MultiFactorAuthAge', '3600', '60', false],
  ['ForAnyValue:StringEquals', 'aws:TagKeys', ['owner'], ['owner', 'env'], true],
  ['StringLike', 'kms:RequestAlias', 'alias/prod-*', 'alias/prod-db', true],
  ['StringLike', 'kms:RequestAlias', 'alias/prod-*', 'alias/dev-db', false],
];
for (const [operator, key, values, value, applies] of denyRows) {
  const context: Record<string, ConditionValue> = value === undefined ? {} : { [key]: value };
  add({
    name: `identity Deny with ${operator} ${key} vs ${value === undefined ? 'absent' : JSON.stringify(value)} -> ${applies ? 'denied' : 'allowed'}`,
    key: defaultKey,
    identity: [
      iam(
        allow({ Action: 'kms:*', Resource: '*' }),
        deny({ Action: 'kms:*', Resource: '*', Condition: { [operator]: { [key]: values } } }),
      ),
    ],
    context,
    expect: applies ? 'XD:ibp' : 'Allow',
  });
}

// Several keys AND, several operators AND, several values OR.
add(
  {
    name: 'two keys, both hold',
    key: aliceKey({ Condition: { StringEquals: { 'kms:EncryptionContext:app': 'web', 'kms:CallerAccount': A } } }),
    context: { 'kms:EncryptionContext:app': 'web', 'kms:CallerAccount': A },
    expect: 'Allow',
  },
  {
    name: 'two keys, one fails',
    key: aliceKey({ Condition: { StringEquals: { 'kms:EncryptionContext:app': 'web', 'kms:CallerAccount': A } } }),
    context: { 'kms:EncryptionContext:app': 'web', 'kms:CallerAccount': B },
    expect: 'ID:rbp',
  },
  {
    name: 'two operators, both hold',
    key: aliceKey({ Condition: { StringEquals: { 'kms:CallerAccount': A }, Bool: { 'aws:SecureTransport': 'true' } } }),
    context: { 'kms:CallerAccount': A, 'aws:SecureTransport': 'true' },
    expect: 'Allow',
  },
  {
    name: 'two operators, one fails',
    key: aliceKey({ Condition: { StringEquals: { 'kms:CallerAccount': A }, Bool: { 'aws:SecureTransport': 'true' } } }),
    context: { 'kms:CallerAccount': A, 'aws:SecureTransport': 'false' },
    expect: 'ID:rbp',
  },
  {
    name: 'values OR: third value matches',
    key: aliceKey({
      Condition: {
        StringEquals: { 'kms:EncryptionAlgorithm': ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SYMMETRIC_DEFAULT'] },
      },
    }),
    context: { 'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT' },
    expect: 'Allow',
  },
);

// ---- 10. KMS condition keys ("AWS KMS condition keys"), as context entries ----
const kmsKeyRows: Row[] = [
  ['StringEquals', 'kms:EncryptionContext:Department', 'IT', 'IT', true],
  ['StringEquals', 'kms:EncryptionContext:Department', 'IT', 'it', false],
  ['StringEquals', 'kms:encryptioncontext:department', 'IT', 'IT', true],
  ['ForAllValues:StringEquals', 'kms:EncryptionContextKeys', ['Department', 'Project'], ['Department'], true],
  ['ForAnyValue:StringEquals', 'kms:EncryptionContextKeys', ['Department'], ['Project'], false],
  ['StringEquals', 'kms:CallerAccount', A, A, true],
  [
    'StringEquals',
    'kms:ViaService',
    ['ec2.us-east-1.amazonaws.com', 'rds.us-east-1.amazonaws.com'],
    'rds.us-east-1.amazonaws.com',
    true,
  ],
  ['StringEquals', 'kms:ViaService', 'ec2.us-east-1.amazonaws.com', undefined, false],
  ['Bool', 'kms:GrantIsForAWSResource', 'true', 'true', true],
  ['ForAllValues:StringEquals', 'kms:GrantOperations', ['Encrypt', 'Decrypt'], ['Encrypt'], true],
  ['StringEquals', 'kms:GranteePrincipal', ROLE_APP, ROLE_APP, true],
  ['StringLike', 'kms:RetiringPrincipal', `arn:aws:iam::${A}:role/*`, ROLE_APP, true],
  ['StringEquals', 'kms:GrantConstraintType', 'EncryptionContextEquals', 'EncryptionContextSubset', false],
  ['StringEquals', 'kms:KeySpec', 'SYMMETRIC_DEFAULT', 'SYMMETRIC_DEFAULT', true],
  ['StringEquals', 'kms:KeyUsage', 'SIGN_VERIFY', 'ENCRYPT_DECRYPT', false],
  ['StringEquals', 'kms:KeyOrigin', 'AWS_KMS', 'AWS_KMS', true],
  ['StringEquals', 'kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_256', false],
  ['StringEquals', 'kms:SigningAlgorithm', 'ECDSA_SHA_256', 'ECDSA_SHA_256', true],
  ['StringEquals', 'kms:MacAlgorithm', 'HMAC_SHA_256', 'HMAC_SHA_512', false],
  ['StringEquals', 'kms:MessageType', 'DIGEST', 'RAW', false],
  ['StringEquals', 'kms:MessageType', 'RAW', 'RAW', true],
  ['StringLike', 'kms:RequestAlias', 'alias/finance*', 'alias/finance-key', true],
  ['ForAnyValue:StringLike', 'kms:ResourceAliases', 'alias/project-*', ['alias/project-alpha', 'alias/other'], true],
  ['Bool', 'kms:ReEncryptOnSameKey', 'false', 'true', false],
  ['Bool', 'kms:BypassPolicyLockoutSafetyCheck', 'true', 'true', true],
  ['NumericLessThanEquals', 'kms:RotationPeriodInDays', '180', '90', true],
  ['NumericGreaterThanEquals', 'kms:ScheduleKeyDeletionPendingWindowInDays', '21', '7', false],
  ['Bool', 'kms:MultiRegion', 'true', 'true', true],
  ['StringEquals', 'kms:DataKeyPairSpec', 'ECC_NIST_P256', 'RSA_2048', false],
  ['StringEquals', 'kms:KeyAgreementAlgorithm', 'ECDH', 'ECDH', true],
];
for (const [operator, key, values, value, holds] of kmsKeyRows) {
  const context: Record<string, ConditionValue> = value === undefined ? {} : { [key]: value };
  add({
    name: `KMS key ${key} ${operator} -> ${holds}`,
    key: defaultKey,
    identity: [iam(allow({ Action: 'kms:*', Resource: '*', Condition: { [operator]: { [key]: values } } }))],
    context,
    expect: holds ? 'Allow' : 'ID:ibp',
  });
}

// ---- 11. Global condition keys ("AWS global condition context keys") ----
const globalRows: Row[] = [
  ['ArnEquals', 'aws:PrincipalArn', ALICE, ALICE, true],
  ['StringEquals', 'aws:PrincipalAccount', A, A, true],
  ['StringEquals', 'aws:PrincipalAccount', B, A, false],
  ['StringEquals', 'aws:PrincipalType', 'User', 'User', true],
  ['StringEquals', 'aws:PrincipalType', 'AssumedRole', 'User', false],
  ['StringEquals', 'aws:username', 'alice', 'alice', true],
  ['StringLike', 'aws:userid', 'AIDA*', 'AIDAEXAMPLE1234567890', true],
  ['IpAddress', 'aws:SourceIp', '192.0.2.0/24', '192.0.2.10', true],
  ['DateLessThan', 'aws:CurrentTime', '2027-01-01T00:00:00Z', '2026-12-02T02:35:00Z', true],
  ['NumericLessThan', 'aws:EpochTime', '1798761600', '1796178900', true],
  ['Bool', 'aws:SecureTransport', 'true', 'false', false],
  ['StringEquals', 'aws:PrincipalTag/team', 'payments', 'payments', true],
  ['StringEquals', 'aws:PrincipalTag/team', 'payments', undefined, false],
  ['StringEquals', 'aws:PrincipalTag/Team', 'payments', 'payments', true],
  ['StringEquals', 'aws:RequestTag/env', ['dev', 'test'], 'prod', false],
  ['StringEquals', 'aws:ResourceTag/env', 'prod', 'prod', true],
  ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'owner'], ['env'], true],
  ['Bool', 'aws:ViaAWSService', 'false', 'false', true],
  ['ForAnyValue:StringEquals', 'aws:CalledVia', 'cloudformation.amazonaws.com', ['cloudformation.amazonaws.com'], true],
  ['Bool', 'aws:MultiFactorAuthPresent', 'true', undefined, false],
  ['StringEquals', 'aws:RequestedRegion', 'us-east-1', 'us-east-1', true],
];
for (const [operator, key, values, value, holds] of globalRows) {
  const context: Record<string, ConditionValue> = value === undefined ? {} : { [key]: value };
  add({
    name: `global key ${key} ${operator} -> ${holds}`,
    mode: 'identity-only',
    action: 'kms:ListKeys',
    resource: '*',
    identity: [iam(allow({ Action: 'kms:*', Resource: '*', Condition: { [operator]: { [key]: values } } }))],
    context,
    expect: holds ? 'Allow' : 'ID:ibp',
  });
}

// ---- 12. Policy variables ("IAM policy elements: Variables and tags") ----
const userResource = (name: string): string => `arn:aws:iam::${A}:user/${name}`;
const iamSelf = (resource: string, version: string | null = '2012-10-17'): string =>
  doc([allow({ Action: 'iam:*AccessKey*', Resource: resource })], version);
const selfCase = (c: Partial<Case> & { name: string; expect: Expected }): Case => ({
  mode: 'identity-only',
  action: 'iam:CreateAccessKey',
  resource: userResource('alice'),
  context: { 'aws:username': 'alice' },
  ...c,
});
add(
  selfCase({
    name: '${aws:username} in Resource matches own user',
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:username}`)],
    expect: 'Allow',
  }),
  selfCase({
    name: '${aws:username} in Resource does not match another user',
    resource: userResource('bob'),
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:username}`)],
    expect: 'ID:ibp',
  }),
  selfCase({
    name: '${aws:username} missing: value matches nothing',
    context: {},
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:username}`)],
    expect: 'ID:ibp',
  }),
  selfCase({
    name: 'variables are literal in Version 2008-10-17',
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:username}`, '2008-10-17')],
    expect: 'ID:ibp',
  }),
  selfCase({
    name: 'variables are literal without Version',
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:username}`, null)],
    expect: 'ID:ibp',
  }),
  selfCase({
    name: '2008 literal ${aws:username} matches the literal text',
    resource: `arn:aws:iam::${A}:user/\${aws:username}`,
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:username}`, '2008-10-17')],
    expect: 'Allow',
  }),
  selfCase({
    name: 'variable with wildcard after it',
    resource: userResource('alice-admin'),
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:username}*`)],
    expect: 'Allow',
  }),
  selfCase({
    name: 'variable key name is case-insensitive',
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${AWS:UserName}`)],
    expect: 'Allow',
  }),
  selfCase({
    name: 'default value used when the key is missing',
    context: {},
    resource: userResource('nobody'),
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:username, 'nobody'}`)],
    expect: 'Allow',
  }),
  selfCase({
    name: 'default value ignored when the key is present',
    resource: userResource('nobody'),
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:username, 'nobody'}`)],
    expect: 'ID:ibp',
  }),
  selfCase({
    name: '${*} is a literal asterisk, not a wildcard',
    resource: userResource('anything'),
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${*}`)],
    expect: 'ID:ibp',
  }),
  selfCase({
    name: '${*} matches a literal asterisk',
    resource: userResource('*'),
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${*}`)],
    expect: 'Allow',
  }),
  selfCase({
    name: '${?} is a literal question mark',
    resource: userResource('a'),
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${?}`)],
    expect: 'ID:ibp',
  }),
  selfCase({
    name: '${$} is a literal dollar',
    resource: userResource('$x'),
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${$}x`)],
    expect: 'Allow',
  }),
  selfCase({
    name: 'substituted value is literal: a tag holding * does not wildcard',
    context: { 'aws:principaltag/home': '*' },
    resource: userResource('bob'),
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:PrincipalTag/home}`)],
    expect: 'ID:ibp',
  }),
  selfCase({
    name: '${aws:PrincipalTag/team} in Resource',
    context: { 'aws:PrincipalTag/team': 'payments' },
    resource: userResource('payments/x'),
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:PrincipalTag/team}/*`)],
    expect: 'Allow',
  }),
  selfCase({
    name: '${aws:userid} in condition value',
    identity: [
      doc([
        allow({
          Action: 'iam:*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/owner': '${aws:userid}' } },
        }),
      ]),
    ],
    context: { 'aws:userid': 'AIDAEXAMPLE', 'aws:PrincipalTag/owner': 'AIDAEXAMPLE' },
    expect: 'Allow',
  }),
  selfCase({
    name: 'variable in condition value, mismatch',
    identity: [
      doc([
        allow({
          Action: 'iam:*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/owner': '${aws:userid}' } },
        }),
      ]),
    ],
    context: { 'aws:userid': 'AIDAEXAMPLE', 'aws:PrincipalTag/owner': 'AIDAOTHER' },
    expect: 'ID:ibp',
  }),
  selfCase({
    name: 'variable in StringLike value with wildcard',
    identity: [
      doc([
        allow({ Action: 'iam:*', Resource: '*', Condition: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } } }),
      ]),
    ],
    context: { 'aws:username': 'alice', 's3:prefix': 'home/alice/docs' },
    expect: 'Allow',
  }),
  selfCase({
    name: 'variable in StringLike: other user prefix',
    identity: [
      doc([
        allow({ Action: 'iam:*', Resource: '*', Condition: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } } }),
      ]),
    ],
    context: { 'aws:username': 'alice', 's3:prefix': 'home/bob/docs' },
    expect: 'ID:ibp',
  }),
  selfCase({
    name: 'variable missing in negated condition: value matches nothing, StringNotEquals holds',
    identity: [
      doc([
        allow({
          Action: 'iam:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalTag/owner': '${aws:PrincipalTag/missing}' } },
        }),
      ]),
    ],
    context: { 'aws:PrincipalTag/owner': 'x' },
    expect: 'Allow',
  }),
  selfCase({
    name: 'variable in key policy Resource',
    mode: 'kms-key',
    action: 'kms:Encrypt',
    resource: KEY_A,
    key: doc([
      allow({ ...toAlice, Action: 'kms:Encrypt', Resource: 'arn:aws:kms:${aws:RequestedRegion}:111122223333:key/*' }),
    ]),
    context: { 'aws:RequestedRegion': 'us-east-1' },
    expect: 'Allow',
  }),
  selfCase({
    name: 'multivalued key as variable matches nothing',
    context: { 'aws:TagKeys': ['alice'] },
    identity: [iamSelf(`arn:aws:iam::${A}:user/\${aws:TagKeys}`)],
    expect: 'ID:ibp',
  }),
  selfCase({
    name: 'variable in ArnLike condition',
    identity: [
      doc([
        allow({
          Action: 'iam:*',
          Resource: '*',
          Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/${aws:username}' } },
        }),
      ]),
    ],
    context: { 'aws:username': 'alice', 'aws:PrincipalArn': ALICE },
    expect: 'Allow',
  }),
  selfCase({
    name: 'variable in NumericLessThan condition',
    identity: [
      doc([allow({ Action: 'iam:*', Resource: '*', Condition: { NumericLessThan: { 'test:n': '${test:limit}' } } })]),
    ],
    context: { 'test:n': '3', 'test:limit': '5' },
    expect: 'Allow',
  }),
);

// ---- 13. Trust policies ("trust") ----
const trust = (...statements: Json[]): string => doc(statements);
const ASSUME = { Action: 'sts:AssumeRole' };
const roleArn = `arn:aws:iam::${A}:role/target`;
const tr = (c: Partial<Case> & { name: string; expect: Expected }): Case => ({
  mode: 'trust',
  action: 'sts:AssumeRole',
  resource: roleArn,
  ...c,
});
add(
  tr({
    name: 'trust: names the user',
    key: trust(allow({ Principal: { AWS: ALICE }, ...ASSUME })),
    expect: 'Allow',
    by: 'resource-policy',
  }),
  tr({
    name: 'trust: names the account, user needs sts:AssumeRole',
    key: trust(allow({ Principal: { AWS: ROOT_A }, ...ASSUME })),
    expect: 'ID:ibp',
  }),
  tr({
    name: 'trust: names the account, user allowed by identity',
    key: trust(allow({ Principal: { AWS: ROOT_A }, ...ASSUME })),
    identity: [iam(allow({ Action: 'sts:AssumeRole', Resource: roleArn }))],
    expect: 'Allow',
    by: 'identity-policy',
  }),
  tr({
    name: 'trust: other account user needs identity policy',
    who: carolB,
    key: trust(allow({ Principal: { AWS: CAROL_B }, ...ASSUME })),
    expect: 'ID:ibp',
  }),
  tr({
    name: 'trust: other account user with identity policy',
    who: carolB,
    key: trust(allow({ Principal: { AWS: CAROL_B }, ...ASSUME })),
    identity: [iam(allow({ Action: 'sts:AssumeRole', Resource: '*' }))],
    expect: 'Allow',
  }),
  tr({
    name: 'trust: root of other account named',
    who: rootB,
    key: trust(allow({ Principal: { AWS: B }, ...ASSUME })),
    expect: 'Allow',
  }),
  tr({
    name: 'trust: not named',
    who: bob,
    key: trust(allow({ Principal: { AWS: ALICE }, ...ASSUME })),
    expect: 'ID:rbp',
  }),
  tr({
    name: 'trust: service principal only',
    key: trust(allow({ Principal: { Service: 'ec2.amazonaws.com' }, ...ASSUME })),
    expect: 'ID:rbp',
  }),
  tr({
    name: 'trust: MFA condition holds',
    key: trust(
      allow({ Principal: { AWS: ALICE }, ...ASSUME, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
    ),
    context: { 'aws:MultiFactorAuthPresent': 'true' },
    expect: 'Allow',
  }),
  tr({
    name: 'trust: MFA condition missing',
    key: trust(
      allow({ Principal: { AWS: ALICE }, ...ASSUME, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
    ),
    expect: 'ID:rbp',
  }),
  tr({
    name: 'trust: sts:ExternalId condition',
    who: carolB,
    key: trust(allow({ Principal: { AWS: B }, ...ASSUME, Condition: { StringEquals: { 'sts:ExternalId': 'xyz' } } })),
    identity: [iamAll],
    context: { 'sts:ExternalId': 'xyz' },
    expect: 'Allow',
  }),
  tr({
    name: 'trust: deny in identity policy',
    key: trust(allow({ Principal: { AWS: ALICE }, ...ASSUME })),
    identity: [iam(deny({ Action: 'sts:*', Resource: '*' }))],
    expect: 'XD:ibp',
  }),
  tr({
    name: 'trust: sts:TagSession is a separate action',
    action: 'sts:TagSession',
    key: trust(allow({ Principal: { AWS: ALICE }, ...ASSUME })),
    expect: 'ID:rbp',
  }),
  tr({
    name: 'trust: role session assuming another role by role ARN',
    who: appSession,
    key: trust(allow({ Principal: { AWS: ROLE_APP }, ...ASSUME })),
    expect: 'Allow',
  }),
);

// ---- Run the table ----
function policySet(c: Case): PolicySet {
  return {
    resourcePolicy: c.key === undefined ? undefined : compile(c.key, 'key policy'),
    identityPolicies: (c.identity ?? []).map((text, i) => compile(text, `identity-${i}`)),
    permissionsBoundary: c.boundary === undefined ? undefined : compile(c.boundary, 'boundary'),
    sessionPolicies: c.session?.map((text, i) => compile(text, `session-${i}`)),
  };
}

function summary(d: Decision): Expected {
  const code = (k: PolicyKind): Kind => (Object.entries(KIND).find(([, v]) => v === k)?.[0] ?? 'rbp') as Kind;
  if (d.decision === 'Allow') return 'Allow';
  return d.decision === 'ExplicitDeny' ? `XD:${code(d.in)}` : `ID:${code(d.missing)}`;
}

describe('policy decisions from AWS documentation', () => {
  test('the table has at least 300 cases with unique names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const req = request(c.who ?? alice, c.action ?? 'kms:Encrypt', c.resource ?? KEY_A, c.context);
    const set = policySet(c);
    const mode = c.mode ?? 'kms-key';
    const decision = evaluateAccess(set, req, mode);
    expect(summary(decision)).toBe(c.expect);
    if (c.by !== undefined && decision.decision === 'Allow') expect(decision.by).toBe(c.by);
    // explainAccess reaches the same decision.
    const explained = explainAccess(set, req, mode);
    expect(summary(explained)).toBe(c.expect);
    if (decision.decision !== 'Allow') {
      const arn = (c.who ?? alice).arns[0] as string;
      const message = accessDeniedMessage(arn, req.action, req.resource, decision);
      const kind = KIND[c.expect.slice(3) as Kind];
      expect(message).toContain(
        `User: ${arn} is not authorized to perform: ${req.action} on resource: ${req.resource}`,
      );
      expect(message).toContain(c.expect.startsWith('XD') ? `with an explicit deny in a` : `because no ${kind} allows`);
      expect(message).toContain(kind);
    }
  });
});
