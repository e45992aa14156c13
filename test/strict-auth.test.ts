/**
 * A strict server (not --dev) refuses a bad signature end to end, through the real AWS SDK and the
 * real AWS CLI v2: the right access key id with a wrong secret is InvalidSignatureException, an
 * access key the server never issued is UnrecognizedClientException, both with AWS's words and
 * HTTP 400, and neither leaves anything behind that stops a correctly signed call.
 */
import { CreateKeyCommand, DescribeKeyCommand, ListKeysCommand, type KMSClient } from '@aws-sdk/client-kms';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliOrSkip, cliServiceError, runAwsKms } from './helpers/aws-cli.js';
import { expectKmsError } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** AWS's texts, as its SigV4 front end answers (see src/auth/messages.ts for the sources). */
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
/** Well formed (AKIA + 16 base32 characters) but never issued by this server. */
const UNKNOWN_ACCESS_KEY_ID = 'AKIAZZZZZZZZZZZZZZZZ';

let t: TestServer;
let wrongSecret: string;

beforeAll(async () => {
  t = await startTestServer();
  const secret = t.credentials.secretAccessKey;
  // One character changed: the closest wrong secret there is.
  wrongSecret = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
});
afterAll(async () => {
  await t?.stop();
});

describe('the AWS SDK against a strict server', () => {
  it('refuses a wrong secret, then an unknown access key, then serves a correctly signed call', async () => {
    const right = t.client();
    const key = (await right.send(new CreateKeyCommand({ Description: 'strict' }))).KeyMetadata!;

    const badSecret: KMSClient = t.client({
      credentials: { accessKeyId: t.credentials.accessKeyId, secretAccessKey: wrongSecret },
    });
    for (const call of [
      () => badSecret.send(new ListKeysCommand({})),
      () => badSecret.send(new DescribeKeyCommand({ KeyId: key.KeyId })),
    ]) {
      const err = await expectKmsError(call(), 'InvalidSignatureException', SIGNATURE_MISMATCH);
      expect(err.$metadata?.httpStatusCode).toBe(400);
    }
    // A refused call changes nothing: a CreateKey with a wrong secret creates no key.
    await expectKmsError(
      badSecret.send(new CreateKeyCommand({ Description: 'never made' })),
      'InvalidSignatureException',
      SIGNATURE_MISMATCH,
    );

    const unknown = t.client({
      credentials: { accessKeyId: UNKNOWN_ACCESS_KEY_ID, secretAccessKey: t.credentials.secretAccessKey },
    });
    const err = await expectKmsError(
      unknown.send(new ListKeysCommand({})),
      'UnrecognizedClientException',
      INVALID_TOKEN,
    );
    expect(err.$metadata?.httpStatusCode).toBe(400);

    // After both refusals, the right credentials still work and see exactly the one key.
    const keys = (await right.send(new ListKeysCommand({}))).Keys ?? [];
    expect(keys.map((k) => k.KeyId)).toEqual([key.KeyId]);
    expect((await right.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.Description).toBe('strict');
  });
});

const AWS = awsCliOrSkip('test/strict-auth.test.ts (AWS CLI part)');

describe.skipIf(!AWS)('the AWS CLI v2 against a strict server', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'trent-strict-cli-'));
  });
  afterAll(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });
  const cli = (accessKeyId: string, secretAccessKey: string, args: string[]) =>
    runAwsKms({ aws: AWS!, endpoint: t.server.url, home, accessKeyId, secretAccessKey }, args);

  it('refuses a wrong secret and an unknown access key with exit code 254, then works', async () => {
    const bad = await cli(t.credentials.accessKeyId, wrongSecret, ['list-keys']);
    expect(bad).toMatchObject({ code: 254, stdout: '' });
    expect(bad.stderr).toMatch(cliServiceError('InvalidSignatureException', 'ListKeys', SIGNATURE_MISMATCH));

    const unknown = await cli(UNKNOWN_ACCESS_KEY_ID, t.credentials.secretAccessKey, ['list-keys']);
    expect(unknown).toMatchObject({ code: 254, stdout: '' });
    expect(unknown.stderr).toMatch(cliServiceError('UnrecognizedClientException', 'ListKeys', INVALID_TOKEN));

    const good = await cli(t.credentials.accessKeyId, t.credentials.secretAccessKey, ['list-keys']);
    expect(good.code).toBe(0);
    expect((JSON.parse(good.stdout) as { Keys: unknown[] }).Keys.length).toBeGreaterThan(0);
  });
});
