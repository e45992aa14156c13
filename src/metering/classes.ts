/**
 * Which price class a request falls in (STYLE rule 3: rows). Cryptographic operations are priced by
 * the key's spec, GenerateDataKeyPair by the pair it returns, everything else of KMS as a symmetric
 * request, Parameter Store's by the tier of the parameter acted on (advanced ones only), and the
 * other services not at all (AWS does not charge for IAM and STS).
 */
import type { PriceClass } from './prices.js';

interface PrefixRow {
  prefix: string;
  priceClass: PriceClass;
}

/** Key spec -> class, first matching prefix wins. */
export const KEY_SPEC_CLASSES: readonly PrefixRow[] = [
  { prefix: 'SYMMETRIC_DEFAULT', priceClass: 'symmetric' },
  { prefix: 'HMAC_', priceClass: 'hmac' },
  { prefix: 'RSA_2048', priceClass: 'asymmetric-rsa-2048' },
  { prefix: 'RSA_', priceClass: 'asymmetric' },
  { prefix: 'ECC_', priceClass: 'asymmetric' },
  { prefix: 'SM2', priceClass: 'asymmetric' },
  { prefix: 'ML_DSA_', priceClass: 'asymmetric' },
  { prefix: 'ML_KEM_', priceClass: 'asymmetric' },
];

/** GenerateDataKeyPair's KeyPairSpec -> class. */
export const DATA_KEY_PAIR_CLASSES: readonly PrefixRow[] = [
  { prefix: 'RSA_', priceClass: 'rsa-generate-data-key-pair' },
  { prefix: 'ECC_', priceClass: 'ecc-generate-data-key-pair' },
  { prefix: 'SM2', priceClass: 'ecc-generate-data-key-pair' },
];

/** How each KMS operation is priced; operations not listed are symmetric requests. */
export const OPERATION_PRICING: Readonly<Record<string, 'key-spec' | 'key-pair-spec'>> = {
  Encrypt: 'key-spec',
  Decrypt: 'key-spec',
  ReEncrypt: 'key-spec',
  Sign: 'key-spec',
  Verify: 'key-spec',
  GetPublicKey: 'key-spec',
  GenerateMac: 'key-spec',
  VerifyMac: 'key-spec',
  DeriveSharedSecret: 'key-spec',
  Decapsulate: 'key-spec',
  GenerateDataKeyPair: 'key-pair-spec',
  GenerateDataKeyPairWithoutPlaintext: 'key-pair-spec',
};

const byPrefix = (rows: readonly PrefixRow[], spec: string | undefined): PriceClass | undefined =>
  spec === undefined ? undefined : rows.find((row) => spec.startsWith(row.prefix))?.priceClass;

export interface PricedRequest {
  /** The SigV4 service name (kms, iam, sts, ...). */
  service: string;
  operation: string;
  /** Spec of the first key the request used, if known. */
  keySpec?: string | undefined;
  /** GenerateDataKeyPair's KeyPairSpec, if given. */
  keyPairSpec?: string | undefined;
  /** Parameter Store: the tier of the parameter the request acted on (Advanced if any was). */
  parameterTier?: 'Standard' | 'Advanced' | undefined;
}

export function priceClassOf(req: PricedRequest): PriceClass {
  if (req.service === 'ssm') return req.parameterTier === 'Advanced' ? 'ssm-advanced' : 'not-charged';
  if (req.service !== 'kms') return 'not-charged';
  const pricing = OPERATION_PRICING[req.operation];
  if (pricing === 'key-spec') return byPrefix(KEY_SPEC_CLASSES, req.keySpec) ?? 'symmetric';
  if (pricing === 'key-pair-spec') return byPrefix(DATA_KEY_PAIR_CLASSES, req.keyPairSpec) ?? 'symmetric';
  return 'symmetric';
}
