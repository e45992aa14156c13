import { describe, expect, it } from 'vitest';
import { KmsError } from '../../domain/index.js';
import { QUERY_INTERNAL_ERROR_MESSAGE, queryErrorResponse } from './index.js';

describe('queryErrorResponse', () => {
  it('writes the ErrorResponse document with the model code and status', () => {
    const r = queryErrorResponse(
      'iam',
      new KmsError('NoSuchEntity', 'The user with name bob cannot be found.'),
      'req-1',
    );
    expect(r.status).toBe(404);
    expect(r.code).toBe('NoSuchEntity');
    expect(r.contentType).toBe('text/xml');
    expect(r.log).toBeUndefined();
    expect(r.body.toString()).toBe(
      [
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">',
        '  <Error>',
        '    <Type>Sender</Type>',
        '    <Code>NoSuchEntity</Code>',
        '    <Message>The user with name bob cannot be found.</Message>',
        '  </Error>',
        '  <RequestId>req-1</RequestId>',
        '</ErrorResponse>',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['iam', 'EntityAlreadyExists', 409, 'Sender'],
    ['iam', 'DeleteConflict', 409, 'Sender'],
    ['iam', 'LimitExceeded', 409, 'Sender'],
    ['iam', 'MalformedPolicyDocument', 400, 'Sender'],
    ['iam', 'InvalidInput', 400, 'Sender'],
    ['iam', 'ServiceFailure', 500, 'Receiver'],
    ['iam', 'ValidationError', 400, 'Sender'],
    ['iam', 'AccessDenied', 403, 'Sender'],
    ['sts', 'AccessDenied', 403, 'Sender'],
    ['sts', 'MalformedPolicyDocument', 400, 'Sender'],
    ['sts', 'PackedPolicyTooLarge', 400, 'Sender'],
    ['sts', 'RegionDisabledException', 403, 'Sender'],
    ['sts', 'ExpiredTokenException', 400, 'Sender'],
    ['sts', 'InvalidClientTokenId', 403, 'Sender'],
    ['sts', 'NoSuchThing', 400, 'Sender'],
  ] as const)('%s %s -> %d %s', (service, code, status, type) => {
    const r = queryErrorResponse(service, new KmsError(code, 'm'), 'r');
    expect(r.status).toBe(status);
    expect(r.code).toBe(code);
    expect(r.body.toString()).toContain(`<Type>${type}</Type>\n    <Code>${code}</Code>`);
  });

  it('sends a model shape name as its wire code', () => {
    const r = queryErrorResponse('iam', new KmsError('NoSuchEntityException', 'gone'), 'r');
    expect(r.code).toBe('NoSuchEntity');
    expect(r.status).toBe(404);
    expect(r.body.toString()).toContain('<Code>NoSuchEntity</Code>');
  });

  it('leaves out an empty message and escapes the rest', () => {
    expect(queryErrorResponse('sts', new KmsError('MalformedInput', ''), 'r').body.toString()).not.toContain(
      '<Message>',
    );
    expect(queryErrorResponse('sts', new KmsError('ValidationError', "Value 'a<b>&c'"), 'r').body.toString()).toContain(
      '<Message>Value &apos;a&lt;b&gt;&amp;c&apos;</Message>',
    );
  });

  it("answers InvalidAction in AWS's generic fault namespace (recorded from AWS STS)", () => {
    const r = queryErrorResponse(
      'sts',
      new KmsError('InvalidAction', 'Could not find operation X for version 2011-06-15'),
      'r',
    );
    expect(r.status).toBe(400);
    expect(r.body.toString()).toContain('<ErrorResponse xmlns="http://webservices.amazon.com/AWSFault/2005-15-09">');
    expect(queryErrorResponse('sts', new KmsError('AccessDenied', 'x'), 'r').body.toString()).toContain(
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
    );
  });

  it.each([new Error('secret stack detail'), new TypeError('x'), 'a string', undefined, { code: 'NoSuchEntity' }])(
    'turns anything else (%j) into InternalFailure 500 with a fixed message and asks for a log',
    (err) => {
      const r = queryErrorResponse('iam', err, 'req-9');
      expect(r.status).toBe(500);
      expect(r.code).toBe('InternalFailure');
      const body = r.body.toString();
      expect(body).toContain('<Type>Receiver</Type>');
      expect(body).toContain(`<Message>${QUERY_INTERNAL_ERROR_MESSAGE}</Message>`);
      expect(body).not.toContain('secret');
      expect(r.log).toEqual({ requestId: 'req-9', error: err });
    },
  );
});
