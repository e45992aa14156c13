import { DecryptCommand, EncryptCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { KmsError } from '../domain/index.js';
import { authenticate, type AuthOptions, type RawRequest } from './index.js';
import { parseTimestamp } from './timestamp.js';
import {
  ACCESS_KEY_ID,
  SECRET,
  captureSdkRequest,
  dateOf,
  defaultLookup,
  kmsHeaders,
  lookupOf,
  smithySigned,
  userPrincipal,
  withHeader,
} from './test-requests.js';

const AT = new Date('2026-11-28T12:00:00Z');

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KmsError);
    const k = e as KmsError;
    return { code: k.code, message: k.message };
  }
  throw new Error('expected authenticate to fail');
}

const MISMATCH = {
  code: 'InvalidSignatureException',
  message:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
};

const UNRECOGNIZED = {
  code: 'UnrecognizedClientException',
  message: 'The security token included in the request is invalid.',
};

const EXPIRED = {
  code: 'ExpiredTokenException',
  message: 'The security token included in the request is expired',
};

function opts(req: RawRequest, extra: Partial<AuthOptions> = {}): AuthOptions {
  return { lookup: defaultLookup(), now: dateOf(req), ...extra };
}

describe('requests signed by the AWS SDK for JavaScript v3 (KMSClient)', () => {
  it('authenticates an Encrypt call and takes the region from the credential scope', async () => {
    const req = await captureSdkRequest(
      (c) =>
        c.send(
          new EncryptCommand({
            KeyId: 'alias/app',
            Plaintext: Buffer.from('hello'),
          }),
        ),
      { region: 'eu-central-1' },
    );
    const signed = String(req.headers['authorization']);
    // What the SDK signs: assert it so a change in the SDK shows up here.
    expect(signed).toMatch(
      /SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-amz-user-agent,/,
    );
    const result = await authenticate(req, opts(req));
    expect(result).toEqual({
      principal: userPrincipal,
      signedAt: parseTimestamp(String(req.headers['x-amz-date'])),
      region: 'eu-central-1',
      accessKeyId: ACCESS_KEY_ID,
    });
  });

  it('authenticates within the allowed skew on both sides', async () => {
    const req = await captureSdkRequest((c) => c.send(new ListKeysCommand({})));
    const t = dateOf(req).getTime();
    await expect(authenticate(req, opts(req, { now: new Date(t + 5 * 60_000) }))).resolves.toBeDefined();
    await expect(authenticate(req, opts(req, { now: new Date(t - 5 * 60_000) }))).resolves.toBeDefined();
  });

  it('rejects a tampered body', async () => {
    const req = await captureSdkRequest((c) =>
      c.send(
        new EncryptCommand({
          KeyId: 'alias/app',
          Plaintext: Buffer.from('hello'),
        }),
      ),
    );
    const tampered = {
      ...req,
      body: Buffer.from(req.body.toString().replace('alias/app', 'alias/xyz')),
    };
    expect(await failure(authenticate(tampered, opts(req)))).toEqual(MISMATCH);
  });

  it('rejects a changed X-Amz-Target (another operation under the same signature)', async () => {
    const req = await captureSdkRequest((c) => c.send(new DecryptCommand({ CiphertextBlob: Buffer.from('x') })));
    const tampered = withHeader(req, 'x-amz-target', 'TrentService.ScheduleKeyDeletion');
    expect(await failure(authenticate(tampered, opts(req)))).toEqual(MISMATCH);
  });

  it('rejects a changed Host (the signature was for another endpoint)', async () => {
    const req = await captureSdkRequest((c) => c.send(new ListKeysCommand({})));
    const tampered = withHeader(req, 'host', 'kms.example.net');
    expect(await failure(authenticate(tampered, opts(req)))).toEqual(MISMATCH);
  });

  it('rejects a changed X-Amz-Date even within the skew', async () => {
    const req = await captureSdkRequest((c) => c.send(new ListKeysCommand({})));
    const later = new Date(dateOf(req).getTime() + 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/[-:]/g, '');
    const tampered = withHeader(req, 'x-amz-date', later);
    expect(await failure(authenticate(tampered, opts(req)))).toEqual(MISMATCH);
  });

  it('rejects a request signed with another secret', async () => {
    const req = await captureSdkRequest((c) => c.send(new ListKeysCommand({})), {
      credentials: {
        accessKeyId: ACCESS_KEY_ID,
        secretAccessKey: `${SECRET}x`,
      },
    });
    expect(await failure(authenticate(req, opts(req)))).toEqual(MISMATCH);
  });

  it('ignores headers that were not signed, as AWS does', async () => {
    const req = await captureSdkRequest((c) => c.send(new ListKeysCommand({})));
    const extra = withHeader(withHeader(req, 'user-agent', 'something else'), 'x-forwarded-for', '10.0.0.1');
    await expect(authenticate(extra, opts(req))).resolves.toMatchObject({
      accessKeyId: ACCESS_KEY_ID,
    });
  });

  it('refuses a request whose X-Amz-Target, Content-Type or X-Amz-* headers are not all signed', async () => {
    // Signed over host and x-amz-date only: anyone who saw it could resend it as another operation.
    const at = new Date('2026-11-28T12:00:00Z');
    const req = await smithySigned(
      { headers: { ...kmsHeaders('DescribeKey'), 'x-amz-meta': 'x' }, body: '{"KeyId":"alias/a"}' },
      { at, unsignableHeaders: new Set(['content-type', 'x-amz-target', 'x-amz-meta']) },
    );
    expect(String(req.headers['authorization'])).toContain('SignedHeaders=host;x-amz-date,');
    const lookup = defaultLookup();
    expect(await failure(authenticate(req, { lookup, now: at }))).toEqual({
      code: 'InvalidSignatureException',
      message:
        'There were headers present in the request which were not signed: content-type, x-amz-meta, x-amz-target',
    });
    expect(lookup.calls).toEqual([]);
    // The same request resent as DisableKey is refused the same way, before anything else.
    const replayed = withHeader(req, 'x-amz-target', 'TrentService.DisableKey');
    expect((await failure(authenticate(replayed, { lookup, now: at }))).code).toBe('InvalidSignatureException');
    // Signed whole, it is accepted.
    const whole = await smithySigned({ headers: kmsHeaders('DescribeKey'), body: '{"KeyId":"alias/a"}' }, { at });
    await expect(authenticate(whole, { lookup, now: at })).resolves.toMatchObject({ accessKeyId: ACCESS_KEY_ID });
  });

  it('verifies a request from temporary credentials, X-Amz-Security-Token signed with the rest', async () => {
    const credentials = {
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      secretAccessKey: SECRET,
      sessionToken: 'FwoGZXIvYXdzEXAMPLE',
    };
    const req = await captureSdkRequest((c) => c.send(new ListKeysCommand({})), { credentials });
    expect(String(req.headers['authorization'])).toContain('x-amz-security-token');
    const lookup = lookupOf({
      ASIAIOSFODNN7EXAMPLE: { secret: SECRET, principal: userPrincipal, sessionToken: credentials.sessionToken },
    });
    await expect(authenticate(req, { lookup, now: dateOf(req) })).resolves.toMatchObject({
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    });
    // Another token is not the one these credentials were issued with.
    const tampered = withHeader(req, 'x-amz-security-token', 'another-token');
    expect(await failure(authenticate(tampered, { lookup, now: dateOf(req) }))).toEqual(UNRECOGNIZED);
    // Nor is none.
    const stripped = withHeader(req, 'x-amz-security-token', undefined);
    expect(await failure(authenticate(stripped, { lookup, now: dateOf(req) }))).toEqual(UNRECOGNIZED);
  });

  it('refuses temporary credentials from their expiration on, after checking the signature', async () => {
    const credentials = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET, sessionToken: 'tok' };
    const req = await captureSdkRequest((c) => c.send(new ListKeysCommand({})), { credentials });
    const now = dateOf(req);
    const expiringAt = (expiration: Date) =>
      lookupOf({ ASIAIOSFODNN7EXAMPLE: { secret: SECRET, principal: userPrincipal, sessionToken: 'tok', expiration } });
    const later = new Date(now.getTime() + 1);
    await expect(authenticate(req, { lookup: expiringAt(later), now })).resolves.toMatchObject({
      principal: userPrincipal,
    });
    expect(await failure(authenticate(req, { lookup: expiringAt(now), now }))).toEqual(EXPIRED);
    // The issuing clock (a virtual one) decides, not the signature's.
    expect(await failure(authenticate(req, { lookup: expiringAt(later), now, credentialsNow: later }))).toEqual(
      EXPIRED,
    );
    // A wrong token is still not recognized, expired or not; a wrong signature is a mismatch.
    const tampered = withHeader(req, 'x-amz-security-token', 'other');
    expect(await failure(authenticate(tampered, { lookup: expiringAt(now), now }))).toEqual(UNRECOGNIZED);
    const forged = withHeader(
      req,
      'authorization',
      String(req.headers['authorization']).replace(/Signature=\w+/, 'Signature=fake'),
    );
    expect(await failure(authenticate(forged, { lookup: expiringAt(now), now }))).toEqual(MISMATCH);
  });

  it('refuses a session token sent with a long-term access key, which issued none', async () => {
    const credentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: 'FwoGZXIvYXdzEXAMPLE' };
    const req = await captureSdkRequest((c) => c.send(new ListKeysCommand({})), { credentials });
    const lookup = defaultLookup();
    expect(await failure(authenticate(req, { lookup, now: dateOf(req) }))).toEqual(UNRECOGNIZED);
  });
});

