/**
 * Grants through the real AWS SDK: CreateGrant (validation, Name idempotency, tokens, quotas,
 * grants made through a grant), ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant, and
 * what a grant lets its grantee do. The grantee is a second account's root, which the default key
 * policy does not name, so only grants can allow it.
 */
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  type GrantConstraints,
  type GrantOperation,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliOrSkip, cliServiceError, runAwsKms } from './helpers/aws-cli.js';
import { bytes, EMPTY_MESSAGE, expectKmsError, otherAccountClient, text } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const PARTNER = '444455556666';
const THIRD = '777788889999';
const PARTNER_ROOT = `arn:aws:iam::${PARTNER}:root`;
const THIRD_ROOT = `arn:aws:iam::${THIRD}:root`;

let t: TestServer;
let owner: KMSClient;
let partner: KMSClient;
let third: KMSClient;
let account: string;

async function newKeyArn(params: ConstructorParameters<typeof CreateKeyCommand>[0] = {}): Promise<string> {
  return (await owner.send(new CreateKeyCommand(params))).KeyMetadata!.Arn!;
}

beforeAll(async () => {
  t = await startTestServer({ quotas: { grantsPerKey: 5 } });
  owner = t.client();
  partner = await otherAccountClient(t, PARTNER);
  third = await otherAccountClient(t, THIRD);
  account = (await newKeyArn()).split(':')[4]!;
});

afterAll(async () => {
  await t.stop();
});

