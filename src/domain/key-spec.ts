/**
 * The key-spec table (STYLE rule 3): each KeySpec's usages, algorithms per usage, and what it can
 * do. A new spec is one new row. `available` marks the specs this build can create; the others are
 * listed so validation and messages follow AWS.
 */

export interface KeySpecRow {
  spec: string;
  /** AWS's key types: an alias moves only between keys of one type (UpdateAlias). */
  keyType: 'symmetric' | 'asymmetric' | 'hmac';
  /** KeyUsage values this spec accepts; the first is the default where AWS has one. */
  usages: readonly string[];
  /** Algorithms offered for each usage (DescribeKey lists them). */
  algorithms: Partial<Record<string, readonly string[]>>;
  /** Supports automatic and on-demand rotation. */
  rotatable: boolean;
  /** Can be created in a custom (HSM) key store. */
  hsm: boolean;
  /** This build can create keys of the spec. */
  available: boolean;
  /**
   * Partitions where AWS offers the spec: SM2 only in China ("The SM2 key spec is only available
   * in China Regions"), ML-KEM everywhere but China. Absent: every partition.
   */
  partitions?: { only?: readonly string[]; except?: readonly string[] };
}

/** Whether AWS offers `row`'s spec in a region of `partition` (aws, aws-cn, aws-us-gov). */
export function offeredIn(row: KeySpecRow, partition: string): boolean {
  const p = row.partitions;
  if (!p) return true;
  if (p.only && !p.only.includes(partition)) return false;
  return !p.except?.includes(partition);
}

const RSA_ALGS = {
  ENCRYPT_DECRYPT: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'],
  // AWS's order (DescribeKey example, "Viewing the cryptographic configuration of KMS keys").
  SIGN_VERIFY: [
    'RSASSA_PKCS1_V1_5_SHA_256',
    'RSASSA_PKCS1_V1_5_SHA_384',
    'RSASSA_PKCS1_V1_5_SHA_512',
    'RSASSA_PSS_SHA_256',
    'RSASSA_PSS_SHA_384',
    'RSASSA_PSS_SHA_512',
  ],
} as const;

function rsa(spec: string): KeySpecRow {
  return {
    spec,
    keyType: 'asymmetric',
    usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
    algorithms: RSA_ALGS,
    rotatable: false,
    hsm: false,
    available: true,
  };
}

function nist(spec: string, ecdsa: string): KeySpecRow {
  return {
    spec,
    keyType: 'asymmetric',
    usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
    algorithms: { SIGN_VERIFY: [ecdsa], KEY_AGREEMENT: ['ECDH'] },
    rotatable: false,
    hsm: false,
    available: true,
  };
}

function hmac(spec: string, alg: string): KeySpecRow {
  return {
    spec,
    keyType: 'hmac',
    usages: ['GENERATE_VERIFY_MAC'],
    algorithms: { GENERATE_VERIFY_MAC: [alg] },
    rotatable: false,
    hsm: false,
    available: true,
  };
}

/** ML-KEM (FIPS 203): one usage, one algorithm; not rotatable, like every asymmetric spec. */
function mlkem(spec: string): KeySpecRow {
  return {
    spec,
    keyType: 'asymmetric',
    usages: ['ENCAPSULATE_DECAPSULATE'],
    algorithms: { ENCAPSULATE_DECAPSULATE: ['ML_KEM'] },
    rotatable: false,
    hsm: false,
    available: true,
    partitions: { except: ['aws-cn'] },
  };
}

function mldsa(spec: string): KeySpecRow {
  return {
    spec,
    keyType: 'asymmetric',
    usages: ['SIGN_VERIFY'],
    algorithms: { SIGN_VERIFY: ['ML_DSA_SHAKE_256'] },
    rotatable: false,
    hsm: false,
    available: true,
  };
}

export const KEY_SPECS: Record<string, KeySpecRow> = Object.fromEntries(
  [
    {
      spec: 'SYMMETRIC_DEFAULT',
      keyType: 'symmetric',
      usages: ['ENCRYPT_DECRYPT'],
      algorithms: { ENCRYPT_DECRYPT: ['SYMMETRIC_DEFAULT'] },
      rotatable: true,
      hsm: true,
      available: true,
    },
    rsa('RSA_2048'),
    rsa('RSA_3072'),
    rsa('RSA_4096'),
    nist('ECC_NIST_P256', 'ECDSA_SHA_256'),
    nist('ECC_NIST_P384', 'ECDSA_SHA_384'),
    nist('ECC_NIST_P521', 'ECDSA_SHA_512'),
    {
      spec: 'ECC_SECG_P256K1',
      keyType: 'asymmetric',
      usages: ['SIGN_VERIFY'],
      algorithms: { SIGN_VERIFY: ['ECDSA_SHA_256'] },
      rotatable: false,
      hsm: false,
      available: true,
    },
    {
      spec: 'ECC_NIST_EDWARDS25519',
      keyType: 'asymmetric',
      usages: ['SIGN_VERIFY'],
      algorithms: { SIGN_VERIFY: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] },
      rotatable: false,
      hsm: false,
      available: true,
    },
    hmac('HMAC_224', 'HMAC_SHA_224'),
    hmac('HMAC_256', 'HMAC_SHA_256'),
    hmac('HMAC_384', 'HMAC_SHA_384'),
    hmac('HMAC_512', 'HMAC_SHA_512'),
    mldsa('ML_DSA_44'),
    mldsa('ML_DSA_65'),
    mldsa('ML_DSA_87'),
    mlkem('ML_KEM_512'),
    mlkem('ML_KEM_768'),
    mlkem('ML_KEM_1024'),
    {
      spec: 'SM2',
      keyType: 'asymmetric',
      usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'],
      algorithms: { ENCRYPT_DECRYPT: ['SM2PKE'], SIGN_VERIFY: ['SM2DSA'], KEY_AGREEMENT: ['ECDH'] },
      rotatable: false,
      hsm: false,
      available: true,
      // ECDH through node:crypto; SM2DSA and SM2PKE through crypto/sm2.ts (docs/architecture.md, "SM2").
      partitions: { only: ['aws-cn'] },
    },
  ].map((row) => [row.spec, row as KeySpecRow]),
);

/** The algorithm lists DescribeKey shows for a key of this spec and usage. */
export function describeAlgorithms(
  spec: string,
  usage: string,
): {
  EncryptionAlgorithms?: string[];
  SigningAlgorithms?: string[];
  MacAlgorithms?: string[];
  KeyAgreementAlgorithms?: string[];
  EncapsulationAlgorithms?: string[];
} {
  const algs = [...(KEY_SPECS[spec]?.algorithms[usage] ?? [])];
  switch (usage) {
    case 'ENCRYPT_DECRYPT':
      return { EncryptionAlgorithms: algs };
    case 'SIGN_VERIFY':
      return { SigningAlgorithms: algs };
    case 'GENERATE_VERIFY_MAC':
      return { MacAlgorithms: algs };
    case 'KEY_AGREEMENT':
      return { KeyAgreementAlgorithms: algs };
    case 'ENCAPSULATE_DECAPSULATE':
      return { EncapsulationAlgorithms: algs };
    default:
      return {};
  }
}

/** Data key specs of GenerateDataKey and their lengths in bytes. */
export const DATA_KEY_SPECS: Record<string, number> = { AES_128: 16, AES_256: 32 };
