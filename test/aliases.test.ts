/** CreateAlias, UpdateAlias, DeleteAlias, ListAliases, and aliases as key identifiers. */
import {
  CreateKeyCommand,
  CreateAliasCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_MANAGED_KEYS } from '../src/services/kms/managed-keys.js';
import { bytes, EMPTY_MESSAGE, expectKmsError, followClock, newKey } from './helpers/kms.js';
import { ManualClock, startTestServer, type TestServer } from './helpers/server.js';

const clock = new ManualClock(new Date('2026-04-01T00:00:00Z'));
let t: TestServer;
let kms: KMSClient;
let account: string;
const aliasArn = (name: string) => `arn:aws:kms:us-east-1:${account}:${name}`;
const PREFIX_MESSAGE =
  'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html';

beforeAll(async () => {
  t = await startTestServer({ clock });
  kms = followClock(t.client(), clock);
  account = t.server.accountId;
});
afterAll(async () => {
  await t?.stop();
});

async function aliasesOf(keyId?: string) {
  return (await kms.send(new ListAliasesCommand({ KeyId: keyId, Limit: 1000 }))).Aliases ?? [];
}

describe('CreateAlias', () => {
  it('creates an alias listed with its ARN, target and dates', async () => {
    const key = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/created', TargetKeyId: key.KeyId }));
    const [entry, ...rest] = await aliasesOf(key.KeyId);
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      AliasName: 'alias/created',
      AliasArn: aliasArn('alias/created'),
      TargetKeyId: key.KeyId,
      CreationDate: clock.now(),
      LastUpdatedDate: clock.now(),
    });
  });

  it('accepts the target as a key ARN', async () => {
    const key = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/by-arn', TargetKeyId: key.Arn }));
    expect((await aliasesOf(key.KeyId)).map((a) => a.AliasName)).toEqual(['alias/by-arn']);
  });

  it('lets one key have several aliases', async () => {
    const key = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/multi-1', TargetKeyId: key.KeyId }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/multi-2', TargetKeyId: key.KeyId }));
    expect((await aliasesOf(key.KeyId)).map((a) => a.AliasName).sort()).toEqual(['alias/multi-1', 'alias/multi-2']);
  });

  it('answers AlreadyExistsException for a name in use, keeping the first target', async () => {
    const a = await newKey(kms);
    const b = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: a.KeyId }));
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/dup', TargetKeyId: b.KeyId })),
      'AlreadyExistsException',
      `An alias with the name ${aliasArn('alias/dup')} already exists`,
    );
    expect((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/dup' }))).KeyMetadata?.KeyId).toBe(a.KeyId);
  });

  it('requires the alias/ prefix and a name after it', async () => {
    const key = await newKey(kms);
    for (const name of ['noprefix', 'alias', 'aliasx/y', 'alias/']) {
      await expectKmsError(
        kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: key.KeyId })),
        'ValidationException',
        PREFIX_MESSAGE,
      );
    }
  });

  it('reserves alias/aws/ for AWS managed keys', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/s3', TargetKeyId: key.KeyId })),
      'NotAuthorizedException',
      EMPTY_MESSAGE,
    );
    expect(await aliasesOf(key.KeyId)).toEqual([]);
  });

  it('refuses characters outside the model pattern, and the colon', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/has space', TargetKeyId: key.KeyId })),
      'ValidationException',
      "1 validation error detected: Value 'alias/has space' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    );
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/x:y', TargetKeyId: key.KeyId })),
      'ValidationException',
      'alias/x:y contains invalid characters for an alias',
    );
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: `alias/${'a'.repeat(251)}`, TargetKeyId: key.KeyId })),
      'ValidationException',
      /at 'aliasName' failed to satisfy constraint: Member must have length less than or equal to 256$/,
    );
    expect(await aliasesOf(key.KeyId)).toEqual([]);
  });

  it('accepts a 256-character name', async () => {
    const key = await newKey(kms);
    const name = `alias/${'b'.repeat(250)}`;
    await kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: key.KeyId }));
    expect((await aliasesOf(key.KeyId)).map((a) => a.AliasName)).toEqual([name]);
  });

  it('refuses an alias as the target', async () => {
    const key = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/target', TargetKeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/of-alias', TargetKeyId: 'alias/target' })),
      'NotFoundException',
      "Invalid keyId 'alias/target'",
    );
  });

  it('answers NotFoundException for an unknown target', async () => {
    const id = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/nowhere', TargetKeyId: id })),
      'NotFoundException',
      `Key 'arn:aws:kms:us-east-1:${account}:key/${id}' does not exist`,
    );
  });

  it('allows a disabled target but not one pending deletion', async () => {
    const key = await newKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/to-disabled', TargetKeyId: key.KeyId }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/to-deleted', TargetKeyId: key.KeyId })),
      'KMSInvalidStateException',
      `${key.Arn} is pending deletion.`,
    );
  });

  it('requires both members', async () => {
    await expectKmsError(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/x' } as never)),
      'ValidationException',
      "1 validation error detected: Value null at 'targetKeyId' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('aliases as key identifiers', () => {
  it('DescribeKey and Encrypt accept the alias name and the alias ARN', async () => {
    const key = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/ident', TargetKeyId: key.KeyId }));
    for (const id of ['alias/ident', aliasArn('alias/ident')]) {
      expect((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata?.Arn).toBe(key.Arn);
      expect((await kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('x') }))).KeyId).toBe(key.Arn);
    }
  });

  it('answers NotFoundException naming the alias ARN for an unknown alias', async () => {
    for (const id of ['alias/missing', aliasArn('alias/missing')]) {
      await expectKmsError(
        kms.send(new DescribeKeyCommand({ KeyId: id })),
        'NotFoundException',
        `Alias ${aliasArn('alias/missing')} is not found.`,
      );
    }
  });
});