describe('CreateGrant and what a grant allows', () => {
  it('lets the grantee use the granted operations only, until the grant is revoked', async () => {
    const keyArn = await newKeyArn();
    const blob = (await owner.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('hello') }))).CiphertextBlob!;
    await expectKmsError(
      partner.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: keyArn })),
      'AccessDeniedException',
    );

    const grant = await owner.send(
      new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['Decrypt', 'DescribeKey'] }),
    );
    expect(grant.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(grant.GrantToken!.length).toBeGreaterThan(100);

    const plain = await partner.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: keyArn }));
    expect(text(plain.Plaintext)).toBe('hello');
    expect((await partner.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.Arn).toBe(keyArn);
    await expectKmsError(
      partner.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x') })),
      'AccessDeniedException',
      `User: ${PARTNER_ROOT} is not authorized to perform: kms:Encrypt on resource: ${keyArn} because no resource-based policy allows the kms:Encrypt action`,
    );

    await owner.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: grant.GrantId }));
    await expectKmsError(
      partner.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: keyArn })),
      'AccessDeniedException',
    );
  });

  it('accepts its grant token at once, and refuses a token it did not issue', async () => {
    const keyArn = await newKeyArn();
    const { GrantToken } = await owner.send(
      new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['GenerateDataKey'] }),
    );
    const dataKey = await partner.send(
      new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', GrantTokens: [GrantToken!] }),
    );
    expect(dataKey.Plaintext).toHaveLength(32);
    await expectKmsError(
      partner.send(
        new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', GrantTokens: ['not-a-grant-token'] }),
      ),
      'InvalidGrantTokenException',
    );
  });

  it('honours an EncryptionContextEquals constraint, keys case-insensitively', async () => {
    const keyArn = await newKeyArn();
    await owner.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: PARTNER_ROOT,
        Operations: ['Encrypt'],
        Constraints: { EncryptionContextEquals: { Department: 'IT' } },
      }),
    );
    await partner.send(
      new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x'), EncryptionContext: { department: 'IT' } }),
    );
    const contexts: (Record<string, string> | undefined)[] = [
      { Department: 'it' },
      { Department: 'IT', more: '1' },
      undefined,
    ];
    for (const EncryptionContext of contexts) {
      await expectKmsError(
        partner.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x'), EncryptionContext })),
        'AccessDeniedException',
      );
    }
  });

  it('returns the same grant id for the same Name and parameters, with a new token', async () => {
    const keyArn = await newKeyArn();
    const params = {
      KeyId: keyArn,
      GranteePrincipal: PARTNER_ROOT,
      Operations: ['Encrypt', 'Decrypt'] as const,
      Name: 'retry',
    };
    const first = await owner.send(new CreateGrantCommand({ ...params, Operations: ['Encrypt', 'Decrypt'] }));
    const again = await owner.send(new CreateGrantCommand({ ...params, Operations: ['Decrypt', 'Encrypt'] }));
    expect(again.GrantId).toBe(first.GrantId);
    expect(again.GrantToken).not.toBe(first.GrantToken);
    const other = await owner.send(new CreateGrantCommand({ ...params, Operations: ['Encrypt'] }));
    expect(other.GrantId).not.toBe(first.GrantId);
    expect((await owner.send(new ListGrantsCommand({ KeyId: keyArn }))).Grants).toHaveLength(2);
  });

  it('refuses operations the key does not support, and constraints where no context is taken', async () => {
    const keyArn = await newKeyArn();
    await expectKmsError(
      owner.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['Sign'] })),
      'ValidationException',
      `Grant operation Sign is not supported for a KMS key with KeySpec SYMMETRIC_DEFAULT and KeyUsage ENCRYPT_DECRYPT.`,
    );
    await expectKmsError(
      owner.send(
        new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['CreateGrant'] }),
      ),
      'ValidationException',
      'Grants must not contain only the CreateGrant operation.',
    );
    const signing = await newKeyArn({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    await expectKmsError(
      owner.send(
        new CreateGrantCommand({
          KeyId: signing,
          GranteePrincipal: PARTNER_ROOT,
          Operations: ['Sign'],
          Constraints: { EncryptionContextSubset: { a: 'b' } },
        }),
      ),
      'ValidationException',
    );
    await owner.send(
      new CreateGrantCommand({ KeyId: signing, GranteePrincipal: PARTNER_ROOT, Operations: ['Sign', 'Verify'] }),
    );
    await expectKmsError(
      owner.send(
        new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: 'not a principal', Operations: ['Encrypt'] }),
      ),
      'ValidationException',
    );
    await expectKmsError(
      owner.send(
        new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: 'arn:aws:s3:::bucket', Operations: ['Encrypt'] }),
      ),
      'InvalidArnException',
    );
  });

  it('answers DryRun without creating the grant', async () => {
    const keyArn = await newKeyArn();
    await expectKmsError(
      owner.send(
        new CreateGrantCommand({
          KeyId: keyArn,
          GranteePrincipal: PARTNER_ROOT,
          Operations: ['Encrypt'],
          DryRun: true,
        }),
      ),
      'DryRunOperationException',
    );
    expect((await owner.send(new ListGrantsCommand({ KeyId: keyArn }))).Grants).toEqual([]);
  });

  it('follows the key state: no new grant on a disabled key, while listing and retiring go on', async () => {
    const keyArn = await newKeyArn();
    const g = await owner.send(
      new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['Encrypt'] }),
    );
    await owner.send(new DisableKeyCommand({ KeyId: keyArn }));
    await expectKmsError(
      owner.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['Encrypt'] })),
      'DisabledException',
    );
    expect((await owner.send(new ListGrantsCommand({ KeyId: keyArn }))).Grants).toHaveLength(1);
    await owner.send(new RetireGrantCommand({ KeyId: keyArn, GrantId: g.GrantId }));
    expect((await owner.send(new ListGrantsCommand({ KeyId: keyArn }))).Grants).toEqual([]);
  });

  it('limits grants per key (LimitExceededException)', async () => {
    const keyArn = await newKeyArn();
    for (let i = 0; i < 5; i++) {
      await owner.send(
        new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['Encrypt'] }),
      );
    }
    await expectKmsError(
      owner.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['Encrypt'] })),
      'LimitExceededException',
    );
  });

  it('lets a grantee with CreateGrant create only an equal or narrower grant', async () => {
    const keyArn = await newKeyArn();
    await owner.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: PARTNER_ROOT,
        Operations: ['Encrypt', 'Decrypt', 'CreateGrant'],
        Constraints: { EncryptionContextSubset: { tenant: 'a' } },
      }),
    );
    await partner.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: THIRD_ROOT,
        Operations: ['Encrypt'],
        Constraints: { EncryptionContextEquals: { tenant: 'a', app: 'x' } },
      }),
    );
    await third.send(
      new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x'), EncryptionContext: { tenant: 'a', app: 'x' } }),
    );
    const widerGrants: { Operations: GrantOperation[]; Constraints?: GrantConstraints }[] = [
      {
        Operations: ['Encrypt', 'GenerateDataKey'],
        Constraints: { EncryptionContextSubset: { tenant: 'a' } },
      },
      { Operations: ['Encrypt'] },
      { Operations: ['Encrypt'], Constraints: { EncryptionContextSubset: { app: 'x' } } },
    ];
    for (const wider of widerGrants) {
      await expectKmsError(
        partner.send(
          new CreateGrantCommand({
            KeyId: keyArn,
            GranteePrincipal: THIRD_ROOT,
            Operations: [...wider.Operations],
            Constraints: wider.Constraints,
          }),
        ),
        'AccessDeniedException',
      );
    }
  });
});

