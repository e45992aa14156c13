import { describe, expect, it } from 'vitest';
import { KmsError } from '../domain/index.js';
import { INTERNAL_ERROR_MESSAGE, errorResponse } from './errors.js';

const json = (b: Buffer): unknown => JSON.parse(b.toString('utf8'));

describe('errorResponse', () => {
  it('renders a KmsError as {__type, message} with status 400', () => {
    const r = errorResponse(new KmsError('NotFoundException', 'Key x does not exist'), 'req-1');
    expect(r.status).toBe(400);
    expect(r.code).toBe('NotFoundException');
    expect(json(r.body)).toEqual({ __type: 'NotFoundException', message: 'Key x does not exist' });
    expect(r.log).toBeUndefined();
  });

  it('omits an empty message, as AWS does for InvalidCiphertextException', () => {
    const r = errorResponse(new KmsError('InvalidCiphertextException', ''), 'req-1');
    expect(r.body.toString()).toBe('{"__type":"InvalidCiphertextException"}');
    expect(r.status).toBe(400);
  });

  it('uses the error table, not the message text, for the status', () => {
    expect(errorResponse(new KmsError('KMSInternalException', 'boom'), 'r').status).toBe(500);
    expect(errorResponse(new KmsError('ValidationException', 'internal error 500'), 'r').status).toBe(400);
    expect(errorResponse(new KmsError('DependencyTimeoutException', 'slow'), 'r').status).toBe(503);
  });

  it.each([
    new Error('secret stack detail'),
    new TypeError('x is undefined'),
    'a string',
    undefined,
    { code: 'NotFoundException' },
  ])('turns anything else (%j) into KMSInternalException with a fixed message and asks for a log', (err) => {
    const r = errorResponse(err, 'req-9');
    expect(r.status).toBe(500);
    expect(json(r.body)).toEqual({
      __type: 'KMSInternalException',
      message: INTERNAL_ERROR_MESSAGE,
    });
    expect(r.body.toString()).not.toContain('secret');
    expect(r.log).toEqual({ requestId: 'req-9', error: err });
  });
});
