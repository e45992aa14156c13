/**
 * KMS behind the front door: AWS JSON 1.1 (X-Amz-Target `TrentService.<Operation>`), the KMS
 * model, and the key pipeline (pipeline.ts) that every KMS operation goes through.
 */
import type { RawRequest } from '../../auth/index.js';
import { returnsSecret, type AuditSchema } from '../../audit/index.js';
import { KmsError } from '../../domain/index.js';
import { OPERATIONS, SCHEMA, type OperationName } from '../../model/index.js';
import type { AwsService, OperationFacts } from '../../pipeline/service.js';
import {
  JSON_11_CONTENT_TYPE,
  decodeInput,
  encodeOutput,
  errorResponse,
  routeRequest,
  validateInput,
} from '../../protocol/index.js';
import { execute } from './pipeline.js';
import { NOT_YET, REGISTRY } from './registry.js';
import type { Operation } from './types.js';

const header = (req: RawRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const built = (operation: string): Operation<OperationName> | undefined => {
  if (!Object.hasOwn(REGISTRY, operation)) return undefined;
  const op = REGISTRY[operation as OperationName];
  return op === NOT_YET ? undefined : (op as Operation<OperationName>);
};

/**
 * The model as the audit reads it: grant tokens are bearer credentials, so CloudTrail's view of a
 * request or response leaves them out like any secret.
 */
const AUDIT_SCHEMA: AuditSchema = {
  ...SCHEMA,
  GrantTokenType: { ...SCHEMA.GrantTokenType, sensitive: true },
  // ct-create-keystore, ct-update-keystore: the cluster id is `clusterId` (auditDefaults copy it),
  // and neither the trust anchor certificate nor the password is recorded.
  CreateCustomKeyStoreRequest: auditedKeyStoreRequest('CreateCustomKeyStoreRequest'),
  UpdateCustomKeyStoreRequest: auditedKeyStoreRequest('UpdateCustomKeyStoreRequest'),
};

function auditedKeyStoreRequest(
  shape: 'CreateCustomKeyStoreRequest' | 'UpdateCustomKeyStoreRequest',
): AuditSchema[string] {
  const { CloudHsmClusterId, TrustAnchorCertificate: _omitted, ...members } = SCHEMA[shape]!.members!;
  return { ...SCHEMA[shape]!, members: { ...members, ...(CloudHsmClusterId ? { ClusterId: CloudHsmClusterId } : {}) } };
}

const FACTS: ReadonlyMap<string, OperationFacts> = new Map(
  (Object.keys(OPERATIONS) as OperationName[]).map((name) => {
    const op = built(name);
    return [
      name,
      {
        name,
        readOnly: op ? op.readOnly : true,
        returnsSecret: returnsSecret(name),
        inputShape: OPERATIONS[name].input,
        outputShape: OPERATIONS[name].output,
        auditDefaults: op?.auditDefaults as OperationFacts['auditDefaults'],
      },
    ];
  }),
);

export const KMS_SERVICE: AwsService = {
  signingName: 'kms',
  eventSource: 'kms.amazonaws.com',
  global: false,
  internalErrorCode: 'KMSInternalException',
  schema: AUDIT_SCHEMA,
  speaks: (req) => header(req, 'x-amz-target')?.startsWith('TrentService.') === true,
  decode(req) {
    const operation = routeRequest({ target: header(req, 'x-amz-target'), contentType: header(req, 'content-type') });
    return { operation, input: decodeInput(operation, req.body) };
  },
  validate(operation, input) {
    const violations = validateInput(operation as OperationName, input);
    if (violations) throw new KmsError('ValidationException', violations);
  },
  facts: (operation) => FACTS.get(operation),
  async execute(operation, input, caller, services) {
    const op = built(operation);
    if (!op) {
      throw new KmsError('UnsupportedOperationException', `${operation} is not supported by this server yet.`);
    }
    return execute(op, input as never, caller, services);
  },
  encode: (operation, output) => ({
    status: 200,
    body: encodeOutput(operation as OperationName, output as never),
    contentType: JSON_11_CONTENT_TYPE,
  }),
  error(err, requestId) {
    const res = errorResponse(err, requestId);
    return { ...res, contentType: JSON_11_CONTENT_TYPE };
  },
};
