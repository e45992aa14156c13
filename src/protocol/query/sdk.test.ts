/**
 * The Query protocol against the real AWS SDK for JavaScript v3: each request is what the SDK
 * serializes (captured by a request handler that records it), decoded and validated by
 * decodeQueryRequest; each answer is what encodeQueryResponse or queryErrorResponse writes, parsed
 * by the SDK.
 */
import {
  CreateRoleCommand,
  CreateUserCommand,
  GetAccountSummaryCommand,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  ListUsersCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  MalformedPolicyDocumentException,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { KmsError } from '../../domain/index.js';
import {
  decodeQueryRequest,
  encodeQueryResponse,
  queryErrorResponse,
  validateQueryInput,
  type QueryRequest,
  type QueryService,
} from './index.js';

interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

type Answer = (request: QueryRequest<QueryService>) => { status: number; body: Buffer };

/** A request handler that records what the SDK sends and answers with `answer`'s XML. */
function handler(service: QueryService, answer: Answer, captured: Captured[]) {
  return {
    handle: (request: { method: string; path: string; headers: Record<string, string>; body?: unknown }) => {
      const body = typeof request.body === 'string' ? request.body : '';
      captured.push({ method: request.method, path: request.path, headers: request.headers, body });
      let response: { status: number; body: Buffer };
      try {
        const decoded = decodeQueryRequest(service, Buffer.from(body), request.headers['content-type']);
        const violation = validateQueryInput(service, decoded.action, decoded.input);
        if (violation !== undefined) throw new KmsError('ValidationError', violation);
        response = answer(decoded);
      } catch (err) {
        response = queryErrorResponse(service, err, 'req-error');
      }
      return Promise.resolve({
        response: {
          statusCode: response.status,
          reason: undefined,
          headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-header' },
          body: new Uint8Array(response.body),
        },
      });
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
}

const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };

function iamClient(answer: Answer, captured: Captured[] = []): IAMClient {
  return new IAMClient({
    region: 'us-east-1',
    endpoint: 'http://localhost:4566',
    credentials,
    maxAttempts: 1,
    requestHandler: handler('iam', answer, captured),
  });
}

function stsClient(answer: Answer, captured: Captured[] = []): STSClient {
  return new STSClient({
    region: 'us-east-1',
    endpoint: 'http://localhost:4566',
    credentials,
    maxAttempts: 1,
    requestHandler: handler('sts', answer, captured),
  });
}

/** Decodes what the SDK sends for one command, answering it with `answer`. */
async function sent<T>(
  send: (answer: Answer) => Promise<T>,
  answer: Answer,
): Promise<{ request: QueryRequest<QueryService>; result: T }> {
  let request: QueryRequest<QueryService> | undefined;
  const result = await send((r) => {
    request = r;
    return answer(r);
  });
  return { request: request!, result };
}

const created = new Date('2024-05-06T07:08:09Z');

describe('IAM through @aws-sdk/client-iam', () => {
  it('CreateUser: decodes Path, UserName, Tags and the SDK parses the response (XML escaping too)', async () => {
    const captured: Captured[] = [];
    const { request, result } = await sent(
      (answer) =>
        iamClient(answer, captured).send(
          new CreateUserCommand({
            UserName: 'alice',
            Path: '/team&<x>/',
            Tags: [
              { Key: 'team', Value: 'blue green' },
              { Key: 'cost-center', Value: '42' },
            ],
          }),
        ),
      (r) => ({
        status: 200,
        body: encodeQueryResponse(
          'iam',
          'CreateUser',
          {
            User: {
              Path: '/team&<x>/',
              UserName: 'alice',
              UserId: 'AIDAEXAMPLEEXAMPLE01',
              Arn: 'arn:aws:iam::111122223333:user/team&<x>/alice',
              CreateDate: created,
              Tags: (r.input as { Tags: { Key: string; Value: string }[] }).Tags,
            },
          },
          'req-1',
        ),
      }),
    );
    expect(captured[0]!.method).toBe('POST');
    expect(captured[0]!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request).toEqual({
      action: 'CreateUser',
      version: '2010-05-08',
      input: {
        Path: '/team&<x>/',
        UserName: 'alice',
        Tags: [
          { Key: 'team', Value: 'blue green' },
          { Key: 'cost-center', Value: '42' },
        ],
      },
    });
    expect(result.User).toEqual({
      Path: '/team&<x>/',
      UserName: 'alice',
      UserId: 'AIDAEXAMPLEEXAMPLE01',
      Arn: 'arn:aws:iam::111122223333:user/team&<x>/alice',
      CreateDate: created,
      Tags: [
        { Key: 'team', Value: 'blue green' },
        { Key: 'cost-center', Value: '42' },
      ],
    });
    expect(result.$metadata.requestId).toBe('req-header');
  });

  it('ListUsers: MaxItems and Marker round-trip and the SDK paginator follows IsTruncated', async () => {
    const users = ['a', 'b', 'c'].map((name) => ({
      Path: '/',
      UserName: name,
      UserId: `AIDA${name.toUpperCase().repeat(17)}`,
      Arn: `arn:aws:iam::111122223333:user/${name}`,
      CreateDate: created,
    }));
    const inputs: unknown[] = [];
    const client = iamClient((r) => {
      inputs.push(r.input);
      const { Marker, MaxItems } = r.input as { Marker?: string; MaxItems?: number };
      const start = Marker === undefined ? 0 : Number(Marker);
      const end = start + (MaxItems ?? 100);
      const page = users.slice(start, end);
      const truncated = end < users.length;
      return {
        status: 200,
        body: encodeQueryResponse(
          'iam',
          'ListUsers',
          truncated ? { Users: page, IsTruncated: true, Marker: String(end) } : { Users: page, IsTruncated: false },
          'req-list',
        ),
      };
    });
    const names: string[] = [];
    for await (const page of paginateListUsers({ client, pageSize: 2 }, { PathPrefix: '/' })) {
      for (const user of page.Users ?? []) names.push(user.UserName!);
    }
    expect(names).toEqual(['a', 'b', 'c']);
    expect(inputs).toEqual([
      { PathPrefix: '/', MaxItems: 2 },
      { PathPrefix: '/', MaxItems: 2, Marker: '2' },
    ]);
    // An empty list is written <Users/> and parsed as [].
    const empty = await iamClient(() => ({
      status: 200,
      body: encodeQueryResponse('iam', 'ListUsers', { Users: [], IsTruncated: false }, 'r'),
    })).send(new ListUsersCommand({}));
    expect(empty.Users).toEqual([]);
    expect(empty.IsTruncated).toBe(false);
  });

  it('GetUser without a user name decodes to an empty input', async () => {
    const { request, result } = await sent(
      (answer) => iamClient(answer).send(new GetUserCommand({})),
      () => ({
        status: 200,
        body: encodeQueryResponse(
          'iam',
          'GetUser',
          {
            User: {
              Path: '/',
              UserName: 'root',
              UserId: '111122223333',
              Arn: 'arn:aws:iam::111122223333:root',
              CreateDate: new Date('2024-05-06T07:08:09.123Z'),
              PasswordLastUsed: created,
            },
          },
          'r',
        ),
      }),
    );
    expect(request).toEqual({ action: 'GetUser', version: '2010-05-08', input: {} });
    expect(result.User?.CreateDate).toEqual(new Date('2024-05-06T07:08:09.123Z'));
    expect(result.User?.PasswordLastUsed).toEqual(created);
  });

  it('CreateRole with Tags, a JSON trust policy and MaxSessionDuration', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const { request, result } = await sent(
      (answer) =>
        iamClient(answer).send(
          new CreateRoleCommand({
            RoleName: 'app',
            AssumeRolePolicyDocument: trust,
            Description: 'ünïcödé + spaces',
            MaxSessionDuration: 7200,
            Tags: [{ Key: 'env', Value: 'prod' }],
          }),
        ),
      () => ({
        status: 200,
        body: encodeQueryResponse(
          'iam',
          'CreateRole',
          {
            Role: {
              Path: '/',
              RoleName: 'app',
              RoleId: 'AROAEXAMPLEEXAMPLE01',
              Arn: 'arn:aws:iam::111122223333:role/app',
              CreateDate: created,
              AssumeRolePolicyDocument: encodeURIComponent(trust),
              MaxSessionDuration: 7200,
              Tags: [{ Key: 'env', Value: 'prod' }],
            },
          },
          'r',
        ),
      }),
    );
    expect(request.input).toEqual({
      RoleName: 'app',
      AssumeRolePolicyDocument: trust,
      Description: 'ünïcödé + spaces',
      MaxSessionDuration: 7200,
      Tags: [{ Key: 'env', Value: 'prod' }],
    });
    expect(result.Role?.MaxSessionDuration).toBe(7200);
    expect(decodeURIComponent(result.Role!.AssumeRolePolicyDocument!)).toBe(trust);
    expect(result.Role?.Tags).toEqual([{ Key: 'env', Value: 'prod' }]);
  });

  it('PutUserPolicy: the policy document arrives byte for byte; no output means ResponseMetadata only', async () => {
    const policy =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/a&b":"x=y+z%"}}}]}\n';
    const { request, result } = await sent(
      (answer) =>
        iamClient(answer).send(
          new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'kms', PolicyDocument: policy }),
        ),
      () => ({ status: 200, body: encodeQueryResponse('iam', 'PutUserPolicy', {}, 'req-put') }),
    );
    expect(request).toEqual({
      action: 'PutUserPolicy',
      version: '2010-05-08',
      input: { UserName: 'alice', PolicyName: 'kms', PolicyDocument: policy },
    });
    expect(result.$metadata.httpStatusCode).toBe(200);
  });

  it('GetAccountSummary: a map is written as entry/key/value and parsed by the SDK', async () => {
    const result = await iamClient(() => ({
      status: 200,
      body: encodeQueryResponse('iam', 'GetAccountSummary', { SummaryMap: { Users: 3, Roles: 0 } }, 'r'),
    })).send(new GetAccountSummaryCommand({}));
    expect(result.SummaryMap).toEqual({ Users: 3, Roles: 0 });
  });

  it('NoSuchEntity is parsed by the SDK into NoSuchEntityException with the message and 404', async () => {
    const error = await iamClient(() => {
      throw new KmsError('NoSuchEntity', 'The user with name bob cannot be found.');
    })
      .send(new GetUserCommand({ UserName: 'bob' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSuchEntityException);
    const e = error as NoSuchEntityException;
    expect(e.name).toBe('NoSuchEntityException');
    expect(e.message).toBe('The user with name bob cannot be found.');
    expect(e.$metadata.httpStatusCode).toBe(404);
    expect(e.$fault).toBe('client');
  });

  it('a model violation answers ValidationError in AWS wording, parsed by the SDK', async () => {
    const error = await iamClient(() => {
      throw new Error('not reached');
    })
      .send(new CreateUserCommand({ UserName: 'bad name' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IAMServiceException);
    const e = error as IAMServiceException;
    expect(e.name).toBe('ValidationError');
    expect(e.message).toBe(
      "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    expect(e.$metadata.httpStatusCode).toBe(400);
  });

  it('an unexpected error is InternalFailure 500 with the fixed message', async () => {
    const error = await iamClient(() => {
      throw new TypeError('secret internals');
    })
      .send(new GetUserCommand({}))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IAMServiceException);
    const e = error as IAMServiceException;
    expect(e.name).toBe('InternalFailure');
    expect(e.message).not.toContain('secret');
    expect(e.$metadata.httpStatusCode).toBe(500);
    expect(e.$fault).toBe('server');
  });
});

describe('STS through @aws-sdk/client-sts', () => {
  it('AssumeRole with PolicyArns, Tags, TransitiveTagKeys and DurationSeconds', async () => {
    const expiration = new Date('2024-05-06T08:08:09.359Z');
    const { request, result } = await sent(
      (answer) =>
        stsClient(answer).send(
          new AssumeRoleCommand({
            RoleArn: 'arn:aws:iam::111122223333:role/app',
            RoleSessionName: 'session-1',
            DurationSeconds: 900,
            PolicyArns: [
              { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
              { arn: 'arn:aws:iam::111122223333:policy/extra' },
            ],
            Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}',
            Tags: [
              { Key: 'project', Value: 'trent' },
              { Key: 'team', Value: 'kms' },
            ],
            TransitiveTagKeys: ['project'],
            SourceIdentity: 'alice',
          }),
        ),
      () => ({
        status: 200,
        body: encodeQueryResponse(
          'sts',
          'AssumeRole',
          {
            Credentials: {
              AccessKeyId: 'ASIAEXAMPLEEXAMPLE01',
              SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
              SessionToken: 'FwoGZXIvYXdzEXAMPLE+/=',
              Expiration: expiration,
            },
            AssumedRoleUser: {
              AssumedRoleId: 'AROAEXAMPLEEXAMPLE01:session-1',
              Arn: 'arn:aws:sts::111122223333:assumed-role/app/session-1',
            },
            PackedPolicySize: 12,
            SourceIdentity: 'alice',
          },
          'req-assume',
        ),
      }),
    );
    expect(request).toEqual({
      action: 'AssumeRole',
      version: '2011-06-15',
      input: {
        RoleArn: 'arn:aws:iam::111122223333:role/app',
        RoleSessionName: 'session-1',
        PolicyArns: [
          { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
          { arn: 'arn:aws:iam::111122223333:policy/extra' },
        ],
        Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}',
        DurationSeconds: 900,
        Tags: [
          { Key: 'project', Value: 'trent' },
          { Key: 'team', Value: 'kms' },
        ],
        TransitiveTagKeys: ['project'],
        SourceIdentity: 'alice',
      },
    });
    expect(result.Credentials).toEqual({
      AccessKeyId: 'ASIAEXAMPLEEXAMPLE01',
      SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      SessionToken: 'FwoGZXIvYXdzEXAMPLE+/=',
      Expiration: expiration,
    });
    expect(result.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111122223333:assumed-role/app/session-1');
    expect(result.PackedPolicySize).toBe(12);
  });

  it('GetCallerIdentity', async () => {
    const { request, result } = await sent(
      (answer) => stsClient(answer).send(new GetCallerIdentityCommand({})),
      () => ({
        status: 200,
        body: encodeQueryResponse(
          'sts',
          'GetCallerIdentity',
          { UserId: 'AIDAEXAMPLEEXAMPLE01', Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/alice' },
          'req-gci',
        ),
      }),
    );
    expect(request).toEqual({ action: 'GetCallerIdentity', version: '2011-06-15', input: {} });
    expect(result).toMatchObject({
      UserId: 'AIDAEXAMPLEEXAMPLE01',
      Account: '111122223333',
      Arn: 'arn:aws:iam::111122223333:user/alice',
    });
  });

  it('a session name AWS refuses is the ValidationError AWS STS sends', async () => {
    const error = await stsClient(() => {
      throw new Error('not reached');
    })
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/app', RoleSessionName: 'bad/name' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(STSServiceException);
    expect((error as STSServiceException).name).toBe('ValidationError');
    expect((error as STSServiceException).message).toBe(
      "1 validation error detected: Value 'bad/name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  });

  it('MalformedPolicyDocument and AccessDenied are parsed by the SDK', async () => {
    const malformed = await stsClient(() => {
      throw new KmsError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
    })
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/app', RoleSessionName: 's1' }))
      .catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(MalformedPolicyDocumentException);
    expect((malformed as MalformedPolicyDocumentException).message).toBe('The policy is not in the valid JSON format.');

    const message =
      'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/app';
    const denied = await stsClient(() => {
      throw new KmsError('AccessDenied', message);
    })
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/app', RoleSessionName: 's1' }))
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(STSServiceException);
    expect((denied as STSServiceException).name).toBe('AccessDenied');
    expect((denied as STSServiceException).message).toBe(message);
    expect((denied as STSServiceException).$metadata.httpStatusCode).toBe(403);
  });
});
