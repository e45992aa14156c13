import { describe, expect, it } from 'vitest';
import { KmsError } from '../domain/index.js';
import { checkContentType, parseTarget, routeRequest } from './target.js';

function thrown(f: () => unknown): KmsError {
  try {
    f();
  } catch (e) {
    if (e instanceof KmsError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('parseTarget', () => {
  it('maps TrentService.<Op> to the operation', () => {
    expect(parseTarget('TrentService.Encrypt')).toBe('Encrypt');
    expect(parseTarget('TrentService.ListKeys')).toBe('ListKeys');
  });

  it.each([
    undefined,
    '',
    'Encrypt',
    'TrentService.',
    'TrentService.encrypt',
    'Kinesis_20131202.Encrypt',
    'TrentService.Nope',
    'TrentService.constructor',
    'TrentService.__proto__',
    'trentservice.Encrypt',
  ])('answers %j with a message-less UnknownOperationException', (header) => {
    const e = thrown(() => parseTarget(header));
    expect(e.code).toBe('UnknownOperationException');
    expect(e.message).toBe('');
  });
});

describe('checkContentType', () => {
  it('accepts the JSON 1.1 media type, with parameters and in any case', () => {
    expect(() => checkContentType('application/x-amz-json-1.1')).not.toThrow();
    expect(() => checkContentType('Application/X-Amz-Json-1.1; charset=utf-8')).not.toThrow();
  });

  it.each([undefined, '', 'application/x-amz-json-1.0', 'text/plain', 'application/json'])('rejects %j', (header) => {
    expect(thrown(() => checkContentType(header)).code).toBe('UnknownOperationException');
  });

  it('routes a request', () => {
    expect(routeRequest({ target: 'TrentService.Decrypt', contentType: 'application/x-amz-json-1.1' })).toBe('Decrypt');
  });
});
