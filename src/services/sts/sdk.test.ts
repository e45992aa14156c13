/**
 * STS through the front door with the real AWS SDK for JavaScript v3 (@aws-sdk/client-sts): each
 * request the SDK signs goes to createFrontDoor (SigV4, the Query protocol, the STS operations, the
 * audit) and its XML answer back to the SDK. Temporary credentials issued here sign the next calls,
 * with their session token, until they expire.
 */
import { randomBytes } from 'node:crypto';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditSink } from '../../audit/index.js';
import { wrappingAad } from '../../crypto/index.js';
import { ManualClock } from '../../domain/index.js';
import { SoftwareKeyStore } from '../../keystore/index.js';
import { createFrontDoor } from '../../pipeline/front-door.js';
import { createIdentityResolver } from '../../pipeline/identity.js';
import type { Services } from '../../pipeline/types.js';
import { createRootAccessKey, serverCredentialLookup } from '../../server/credentials.js';
import { openStorage, type Storage } from '../../storage/index.js';
import { STS_SERVICE } from './service.js';

const A = '111122223333';

let storage: Storage;
let keyStore: SoftwareKeyStore;
let audit: MemoryAuditSink;
let handle: ReturnType<typeof createFrontDoor>;
let clock: ManualClock;
let identity: ReturnType<typeof createIdentityResolver>;

beforeEach(async () => {
  storage = await openStorage({ sqlitePath: ':memory:' });
  keyStore = SoftwareKeyStore.inMemory();
  audit = new MemoryAuditSink();
  clock = new ManualClock(new Date());
  identity = createIdentityResolver(storage);
  const lookup = serverCredentialLookup(storage, keyStore, identity);
  const services = {
    clock,
    storage,
    keyStore,
    identity,
    random: (n: number) => randomBytes(n),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  } as unknown as Services;
  handle = createFrontDoor({ services, apis: [STS_SERVICE], lookup, audit });
});
afterEach(async () => {
  await storage.close();
  await keyStore.close();
});

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

