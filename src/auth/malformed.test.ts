/** Every way an Authorization header or credential scope can be malformed, with AWS's exact words. */
import { describe, expect, it } from 'vitest';
import { KmsError, regionSet } from '../domain/index.js';
import { authenticate, type RawRequest } from './index.js';
import { signaturesMatch } from './signature.js';
import { ACCESS_KEY_ID, defaultLookup } from './test-requests.js';

const AT = new Date('2026-11-28T12:00:00Z');
const SIG = 'a'.repeat(64);

function request(authorization: string | undefined, extra: Record<string, string> = {}, url = '/'): RawRequest {
  return {
    method: 'POST',
    url,
    headers: {
      host: 'kms.us-east-1.amazonaws.com',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.ListKeys',
      'x-amz-date': '20261128T120000Z',
      ...(authorization === undefined ? {} : { authorization }),
      ...extra,
    },
    body: Buffer.from('{}'),
  };
}

const header = (
  credential: string,
  signedHeaders = 'content-type;host;x-amz-date;x-amz-target',
  algorithm = 'AWS4-HMAC-SHA256',
) => `${algorithm} Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${SIG}`;
const redacted = (authorization: string) => authorization.replace(`Signature=${SIG}`, 'Signature=(redacted)');
const scope = (s = '20261128/us-east-1/kms/aws4_request') => `${ACCESS_KEY_ID}/${s}`;

async function rejection(req: RawRequest, dev = false): Promise<{ code: string; message: string }> {
  const lookup = defaultLookup();
  try {
    await authenticate(req, {
      lookup,
      now: AT,
      ...(dev ? { dev: { accountId: '111122223333' } } : {}),
    });
  } catch (e) {
    expect(e).toBeInstanceOf(KmsError);
    // Nothing malformed ever reaches the credential store.
    expect(lookup.calls).toEqual([]);
    return { code: (e as KmsError).code, message: (e as KmsError).message };
  }
  throw new Error('expected a rejection');
}

const incomplete = (message: string) => ({
  code: 'IncompleteSignatureException',
  message,
});
const invalid = (message: string) => ({
  code: 'InvalidSignatureException',
  message,
});

