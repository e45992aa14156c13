import { describe, expect, it } from 'vitest';
import type { RawRequest } from '../auth/index.js';
import { KmsError } from '../domain/index.js';
import { cloudtrail } from '../model/index.js';
import { jsonService } from './json-service.js';
import type { Caller, Services } from './types.js';

const request = (target: string | undefined, body = '{}', contentType = 'application/x-amz-json-1.1'): RawRequest => ({
  method: 'POST',
  url: '/',
  headers: { 'content-type': contentType, ...(target !== undefined ? { 'x-amz-target': target } : {}) },
  body: Buffer.from(body),
});

const thrown = (f: () => unknown): KmsError => {
  try {
    f();
  } catch (err) {
    return err as KmsError;
  }
  throw new Error('expected an error');
};

const service = (operations: Parameters<typeof jsonService>[0]['operations'] = {}) =>
  jsonService({
    signingName: 'cloudtrail',
    eventSource: 'cloudtrail.amazonaws.com',
    model: cloudtrail,
    operations,
    internalError: { code: 'InternalFailure', message: 'internal' },
  });

describe('jsonService', () => {
  it('speaks the whole target prefix and the Smithy service name alone', () => {
    const api = service();
    expect(api.speaks(request('com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents'))).toBe(true);
    expect(api.speaks(request('CloudTrail_20131101.LookupEvents'))).toBe(true);
    expect(api.speaks(request('TrentService.Encrypt'))).toBe(false);
    expect(api.speaks(request(undefined))).toBe(false);
    expect(api.decode(request('CloudTrail_20131101.LookupEvents', '{"MaxResults":3}'))).toEqual({
      operation: 'LookupEvents',
      input: { MaxResults: 3 },
    });
  });

  it('answers an unknown operation or media type with a bare UnknownOperationException', () => {
    const api = service();
    for (const req of [
      request('CloudTrail_20131101.DescribeTrails'),
      request('CloudTrail_20131101.'),
      request('CloudTrail_20131101.LookupEvents', '{}', 'application/json'),
    ]) {
      const err = thrown(() => api.decode(req));
      expect([err.code, err.message]).toEqual(['UnknownOperationException', '']);
      expect(JSON.parse(api.error(err, 'r').body.toString())).toEqual({ __type: 'UnknownOperationException' });
    }
  });

  it('runs the precheck before the model, and the model with AWS wording', () => {
    const api = service({
      LookupEvents: {
        name: 'LookupEvents',
        readOnly: true,
        precheck: (input: { MaxResults?: number }) => {
          if (input.MaxResults === 99) throw new KmsError('InvalidMaxResultsException', 'no');
        },
        run: () => Promise.resolve({}),
      },
    });
    expect(thrown(() => api.validate('LookupEvents', { MaxResults: 99 })).code).toBe('InvalidMaxResultsException');
    const err = thrown(() => api.validate('LookupEvents', { MaxResults: 51 }));
    expect([err.code, err.message]).toEqual([
      'ValidationException',
      "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
    ]);
    expect(api.facts('LookupEvents')).toMatchObject({
      readOnly: true,
      returnsSecret: false,
      inputShape: 'LookupEventsRequest',
    });
  });

  it('encodes only modelled members, timestamps as epoch seconds; errors as {__type, message}', async () => {
    const api = service();
    const body = api.encode(
      'LookupEvents',
      { Events: [{ EventId: 'e', EventTime: new Date('2026-01-01T00:00:01.500Z'), internal: 'x' }] },
      'r',
    );
    expect(JSON.parse(body.body.toString())).toEqual({ Events: [{ EventId: 'e', EventTime: 1767225601.5 }] });
    expect(body.contentType).toBe('application/x-amz-json-1.1');
    const denied = api.error(new KmsError('AccessDeniedException', 'no'), 'r');
    expect([denied.status, JSON.parse(denied.body.toString())]).toEqual([
      400,
      { __type: 'AccessDeniedException', message: 'no' },
    ]);
    const internal = api.error(new Error('boom'), 'r');
    expect([internal.status, internal.code, internal.log?.requestId]).toEqual([500, 'InternalFailure', 'r']);
    await expect(api.execute('LookupEvents', {}, {} as Caller, {} as Services)).rejects.toMatchObject({
      code: 'UnknownOperationException',
      message: 'LookupEvents is not offered by this server.',
    });
  });
});