describe('requests signed as botocore (the AWS CLI) signs them', () => {
  // Captured from botocore 1.43.11: session.create_client('kms', region_name='eu-west-1', ...)
  // .encrypt(KeyId='alias/app', Plaintext=b'hello world') with the clock fixed at 2026-11-28
  // 12:00:00Z and a before-send hook. urllib3 adds the Host header botocore signed. botocore hashes
  // the body into the canonical request and sends no X-Amz-Content-SHA256 header.
  const botocore: RawRequest = {
    method: 'POST',
    url: '/',
    headers: {
      host: 'localhost:4599',
      'x-amz-target': 'TrentService.Encrypt',
      'content-type': 'application/x-amz-json-1.1',
      'user-agent':
        'Botocore/1.43.11 ua/2.1 os/linux#6.18.44-fc-v595 md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython m/N,b,e,Z,D cfg/retry-mode#legacy',
      'x-amz-date': '20261128T120000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/eu-west-1/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=756c90a6f86ebc16d2902cca3aae4ca6b5dd7dc8af63793cef420bd6f93da5f7',
      'amz-sdk-invocation-id': 'fb458f80-7413-4927-bdfb-9eeae0f1316e',
      'amz-sdk-request': 'attempt=1',
      'content-length': '55',
    },
    body: Buffer.from('{"KeyId": "alias/app", "Plaintext": "aGVsbG8gd29ybGQ="}'),
  };

  it('authenticates it', async () => {
    await expect(authenticate(botocore, { lookup: defaultLookup(), now: AT })).resolves.toEqual({
      principal: userPrincipal,
      signedAt: parseTimestamp(String(botocore.headers['x-amz-date'])),
      region: 'eu-west-1',
      accessKeyId: ACCESS_KEY_ID,
    });
  });

  it('rejects it with one byte of the body changed', async () => {
    const tampered = {
      ...botocore,
      body: Buffer.from(botocore.body.toString().replace('aGVsbG8', 'aGVsbG9')),
    };
    expect(await failure(authenticate(tampered, { lookup: defaultLookup(), now: AT }))).toEqual(MISMATCH);
  });

  it('rejects it with an unsigned-looking change to a signed header (content-type)', async () => {
    const tampered = withHeader(botocore, 'content-type', 'application/json');
    expect(await failure(authenticate(tampered, { lookup: defaultLookup(), now: AT }))).toEqual(MISMATCH);
  });
});

