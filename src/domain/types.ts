/** Records of the domain: what storage keeps and operations work with. No I/O here. */

export type KeyState =
  | 'Creating'
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'PendingReplicaDeletion'
  | 'Unavailable'
  | 'Updating';

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export interface KeyRecord {
  /** arn:aws:kms:<region>:<account>:key/<keyId> */
  arn: string;
  keyId: string;
  accountId: string;
  region: string;
  description: string;
  keySpec: string;
  keyUsage: string;
  /** AWS_KMS | EXTERNAL | AWS_CLOUDHSM | EXTERNAL_KEY_STORE */
  origin: string;
  /** CUSTOMER | AWS */
  keyManager: string;
  keyState: KeyState;
  creationDate: Date;
  /** Set while PendingDeletion. */
  deletionDate?: Date | undefined;
  pendingDeletionWindowInDays?: number | undefined;
  /** Key policy document (JSON text). Every key has one; its name is always "default". */
  policy: string;
  tags: Tag[];
  rotationEnabled: boolean;
  /** Present when automatic rotation is (or was last) enabled. */
  rotationPeriodInDays?: number | undefined;
  /** When automatic rotation is next due; only while rotationEnabled. */
  nextRotationDate?: Date | undefined;
  /** Start of the on-demand rotation in progress, if any (AWS shows it briefly). */
  onDemandRotationStartDate?: Date | undefined;
  /**
   * The material new ciphertexts use. '' for a key of Origin EXTERNAL that never had material
   * imported; after its imported material was deleted or expired it still names that material
   * (which is then absent until imported again).
   */
  currentMaterialId: string;
  /**
   * Origin EXTERNAL: the current material's ExpirationModel and ValidTo (DescribeKey), copied from
   * its KeyMaterialRecord by every write that imports, rotates to or deletes it.
   */
  expirationModel?: string | undefined;
  validTo?: Date | undefined;
  multiRegion: boolean;
  /** Multi-Region keys: PRIMARY or REPLICA (DescribeKey's MultiRegionKeyType); absent otherwise. */
  multiRegionKeyType?: 'PRIMARY' | 'REPLICA' | undefined;
  /**
   * While the key is in a transient state (Creating, Updating): when it ends, and the state it
   * ends in. The scheduler finishes it (services/kms/multi-region.ts).
   */
  transitionDue?: Date | undefined;
  stateAfterTransition?: KeyState | undefined;
  customKeyStoreId?: string | undefined;
  /**
   * Presented, never stored (services/kms/custom-key-stores.ts `present`): for a key of a custom
   * key store, the store's current CloudHsmClusterId, and, while the store is not connected and
   * the key is not pending deletion, the stored state that keyState ('Unavailable') hides.
   * Writes through services/kms/update.ts put the stored state back first.
   */
  cloudHsmClusterId?: string | undefined;
  storedKeyState?: KeyState | undefined;
  /** Optimistic concurrency: every update must name the version it read, and bumps it. */
  version: number;
}

export type RotationType = 'AUTOMATIC' | 'ON_DEMAND';

export interface KeyMaterialRecord {
  keyArn: string;
  /** 64 lowercase hex characters, as AWS's CurrentKeyMaterialId. */
  materialId: string;
  /** Key material wrapped by the key store (see keystore/); never stored in plaintext. */
  wrapped: Buffer;
  createdAt: Date;
  /** Absent for the key's first material; set for each material a rotation added. */
  rotationType?: RotationType | undefined;
  /** Imported material (Origin EXTERNAL), as its last import set them. */
  expirationModel?: string | undefined;
  /** When the imported material expires (KEY_MATERIAL_EXPIRES); the scheduler deletes it then. */
  validTo?: Date | undefined;
  /** ImportKeyMaterial's KeyMaterialDescription (symmetric keys), kept until another is given. */
  description?: string | undefined;
}

