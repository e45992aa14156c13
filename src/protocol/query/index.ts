/** AWS Query as IAM and STS speak it: form-urlencoded requests, XML responses and errors. */
export { QUERY_SERVICES, isQueryService } from './services.js';
export type {
  QueryErrorSpec,
  QueryOperationInput,
  QueryOperationName,
  QueryOperationOutput,
  QueryOperationSpec,
  QueryService,
  QueryServiceModel,
} from './services.js';
export { FORM_CONTENT_TYPE, isFormContentType, parseForm } from './form.js';
export { NO_VERSION_SPECIFIED, decodeQueryRequest } from './decode.js';
export type { QueryRequest } from './decode.js';
export { QUERY_VALIDATION_ERROR, validateQueryInput } from './validate.js';
export { QUERY_RESPONSE_CONTENT_TYPE, encodeQueryResponse, xmlTimestamp } from './encode.js';
export { QUERY_INTERNAL_ERROR_MESSAGE, queryErrorResponse } from './errors.js';
export type { QueryErrorResponse } from './errors.js';
