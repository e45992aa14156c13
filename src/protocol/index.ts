/** The wire protocols: AWS JSON 1.1 as AWS KMS speaks it (routing, request decoding and validation, response encoding, errors) and AWS Query (query/: IAM, STS). */
export { ACCEPTED_CONTENT_TYPES, JSON_11_CONTENT_TYPE, checkContentType, parseTarget, routeRequest } from './target.js';
export { MAX_JSON_DEPTH, decodeAgainstSchema, decodeInput, parseBody } from './decode.js';
export { MAX_REPORTED_VIOLATIONS, validateAgainstSchema, validateInput, validateShape } from './validate.js';
export { encodeAgainstSchema, encodeOutput, encodeShape } from './encode.js';
export { INTERNAL_ERROR_MESSAGE, errorResponse } from './errors.js';
export type { ErrorResponse, JsonErrorTable } from './errors.js';
export * from './query/index.js';