export interface AliasRecord {
  accountId: string;
  region: string;
  /** alias/... */
  aliasName: string;
  aliasArn: string;
  targetKeyId: string;
  creationDate: Date;
  lastUpdatedDate: Date;
}

export interface AccountRecord {
  accountId: string;
  createdAt: Date;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  accountId: string;
  /** e.g. arn:aws:iam::111122223333:root */
  principalArn: string;
  /** Secret access key wrapped by the key store. */
  wrappedSecret: Buffer;
  status: 'Active' | 'Inactive';
  createdAt: Date;
}

/** The last successful cryptographic use of a key (GetKeyLastUsage). */
export interface KeyUsageRecord {
  keyArn: string;
  operation: string;
  usedAt: Date;
  /** The CloudTrail eventID of the request's audit event. */
  eventId: string;
  requestId: string;
}

/** CloudTrail's userIdentity.type of a caller Trent authenticates. */
export type PrincipalType = 'Root' | 'IAMUser' | 'AssumedRole';

/** Who is calling, after authentication. */
export interface Principal {
  accountId: string;
  /**
   * Root: arn:aws:iam::<account>:root; user: arn:aws:iam::<account>:user<path><name>; assumed role:
   * arn:aws:sts::<account>:assumed-role/<role-name>/<session-name>.
   */
  arn: string;
  accessKeyId: string;
  type: PrincipalType;
  /**
   * aws:userid and CloudTrail's principalId: the account id for root, AIDA... for a user,
   * AROA...:<session-name> for a role session. Absent on records older than IAM: the account id.
   */
  principalId?: string | undefined;
  /** aws:username, users only. */
  userName?: string | undefined;
  /** The role an assumed-role session belongs to. */
  role?: { arn: string; roleId: string; name: string; path: string; sessionName: string } | undefined;
  /** Tags of the user or role, with session tags over them (aws:PrincipalTag/*). */
  tags?: Readonly<Record<string, string>> | undefined;
  /** Temporary credentials (STS). */
  session?: PrincipalSession | undefined;
}

export interface PrincipalSession {
  /** Session policies (JSON text) given when the credentials were issued. */
  policies: readonly string[];
  /** ARNs of managed policies given as session policies (PolicyArns). */
  policyArns?: readonly string[] | undefined;
  issuedAt: Date;
  expiration: Date;
  mfaAuthenticated: boolean;
  sourceIdentity?: string | undefined;
  transitiveTagKeys?: readonly string[] | undefined;
  /** GetSessionToken credentials: the user's own permissions, no IAM API without MFA. */
  kind: 'AssumeRole' | 'GetSessionToken';
}

/**
 * A custom key store of type AWS_CLOUDHSM (CreateCustomKeyStore): a name in its account and
 * Region, the HSM cluster (`--hsm-cluster`) whose HSMs hold its keys, and the kmsuser password
 * (the tokens' user PIN), wrapped under the root key. `connectRequested` is what the last
 * ConnectCustomKeyStore or DisconnectCustomKeyStore asked for; the live ConnectionState
 * (CONNECTING, CONNECTED, FAILED...) is each process's own (services/kms/custom-key-stores.ts).
 */
export interface CustomKeyStoreRecord {
  /** cks- and 17 lowercase hex digits. */
  customKeyStoreId: string;
  accountId: string;
  region: string;
  /** Unique in the account and Region. */
  name: string;
  customKeyStoreType: 'AWS_CLOUDHSM';
  /** Unique among all custom key stores of the server (a cluster serves one key store). */
  cloudHsmClusterId: string;
  /** The PEM text CreateCustomKeyStore was given, returned as is by DescribeCustomKeyStores. */
  trustAnchorCertificate: string;
  /** The kmsuser password, wrapped: wrappingAad('key-store-password', customKeyStoreId). */
  wrappedPassword: Buffer;
  creationDate: Date;
  connectRequested: boolean;
  /** Optimistic concurrency, as KeyRecord.version. */
  version: number;
}
