/**
 * AWS KMS's price classes and the price table (https://aws.amazon.com/kms/pricing/, us-east-1 list
 * prices): $1 per customer managed key-month, prorated hourly; requests priced per 10,000 by class;
 * 20,000 free requests per account and month across all regions, for which asymmetric requests and
 * GenerateDataKeyPair do not count. `--price-table FILE` replaces any part of the defaults.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** The classes a request is priced by (rows of REQUEST_CLASSES). */
export const PRICE_CLASSES = [
  'symmetric',
  'hmac',
  'asymmetric-rsa-2048',
  'asymmetric',
  'ecc-generate-data-key-pair',
  'rsa-generate-data-key-pair',
  // Parameter Store API interactions on advanced parameters (standard throughput).
  'ssm-advanced',
  'not-charged',
] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];

export interface RequestPrice {
  /** USD per 10,000 requests. */
  usdPer10000: number;
  /** Whether the monthly free requests cover this class. */
  freeTier: boolean;
}

export interface PriceTable {
  /** USD per customer managed key (and per billed rotation) per month, prorated hourly. */
  keyMonthUsd: number;
  /** Free requests per account per month, across regions (classes with freeTier only). */
  freeRequestsPerMonth: number;
  requestClasses: Record<PriceClass, RequestPrice>;
  /** USD per Parameter Store advanced parameter per month, prorated hourly. */
  advancedParameterMonthUsd: number;
}

/** AWS's list prices (KMS pricing page: "Key usage" and "Free Tier"). */
export const DEFAULT_PRICE_TABLE: PriceTable = {
  keyMonthUsd: 1,
  freeRequestsPerMonth: 20_000,
  requestClasses: {
    // Symmetric cryptographic requests and every other KMS request (management calls included).
    symmetric: { usdPer10000: 0.03, freeTier: true },
    hmac: { usdPer10000: 0.03, freeTier: true },
    'asymmetric-rsa-2048': { usdPer10000: 0.03, freeTier: false },
    // Asymmetric requests except RSA 2048: RSA 3072/4096, ECC, SM2, ML-DSA, ML-KEM.
    asymmetric: { usdPer10000: 0.15, freeTier: false },
    'ecc-generate-data-key-pair': { usdPer10000: 0.1, freeTier: false },
    'rsa-generate-data-key-pair': { usdPer10000: 12, freeTier: false },
    // Parameter Store (https://aws.amazon.com/systems-manager/pricing/, "Parameter Store"): API
    // interactions with advanced parameters, standard throughput; standard parameters are free.
    'ssm-advanced': { usdPer10000: 0.05, freeTier: false },
    // IAM and STS calls, and Parameter Store's on standard parameters: AWS does not charge for them.
    'not-charged': { usdPer10000: 0, freeTier: false },
  },
  advancedParameterMonthUsd: 0.05,
};

/** A price table file that does not fit the shape; `problems` lists every violation. */
export class PriceTableError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`price table ${file}: ${problems.join('; ')}`);
    this.name = 'PriceTableError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrice = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * Checks a parsed table against the shape of DEFAULT_PRICE_TABLE; what it leaves out keeps its
 * default. Throws PriceTableError naming every problem.
 */
export function validatePriceTable(value: unknown, file = '<price table>'): PriceTable {
  const problems: string[] = [];
  const table: PriceTable = structuredClone(DEFAULT_PRICE_TABLE);
  if (!isObject(value))
    throw new PriceTableError(file, ['must be an object with keyMonthUsd, freeRequestsPerMonth, requestClasses']);
  for (const [name, v] of Object.entries(value)) {
    if (name === 'keyMonthUsd') {
      if (isPrice(v)) table.keyMonthUsd = v;
      else problems.push('keyMonthUsd must be a non-negative number');
    } else if (name === 'advancedParameterMonthUsd') {
      if (isPrice(v)) table.advancedParameterMonthUsd = v;
      else problems.push('advancedParameterMonthUsd must be a non-negative number');
    } else if (name === 'freeRequestsPerMonth') {
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) table.freeRequestsPerMonth = v;
      else problems.push('freeRequestsPerMonth must be a non-negative integer');
    } else if (name === 'requestClasses') {
      if (!isObject(v)) {
        problems.push('requestClasses must be an object');
        continue;
      }
      for (const [cls, price] of Object.entries(v)) {
        if (!(PRICE_CLASSES as readonly string[]).includes(cls)) {
          problems.push(`requestClasses.${cls} is not a price class (one of ${PRICE_CLASSES.join(', ')})`);
          continue;
        }
        if (!isObject(price)) {
          problems.push(`requestClasses.${cls} must be an object with usdPer10000 and freeTier`);
          continue;
        }
        const row = table.requestClasses[cls as PriceClass];
        for (const [member, m] of Object.entries(price)) {
          if (member === 'usdPer10000') {
            if (isPrice(m)) row.usdPer10000 = m;
            else problems.push(`requestClasses.${cls}.usdPer10000 must be a non-negative number`);
          } else if (member === 'freeTier') {
            if (typeof m === 'boolean') row.freeTier = m;
            else problems.push(`requestClasses.${cls}.freeTier must be true or false`);
          } else problems.push(`requestClasses.${cls}.${member} is not a member (usdPer10000, freeTier)`);
        }
      }
    } else
      problems.push(
        `${name} is not a member (keyMonthUsd, freeRequestsPerMonth, requestClasses, advancedParameterMonthUsd)`,
      );
  }
  if (problems.length > 0) throw new PriceTableError(file, problems);
  return table;
}

/** Reads a price table file, JSON or YAML (YAML is a superset of JSON, so one parser reads both). */
export function loadPriceTable(file: string): PriceTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PriceTableError(file, [`cannot be read (${e instanceof Error ? e.message : String(e)})`]);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    throw new PriceTableError(file, [`is not valid JSON or YAML (${e instanceof Error ? e.message : String(e)})`]);
  }
  return validatePriceTable(value, file);
}
