/**
 * What a grant allows, what CreateGrant accepts, and the "equal or narrower" rule for grants
 * created through a grant. Pure: no storage, no request. Sources: "Grants in AWS KMS" (grant
 * concepts, grant operations), "Using grant constraints", GrantConstraints and CreateGrant in the
 * AWS KMS API reference.
 */
import { KmsError } from '../domain/errors.js';
import {
  foldContextKeys,
  isGrantOperation,
  type EncryptionContextMap,
  type GrantConstraints,
  type GrantOperation,
  type GrantRecord,
} from '../domain/grants.js';

/** The kinds of KMS key the grant-operations table distinguishes. */
export type GrantKeyKind =
  'symmetric' | 'hmac' | 'asymmetric-encryption' | 'asymmetric-signing' | 'key-agreement' | 'key-encapsulation';

/** A key's kind from its spec and usage. */
export function grantKeyKind(key: { keySpec: string; keyUsage: string }): GrantKeyKind {
  if (key.keySpec === 'SYMMETRIC_DEFAULT') return 'symmetric';
  switch (key.keyUsage) {
    case 'GENERATE_VERIFY_MAC':
      return 'hmac';
    case 'ENCRYPT_DECRYPT':
      return 'asymmetric-encryption';
    case 'SIGN_VERIFY':
      return 'asymmetric-signing';
    case 'KEY_AGREEMENT':
      return 'key-agreement';
    default:
      return 'key-encapsulation';
  }
}

const ALL: readonly GrantKeyKind[] = [
  'symmetric',
  'hmac',
  'asymmetric-encryption',
  'asymmetric-signing',
  'key-agreement',
  'key-encapsulation',
];
const ASYMMETRIC: readonly GrantKeyKind[] = [
  'asymmetric-encryption',
  'asymmetric-signing',
  'key-agreement',
  'key-encapsulation',
];

interface GrantOperationRow {
  /** Key kinds on which a grant may allow the operation ("the grant operations must be supported by the KMS key"). */
  keys: readonly GrantKeyKind[];
  /**
   * The operation takes an EncryptionContext (on symmetric keys only): encryption context
   * constraints apply to it. Constraints never apply to the others.
   */
  takesEncryptionContext: boolean;
  /** A grant with an encryption context constraint may include it although it takes none. */
  allowedWithConstraint: boolean;
}

const crypto = (keys: readonly GrantKeyKind[], takesEncryptionContext: boolean): GrantOperationRow => ({
  keys,
  takesEncryptionContext,
  allowedWithConstraint: takesEncryptionContext,
});

/**
 * The grant-operations table (STYLE rule 3), one row per operation. Symmetric keys take encryption
 * context in every cryptographic operation; asymmetric and HMAC keys in none, so a constraint
 * cannot go with their operations. DescribeKey, RetireGrant and CreateGrant may go with a
 * constraint, which does not apply to them (for CreateGrant it binds the grants created).
 */
export const GRANT_OPERATION_TABLE: Readonly<Record<GrantOperation, GrantOperationRow>> = {
  Decrypt: crypto(['symmetric', 'asymmetric-encryption'], true),
  Encrypt: crypto(['symmetric', 'asymmetric-encryption'], true),
  GenerateDataKey: crypto(['symmetric'], true),
  GenerateDataKeyWithoutPlaintext: crypto(['symmetric'], true),
  GenerateDataKeyPair: crypto(['symmetric'], true),
  GenerateDataKeyPairWithoutPlaintext: crypto(['symmetric'], true),
  ReEncryptFrom: crypto(['symmetric', 'asymmetric-encryption'], true),
  ReEncryptTo: crypto(['symmetric', 'asymmetric-encryption'], true),
  Sign: crypto(['asymmetric-signing'], false),
  Verify: crypto(['asymmetric-signing'], false),
  GenerateMac: crypto(['hmac'], false),
  VerifyMac: crypto(['hmac'], false),
  DeriveSharedSecret: crypto(['key-agreement'], false),
  GetPublicKey: crypto(ASYMMETRIC, false),
  CreateGrant: { keys: ALL, takesEncryptionContext: false, allowedWithConstraint: true },
  RetireGrant: { keys: ALL, takesEncryptionContext: false, allowedWithConstraint: true },
  DescribeKey: { keys: ALL, takesEncryptionContext: false, allowedWithConstraint: true },
};

/** Whether `operation` on a key of `kind` takes an encryption context (grant constraints apply). */
export function takesEncryptionContext(operation: GrantOperation, kind: GrantKeyKind): boolean {
  return GRANT_OPERATION_TABLE[operation].takesEncryptionContext && kind === 'symmetric';
}

/** The grant operation an IAM action is (kms:ReEncryptFrom -> ReEncryptFrom), if it is one. */
export function grantOperationOf(action: string): GrantOperation | undefined {
  const name = action.startsWith('kms:') ? action.slice(4) : '';
  return isGrantOperation(name) ? name : undefined;
}

