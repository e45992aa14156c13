/**
 * `--reject-replays` (the same signed request presented twice is refused the second time) and the
 * console's `Trent.ExplainPolicy` API (authenticated, authorized, audited like any request).
 */
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_MESSAGE } from '../src/pipeline/front-door.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { kmsHeaders, kmsSigner, sendRaw, signRequest, type Credentials } from './helpers/sign.js';

async function signed(
  t: TestServer,
  target: string,
  body: object,
  creds: Credentials = t.credentials,
  service = 'kms',
) {
  const host = new URL(t.server.url).host;
  const text = JSON.stringify(body);
  const headers = kmsHeaders(undefined, host);
  headers['x-amz-target'] = target;
  const all = await signRequest(kmsSigner(creds, 'us-east-1', service), { headers, body: text });
  return { headers: all, body: text };
}

describe('--reject-replays', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ rejectReplays: true });
  });
  afterAll(() => t.stop());

  it('serves a state-changing request once and refuses the same signed bytes after', async () => {
    const req = await signed(t, 'TrentService.CreateKey', { Description: 'once' });
    const first = await sendRaw(t.server.url, req);
    expect(first.status).toBe(200);
    const again = await sendRaw(t.server.url, req);
    expect(again.status).toBe(400);
    expect(JSON.parse(again.body.toString())).toEqual({ __type: 'InvalidSignatureException', message: REPLAY_MESSAGE });
    const keys = await t.client().send(new CreateKeyCommand({}));
    expect(keys.KeyMetadata?.KeyId).toBeDefined();
  });

  it('lets read-only requests repeat', async () => {
    const req = await signed(t, 'TrentService.ListKeys', {});
    expect((await sendRaw(t.server.url, req)).status).toBe(200);
    expect((await sendRaw(t.server.url, req)).status).toBe(200);
  });

  it('is off by default', async () => {
    const plain = await startTestServer();
    try {
      const req = await signed(plain, 'TrentService.CreateKey', {});
      expect((await sendRaw(plain.server.url, req)).status).toBe(200);
      expect((await sendRaw(plain.server.url, req)).status).toBe(200);
    } finally {
      await plain.stop();
    }
  });
});

describe('Trent.ExplainPolicy', () => {
  let t: TestServer;
  let keyArn: string;
  let account: string;
  beforeAll(async () => {
    t = await startTestServer();
    const key = (await t.client().send(new CreateKeyCommand({}))).KeyMetadata!;
    keyArn = key.Arn!;
    account = key.AWSAccountId!;
  });
  afterAll(() => t.stop());

  const explain = async (body: object, creds?: Credentials) => {
    const res = await sendRaw(t.server.url, await signed(t, 'Trent.ExplainPolicy', body, creds, 'trent'));
    return { status: res.status, json: JSON.parse(res.body.toString()) as Record<string, unknown> };
  };

  it('answers allow for the root under the default key policy, naming the statement', async () => {
    const r = await explain({ PrincipalArn: `arn:aws:iam::${account}:root`, Action: 'kms:Encrypt', KeyArn: keyArn });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      decision: 'allow',
      decidedBy: 'key policy, statement 1 (Sid "Enable IAM User Permissions")',
    });
  });

  it('answers deny for a user without policies, and refuses callers that may not ask', async () => {
    const iam = t.iam();
    const user = (await iam.send(new CreateUserCommand({ UserName: 'asker' }))).User!;
    const r = await explain({
      PrincipalArn: user.Arn,
      Action: 'kms:Decrypt',
      KeyArn: keyArn,
      EncryptionContext: { a: 'b' },
    });
    expect(r.json).toMatchObject({
      decision: 'deny',
      decidedBy: 'no identity-based policy allows kms:Decrypt, and no grant does',
    });
    const ak = (await iam.send(new CreateAccessKeyCommand({ UserName: 'asker' }))).AccessKey!;
    const refused = await explain(
      { PrincipalArn: user.Arn, Action: 'kms:Decrypt', KeyArn: keyArn },
      { accessKeyId: ak.AccessKeyId!, secretAccessKey: ak.SecretAccessKey! },
    );
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      __type: 'AccessDeniedException',
      message: `User: ${user.Arn} is not authorized to perform: trent:ExplainPolicy on resource: * because no identity-based policy allows the trent:ExplainPolicy action`,
    });
  });

  it('answers ValidationException for a request without its members', async () => {
    const r = await explain({ Action: 'kms:Encrypt' });
    expect(r).toMatchObject({ status: 400, json: { __type: 'ValidationException' } });
  });
});
