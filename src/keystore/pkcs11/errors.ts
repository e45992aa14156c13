/**
 * Why an HSM cannot be used, as AWS KMS names it for a CloudHSM key store (ConnectionErrorCode,
 * DescribeCustomKeyStores), so the custom key store API can show it as is. Messages name the
 * module, the token and the cluster, never a PIN.
 */

/** The ConnectionErrorCode values that apply to a PKCS#11 HSM. */
export type HsmErrorCode =
  | 'INVALID_CREDENTIALS'
  | 'USER_LOCKED_OUT'
  | 'USER_NOT_FOUND'
  | 'USER_LOGGED_IN'
  | 'CLUSTER_NOT_FOUND'
  | 'INSUFFICIENT_CLOUDHSM_HSMS'
  | 'NETWORK_ERRORS'
  | 'INTERNAL_ERROR';

/** What went wrong, more precisely than the code (for logs and tests). */
export type HsmFailure =
  | 'module-not-found'
  | 'token-not-found'
  | 'pin-incorrect'
  | 'pin-locked'
  | 'user-pin-not-initialized'
  | 'token-removed'
  | 'too-few-hsms'
  | 'key-not-found'
  | 'internal';

const CODES: Readonly<Record<HsmFailure, HsmErrorCode>> = {
  'module-not-found': 'CLUSTER_NOT_FOUND',
  'token-not-found': 'CLUSTER_NOT_FOUND',
  'pin-incorrect': 'INVALID_CREDENTIALS',
  'pin-locked': 'USER_LOCKED_OUT',
  'user-pin-not-initialized': 'USER_NOT_FOUND',
  'token-removed': 'NETWORK_ERRORS',
  'too-few-hsms': 'INSUFFICIENT_CLOUDHSM_HSMS',
  'key-not-found': 'INTERNAL_ERROR',
  internal: 'INTERNAL_ERROR',
};

export class HsmError extends Error {
  readonly code: HsmErrorCode;
  constructor(
    readonly failure: HsmFailure,
    message: string,
    /** The PKCS#11 return value behind it (`CKR_PIN_INCORRECT`), when there is one. */
    readonly ckr?: string,
  ) {
    super(ckr ? `${message} (${ckr})` : message);
    this.name = 'HsmError';
    this.code = CODES[failure];
  }
}

/**
 * PKCS#11 return values that mean the token (or the module's session with it) is gone: the token
 * was removed, the library was finalized, the device failed. Any other error is the operation's.
 */
export const TOKEN_GONE = new Set([
  'CKR_DEVICE_REMOVED',
  'CKR_DEVICE_ERROR',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_TOKEN_NOT_RECOGNIZED',
  'CKR_SLOT_ID_INVALID',
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_CRYPTOKI_NOT_INITIALIZED',
  'CKR_USER_NOT_LOGGED_IN',
]);

/** The failure a C_Login return value means. */
export function loginFailure(ckr: string | undefined): HsmFailure {
  switch (ckr) {
    case 'CKR_PIN_INCORRECT':
    case 'CKR_PIN_INVALID':
    case 'CKR_PIN_LEN_RANGE':
      return 'pin-incorrect';
    case 'CKR_PIN_LOCKED':
    case 'CKR_PIN_EXPIRED':
      return 'pin-locked';
    case 'CKR_USER_PIN_NOT_INITIALIZED':
      return 'user-pin-not-initialized';
    default:
      return ckr !== undefined && TOKEN_GONE.has(ckr) ? 'token-removed' : 'internal';
  }
}
