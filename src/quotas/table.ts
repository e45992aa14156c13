/**
 * AWS's request quotas, one row each (STYLE rule 3), with AWS's defaults in requests per second
 * per account and Region: AWS KMS Developer Guide, "Request quotas" (requests-per-second.html,
 * the table "Request quotas for each AWS KMS API operation"), and the CloudTrail API Reference,
 * LookupEvents ("limited to two per second, per account, per Region").
 *
 * A row says which requests count against it:
 * - `byKey`: the shared cryptographic quotas, by the type of the KMS key the request uses
 *   ("Shared quotas for cryptographic operations"); HMAC keys count against the symmetric one
 *   ("This quota applies to ... symmetric encryption keys and HMAC keys, which are also symmetric");
 * - `byKeyPairSpec`: GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext, by the pair's
 *   spec, and against no other quota ("The exceptions are GenerateDataKeyPair and
 *   GenerateDataKeyPairWithoutPlaintext, which share a separate quota");
 * - `byOperation`: the operation alone (every management call, GenerateRandom, LookupEvents).
 * An operation AWS lists under no quota (Decapsulate, Encapsulate, the Trent API) is not throttled.
 */

export interface RequestQuotaRow {
  /** The SigV4 name of the service whose requests count (kms, cloudtrail). */
  service: string;
  /** AWS's name of the quota (Service Quotas), for documentation. */
  awsName: string;
  /** AWS's default, requests per second, in any Region `regions` does not name. */
  rate: number;
  /** Regions where AWS's default differs. */
  regions?: Readonly<Record<string, number>>;
  /** Operations that count against this quota whatever their input. */
  byOperation?: readonly string[];
  /** Operations that count against this quota when the key they use has one of these spec prefixes. */
  byKey?: { specPrefixes: readonly string[]; operations: readonly string[] };
  /** GenerateDataKeyPair's KeyPairSpec that counts against this quota. */
  byKeyPairSpec?: string;
}

const CHINA = ['cn-north-1', 'cn-northwest-1'] as const;
const inRegions = (regions: readonly string[], rate: number): Record<string, number> =>
  Object.fromEntries(regions.map((region) => [region, rate]));