describe('AWS Signature Version 4 test suite (AWS General Reference), service "service"', () => {
  const lookup = () =>
    lookupOf({
      AKIDEXAMPLE: {
        secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        principal: userPrincipal,
      },
    });
  const vector = (url: string, signature: string): RawRequest => ({
    method: 'GET',
    url,
    headers: {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    },
    body: Buffer.alloc(0),
  });
  const now = new Date('2015-08-30T12:36:00Z');

  it('get-vanilla', async () => {
    const req = vector('/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
    await expect(authenticate(req, { lookup: lookup(), now, service: 'service' })).resolves.toMatchObject({
      region: 'us-east-1',
    });
  });

  it('get-vanilla-query-order-key-case', async () => {
    const req = vector(
      '/?Param2=value2&Param1=value1',
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    );
    await expect(authenticate(req, { lookup: lookup(), now, service: 'service' })).resolves.toBeDefined();
  });

  it('get-vanilla with the query reordered is the same request; with a value changed it is not', async () => {
    const sig = 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500';
    await expect(
      authenticate(vector('/?Param1=value1&Param2=value2', sig), {
        lookup: lookup(),
        now,
        service: 'service',
      }),
    ).resolves.toBeDefined();
    expect(
      await failure(
        authenticate(vector('/?Param1=value1&Param2=value3', sig), {
          lookup: lookup(),
          now,
          service: 'service',
        }),
      ),
    ).toEqual(MISMATCH);
  });
});

describe('signed headers and the payload hash', () => {
  it('uses exactly the headers listed in SignedHeaders, including one the SDK would never sign', async () => {
    // user-agent is on the JavaScript SDK's never-sign list, but other clients (aws-sdk-ruby v1)
    // sign it; once listed in SignedHeaders it counts like any other.
    const headers = { ...kmsHeaders('ListKeys'), 'user-agent': 'custom/1.0' };
    const req = await smithySigned({ headers, body: '{}' }, { at: AT, signableHeaders: new Set(['user-agent']) });
    expect(String(req.headers['authorization'])).toContain(
      'SignedHeaders=content-type;host;user-agent;x-amz-date;x-amz-target,',
    );
    await expect(authenticate(req, { lookup: defaultLookup(), now: AT })).resolves.toBeDefined();
    const tampered = withHeader(req, 'user-agent', 'custom/2.0');
    expect(await failure(authenticate(tampered, { lookup: defaultLookup(), now: AT }))).toEqual(MISMATCH);
  });

  it('hashes a signed Date header as received, next to X-Amz-Date', async () => {
    // The SDK's sign() drops a Date header; a verifier must not, when the client signed it.
    const headers = {
      ...kmsHeaders('ListKeys'),
      'x-amz-date': '20261128T120000Z',
      date: 'Sat, 28 Nov 2026 12:00:00 GMT',
    };
    const { createHash, createHmac } = await import('node:crypto');
    const canonical = [
      'POST',
      '/',
      '',
      ...Object.entries(headers)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}:${v}`),
      '',
      'content-type;date;host;x-amz-date;x-amz-target',
      createHash('sha256').update('{}').digest('hex'),
    ].join('\n');
    const scope = '20261128/us-east-1/kms/aws4_request';
    const toSign = [
      'AWS4-HMAC-SHA256',
      '20261128T120000Z',
      scope,
      createHash('sha256').update(canonical).digest('hex'),
    ].join('\n');
    const key = ['20261128', 'us-east-1', 'kms', 'aws4_request'].reduce<Buffer | string>(
      (k, part) => createHmac('sha256', k).update(part).digest(),
      `AWS4${SECRET}`,
    );
    const signature = createHmac('sha256', key).update(toSign).digest('hex');
    const req: RawRequest = {
      method: 'POST',
      url: '/',
      headers: {
        ...headers,
        authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/${scope}, SignedHeaders=content-type;date;host;x-amz-date;x-amz-target, Signature=${signature}`,
      },
      body: Buffer.from('{}'),
    };
    await expect(authenticate(req, { lookup: defaultLookup(), now: AT })).resolves.toBeDefined();
  });

  it('hashes the body received even when X-Amz-Content-SHA256 was signed', async () => {
    const req = await smithySigned(
      { headers: kmsHeaders('Encrypt'), body: '{"KeyId":"a"}' },
      { at: AT, applyChecksum: true },
    );
    expect(String(req.headers['authorization'])).toContain('x-amz-content-sha256');
    await expect(authenticate(req, { lookup: defaultLookup(), now: AT })).resolves.toBeDefined();
    // The header still names the old body's hash; AWS (for every service but S3) hashes the body.
    const tampered = { ...req, body: Buffer.from('{"KeyId":"b"}') };
    expect(await failure(authenticate(tampered, { lookup: defaultLookup(), now: AT }))).toEqual(MISMATCH);
  });

  it('does not accept UNSIGNED-PAYLOAD: KMS signs the body', async () => {
    const headers = {
      ...kmsHeaders('Encrypt'),
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    };
    const req = await smithySigned({ headers, body: '{"KeyId":"a"}' }, { at: AT });
    expect(await failure(authenticate(req, { lookup: defaultLookup(), now: AT }))).toEqual(MISMATCH);
  });

  it('hashes an empty body as the SHA-256 of nothing', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: AT });
    await expect(authenticate(req, { lookup: defaultLookup(), now: AT })).resolves.toBeDefined();
  });

  it('trims and folds whitespace in signed header values as the canonical form requires', async () => {
    const req = await smithySigned({ headers: { ...kmsHeaders('ListKeys'), 'x-custom': 'a   b' } }, { at: AT });
    const spaced = withHeader(req, 'x-custom', '  a b  ');
    await expect(authenticate(spaced, { lookup: defaultLookup(), now: AT })).resolves.toBeDefined();
  });

  it('rejects a signature that is the right one in upper case (hex is compared exactly)', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: AT });
    const auth = String(req.headers['authorization']);
    const upper = auth.replace(/Signature=([0-9a-f]+)/, (_, s: string) => `Signature=${s.toUpperCase()}`);
    expect(
      await failure(
        authenticate(withHeader(req, 'authorization', upper), {
          lookup: defaultLookup(),
          now: AT,
        }),
      ),
    ).toEqual(MISMATCH);
  });

  it('rejects a truncated signature', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: AT });
    const auth = String(req.headers['authorization']).slice(0, -1);
    expect(
      await failure(
        authenticate(withHeader(req, 'authorization', auth), {
          lookup: defaultLookup(),
          now: AT,
        }),
      ),
    ).toEqual(MISMATCH);
  });
});

