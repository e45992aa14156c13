/** Public surface of auth/: SigV4 verification over the raw request; credentials -> principal. */
export {
  authenticate,
  claimedPrincipal,
  DEFAULT_MAX_SKEW_MS,
  type Authenticated,
  type AuthOptions,
  type CredentialLookup,
  type CredentialRecord,
  type RawRequest,
} from './authenticate.js';
export { EXPIRED_TOKEN, UNRECOGNIZED_CLIENT, expiredToken } from './messages.js';
export {
  SESSION_SECRET_RECORD,
  SESSION_TOKEN_BYTES,
  newSessionToken,
  sessionTokenHash,
  sessionTokenMatches,
} from './session-token.js';
export { INVALID_CLIENT_TOKEN_ID, temporaryCredentialRefusal } from './temporary-credentials.js';