describe('ListGrants and ListRetirableGrants', () => {
  it('lists a key grants with every field, by page and by filter', async () => {
    const keyArn = await newKeyArn();
    const a = await owner.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: PARTNER_ROOT,
        RetiringPrincipal: THIRD_ROOT,
        Operations: ['Decrypt', 'RetireGrant'],
        Constraints: { EncryptionContextSubset: { Department: 'Finance' } },
        Name: 'first',
      }),
    );
    const b = await owner.send(
      new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: THIRD_ROOT, Operations: ['Encrypt'] }),
    );

    const all = await owner.send(new ListGrantsCommand({ KeyId: keyArn }));
    expect(all.Truncated).toBe(false);
    expect(all.NextMarker).toBeUndefined();
    expect(all.Grants).toHaveLength(2);
    const entry = all.Grants![0]!;
    expect(entry).toMatchObject({
      KeyId: keyArn,
      GrantId: a.GrantId,
      Name: 'first',
      GranteePrincipal: PARTNER_ROOT,
      RetiringPrincipal: THIRD_ROOT,
      IssuingAccount: `arn:aws:iam::${account}:root`,
      Operations: ['Decrypt', 'RetireGrant'],
      Constraints: { EncryptionContextSubset: { Department: 'Finance' } },
    });
    expect(entry.CreationDate).toBeInstanceOf(Date);

    const page1 = await owner.send(new ListGrantsCommand({ KeyId: keyArn, Limit: 1 }));
    expect(page1.Grants!.map((g) => g.GrantId)).toEqual([a.GrantId]);
    expect(page1.Truncated).toBe(true);
    const page2 = await owner.send(new ListGrantsCommand({ KeyId: keyArn, Limit: 1, Marker: page1.NextMarker }));
    expect(page2.Grants!.map((g) => g.GrantId)).toEqual([b.GrantId]);
    expect(page2.Truncated).toBe(false);

    const byId = await owner.send(new ListGrantsCommand({ KeyId: keyArn, GrantId: b.GrantId }));
    expect(byId.Grants!.map((g) => g.GrantId)).toEqual([b.GrantId]);
    const byGrantee = await owner.send(new ListGrantsCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT }));
    expect(byGrantee.Grants!.map((g) => g.GrantId)).toEqual([a.GrantId]);

    await expectKmsError(
      owner.send(new ListGrantsCommand({ KeyId: keyArn, Marker: 'bogus' })),
      'InvalidMarkerException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      owner.send(new ListGrantsCommand({ KeyId: keyArn, GrantId: 'xyz' })),
      'InvalidGrantIdException',
    );
    // The grantee alone may not list the key's grants: kms:ListGrants is a key policy permission.
    await expectKmsError(partner.send(new ListGrantsCommand({ KeyId: keyArn })), 'AccessDeniedException');
  });

  it('lists the grants a principal of the caller account may retire', async () => {
    const keyArn = await newKeyArn();
    const g = await owner.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: THIRD_ROOT,
        RetiringPrincipal: PARTNER_ROOT,
        Operations: ['Encrypt'],
      }),
    );
    const listed = await partner.send(new ListRetirableGrantsCommand({ RetiringPrincipal: PARTNER_ROOT }));
    expect(listed.Grants!.map((x) => x.GrantId)).toContain(g.GrantId);
    await expectKmsError(
      owner.send(new ListRetirableGrantsCommand({ RetiringPrincipal: PARTNER_ROOT })),
      'AccessDeniedException',
    );
    await expectKmsError(partner.send(new ListRetirableGrantsCommand({})), 'ValidationException');
  });
});