describe('clock skew', () => {
  const signedAt = new Date('2026-11-28T12:00:00Z');

  it("rejects a signature older than 5 minutes with AWS's message", async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: signedAt });
    const now = new Date('2026-11-28T12:05:01Z');
    expect(await failure(authenticate(req, { lookup: defaultLookup(), now }))).toEqual({
      code: 'InvalidSignatureException',
      message: 'Signature expired: 20261128T120000Z is now earlier than 20261128T120001Z (20261128T120501Z - 5 min.)',
    });
  });

  it("rejects a signature more than 5 minutes in the future with AWS's message", async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: signedAt });
    const now = new Date('2026-11-28T11:54:59.500Z');
    expect(await failure(authenticate(req, { lookup: defaultLookup(), now }))).toEqual({
      code: 'InvalidSignatureException',
      message:
        'Signature not yet current: 20261128T120000Z is still later than 20261128T115959Z (20261128T115459Z + 5 min.)',
    });
  });

  it('names the configured skew', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: signedAt });
    const now = new Date('2026-11-28T12:25:00Z');
    expect(
      await failure(
        authenticate(req, {
          lookup: defaultLookup(),
          now,
          maxSkewMs: 15 * 60_000,
        }),
      ),
    ).toEqual({
      code: 'InvalidSignatureException',
      message: 'Signature expired: 20261128T120000Z is now earlier than 20261128T121000Z (20261128T122500Z - 15 min.)',
    });
  });

  it('checks the clock before looking up the key', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: signedAt });
    const lookup = defaultLookup();
    await failure(authenticate(req, { lookup, now: new Date('2026-11-29T00:00:00Z') }));
    expect(lookup.calls).toEqual([]);
  });
});