describe('UpdateAlias', () => {
  it('points the alias at another key and updates only LastUpdatedDate', async () => {
    const a = await newKey(kms);
    const b = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: a.KeyId }));
    const created = clock.now();
    clock.advance(60_000);
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: b.Arn }));
    expect(await aliasesOf(a.KeyId)).toEqual([]);
    const [entry] = await aliasesOf(b.KeyId);
    expect(entry).toMatchObject({ AliasName: 'alias/moving', TargetKeyId: b.KeyId });
    expect(entry?.CreationDate?.getTime()).toBe(created.getTime());
    expect(entry?.LastUpdatedDate?.getTime()).toBe(clock.now().getTime());
    expect((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/moving' }))).KeyMetadata?.KeyId).toBe(b.KeyId);
  });

  it('answers NotFoundException for an alias that does not exist', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new UpdateAliasCommand({ AliasName: 'alias/never', TargetKeyId: key.KeyId })),
      'NotFoundException',
      `Alias ${aliasArn('alias/never')} is not found.`,
    );
  });

  it('refuses a target pending deletion, allows a disabled one', async () => {
    const a = await newKey(kms);
    const disabled = await newKey(kms);
    const deleting = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/upd-state', TargetKeyId: a.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/upd-state', TargetKeyId: disabled.KeyId }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: deleting.KeyId }));
    await expectKmsError(
      kms.send(new UpdateAliasCommand({ AliasName: 'alias/upd-state', TargetKeyId: deleting.KeyId })),
      'KMSInvalidStateException',
      `${deleting.Arn} is pending deletion.`,
    );
    expect((await aliasesOf(disabled.KeyId)).map((x) => x.AliasName)).toEqual(['alias/upd-state']);
  });

  it('moves only between keys of one type (symmetric, asymmetric, HMAC) and one usage, as AWS documents', async () => {
    const create = async (KeySpec: string, KeyUsage: string) =>
      (await kms.send(new CreateKeyCommand({ KeySpec: KeySpec as never, KeyUsage: KeyUsage as never }))).KeyMetadata!;
    const rsaSign = await create('RSA_2048', 'SIGN_VERIFY');
    const eccSign = await create('ECC_NIST_P256', 'SIGN_VERIFY');
    const rsaEncrypt = await create('RSA_3072', 'ENCRYPT_DECRYPT');
    const hmac256 = await create('HMAC_256', 'GENERATE_VERIFY_MAC');
    const hmac512 = await create('HMAC_512', 'GENERATE_VERIFY_MAC');
    const symmetric = await newKey(kms);

    await kms.send(new CreateAliasCommand({ AliasName: 'alias/signer', TargetKeyId: rsaSign.KeyId }));
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/signer', TargetKeyId: eccSign.KeyId }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/mac', TargetKeyId: hmac256.KeyId }));
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/mac', TargetKeyId: hmac512.KeyId }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/sealer', TargetKeyId: symmetric.KeyId }));

    const refused = [
      ['alias/signer', eccSign, rsaEncrypt],
      ['alias/sealer', symmetric, rsaEncrypt],
      ['alias/mac', hmac512, symmetric],
    ] as const;
    for (const [AliasName, from, to] of refused) {
      await expectKmsError(
        kms.send(new UpdateAliasCommand({ AliasName, TargetKeyId: to.KeyId })),
        'ValidationException',
        `Alias ${aliasArn(AliasName)} cannot be changed from a key of spec ${from.KeySpec} and usage ${from.KeyUsage} to a key of spec ${to.KeySpec} and usage ${to.KeyUsage}.`,
      );
    }
  });

  it('checks the name like CreateAlias', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new UpdateAliasCommand({ AliasName: 'moving', TargetKeyId: key.KeyId })),
      'ValidationException',
      PREFIX_MESSAGE,
    );
    await expectKmsError(
      kms.send(new UpdateAliasCommand({ AliasName: 'alias/aws/ebs', TargetKeyId: key.KeyId })),
      'NotAuthorizedException',
      EMPTY_MESSAGE,
    );
  });
});

