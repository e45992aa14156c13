/** explainAccess, accessDeniedMessage, compilePolicy and the cost of an evaluation. */
import { describe, expect, test } from 'vitest';
import { accessDeniedMessage } from './access-denied.js';
import { compilePolicy } from './compile.js';
import { evaluateAccess, explainAccess } from './evaluate.js';
import { validateKeyPolicy } from './parse.js';
import { A, ALICE, KEY_A, alice, allow, deny, doc, enableIam, request } from './testing/fixtures.js';

describe('compilePolicy', () => {
  test('throws on text that is not JSON', () => {
    expect(() => compilePolicy('{')).toThrow(Error);
  });
  test('reads identity policies without Principal; key policy validation still needs one', () => {
    const text = doc([allow({ Action: 'kms:Encrypt', Resource: '*' })]);
    expect(compilePolicy(text).statements[0]?.principal).toBeUndefined();
    expect(validateKeyPolicy(text)).toEqual({ ok: false, message: 'Policy contains a statement with no principal.' });
  });
  test('lowercases actions and condition keys, labels statements', () => {
    const p = compilePolicy(
      doc([
        allow({
          Sid: 'S1',
          Action: 'KMS:Encrypt',
          Resource: '*',
          Condition: { StringEquals: { 'KMS:CallerAccount': A } },
        }),
      ]),
      'my policy',
    );
    const s = p.statements[0]!;
    expect(s.ref).toEqual({ policy: 'my policy', index: 0, sid: 'S1' });
    expect(s.action?.patterns[0]?.text).toBe('kms:encrypt');
    expect(s.conditions[0]?.key).toBe('kms:calleraccount');
    expect(s.conditions[0]?.keyAsWritten).toBe('KMS:CallerAccount');
  });
});

describe('explainAccess', () => {
  const key = compilePolicy(
    doc([
      enableIam(),
      allow({
        Sid: 'Use',
        Principal: { AWS: ALICE },
        Action: 'kms:Encrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'backup' } },
      }),
      allow({ Sid: 'Admin', Principal: { AWS: ALICE }, Action: 'kms:PutKeyPolicy', Resource: '*' }),
      deny({ Sid: 'NoOthers', Principal: { AWS: `arn:aws:iam::${A}:user/bob` }, Action: 'kms:*', Resource: '*' }),
    ]),
    'key policy',
  );
  const identity = compilePolicy(
    doc([allow({ Action: 'kms:Decrypt', Resource: '*' })]),
    'arn:aws:iam::111122223333:policy/p',
  );

  test('names the deciding statement and why the others did not apply', () => {
    const req = request(alice, 'kms:Encrypt', KEY_A, { 'kms:EncryptionContext:purpose': 'x' });
    const e = explainAccess({ resourcePolicy: key, identityPolicies: [identity] }, req, 'kms-key');
    expect(e.decision).toBe('ImplicitDeny');
    const why = e.statements.map((s) => [s.ref.sid ?? `${s.ref.policy}#${s.ref.index}`, s.matched, s.why]);
    expect(why).toEqual([
      ['EnableIAM', true, "statement applies to the caller's account 111122223333: its identity policies decide"],
      [
        'Use',
        false,
        "condition kms:EncryptionContext:purpose StringEquals failed: request has 'x', policy wants 'backup'",
      ],
      ['Admin', false, 'action does not match'],
      ['NoOthers', false, 'principal does not match'],
      ['arn:aws:iam::111122223333:policy/p#0', false, 'action does not match'],
    ]);
  });

  test('a missing key is reported as such', () => {
    const e = explainAccess(
      { resourcePolicy: key, identityPolicies: [] },
      request(alice, 'kms:Encrypt', KEY_A),
      'kms-key',
    );
    expect(e.statements[1]?.why).toBe(
      "condition kms:EncryptionContext:purpose StringEquals failed: request has no value, policy wants 'backup'",
    );
  });

  test('the same decision as evaluateAccess, with the statement', () => {
    const req = request(alice, 'kms:Encrypt', KEY_A, { 'kms:EncryptionContext:purpose': 'backup' });
    const set = { resourcePolicy: key, identityPolicies: [identity] };
    const e = explainAccess(set, req, 'kms-key');
    expect(evaluateAccess(set, req, 'kms-key')).toEqual({
      decision: 'Allow',
      by: 'resource-policy',
      statement: { policy: 'key policy', index: 1, sid: 'Use' },
    });
    expect(e).toMatchObject({ decision: 'Allow', by: 'resource-policy', statement: { sid: 'Use' } });
  });
});

