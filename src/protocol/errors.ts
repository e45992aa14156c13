/**
 * The one place where a thrown value becomes a response (STYLE rule 5). A KmsError becomes
 * `{"__type": code, "message": message}` with the status from the generated error table (400 for
 * every client error); anything else becomes KMSInternalException with a fixed message, and the
 * caller is told to log the original in full with the request id. The status never depends on
 * message text.
 */
import { isKmsError } from '../domain/index.js';
import { httpStatusFor } from '../model/index.js';

/** KMSInternalException's description in the AWS model. */
export const INTERNAL_ERROR_MESSAGE =
  'The request was rejected because an internal exception occurred. The request can be retried.';

export interface ErrorResponse {
  readonly status: number;
  /** the AWS error name, for the audit event's errorCode and for metrics */
  readonly code: string;
  readonly body: Buffer;
  /** present when the error was unexpected: the caller must log `error` in full with `requestId` */
  readonly log?: { readonly requestId: string; readonly error: unknown };
}

/** A JSON service's error table and internal error, where it is not KMS. */
export interface JsonErrorTable {
  statusFor(code: string): number;
  internal: { code: string; message: string };
}

const KMS_ERRORS: JsonErrorTable = {
  statusFor: httpStatusFor,
  internal: { code: 'KMSInternalException', message: INTERNAL_ERROR_MESSAGE },
};

export function errorResponse(err: unknown, requestId: string, table: JsonErrorTable = KMS_ERRORS): ErrorResponse {
  if (isKmsError(err)) {
    const body: { __type: string; message?: string } = { __type: err.code };
    // AWS omits the message when there is none (e.g. InvalidCiphertextException).
    if (err.message !== '') body.message = err.message;
    return {
      status: table.statusFor(err.code),
      code: err.code,
      body: Buffer.from(JSON.stringify(body)),
    };
  }
  const { code, message } = table.internal;
  return {
    status: table.statusFor(code),
    code,
    body: Buffer.from(JSON.stringify({ __type: code, message })),
    log: { requestId, error: err },
  };
}
