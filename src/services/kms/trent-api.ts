/**
 * Trent's own API beside the AWS ones, for the console (beside KMS, since it explains KMS decisions): `X-Amz-Target: Trent.ExplainPolicy`
 * (AWS JSON 1.1, SigV4 service name `trent`). Authenticated, authorized (`trent:ExplainPolicy`,
 * identity policies; the account root may in its own account) and audited like every request.
 * The answer is what `trent policy explain` prints as JSON.
 */
import type { RawRequest } from '../../auth/index.js';
import { KmsError } from '../../domain/index.js';
import { authorize } from '../../pipeline/authorize.js';
import { globalConditionKeys } from '../../pipeline/context.js';
import type { AwsService } from '../../pipeline/service.js';
import { errorResponse, JSON_11_CONTENT_TYPE, parseBody } from '../../protocol/index.js';
import { explainKeyAccess } from './explain.js';

const TARGET = 'Trent.ExplainPolicy';

const header = (req: RawRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

interface ExplainInput {
  PrincipalArn: string;
  Action: string;
  KeyArn: string;
  EncryptionContext?: Record<string, string>;
}

function checkInput(value: unknown): ExplainInput {
  const o = (value ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const name of ['PrincipalArn', 'Action', 'KeyArn']) {
    if (typeof o[name] !== 'string' || o[name] === '') problems.push(`${name} is required and must be a string`);
  }
  const ec = o.EncryptionContext;
  if (
    ec !== undefined &&
    (typeof ec !== 'object' || ec === null || Object.values(ec).some((v) => typeof v !== 'string'))
  ) {
    problems.push('EncryptionContext must map strings to strings');
  }
  if (problems.length) throw new KmsError('ValidationException', problems.join('; '));
  return o as unknown as ExplainInput;
}

export const TRENT_SERVICE: AwsService = {
  signingName: 'trent',
  eventSource: 'trent.amazonaws.com',
  global: false,
  internalErrorCode: 'InternalFailure',
  schema: {},
  speaks: (req) => header(req, 'x-amz-target') === TARGET,
  decode(req) {
    if (header(req, 'x-amz-target') !== TARGET) throw new KmsError('UnknownOperationException', '');
    return { operation: 'ExplainPolicy', input: parseBody(req.body) };
  },
  validate(_operation, input) {
    checkInput(input);
  },
  facts: (operation) =>
    operation === 'ExplainPolicy' ? { name: operation, readOnly: true, returnsSecret: false } : undefined,
  async execute(_operation, input, caller, services) {
    await authorize(
      caller,
      services,
      { action: 'trent:ExplainPolicy', resource: '*', context: globalConditionKeys(caller), mode: 'identity-only' },
      'AccessDeniedException',
    );
    const q = input as ExplainInput;
    // Only keys of the caller's own account can be explained.
    if (q.KeyArn.split(':')[4] !== caller.principal.accountId) {
      throw new KmsError(
        'AccessDeniedException',
        `User: ${caller.principal.arn} may explain only keys of its own account`,
      );
    }
    return explainKeyAccess(services, {
      principalArn: q.PrincipalArn,
      action: q.Action,
      keyArn: q.KeyArn,
      encryptionContext: q.EncryptionContext,
    });
  },
  encode: (_operation, output) => ({
    status: 200,
    body: Buffer.from(JSON.stringify(output)),
    contentType: JSON_11_CONTENT_TYPE,
  }),
  error: (err, requestId) => ({ ...errorResponse(err, requestId), contentType: JSON_11_CONTENT_TYPE }),
};
