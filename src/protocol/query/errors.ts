/**
 * The one place where a thrown value becomes a Query error response (STYLE rule 5):
 * `<ErrorResponse xmlns="..."><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>...`
 * `</Message></Error><RequestId>...</RequestId></ErrorResponse>`, Content-Type text/xml. A
 * KmsError's code is the wire code (`NoSuchEntity`; a model shape name such as
 * NoSuchEntityException is accepted and sent as its code), and its status comes from the service's
 * generated error table (NoSuchEntity 404, EntityAlreadyExists 409, AccessDenied 403, 400 for a
 * code the table does not know); server faults are `<Type>Receiver</Type>`. An empty message is
 * left out, as AWS STS does for MalformedInput. Anything that is not a KmsError becomes
 * InternalFailure (500) with a fixed message, and the caller is told to log it in full with the
 * request id. The status never depends on message text.
 */
import { isKmsError } from '../../domain/index.js';
import type { ErrorResponse } from '../errors.js';
import { QUERY_RESPONSE_CONTENT_TYPE } from './encode.js';
import { QUERY_SERVICES, type QueryService } from './services.js';
import { XmlWriter } from './xml.js';

/** InternalFailure's description in the IAM and STS API references (Common Errors). */
export const QUERY_INTERNAL_ERROR_MESSAGE =
  'The request processing has failed because of an unknown error, exception or failure.';

/**
 * Errors AWS answers before the request reaches the service, in the namespace of AWS's generic
 * fault document rather than the service's (recorded from AWS STS: InvalidAction).
 */
const AWS_FAULT_NAMESPACE = 'http://webservices.amazon.com/AWSFault/2005-15-09';
const FRONT_DOOR_CODES: ReadonlySet<string> = new Set(['InvalidAction']);

export interface QueryErrorResponse extends ErrorResponse {
  readonly contentType: typeof QUERY_RESPONSE_CONTENT_TYPE;
}

export function queryErrorResponse(service: QueryService, err: unknown, requestId: string): QueryErrorResponse {
  const model = QUERY_SERVICES[service];
  if (isKmsError(err)) {
    const spec = model.errorSpecFor(err.code);
    const code = spec?.code ?? err.code;
    const namespace = FRONT_DOOR_CODES.has(code) ? AWS_FAULT_NAMESPACE : model.xmlNamespace;
    return {
      status: spec?.status ?? 400,
      code,
      contentType: QUERY_RESPONSE_CONTENT_TYPE,
      body: errorDocument(namespace, spec?.fault === true, code, err.message, requestId),
    };
  }
  const code = 'InternalFailure';
  return {
    status: model.errorSpecFor(code)?.status ?? 500,
    code,
    contentType: QUERY_RESPONSE_CONTENT_TYPE,
    body: errorDocument(model.xmlNamespace, true, code, QUERY_INTERNAL_ERROR_MESSAGE, requestId),
    log: { requestId, error: err },
  };
}

function errorDocument(namespace: string, fault: boolean, code: string, message: string, requestId: string): Buffer {
  const xml = new XmlWriter().open('ErrorResponse', { xmlns: namespace }).open('Error');
  xml.leaf('Type', fault ? 'Receiver' : 'Sender').leaf('Code', code);
  if (message !== '') xml.leaf('Message', message);
  return xml.close('Error').leaf('RequestId', requestId).close('ErrorResponse').toBuffer();
}