function client(credentials: Credentials, systemClockOffset = 0): STSClient {
  return new STSClient({
    region: 'us-east-1',
    endpoint: 'http://localhost:4566',
    credentials,
    systemClockOffset,
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { method: string; path: string; headers: Record<string, string>; body?: unknown }) => {
        const res = await handle(
          {
            method: request.method,
            url: request.path,
            headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
            body: Buffer.from(typeof request.body === 'string' ? request.body : ''),
          },
          { sourceIp: '127.0.0.1' },
        );
        return {
          response: {
            statusCode: res.status,
            reason: undefined,
            headers: { 'content-type': res.contentType, 'x-amzn-requestid': res.requestId },
            body: new Uint8Array(res.body),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  });
}

async function userKey(name: string): Promise<Credentials> {
  const arn = `arn:aws:iam::${A}:user/${name}`;
  await storage.createUser({
    accountId: A,
    userName: name,
    userId: `AIDA${name.toUpperCase().padEnd(17, 'X')}`,
    path: '/',
    arn,
    createDate: new Date(),
    tags: [],
  });
  const accessKeyId = `AKIA${name.toUpperCase().padEnd(16, 'Q')}`;
  const secretAccessKey = randomBytes(30).toString('base64');
  await storage.createUserAccessKey(name, {
    accessKeyId,
    accountId: A,
    principalArn: arn,
    wrappedSecret: await keyStore.wrap(Buffer.from(secretAccessKey), wrappingAad('access-key-secret', accessKeyId)),
    status: 'Active',
    createdAt: new Date(),
  });
  return { accessKeyId, secretAccessKey };
}

async function sdkError(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number | undefined }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(STSServiceException);
    const err = e as STSServiceException;
    return { name: err.name, message: err.message, status: err.$metadata.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('STS through the AWS SDK', () => {
  it('answers GetCallerIdentity for the root and for an IAM user', async () => {
    const rootKey = await createRootAccessKey(storage, keyStore, A, new Date());
    const asRoot = await client(rootKey).send(new GetCallerIdentityCommand({}));
    expect({ Account: asRoot.Account, Arn: asRoot.Arn, UserId: asRoot.UserId }).toEqual({
      Account: A,
      Arn: `arn:aws:iam::${A}:root`,
      UserId: A,
    });
    const asUser = await client(await userKey('alice')).send(new GetCallerIdentityCommand({}));
    expect(asUser.Arn).toBe(`arn:aws:iam::${A}:user/alice`);
    expect(asUser.UserId).toBe(`AIDA${'ALICE'.padEnd(17, 'X')}`);
  });

  it('issues role credentials that sign requests with their session token until they expire', async () => {
    const alice = await userKey('alice');
    await storage.createRole({
      accountId: A,
      roleName: 'deployer',
      roleId: 'AROADEPLOYERYYYYYYYYY',
      path: '/',
      arn: `arn:aws:iam::${A}:role/deployer`,
      createDate: new Date(),
      assumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:user/alice` }, Action: 'sts:AssumeRole' }],
      }),
      maxSessionDuration: 3600,
      tags: [],
    });
    const out = await client(alice).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${A}:role/deployer`,
        RoleSessionName: 'ci',
        DurationSeconds: 900,
      }),
    );
    expect(out.AssumedRoleUser).toEqual({
      AssumedRoleId: 'AROADEPLOYERYYYYYYYYY:ci',
      Arn: `arn:aws:sts::${A}:assumed-role/deployer/ci`,
    });
    const temporary: Credentials = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    const who = await client(temporary).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${A}:assumed-role/deployer/ci`);
    expect(who.UserId).toBe('AROADEPLOYERYYYYYYYYY:ci');

    // Another token, or none, is not these credentials' token.
    for (const sessionToken of [`${temporary.sessionToken}x`, undefined]) {
      expect(
        await sdkError(client({ ...temporary, sessionToken }).send(new GetCallerIdentityCommand({}))),
      ).toMatchObject({
        name: 'InvalidClientTokenId',
        status: 403,
      });
    }
    // 16 minutes later, past the 15-minute session (the SDK's clock moves with the server's).
    clock.set(new Date(Date.now() + 16 * 60_000));
    const expired = await sdkError(client(temporary, 16 * 60_000).send(new GetCallerIdentityCommand({})));
    // As AWS answers it (403, aws/aws-sdk-java-v2#1649), not the model's ExpiredTokenException (400).
    expect(expired).toEqual({
      name: 'ExpiredToken',
      message: 'The security token included in the request is expired',
      status: 403,
    });

    clock.set(new Date());
    // Temporary credentials cannot call GetSessionToken.
    expect(await sdkError(client(temporary).send(new GetSessionTokenCommand({})))).toMatchObject({
      name: 'AccessDenied',
      message: 'Cannot call GetSessionToken with session credentials',
      status: 403,
    });

    // Neither the secret nor the session token reaches the audit trail.
    const trail = JSON.stringify(audit.events());
    expect(trail).toContain('AssumeRole');
    expect(trail).not.toContain(temporary.secretAccessKey);
    expect(trail).not.toContain(temporary.sessionToken!);
  });

  it('stops accepting a deactivated access key once IAM says it changed', async () => {
    const bob = await userKey('bob');
    await client(bob).send(new GetCallerIdentityCommand({}));
    expect(await storage.updateAccessKeyStatus(A, 'bob', bob.accessKeyId, 'Inactive')).toBe('ok');
    identity.changed();
    expect(await sdkError(client(bob).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
    });
  });

  it('refuses a role the caller may not assume with AccessDenied, 403', async () => {
    const alice = await userKey('alice');
    const roleArn = `arn:aws:iam::${A}:role/absent`;
    expect(
      await sdkError(client(alice).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's1' }))),
    ).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${A}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      status: 403,
    });
  });

  it('issues GetSessionToken credentials that are the user', async () => {
    const out = await client(await userKey('bob')).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const who = await client({
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:iam::${A}:user/bob`);
  });
});
