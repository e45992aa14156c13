/** Public surface of auth/: SigV4 verification over the raw request; credentials -> principal. */
export {
  authenticate,
  DEFAULT_MAX_SKEW_MS,
  type Authenticated,
  type AuthOptions,
  type CredentialLookup,
  type CredentialRecord,
  type RawRequest,
} from './authenticate.js';
