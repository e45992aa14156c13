/**
 * What temporary credentials may not do whatever their policies say (AWS STS API Reference,
 * GetSessionToken; IAM User Guide, "Compare AWS STS credentials"):
 * - no temporary credentials may call GetSessionToken ("Cannot call GetSessionToken with session
 *   credentials", AccessDenied, as AWS answers);
 * - GetSessionToken credentials without MFA may not call IAM (AWS answers as if the token were
 *   unknown: InvalidClientTokenId), and of STS only AssumeRole and GetCallerIdentity.
 * The front door calls this once the caller is authenticated and the operation known.
 */
import { KmsError, type Principal } from '../domain/index.js';

/** STS operations GetSessionToken credentials may call. */
const STS_ALLOWED_WITHOUT_MFA: ReadonlySet<string> = new Set(['AssumeRole', 'GetCallerIdentity']);

/** IAM and STS (Query services) name an unknown token so, with HTTP 403. */
export const INVALID_CLIENT_TOKEN_ID = 'InvalidClientTokenId';

/**
 * The refusal for `operation` of `service` (its SigV4 signing name: kms, iam, sts) by `principal`,
 * or undefined when temporary credentials do not matter here.
 */
export function temporaryCredentialRefusal(
  principal: Principal,
  service: string,
  operation: string,
): KmsError | undefined {
  const session = principal.session;
  if (!session) return undefined;
  if (service === 'sts' && operation === 'GetSessionToken') return sessionCredentialsRefused(operation);
  if (session.kind !== 'GetSessionToken' || session.mfaAuthenticated) return undefined;
  if (service === 'iam') {
    return new KmsError(INVALID_CLIENT_TOKEN_ID, 'The security token included in the request is invalid');
  }
  if (service === 'sts' && !STS_ALLOWED_WITHOUT_MFA.has(operation)) return sessionCredentialsRefused(operation);
  return undefined;
}

function sessionCredentialsRefused(operation: string): KmsError {
  return new KmsError('AccessDenied', `Cannot call ${operation} with session credentials`);
}
