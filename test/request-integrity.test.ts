/**
 * What a request must prove before a strict server acts on it (issue 15): every header that
 * changes its meaning is signed, its region is one AWS has, a session token belongs to the
 * credentials, a key or alias ARN matches whole (partition included), and no key policy can stall
 * the server.
 */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EncryptCommand,
  KMSClient,
  PutKeyPolicyCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, expectKmsError, newKey } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { kmsHeaders, kmsSigner, sendRaw, signRequest } from './helpers/sign.js';

let t: TestServer;
let kms: KMSClient;
let key: KeyMetadata;
let host: string;

beforeAll(async () => {
  t = await startTestServer({ extraRegions: ['us-middle-9'] });
  kms = t.client();
  key = await newKey(kms, 'integrity');
  host = new URL(t.server.url).host;
});
afterAll(async () => t?.stop());

const errorOf = (body: Buffer) => JSON.parse(body.toString('utf8')) as { __type: string; message: string };

describe('signed headers', () => {
  it('refuses a DescribeKey signed over host and x-amz-date only, and its replay as DisableKey', async () => {
    const body = JSON.stringify({ KeyId: key.KeyId });
    const signer = kmsSigner(t.credentials);
    const headers = await signRequest(signer, { headers: kmsHeaders('DescribeKey', host), body });
    // Re-sign keeping only host and x-amz-date in SignedHeaders: what a careless client could send.
    const narrow = await kmsSigner(t.credentials).sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: host.split(':')[0] as string,
        path: '/',
        query: {},
        headers: kmsHeaders('DescribeKey', host),
        body,
      },
      { unsignableHeaders: new Set(['content-type', 'x-amz-target']) },
    );
    expect(String(narrow.headers['authorization'])).toContain('SignedHeaders=host;x-amz-date,');
    for (const target of ['DescribeKey', 'DisableKey']) {
      const res = await sendRaw(t.server.url, {
        headers: { ...narrow.headers, 'x-amz-target': `TrentService.${target}` },
        body,
      });
      expect(res.status).toBe(400);
      expect(errorOf(res.body)).toEqual({
        __type: 'InvalidSignatureException',
        message: 'There were headers present in the request which were not signed: content-type, x-amz-target',
      });
    }
    // The key was not disabled, and the properly signed request still works.
    const ok = await sendRaw(t.server.url, { headers, body });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body.toString()).KeyMetadata.Enabled).toBe(true);
  });

  it('refuses an unsigned X-Amz-* header added to a signed request', async () => {
    const body = JSON.stringify({ KeyId: key.KeyId });
    const headers = await signRequest(kmsSigner(t.credentials), { headers: kmsHeaders('DescribeKey', host), body });
    const res = await sendRaw(t.server.url, { headers: { ...headers, 'x-amz-anything': 'added' }, body });
    expect(errorOf(res.body)).toEqual({
      __type: 'InvalidSignatureException',
      message: 'There were headers present in the request which were not signed: x-amz-anything',
    });
  });
});

describe('regions', () => {
  it("refuses a region AWS does not have, whatever its prefix, with AWS's message", async () => {
    for (const region of ['us-middle-8', 'cn-anything', 'us-gov-nowhere']) {
      await expectKmsError(
        t.client({ region }).send(new DescribeKeyCommand({ KeyId: key.KeyId })),
        'InvalidSignatureException',
        `Credential should be scoped to a valid region, not '${region}'. `,
      );
    }
    // The SDK will not sign for a region that is no host label; a hand-made client may.
    const region = 'x'.repeat(5000);
    const body = JSON.stringify({ KeyId: key.KeyId });
    const headers = await signRequest(kmsSigner(t.credentials, region), {
      headers: kmsHeaders('DescribeKey', host),
      body,
    });
    const res = await sendRaw(t.server.url, { headers, body });
    expect(errorOf(res.body)).toEqual({
      __type: 'InvalidSignatureException',
      message: `Credential should be scoped to a valid region, not '${'x'.repeat(256)}...(truncated)'. `,
    });
  });

  it('accepts a region the operator added, in the partition its name gives', async () => {
    const extra = t.client({ region: 'us-middle-9' });
    const made = (await extra.send(new CreateKeyCommand({}))).KeyMetadata!;
    expect(made.Arn).toBe(`arn:aws:kms:us-middle-9:${t.server.accountId}:key/${made.KeyId}`);
  });
});

describe('ARNs are compared whole', () => {
  it('does not resolve a key ARN or alias ARN of another partition', async () => {
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/integrity', TargetKeyId: key.KeyId }));
    const account = t.server.accountId;
    for (const partition of ['aws-cn', 'aws-us-gov']) {
      const keyArn = `arn:${partition}:kms:us-east-1:${account}:key/${key.KeyId}`;
      await expectKmsError(
        kms.send(new DescribeKeyCommand({ KeyId: keyArn })),
        'NotFoundException',
        `Key '${keyArn}' does not exist`,
      );
      await expectKmsError(
        kms.send(
          new EncryptCommand({
            KeyId: `arn:${partition}:kms:us-east-1:${account}:alias/integrity`,
            Plaintext: bytes('x'),
          }),
        ),
        'NotFoundException',
        `Alias arn:aws:kms:us-east-1:${account}:alias/integrity is not found.`,
      );
    }
    // The right partition resolves.
    const described = await kms.send(new DescribeKeyCommand({ KeyId: key.Arn }));
    expect(described.KeyMetadata?.KeyId).toBe(key.KeyId);
    const viaAlias = await kms.send(
      new DescribeKeyCommand({ KeyId: `arn:aws:kms:us-east-1:${account}:alias/integrity` }),
    );
    expect(viaAlias.KeyMetadata?.KeyId).toBe(key.KeyId);
  });
});

describe('session tokens', () => {
  it('refuses a session token the server never issued, sent with a long-term access key', async () => {
    const stray = new KMSClient({
      endpoint: t.server.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { ...t.credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLEtoken' },
    });
    try {
      await expectKmsError(
        stray.send(new DescribeKeyCommand({ KeyId: key.KeyId })),
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    } finally {
      stray.destroy();
    }
  });
});

describe('key policies with pathological wildcards', () => {
  it('answers a PutKeyPolicy whose action has 30 stars at once, without stalling other requests', async () => {
    const policy = (action: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${t.server.accountId}:root` },
            Action: action,
            Resource: '*',
          },
        ],
      });
    // Before the fix, 22 stars held the event loop for 17 s, 30 for over a minute: the test times out.
    const pending = Promise.all(
      [22, 30].map((stars) =>
        expectKmsError(
          kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policy(`kms:${'*'.repeat(stars)}X`) })),
          'MalformedPolicyDocumentException',
          'The new key policy will not allow you to update the key policy in the future.',
        ),
      ),
    );
    await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('still serving') }));
    await pending;
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policy(`kms:${'*'.repeat(30)}`) }));
  });
});