describe('no credentials', () => {
  it.each([
    ['no Authorization header', undefined],
    ['an empty Authorization header', ''],
    ['another scheme', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x'],
    ['SigV2-style', 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg='],
  ])('%s -> MissingAuthenticationTokenException', async (_, authorization) => {
    const expected = {
      code: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    };
    expect(await rejection(request(authorization))).toEqual(expected);
    expect(await rejection(request(authorization), true)).toEqual(expected);
  });

  it('a presigned query string alone is not accepted', async () => {
    const url = '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x&X-Amz-Signature=y';
    expect((await rejection(request(undefined, {}, url))).code).toBe('MissingAuthenticationTokenException');
  });

  it('both a presigned query string and an Authorization header', async () => {
    const url = '/?X-Amz-Algorithm=AWS4-HMAC-SHA256';
    expect(await rejection(request(header(scope()), {}, url))).toEqual(
      invalid("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."),
    );
  });
});

describe('incomplete Authorization header', () => {
  it('lists every missing part and echoes the header', async () => {
    const req = request('AWS4-HMAC-SHA256', { 'x-amz-date': '' });
    delete req.headers['x-amz-date'];
    expect(await rejection(req)).toEqual(
      incomplete(
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
      ),
    );
  });

  it.each([
    [
      'Credential',
      `AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=${SIG}`,
      "Authorization header requires 'Credential' parameter. ",
    ],
    [
      'an empty Credential',
      `AWS4-HMAC-SHA256 Credential=, SignedHeaders=host;x-amz-date, Signature=${SIG}`,
      "Authorization header requires 'Credential' parameter. ",
    ],
    [
      'Signature',
      `AWS4-HMAC-SHA256 Credential=${scope()}, SignedHeaders=host;x-amz-date`,
      "Authorization header requires 'Signature' parameter. ",
    ],
    [
      'SignedHeaders',
      `AWS4-HMAC-SHA256 Credential=${scope()}, Signature=${SIG}`,
      "Authorization header requires 'SignedHeaders' parameter. ",
    ],
    [
      'Signature and SignedHeaders',
      'AWS4-HMAC-SHA256 Credential=ABCDEF',
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. ",
    ],
  ])('missing %s', async (_, authorization, prefix) => {
    // The header is repeated as AWS repeats it, but without the signature's value.
    const expected = incomplete(`${prefix}Authorization=${redacted(authorization)}`);
    expect(await rejection(request(authorization))).toEqual(expected);
    expect(await rejection(request(authorization), true)).toEqual(expected);
  });

  it('missing both X-Amz-Date and Date', async () => {
    const req = request(header(scope()));
    delete req.headers['x-amz-date'];
    expect(await rejection(req)).toEqual(
      incomplete(
        `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${redacted(header(scope()))}`,
      ),
    );
  });

  it('repeats a huge header cut short, never whole', async () => {
    const authorization = `AWS4-HMAC-SHA256 Credential=${'A'.repeat(7000)}, Signature=${SIG}`;
    const { message } = await rejection(request(authorization));
    expect(message.length).toBeLessThan(400);
    expect(message).toMatch(
      /^Authorization header requires 'SignedHeaders' parameter\. Authorization=AWS4-HMAC-SHA256 Credential=A+\.\.\.\(truncated\)$/,
    );
    expect(message).not.toContain(SIG);
  });

  it('an element without an equals sign (a space after "Credential=")', async () => {
    const authorization = `AWS4-HMAC-SHA256 Credential= ${scope()}, SignedHeaders=host;x-amz-date, Signature=${SIG}`;
    expect(await rejection(request(authorization))).toEqual(
      incomplete(
        `'${scope()}' not a valid key=value pair (missing equal-sign) in Authorization header: '${redacted(authorization)}'.`,
      ),
    );
  });
});

describe('timestamp', () => {
  it.each(['2026-11-28T12:00:00Z', '20261128T120000', '20261328T120000Z', '201', 'Sat, 28 Nov 2026 12:00:00 GMT'])(
    'rejects X-Amz-Date %s',
    async (value) => {
      expect(await rejection(request(header(scope()), { 'x-amz-date': value }))).toEqual(
        incomplete(
          `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`,
        ),
      );
    },
  );

  it('falls back to a Date header in basic format', async () => {
    const req = request(header(scope()), { date: '20261128T120000Z' });
    delete req.headers['x-amz-date'];
    const lookup = defaultLookup();
    // Well formed, so it gets as far as the (made-up) signature.
    await expect(authenticate(req, { lookup, now: AT })).rejects.toMatchObject({
      code: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated/),
    });
    expect(lookup.calls).toEqual([ACCESS_KEY_ID]);
  });
});

describe('signed headers', () => {
  it.each([['x-amz-date'], ['content-type;x-amz-date;x-amz-target'], ['']])(
    'Host must be signed (SignedHeaders=%s)',
    async (signed) => {
      const expected = invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
      expect(await rejection(request(header(scope(), signed)))).toEqual(expected);
      expect(await rejection(request(header(scope(), signed)), true)).toEqual(expected);
    },
  );
});

describe('algorithm', () => {
  it.each(['AWS4-HMAC-SHA25', 'AWS4-ECDSA-P256-SHA256', 'AWS4-HMAC-SHA512'])('rejects %s', async (algorithm) => {
    const expected = incomplete(`Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `);
    expect(await rejection(request(header(scope(), 'host;x-amz-date', algorithm)))).toEqual(expected);
    expect(await rejection(request(header(scope(), 'host;x-amz-date', algorithm)), true)).toEqual(expected);
  });
});

describe('credential scope', () => {
  it.each([
    `${ACCESS_KEY_ID}/20261128/us-east-1/kms`,
    `${ACCESS_KEY_ID}/20261128/us-east-1/kms/aws4_request/extra`,
    'a/b/c/d',
  ])('needs exactly five elements: %s', async (credential) => {
    expect(await rejection(request(header(credential)))).toEqual(
      incomplete(
        `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
      ),
    );
  });

  it('ignores trailing slashes', async () => {
    const req = request(header(`${scope()}//`));
    // Well formed: only the made-up signature is wrong.
    await expect(authenticate(req, { lookup: defaultLookup(), now: AT })).rejects.toMatchObject({
      code: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated/),
    });
  });

  it.each([
    [
      'another service',
      '20261128/us-east-1/s3/aws4_request',
      "Credential should be scoped to correct service: 'kms'. ",
    ],
    [
      'another terminator',
      '20261128/us-east-1/kms/aws5_request',
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
    ],
    [
      'an invalid region',
      '20261128/US_EAST/kms/aws4_request',
      "Credential should be scoped to a valid region, not 'US_EAST'. ",
    ],
    [
      'a region AWS does not have',
      '20261128/us-middle-9/kms/aws4_request',
      "Credential should be scoped to a valid region, not 'us-middle-9'. ",
    ],
    [
      'a China-looking region AWS does not have',
      '20261128/cn-anything/kms/aws4_request',
      "Credential should be scoped to a valid region, not 'cn-anything'. ",
    ],
    [
      'a region of 5,000 characters',
      `20261128/${'a'.repeat(5000)}/kms/aws4_request`,
      `Credential should be scoped to a valid region, not '${'a'.repeat(256)}...(truncated)'. `,
    ],
    [
      'a date other than the timestamp',
      '20261127/us-east-1/kms/aws4_request',
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261127' != '20261128', from '20261128T120000Z'. ",
    ],
  ])('%s', async (_, s, message) => {
    expect(await rejection(request(header(scope(s))))).toEqual(invalid(message));
    expect(await rejection(request(header(scope(s))), true)).toEqual(invalid(message));
  });

  it('reports every scope problem at once, in AWS order', async () => {
    expect(await rejection(request(header(`${ACCESS_KEY_ID}/b/c_/d/e`)))).toEqual(
      invalid(
        "Credential should be scoped to a valid region, not 'c_'. Credential should be scoped to correct service: 'kms'. Credential should be scoped with a valid terminator: 'aws4_request', not 'e'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: 'b' != '20261128', from '20261128T120000Z'. ",
      ),
    );
  });

  it('an empty access key id is not recognised', async () => {
    expect(await rejection(request(header('/20261128/us-east-1/kms/aws4_request')), true)).toEqual({
      code: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('accepts a region the operator added, and only that one', async () => {
    const req = request(header(scope('20261128/us-middle-9/kms/aws4_request')));
    const regions = regionSet(['us-middle-9']);
    // Past the scope check: only the made-up signature is wrong.
    await expect(authenticate(req, { lookup: defaultLookup(), now: AT, regions })).rejects.toMatchObject({
      message: expect.stringMatching(/^The request signature we calculated/),
    });
    const other = request(header(scope('20261128/us-middle-8/kms/aws4_request')));
    await expect(authenticate(other, { lookup: defaultLookup(), now: AT, regions })).rejects.toMatchObject({
      message: "Credential should be scoped to a valid region, not 'us-middle-8'. ",
    });
    expect(() => regionSet(['not a region'])).toThrow(/region 'not a region' is not a region name/);
  });

  it('uses the configured service name', async () => {
    const req = request(header(scope('20261128/us-east-1/kms/aws4_request')));
    await expect(authenticate(req, { lookup: defaultLookup(), now: AT, service: 'sts' })).rejects.toMatchObject({
      message: "Credential should be scoped to correct service: 'sts'. ",
    });
  });
});

describe('order of checks, as AWS makes them', () => {
  it('timestamp format before clock skew before Host before algorithm before scope', async () => {
    const bad = (over: { date?: string; signed?: string; alg?: string; cred?: string }) =>
      request(
        header(over.cred ?? `${ACCESS_KEY_ID}/x/y/z`, over.signed ?? 'x-amz-date', over.alg ?? 'AWS4-HMAC-SHA1'),
        { 'x-amz-date': over.date ?? '20201128T120000Z' },
      );
    expect((await rejection(bad({ date: 'nope' }))).message).toMatch(/^Date must be in ISO-8601/);
    expect((await rejection(bad({}))).message).toMatch(/^Signature expired/);
    expect((await rejection(bad({ date: '20261128T120000Z' }))).message).toMatch(/^'Host' or ':authority'/);
    expect((await rejection(bad({ date: '20261128T120000Z', signed: 'host' }))).message).toMatch(/^Unsupported AWS/);
    expect(
      (
        await rejection(
          bad({
            date: '20261128T120000Z',
            signed: 'host',
            alg: 'AWS4-HMAC-SHA256',
          }),
        )
      ).message,
    ).toMatch(/^Credential must have exactly 5/);
  });
});

describe('signature comparison', () => {
  it('matches equal strings only', () => {
    expect(signaturesMatch(SIG, SIG)).toBe(true);
    expect(signaturesMatch('b'.repeat(64), SIG)).toBe(false);
    expect(signaturesMatch(SIG.slice(1), SIG)).toBe(false);
    expect(signaturesMatch(`${SIG}a`, SIG)).toBe(false);
    expect(signaturesMatch('', SIG)).toBe(false);
  });
});