export interface GrantRequest {
  /** The grant operation asked for: the action without `kms:` (Encrypt, ReEncryptFrom, ...). */
  operation: string;
  /**
   * The names a grantee principal may have for this caller: its own ARN, and for a role session the
   * role ARN too (a grant to a role allows each of its sessions), an account root ARN for the root,
   * a service principal name for a service.
   */
  principalArns: readonly string[];
  /** The request's encryption context (absent: none, which matches only an empty Equals). */
  encryptionContext?: EncryptionContextMap | undefined;
  /** The key's kind; constraints apply only where the operation takes a context. Default symmetric. */
  keyKind?: GrantKeyKind;
  /** aws:SourceArn of the request, for SourceArn constraints (service principals). */
  sourceArn?: string | undefined;
}

/**
 * The first of `grants` that allows the request, or undefined. A grant allows when its grantee is
 * one of the caller's names, it lists the operation, and its constraints hold for the operation.
 */
export function grantAllows(grants: readonly GrantRecord[], request: GrantRequest): GrantRecord | undefined {
  const operation = isGrantOperation(request.operation) ? request.operation : undefined;
  if (!operation) return undefined;
  return grants.find((grant) => grantMatches(grant, operation, request));
}

/** Every grant of `grants` that allows the request (CreateGrant's narrowing checks each). */
export function grantsAllowing(grants: readonly GrantRecord[], request: GrantRequest): GrantRecord[] {
  const operation = isGrantOperation(request.operation) ? request.operation : undefined;
  return operation ? grants.filter((grant) => grantMatches(grant, operation, request)) : [];
}

function grantMatches(grant: GrantRecord, operation: GrantOperation, request: GrantRequest): boolean {
  const grantee = grant.granteePrincipal ?? grant.granteeServicePrincipal;
  if (grantee === undefined || !request.principalArns.includes(grantee)) return false;
  if (!grant.operations.includes(operation)) return false;
  return constraintsHold(grant.constraints, operation, request);
}

function constraintsHold(
  constraints: GrantConstraints | undefined,
  operation: GrantOperation,
  request: GrantRequest,
): boolean {
  if (!constraints) return true;
  // SourceArn "does not apply to RetireGrant"; it applies to every other operation of the grant.
  if (constraints.sourceArn !== undefined && operation !== 'RetireGrant' && operation !== 'CreateGrant') {
    if (request.sourceArn !== constraints.sourceArn) return false;
  }
  if (!takesEncryptionContext(operation, request.keyKind ?? 'symmetric')) return true;
  const context = foldContextKeys(request.encryptionContext ?? {});
  const { encryptionContextEquals: equals, encryptionContextSubset: subset } = constraints;
  if (equals !== undefined && !sameFolded(context, foldContextKeys(equals))) return false;
  if (subset !== undefined && !includesFolded(context, foldContextKeys(subset))) return false;
  return true;
}

const includesFolded = (outer: ReadonlyMap<string, string>, inner: ReadonlyMap<string, string>): boolean =>
  [...inner].every(([k, v]) => outer.get(k) === v);

const sameFolded = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean =>
  a.size === b.size && includesFolded(a, b);

// CreateGrant input rules

/** At most 8 pairs per constraint, each value at most 384 characters (CreateGrant, Constraints). */
export const MAX_CONSTRAINT_PAIRS = 8;
export const MAX_CONSTRAINT_VALUE_LENGTH = 384;

export interface CreateGrantParameters {
  operations: readonly string[];
  granteePrincipal?: string | undefined;
  granteeServicePrincipal?: string | undefined;
  retiringPrincipal?: string | undefined;
  retiringServicePrincipal?: string | undefined;
  constraints?: GrantConstraints | undefined;
}

const invalid = (message: string): KmsError => new KmsError('ValidationException', message);

/**
 * CreateGrant's rules beyond the model's constraints, with ValidationException as AWS answers
 * them: one grantee, at most one retiring principal, operations the key supports, constraints only
 * with operations that take an encryption context, and their size limits.
 */