describe('access keys', () => {
  it('rejects an unknown access key', async () => {
    const req = await smithySigned(
      { headers: kmsHeaders('ListKeys') },
      { at: AT, accessKeyId: 'AKIAUNKNOWNKEY000000' },
    );
    expect(await failure(authenticate(req, { lookup: defaultLookup(), now: AT }))).toEqual({
      code: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('looks up the access key from the credential scope, once', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: AT });
    const lookup = defaultLookup();
    await authenticate(req, { lookup, now: AT });
    expect(lookup.calls).toEqual([ACCESS_KEY_ID]);
  });

  it('never puts the secret or the expected signature in an error', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: AT, secret: 'wrong' });
    const right = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: AT });
    const expectedSig = /Signature=([0-9a-f]{64})/.exec(String(right.headers['authorization']))?.[1] ?? 'none';
    const e = await failure(authenticate(req, { lookup: defaultLookup(), now: AT }));
    expect(e.message).not.toContain(SECRET);
    expect(e.message).not.toContain(expectedSig);
  });
});

describe('dev mode', () => {
  const dev = { accountId: '444455556666' };

  it('accepts an access key Trent does not know as the root of the configured account', async () => {
    const req = await smithySigned(
      { headers: kmsHeaders('ListKeys') },
      { at: AT, accessKeyId: 'test', secret: 'test', region: 'ap-southeast-2' },
    );
    const lookup = defaultLookup();
    await expect(authenticate(req, { lookup, now: AT, dev })).resolves.toEqual({
      principal: {
        accountId: '444455556666',
        arn: 'arn:aws:iam::444455556666:root',
        accessKeyId: 'test',
        type: 'Root',
        principalId: '444455556666',
      },
      signedAt: parseTimestamp(String(req.headers['x-amz-date'])),
      region: 'ap-southeast-2',
      accessKeyId: 'test',
    });
    expect(lookup.calls).toEqual(['test']);
  });

  it('checks neither the signature nor the clock of an unknown access key', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: AT, accessKeyId: 'test' });
    const garbage = withHeader(
      req,
      'authorization',
      String(req.headers['authorization']).replace(/Signature=\w+/, 'Signature=fake'),
    );
    await expect(
      authenticate(garbage, {
        lookup: defaultLookup(),
        now: new Date('2030-01-01T00:00:00Z'),
        dev,
      }),
    ).resolves.toMatchObject({ region: 'us-east-1', principal: { type: 'Root', accountId: '444455556666' } });
  });

  it('treats an access key Trent issued as its own identity, signature checked, clock not', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: AT });
    const r = await authenticate(req, { lookup: defaultLookup(), now: new Date('2030-01-01T00:00:00Z'), dev });
    expect(r.principal).toEqual(userPrincipal);
    const forged = withHeader(
      req,
      'authorization',
      String(req.headers['authorization']).replace(/Signature=\w+/, 'Signature=fake'),
    );
    expect(await failure(authenticate(forged, { lookup: defaultLookup(), now: AT, dev }))).toEqual(MISMATCH);
  });

  it('refuses expired temporary credentials Trent issued', async () => {
    const credentials = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET, sessionToken: 'tok' };
    const req = await captureSdkRequest((c) => c.send(new ListKeysCommand({})), { credentials });
    const lookup = lookupOf({
      ASIAIOSFODNN7EXAMPLE: { secret: SECRET, principal: userPrincipal, sessionToken: 'tok', expiration: AT },
    });
    expect(await failure(authenticate(req, { lookup, now: dateOf(req), credentialsNow: AT, dev }))).toEqual(EXPIRED);
  });

  it('uses the partition of the region in the root ARN', async () => {
    const req = await smithySigned(
      { headers: kmsHeaders('ListKeys') },
      { at: AT, region: 'cn-north-1', accessKeyId: 'test' },
    );
    const r = await authenticate(req, {
      lookup: defaultLookup(),
      now: AT,
      dev,
    });
    expect(r.principal.arn).toBe('arn:aws-cn:iam::444455556666:root');
  });

  it('still requires an Authorization header', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: AT });
    expect(
      await failure(
        authenticate(withHeader(req, 'authorization', undefined), {
          lookup: defaultLookup(),
          now: AT,
          dev,
        }),
      ),
    ).toEqual({
      code: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
  });

  it('still rejects malformed headers and scopes', async () => {
    const req = await smithySigned({ headers: kmsHeaders('ListKeys') }, { at: AT, service: 's3' });
    expect(await failure(authenticate(req, { lookup: defaultLookup(), now: AT, dev }))).toEqual({
      code: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'kms'. ",
    });
    const noCredential = withHeader(
      req,
      'authorization',
      'AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc',
    );
    expect((await failure(authenticate(noCredential, { lookup: defaultLookup(), now: AT, dev }))).code).toBe(
      'IncompleteSignatureException',
    );
  });
});