/** The shared cryptographic quotas (names are Trent's; AWS's are in `awsName`). */
const CRYPTOGRAPHIC: Record<string, RequestQuotaRow> = {
  symmetric: {
    service: 'kms',
    awsName: 'Cryptographic operations (symmetric) request rate',
    rate: 10_000,
    regions: {
      ...inRegions(
        ['us-east-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'eu-central-1', 'eu-west-2'],
        20_000,
      ),
      ...inRegions(['us-east-1', 'us-west-2', 'eu-west-1'], 100_000),
    },
    // GenerateRandom uses no key, and AWS lists it under this quota.
    byOperation: ['GenerateRandom'],
    byKey: {
      specPrefixes: ['SYMMETRIC_DEFAULT', 'HMAC_'],
      operations: [
        'Decrypt',
        'Encrypt',
        'GenerateDataKey',
        'GenerateDataKeyWithoutPlaintext',
        'GenerateMac',
        'ReEncrypt',
        'VerifyMac',
      ],
    },
  },
  rsa: {
    service: 'kms',
    awsName: 'Cryptographic operations (RSA) request rate',
    rate: 1_000,
    byKey: { specPrefixes: ['RSA_'], operations: ['Decrypt', 'Encrypt', 'ReEncrypt', 'Sign', 'Verify'] },
  },
  ecc: {
    service: 'kms',
    awsName: 'Cryptographic operations (ECC and SM2) request rate',
    rate: 1_000,
    // Encrypt, Decrypt and ReEncrypt only with SM2 keys (China Regions), the only ECC keys that encrypt.
    byKey: {
      specPrefixes: ['ECC_', 'SM2'],
      operations: ['Decrypt', 'DeriveSharedSecret', 'Encrypt', 'ReEncrypt', 'Sign', 'Verify'],
    },
  },
  'ml-dsa': {
    service: 'kms',
    awsName: 'Cryptographic operations (ML-DSA) request rate',
    rate: 1_000,
    byKey: { specPrefixes: ['ML_DSA_'], operations: ['Sign', 'Verify'] },
  },
};

/** GenerateDataKeyPair by KeyPairSpec: [spec, default, default in the China Regions]. */
const DATA_KEY_PAIRS: readonly [string, number, number?][] = [
  ['ECC_NIST_P256', 100],
  ['ECC_NIST_P384', 100],
  ['ECC_NIST_P521', 100],
  ['ECC_SECG_P256K1', 100],
  ['ECC_NIST_EDWARDS25519', 100],
  ['RSA_2048', 20, 1],
  ['RSA_3072', 4, 0.5],
  ['RSA_4096', 1, 0.1],
  // "GenerateDataKeyPair (SM2 — China Regions only) request rate"
  ['SM2', 25],
];

/** Each operation's own quota ("<Operation> request rate"). */
const KMS_OPERATIONS: Readonly<Record<string, number>> = {
  CancelKeyDeletion: 5,
  ConnectCustomKeyStore: 5,
  CreateAlias: 5,
  CreateCustomKeyStore: 5,
  CreateGrant: 50,
  CreateKey: 5,
  DeleteAlias: 15,
  DeleteCustomKeyStore: 5,
  DeleteImportedKeyMaterial: 15,
  DescribeCustomKeyStores: 5,
  DescribeKey: 2_000,
  DisableKey: 5,
  DisableKeyRotation: 5,
  DisconnectCustomKeyStore: 5,
  EnableKey: 5,
  EnableKeyRotation: 15,
  GetKeyLastUsage: 5,
  GetKeyPolicy: 1_000,
  GetKeyRotationStatus: 1_000,
  GetParametersForImport: 1,
  GetPublicKey: 2_000,
  ImportKeyMaterial: 15,
  ListAliases: 500,
  ListGrants: 100,
  ListKeyPolicies: 100,
  ListKeyRotations: 100,
  ListKeys: 500,
  ListResourceTags: 2_000,
  ListRetirableGrants: 100,
  PutKeyPolicy: 15,
  ReplicateKey: 5,
  RetireGrant: 50,
  RevokeGrant: 50,
  RotateKeyOnDemand: 5,
  ScheduleKeyDeletion: 15,
  TagResource: 10,
  UntagResource: 5,
  UpdateAlias: 5,
  UpdateCustomKeyStore: 5,
  UpdateKeyDescription: 5,
  UpdatePrimaryRegion: 5,
};

export const DATA_KEY_PAIR_OPERATIONS = ['GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext'] as const;

/** Every request quota by the name `--quota NAME=VALUE` and the `quotas` configuration key use. */
export const REQUEST_QUOTAS: Readonly<Record<string, RequestQuotaRow>> = Object.freeze({
  ...CRYPTOGRAPHIC,
  ...Object.fromEntries(
    DATA_KEY_PAIRS.map(([spec, rate, china]): [string, RequestQuotaRow] => [
      `GenerateDataKeyPair-${spec}`,
      {
        service: 'kms',
        awsName: `GenerateDataKeyPair (${spec === 'SM2' ? 'SM2 — China Regions only' : spec}) request rate`,
        rate,
        ...(china !== undefined ? { regions: inRegions(CHINA, china) } : {}),
        byKeyPairSpec: spec,
      },
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(KMS_OPERATIONS).map(([operation, rate]): [string, RequestQuotaRow] => [
      operation,
      { service: 'kms', awsName: `${operation} request rate`, rate, byOperation: [operation] },
    ]),
  ),
  LookupEvents: {
    service: 'cloudtrail',
    awsName: 'LookupEvents (CloudTrail API Reference)',
    rate: 2,
    byOperation: ['LookupEvents'],
  },
});

export const REQUEST_QUOTA_NAMES: readonly string[] = Object.keys(REQUEST_QUOTAS);

export const isRequestQuotaName = (name: string): boolean => Object.hasOwn(REQUEST_QUOTAS, name);

/** AWS's default of `quota` in `region`. */
export const defaultRate = (quota: string, region: string): number => {
  const row = REQUEST_QUOTAS[quota];
  if (!row) throw new Error(`unknown request quota ${quota}`);
  return row.regions?.[region] ?? row.rate;
};

// Indexes of the rows, made once: a request looks its quota up, it does not scan the table.
const BY_OPERATION = new Map<string, string>();
const BY_KEY_PAIR_SPEC = new Map<string, string>();
const BY_KEY: { prefix: string; operations: ReadonlySet<string>; quota: string }[] = [];
for (const [name, row] of Object.entries(REQUEST_QUOTAS)) {
  for (const operation of row.byOperation ?? []) BY_OPERATION.set(`${row.service}:${operation}`, name);
  if (row.byKeyPairSpec !== undefined) BY_KEY_PAIR_SPEC.set(row.byKeyPairSpec, name);
  for (const prefix of row.byKey?.specPrefixes ?? [])
    BY_KEY.push({ prefix, operations: new Set(row.byKey!.operations), quota: name });
}

/**
 * The quota a request counts against that its service, operation and input decide, before any key
 * is resolved; undefined when none does (a cryptographic operation counts by its key: `keyQuota`).
 */
export function operationQuota(service: string, operation: string, input: unknown): string | undefined {
  if (service === 'kms' && (DATA_KEY_PAIR_OPERATIONS as readonly string[]).includes(operation)) {
    const spec = (input as { KeyPairSpec?: unknown } | undefined)?.KeyPairSpec;
    return typeof spec === 'string' ? BY_KEY_PAIR_SPEC.get(spec) : undefined;
  }
  return BY_OPERATION.get(`${service}:${operation}`);
}

/** The shared cryptographic quota a KMS operation on a key of `keySpec` counts against, if any. */
export function keyQuota(operation: string, keySpec: string): string | undefined {
  return BY_KEY.find((row) => keySpec.startsWith(row.prefix) && row.operations.has(operation))?.quota;
}