describe('accessDeniedMessage', () => {
  const arn = 'arn:aws:iam::111122223333:user/alice';
  test.each([
    [
      { decision: 'ImplicitDeny', missing: 'resource-based policy' },
      'because no resource-based policy allows the kms:Encrypt action',
    ],
    [
      { decision: 'ImplicitDeny', missing: 'identity-based policy' },
      'because no identity-based policy allows the kms:Encrypt action',
    ],
    [
      { decision: 'ImplicitDeny', missing: 'session policy' },
      'because no session policy allows the kms:Encrypt action',
    ],
    [
      { decision: 'ImplicitDeny', missing: 'permissions boundary' },
      'because no permissions boundary allows the kms:Encrypt action',
    ],
    [
      { decision: 'ExplicitDeny', in: 'resource-based policy', statement: { policy: 'k', index: 0 } },
      'with an explicit deny in a resource-based policy',
    ],
    [
      { decision: 'ExplicitDeny', in: 'identity-based policy', statement: { policy: 'k', index: 0 } },
      'with an explicit deny in an identity-based policy',
    ],
    [
      { decision: 'ExplicitDeny', in: 'session policy', statement: { policy: 'k', index: 0 } },
      'with an explicit deny in a session policy',
    ],
    [
      { decision: 'ExplicitDeny', in: 'permissions boundary', statement: { policy: 'k', index: 0 } },
      'with an explicit deny in a permissions boundary',
    ],
  ] as const)('%j', (d, tail) => {
    expect(accessDeniedMessage(arn, 'kms:Encrypt', KEY_A, d)).toBe(
      `User: ${arn} is not authorized to perform: kms:Encrypt on resource: ${KEY_A} ${tail}`,
    );
  });
});

describe('cost', () => {
  // 20-statement key policy and 10-statement identity policy, with conditions; the decision is made
  // by the last statement, so every statement is examined.
  const keyStatements = Array.from({ length: 19 }, (_, i) =>
    allow({
      Sid: `S${i}`,
      Principal: { AWS: `arn:aws:iam::${A}:user/u${i}` },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:app': `app${i}` }, Bool: { 'aws:SecureTransport': 'true' } },
    }),
  );
  const key = compilePolicy(doc([...keyStatements, enableIam()]), 'key policy');
  const identity = compilePolicy(
    doc(
      Array.from({ length: 10 }, (_, i) =>
        allow({
          Action: i === 9 ? 'kms:Encrypt' : `kms:Sign${i}`,
          Resource: `arn:aws:kms:*:${A}:key/*`,
          Condition: {
            StringLike: { 'kms:EncryptionContext:app': 'web*' },
            IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
          },
        }),
      ),
    ),
    'identity',
  );
  const req = request(alice, 'kms:Encrypt', KEY_A, {
    'kms:EncryptionContext:app': 'web-1',
    'aws:SecureTransport': 'true',
    'aws:SourceIp': '10.1.2.3',
  });
  const set = { resourcePolicy: key, identityPolicies: [identity] };

  test('decides as expected', () => {
    expect(evaluateAccess(set, req, 'kms-key')).toMatchObject({ decision: 'Allow', by: 'identity-policy' });
  });

  test('costs microseconds, not milliseconds (loose bound; not a benchmark)', () => {
    for (let i = 0; i < 2_000; i++) evaluateAccess(set, req, 'kms-key');
    const n = 20_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) evaluateAccess(set, req, 'kms-key');
    const perCallNs = Number(process.hrtime.bigint() - start) / n;
    expect(perCallNs).toBeLessThan(100_000);
  });
});

describe('explainAccess for trust policies and Not elements', () => {
  test('a trust statement without Resource applies to the role', () => {
    const trust = compilePolicy(
      doc([
        allow({ Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }),
        deny({ NotPrincipal: { AWS: [ALICE, `arn:aws:iam::${A}:root`] }, Action: 'sts:AssumeRole' }),
        allow({ Principal: { AWS: ALICE }, NotAction: 'sts:AssumeRole' }),
      ]),
      'trust policy',
    );
    const req = request(alice, 'sts:AssumeRole', `arn:aws:iam::${A}:role/target`);
    const e = explainAccess({ resourcePolicy: trust, identityPolicies: [] }, req, 'trust');
    expect(e.decision).toBe('Allow');
    expect(e.statements.map((s) => [s.matched, s.why])).toEqual([
      [true, 'statement applies'],
      [false, 'principal is excluded by NotPrincipal'],
      [false, 'action is excluded by NotAction'],
    ]);
  });

  test('the same statement in a key policy has no effect without Resource', () => {
    const key = compilePolicy(doc([allow({ Principal: { AWS: ALICE }, Action: 'kms:Encrypt' })]), 'key policy');
    const e = explainAccess(
      { resourcePolicy: key, identityPolicies: [] },
      request(alice, 'kms:Encrypt', KEY_A),
      'kms-key',
    );
    expect(e).toMatchObject({ decision: 'ImplicitDeny', missing: 'resource-based policy' });
    expect(e.statements[0]?.why).toBe('statement has no Resource or NotResource');
  });
});