describe('DeleteAlias', () => {
  it('deletes the alias but not the key', async () => {
    const key = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: key.KeyId }));
    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/doomed' }));
    expect(await aliasesOf(key.KeyId)).toEqual([]);
    await expectKmsError(
      kms.send(new DescribeKeyCommand({ KeyId: 'alias/doomed' })),
      'NotFoundException',
      `Alias ${aliasArn('alias/doomed')} is not found.`,
    );
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe('Enabled');
    // The name is free again.
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: key.KeyId }));
  });

  it('works while the target is pending deletion', async () => {
    const key = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/del-pending', TargetKeyId: key.KeyId }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/del-pending' }));
    expect(await aliasesOf(key.KeyId)).toEqual([]);
  });

  it('answers NotFoundException for an unknown alias and ValidationException without the prefix', async () => {
    await expectKmsError(
      kms.send(new DeleteAliasCommand({ AliasName: 'alias/ghost' })),
      'NotFoundException',
      `Alias ${aliasArn('alias/ghost')} is not found.`,
    );
    await expectKmsError(
      kms.send(new DeleteAliasCommand({ AliasName: 'ghost' })),
      'ValidationException',
      PREFIX_MESSAGE,
    );
  });
});

describe('ListAliases', () => {
  let server: TestServer;
  let client: KMSClient;
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    server = await startTestServer();
    client = server.client();
    keyA = (await newKey(client)).KeyId!;
    keyB = (await newKey(client)).KeyId!;
    for (const n of ['a1', 'a2', 'a3'])
      await client.send(new CreateAliasCommand({ AliasName: `alias/${n}`, TargetKeyId: keyA }));
    for (const n of ['b1', 'b2'])
      await client.send(new CreateAliasCommand({ AliasName: `alias/${n}`, TargetKeyId: keyB }));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lists every alias of the account with Truncated false', async () => {
    const out = await client.send(new ListAliasesCommand({}));
    expect(out.Truncated).toBe(false);
    expect(out.NextMarker).toBeUndefined();
    expect(
      out.Aliases?.filter((a) => !a.AliasName?.startsWith('alias/aws/'))
        .map((a) => a.AliasName)
        .sort(),
    ).toEqual(['alias/a1', 'alias/a2', 'alias/a3', 'alias/b1', 'alias/b2']);
  });

  it('filters by KeyId, given as key id or key ARN', async () => {
    const arnB = `arn:aws:kms:us-east-1:${server.server.accountId}:key/${keyB}`;
    const byId = await client.send(new ListAliasesCommand({ KeyId: keyA }));
    const byArn = await client.send(new ListAliasesCommand({ KeyId: arnB }));
    expect(byId.Aliases?.map((a) => a.AliasName).sort()).toEqual(['alias/a1', 'alias/a2', 'alias/a3']);
    expect(byArn.Aliases?.map((a) => a.AliasName).sort()).toEqual(['alias/b1', 'alias/b2']);
    expect(byArn.Aliases?.every((a) => a.TargetKeyId === keyB)).toBe(true);
  });

  it('answers NotFoundException for an unknown KeyId', async () => {
    const id = '12345678-1234-4234-8234-123456789012';
    await expectKmsError(
      client.send(new ListAliasesCommand({ KeyId: id })),
      'NotFoundException',
      `Key 'arn:aws:kms:us-east-1:${server.server.accountId}:key/${id}' does not exist`,
    );
  });

  it('pages with Limit and Marker', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await client.send(new ListAliasesCommand({ Limit: 2, Marker: marker }));
      pages++;
      expect(out.Aliases!.length).toBeLessThanOrEqual(2);
      expect(out.Truncated).toBe(out.NextMarker !== undefined);
      seen.push(...out.Aliases!.map((a) => a.AliasName!));
      marker = out.NextMarker;
    } while (marker);
    // AWS's predefined alias/aws/* aliases are listed too (aws-managed-keys.test.ts).
    expect(pages).toBe(Math.ceil((5 + AWS_MANAGED_KEYS.size) / 2));
    expect(seen.filter((n) => !n.startsWith('alias/aws/')).sort()).toEqual([
      'alias/a1',
      'alias/a2',
      'alias/a3',
      'alias/b1',
      'alias/b2',
    ]);
  });

  it('answers at most 50 aliases without Limit and at most 100 with any Limit, as AWS documents', async () => {
    // 120 aliases on one key: above AWS's 50 aliases per key, so the quota is raised here.
    const t = await startTestServer({ quotas: { aliasesPerKey: 120 } });
    try {
      const kms = t.client();
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
      for (let i = 0; i < 120; i++) {
        await kms.send(
          new CreateAliasCommand({
            AliasName: `alias/many-${String(i).padStart(3, '0')}`,
            TargetKeyId: KeyMetadata!.KeyId,
          }),
        );
      }
      const byDefault = await kms.send(new ListAliasesCommand({}));
      expect(byDefault.Aliases).toHaveLength(50);
      expect(byDefault.Truncated).toBe(true);
      const capped = await kms.send(new ListAliasesCommand({ Limit: 1000 }));
      expect(capped.Aliases).toHaveLength(100);
      expect(capped.Truncated).toBe(true);
      const rest = await kms.send(new ListAliasesCommand({ Limit: 1000, Marker: capped.NextMarker }));
      // The 120 and AWS's predefined alias/aws/* aliases.
      expect(rest.Aliases).toHaveLength(20 + AWS_MANAGED_KEYS.size);
      expect(rest.Truncated).toBe(false);
    } finally {
      await t.stop();
    }
  });

  it('pages a KeyId-filtered list', async () => {
    const first = await client.send(new ListAliasesCommand({ KeyId: keyA, Limit: 2 }));
    expect(first.Truncated).toBe(true);
    const second = await client.send(new ListAliasesCommand({ KeyId: keyA, Limit: 2, Marker: first.NextMarker }));
    expect(second.Truncated).toBe(false);
    expect([...first.Aliases!, ...second.Aliases!].map((a) => a.AliasName).sort()).toEqual([
      'alias/a1',
      'alias/a2',
      'alias/a3',
    ]);
  });

  it('answers InvalidMarkerException for a foreign marker, including one from ListKeys', async () => {
    const keysPage = await client.send(new (await import('@aws-sdk/client-kms')).ListKeysCommand({ Limit: 1 }));
    expect(keysPage.NextMarker).toBeDefined();
    await expectKmsError(
      client.send(new ListAliasesCommand({ Marker: keysPage.NextMarker })),
      'InvalidMarkerException',
      EMPTY_MESSAGE,
    );
    await expectKmsError(
      client.send(new ListAliasesCommand({ Marker: 'garbage' })),
      'InvalidMarkerException',
      EMPTY_MESSAGE,
    );
  });
});
