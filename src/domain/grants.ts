/**
 * KMS grants as records: what storage keeps and operations work with ("Grants in AWS KMS", AWS KMS
 * Developer Guide). The rules that decide what a grant allows are in policy/grants.ts.
 */

/** AWS's grant operations (the model's GrantOperation enum), in its order. */
export const GRANT_OPERATIONS = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'GetPublicKey',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
] as const;

export type GrantOperation = (typeof GRANT_OPERATIONS)[number];

const GRANT_OPERATION_SET: ReadonlySet<string> = new Set(GRANT_OPERATIONS);

export const isGrantOperation = (name: string): name is GrantOperation => GRANT_OPERATION_SET.has(name);

export type EncryptionContextMap = Readonly<Record<string, string>>;

/**
 * Grant constraints ("Using grant constraints"): the encryption context pairs a request must
 * match exactly (Equals) or include (Subset), and the resource a service principal acts for.
 */
export interface GrantConstraints {
  encryptionContextEquals?: EncryptionContextMap | undefined;
  encryptionContextSubset?: EncryptionContextMap | undefined;
  sourceArn?: string | undefined;
}

export interface GrantRecord {
  /** 64 lowercase hex characters, as AWS's grant ids. */
  grantId: string;
  /** The key ARN the grant is on (ListGrants' KeyId). */
  keyArn: string;
  /** The friendly name (GrantNameType); names are not unique, they make retries idempotent. */
  name?: string | undefined;
  /** Exactly one of granteePrincipal and granteeServicePrincipal is set. */
  granteePrincipal?: string | undefined;
  granteeServicePrincipal?: string | undefined;
  /** At most one of these is set. */
  retiringPrincipal?: string | undefined;
  retiringServicePrincipal?: string | undefined;
  /** The account that owns the key, as arn:<partition>:iam::<account>:root (ListGrants' IssuingAccount). */
  issuingAccount: string;
  /** In the order the caller gave them, without duplicates. */
  operations: GrantOperation[];
  constraints?: GrantConstraints | undefined;
  creationDate: Date;
}

/** AWS quota "Grants for a given principal per KMS key" (resource-limits.html): 500. */
export const GRANTS_PER_GRANTEE_PER_KEY = 500;

export const GRANT_ID_PATTERN = /^[0-9a-f]{64}$/;

/** A new grant id from 32 random bytes. */
export const newGrantId = (random: (n: number) => Buffer): string => random(32).toString('hex');

/** The account id and region of a key ARN (arn:<partition>:kms:<region>:<account>:key/<id>). */
export function keyArnScope(keyArn: string): { region: string; accountId: string; partition: string } {
  const [arn, partition, service, region, accountId] = keyArn.split(':');
  if (arn !== 'arn' || service !== 'kms' || !partition || !region || !accountId) {
    throw new Error(`grants: not a key ARN: ${keyArn}`);
  }
  return { region, accountId, partition };
}

/** The IssuingAccount of a grant on `keyArn`: the key owner's root. */
export function issuingAccountOf(keyArn: string): string {
  const { partition, accountId } = keyArnScope(keyArn);
  return `arn:${partition}:iam::${accountId}:root`;
}

/*
 * Grant tokens. AWS's are "unique, non-secret, variable-length, base64-encoded" strings that name a
 * grant; each CreateGrant call returns a new one, and all tokens of one grant are interchangeable.
 * Ours carry a version byte, the grant id, a random nonce (so every call's token differs) and the
 * key ARN, base64url without padding. A token is evidence of a grant only: whoever presents it is
 * still checked against the grant it names, which must still exist.
 */

const TOKEN_VERSION = 1;
const NONCE_BYTES = 16;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

export function encodeGrantToken(grantId: string, keyArn: string, random: (n: number) => Buffer): string {
  if (!GRANT_ID_PATTERN.test(grantId)) throw new Error('grants: grant id must be 64 lowercase hex characters');
  return Buffer.concat([
    Buffer.from([TOKEN_VERSION]),
    Buffer.from(grantId, 'hex'),
    random(NONCE_BYTES),
    Buffer.from(keyArn, 'utf8'),
  ]).toString('base64url');
}

/** The grant a token names, or undefined when the text is not a token Trent issued. */
export function decodeGrantToken(token: string): { grantId: string; keyArn: string } | undefined {
  if (!TOKEN_PATTERN.test(token) || token.length > 8192) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length <= 1 + 32 + NONCE_BYTES || bytes[0] !== TOKEN_VERSION) return undefined;
  // base64url decoding ignores trailing bits; a canonical token re-encodes to itself.
  if (bytes.toString('base64url') !== token) return undefined;
  const grantId = bytes.subarray(1, 33).toString('hex');
  const keyArn = bytes.subarray(33 + NONCE_BYTES).toString('utf8');
  if (!/^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/[^\s]+$/.test(keyArn)) return undefined;
  return { grantId, keyArn };
}

/**
 * Whether two grants on one key were created with the same parameters (CreateGrant's Name
 * idempotency: "if the grant already exists, the original GrantId is returned"). Operations compare
 * as sets; constraint keys compare case-insensitively, as grant constraints match them.
 */
export function sameGrantParameters(a: GrantRecord, b: GrantRecord): boolean {
  return (
    a.keyArn === b.keyArn &&
    a.name === b.name &&
    a.granteePrincipal === b.granteePrincipal &&
    a.granteeServicePrincipal === b.granteeServicePrincipal &&
    a.retiringPrincipal === b.retiringPrincipal &&
    a.retiringServicePrincipal === b.retiringServicePrincipal &&
    sameSet(a.operations, b.operations) &&
    sameContext(a.constraints?.encryptionContextEquals, b.constraints?.encryptionContextEquals) &&
    sameContext(a.constraints?.encryptionContextSubset, b.constraints?.encryptionContextSubset) &&
    a.constraints?.sourceArn === b.constraints?.sourceArn
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** Grant constraint keys are case-insensitive, values case-sensitive (GrantConstraints, API reference). */
export function foldContextKeys(context: EncryptionContextMap): Map<string, string> {
  return new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
}

function sameContext(a: EncryptionContextMap | undefined, b: EncryptionContextMap | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const fa = foldContextKeys(a);
  const fb = foldContextKeys(b);
  return fa.size === fb.size && [...fa].every(([k, v]) => fb.get(k) === v);
}