describe('RetireGrant and RevokeGrant', () => {
  it('lets the retiring principal retire by token, and nobody else', async () => {
    const keyArn = await newKeyArn();
    const g = await owner.send(
      new CreateGrantCommand({
        KeyId: keyArn,
        GranteePrincipal: THIRD_ROOT,
        RetiringPrincipal: PARTNER_ROOT,
        Operations: ['Encrypt'],
      }),
    );
    await expectKmsError(third.send(new RetireGrantCommand({ GrantToken: g.GrantToken })), 'AccessDeniedException');
    await expectKmsError(
      partner.send(new RetireGrantCommand({ GrantToken: g.GrantToken, DryRun: true })),
      'DryRunOperationException',
    );
    await partner.send(new RetireGrantCommand({ GrantToken: g.GrantToken }));
    expect((await owner.send(new ListGrantsCommand({ KeyId: keyArn }))).Grants).toEqual([]);
    await expectKmsError(partner.send(new RetireGrantCommand({ GrantToken: g.GrantToken })), 'NotFoundException');
    await expectKmsError(
      third.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x') })),
      'AccessDeniedException',
    );
  });

  it('lets the grantee retire a grant that includes RetireGrant, by key and grant id', async () => {
    const keyArn = await newKeyArn();
    const g = await owner.send(
      new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['Encrypt', 'RetireGrant'] }),
    );
    await partner.send(new RetireGrantCommand({ KeyId: keyArn, GrantId: g.GrantId }));
    await expectKmsError(
      owner.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: g.GrantId })),
      'NotFoundException',
    );
  });

  it('lets the issuing account retire any grant of its key', async () => {
    const keyArn = await newKeyArn();
    const g = await owner.send(
      new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['Encrypt'] }),
    );
    await expectKmsError(
      partner.send(new RetireGrantCommand({ KeyId: keyArn, GrantId: g.GrantId })),
      'AccessDeniedException',
    );
    await owner.send(new RetireGrantCommand({ KeyId: keyArn, GrantId: g.GrantId }));
  });

  it('refuses a RetireGrant that names no grant, and a malformed token or id', async () => {
    const keyArn = await newKeyArn();
    await expectKmsError(owner.send(new RetireGrantCommand({ KeyId: keyArn })), 'ValidationException');
    await expectKmsError(owner.send(new RetireGrantCommand({ GrantToken: 'garbage' })), 'InvalidGrantTokenException');
    await expectKmsError(
      owner.send(new RetireGrantCommand({ KeyId: keyArn, GrantId: 'nope' })),
      'InvalidGrantIdException',
    );
  });

  it('revokes with DryRun first, and answers NotFoundException for an unknown grant', async () => {
    const keyArn = await newKeyArn();
    const g = await owner.send(
      new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: PARTNER_ROOT, Operations: ['Encrypt'] }),
    );
    await expectKmsError(
      owner.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: g.GrantId, DryRun: true })),
      'DryRunOperationException',
    );
    await partner.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('still granted') }));
    await expectKmsError(
      partner.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: g.GrantId })),
      'AccessDeniedException',
    );
    await owner.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: g.GrantId }));
    await expectKmsError(
      owner.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: 'f'.repeat(64) })),
      'NotFoundException',
    );
  });
});

const AWS = awsCliOrSkip('test/grants.test.ts (AWS CLI)');

describe.skipIf(!AWS)('aws kms create-grant, list-grants, retire-grant', () => {
  it('creates a grant with constraints, lists it and retires it by token', async () => {
    const home = await mkdtemp(join(tmpdir(), 'trent-grants-cli-'));
    try {
      const aws = (args: string[]) => runAwsKms({ aws: AWS!, endpoint: t.server.url, home, ...t.credentials }, args);
      const keyArn = await newKeyArn();
      const created = await aws([
        'create-grant',
        '--key-id',
        keyArn,
        '--grantee-principal',
        PARTNER_ROOT,
        '--operations',
        'Decrypt',
        'Encrypt',
        '--constraints',
        'EncryptionContextSubset={Department=IT}',
        '--name',
        'cli-grant',
      ]);
      expect(created.code).toBe(0);
      const { GrantId, GrantToken } = JSON.parse(created.stdout) as { GrantId: string; GrantToken: string };
      expect(GrantId).toMatch(/^[0-9a-f]{64}$/);

      const listed = await aws(['list-grants', '--key-id', keyArn]);
      expect(listed.code).toBe(0);
      const grants = (JSON.parse(listed.stdout) as { Grants: Record<string, unknown>[] }).Grants;
      expect(grants).toHaveLength(1);
      expect(grants[0]).toMatchObject({
        GrantId,
        Name: 'cli-grant',
        Operations: ['Decrypt', 'Encrypt'],
        Constraints: { EncryptionContextSubset: { Department: 'IT' } },
      });

      const refused = await aws([
        'create-grant',
        '--key-id',
        keyArn,
        '--grantee-principal',
        PARTNER_ROOT,
        '--operations',
        'Sign',
      ]);
      expect(refused.code).toBe(254);
      expect(refused.stderr).toMatch(
        cliServiceError(
          'ValidationException',
          'CreateGrant',
          'Grant operation Sign is not supported for a KMS key with KeySpec SYMMETRIC_DEFAULT and KeyUsage ENCRYPT_DECRYPT.',
        ),
      );

      expect((await aws(['retire-grant', '--grant-token', GrantToken])).code).toBe(0);
      expect(JSON.parse((await aws(['list-grants', '--key-id', keyArn])).stdout)).toMatchObject({ Grants: [] });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