export function validateCreateGrant(params: CreateGrantParameters, key: { keySpec: string; keyUsage: string }): void {
  const grantees = [params.granteePrincipal, params.granteeServicePrincipal].filter((p) => p !== undefined);
  if (grantees.length !== 1) {
    throw invalid('You must specify either GranteePrincipal or GranteeServicePrincipal, but not both.');
  }
  if (params.retiringPrincipal !== undefined && params.retiringServicePrincipal !== undefined) {
    throw invalid('You can specify either RetiringPrincipal or RetiringServicePrincipal, but not both.');
  }
  if (params.granteeServicePrincipal !== undefined) {
    if (params.constraints?.sourceArn === undefined) {
      throw invalid('A grant for a GranteeServicePrincipal must include a SourceArn grant constraint.');
    }
    if (params.retiringPrincipal === undefined && params.retiringServicePrincipal === undefined) {
      throw invalid(
        'A grant for a GranteeServicePrincipal must specify a RetiringPrincipal or a RetiringServicePrincipal.',
      );
    }
  }
  const operations = params.operations;
  if (operations.length === 0) throw invalid('Grants must contain at least one operation.');
  // AWS's words (ansible/ansible#31960).
  if (operations.every((op) => op === 'CreateGrant')) {
    throw invalid('Grants must not contain only the CreateGrant operation.');
  }
  const kind = grantKeyKind(key);
  for (const op of operations) {
    if (!isGrantOperation(op)) throw invalid(`${op} is not a valid grant operation.`);
    if (!GRANT_OPERATION_TABLE[op].keys.includes(kind)) {
      throw invalid(
        `Grant operation ${op} is not supported for a KMS key with KeySpec ${key.keySpec} and KeyUsage ${key.keyUsage}.`,
      );
    }
  }
  const { encryptionContextEquals: equals, encryptionContextSubset: subset } = params.constraints ?? {};
  for (const [member, context] of [
    ['EncryptionContextEquals', equals],
    ['EncryptionContextSubset', subset],
  ] as const) {
    if (context === undefined) continue;
    const pairs = Object.entries(context);
    if (pairs.length > MAX_CONSTRAINT_PAIRS) {
      throw invalid(
        `The ${member} grant constraint can include at most ${MAX_CONSTRAINT_PAIRS} encryption context pairs.`,
      );
    }
    if (pairs.some(([, v]) => v.length > MAX_CONSTRAINT_VALUE_LENGTH)) {
      throw invalid(
        `An encryption context value in the ${member} grant constraint cannot exceed ${MAX_CONSTRAINT_VALUE_LENGTH} characters.`,
      );
    }
    for (const op of operations as GrantOperation[]) {
      const row = GRANT_OPERATION_TABLE[op];
      const allowed = row.takesEncryptionContext ? kind === 'symmetric' : row.allowedWithConstraint;
      if (!allowed) {
        throw invalid(
          `Encryption context grant constraints are not supported for the ${op} operation on a KMS key with KeySpec ${key.keySpec}.`,
        );
      }
    }
  }
}

// Grants created through a grant

/**
 * Whether `child` is equal to or narrower than `parent` ("Granting CreateGrant permission"): its
 * operations are a subset of the parent's, and its constraints at least as strict. A parent's
 * Subset S is met by a child Subset or Equals containing S (pairs may be added, none removed); a
 * parent's Equals E only by the same Equals E (Subset to Equals is narrower, not the reverse); a
 * parent's SourceArn only by the same SourceArn.
 */
export function isEqualOrNarrower(
  child: { operations: readonly string[]; constraints?: GrantConstraints | undefined },
  parent: { operations: readonly string[]; constraints?: GrantConstraints | undefined },
): boolean {
  if (!child.operations.every((op) => parent.operations.includes(op))) return false;
  const p = parent.constraints;
  if (!p) return true;
  const c = child.constraints ?? {};
  if (p.sourceArn !== undefined && c.sourceArn !== p.sourceArn) return false;
  if (p.encryptionContextEquals !== undefined) {
    const required = foldContextKeys(p.encryptionContextEquals);
    if (c.encryptionContextEquals === undefined) return false;
    if (!sameFolded(foldContextKeys(c.encryptionContextEquals), required)) return false;
    // A Subset beside it can only narrow further; it must not ask for pairs outside E.
  }
  if (p.encryptionContextSubset !== undefined) {
    const required = foldContextKeys(p.encryptionContextSubset);
    const viaEquals =
      c.encryptionContextEquals !== undefined && includesFolded(foldContextKeys(c.encryptionContextEquals), required);
    const viaSubset =
      c.encryptionContextSubset !== undefined && includesFolded(foldContextKeys(c.encryptionContextSubset), required);
    if (!viaEquals && !viaSubset) return false;
  }
  return true;
}

// Retiring

export interface RetireRequest {
  /** As GrantRequest.principalArns. */
  principalArns: readonly string[];
}

/**
 * Who may retire a grant on the grant's own terms ("Retiring and revoking grants"): its retiring
 * principal, its grantee when the grant includes RetireGrant, and the account in which the grant
 * was created (its root: IssuingAccount). Delegation within that account through an identity
 * policy allowing kms:RetireGrant is decided by the caller of this function.
 */
export function mayRetire(
  grant: GrantRecord,
  request: RetireRequest,
): 'retiring-principal' | 'grantee' | 'issuing-account' | undefined {
  const retiring = grant.retiringPrincipal ?? grant.retiringServicePrincipal;
  if (retiring !== undefined && request.principalArns.includes(retiring)) return 'retiring-principal';
  const grantee = grant.granteePrincipal ?? grant.granteeServicePrincipal;
  if (grantee !== undefined && request.principalArns.includes(grantee) && grant.operations.includes('RetireGrant')) {
    return 'grantee';
  }
  if (request.principalArns.includes(grant.issuingAccount)) return 'issuing-account';
  return undefined;
}
