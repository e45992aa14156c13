/**
 * Routing of an AWS JSON 1.1 request: the X-Amz-Target header names the operation and the
 * Content-Type must be the JSON 1.1 media type.
 */
import { KmsError } from '../domain/index.js';
import { TARGET_PREFIX, isOperationName, type OperationName } from '../model/index.js';

/** The media type of AWS JSON 1.1 requests and responses. */
export const JSON_11_CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * Media types accepted on requests. Every AWS SDK and the AWS CLI send only the JSON 1.1 type, so
 * Trent accepts only that (parameters such as `; charset=utf-8` are ignored).
 */
export const ACCEPTED_CONTENT_TYPES: readonly string[] = [JSON_11_CONTENT_TYPE];

/**
 * AWS answers an unroutable request with `{"__type":"UnknownOperationException"}` and no message
 * (recorded in aws/aws-sdk-net#1536), which is what an empty KmsError message renders to.
 */
function unknownOperation(): KmsError {
  return new KmsError('UnknownOperationException', '');
}

/** `TrentService.Encrypt` -> `Encrypt`; a missing, malformed or unknown target -> UnknownOperationException. */
export function parseTarget(header: string | undefined): OperationName {
  if (header === undefined) throw unknownOperation();
  const dot = header.indexOf('.');
  if (dot < 0 || header.slice(0, dot) !== TARGET_PREFIX) throw unknownOperation();
  const name = header.slice(dot + 1);
  if (!isOperationName(name)) throw unknownOperation();
  return name;
}

/** Throws UnknownOperationException unless the Content-Type is an accepted JSON 1.1 type. */
export function checkContentType(header: string | undefined): void {
  const mediaType = (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (!ACCEPTED_CONTENT_TYPES.includes(mediaType)) throw unknownOperation();
}

/** Both checks, in the order a request is routed. */
export function routeRequest(headers: { target: string | undefined; contentType: string | undefined }): OperationName {
  checkContentType(headers.contentType);
  return parseTarget(headers.target);
}
