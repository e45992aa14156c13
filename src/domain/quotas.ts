/**
 * AWS KMS's resource quotas, one row each, with AWS's defaults ("Resource quotas", AWS KMS
 * Developer Guide, resource-limits.html). Every quota is a setting: the composition root merges
 * overrides into these defaults (`ServerOptions.quotas`, `trent serve --quota NAME=VALUE`).
 * Exceeding one answers LimitExceededException, except tags per key, which AWS answers with
 * TagException (services/kms/tags.ts).
 */
import { KmsError } from './errors.js';

interface QuotaRow {
  /** AWS's default value. */
  default: number;
  /** What is counted, as AWS's quota table names it. */
  description: string;
}

export const RESOURCE_QUOTAS = {
  /** Customer managed keys per account and Region, in any key state; AWS managed keys do not count. */
  keysPerRegion: { default: 100_000, description: 'AWS KMS keys (customer managed) per account and Region' },
  /** Aliases a customer created, per KMS key; aliases AWS creates (alias/aws/...) do not count. */
  aliasesPerKey: { default: 50, description: 'Aliases per KMS key' },
  /** Grants per KMS key (enforced once grants are built). */
  grantsPerKey: { default: 50_000, description: 'Grants per KMS key' },
  /** "32 KB (32,768 bytes)": measured on the UTF-8 bytes of the policy as sent, whitespace included. */
  keyPolicyBytes: { default: 32_768, description: 'Key policy document size, in bytes' },
  /** Custom key stores per account and Region (enforced once custom key stores are built). */
  customKeyStoresPerRegion: { default: 10, description: 'Custom key stores per account and Region' },
  /** On-demand rotations per key (RotateKeyOnDemand). */
  onDemandRotationsPerKey: { default: 25, description: 'On-demand rotations per KMS key' },
  /** Tags per KMS key ("Tagging keys"); exceeding it is a TagException, as AWS answers. */
  tagsPerKey: { default: 50, description: 'Tags per KMS key' },
} as const satisfies Record<string, QuotaRow>;

export type QuotaName = keyof typeof RESOURCE_QUOTAS;
export type ResourceQuotas = Readonly<Record<QuotaName, number>>;

export const QUOTA_NAMES = Object.keys(RESOURCE_QUOTAS) as QuotaName[];

export const isQuotaName = (name: string): name is QuotaName => Object.hasOwn(RESOURCE_QUOTAS, name);

/** AWS's defaults. */
export const DEFAULT_RESOURCE_QUOTAS: ResourceQuotas = Object.freeze(
  Object.fromEntries(QUOTA_NAMES.map((name) => [name, RESOURCE_QUOTAS[name].default])) as Record<QuotaName, number>,
);

/** AWS's defaults with `overrides` applied; each override must be a non-negative safe integer. */
export function resourceQuotas(overrides: Partial<Record<QuotaName, number>> = {}): ResourceQuotas {
  for (const [name, value] of Object.entries(overrides)) {
    if (!isQuotaName(name)) throw new Error(`unknown quota ${name} (known: ${QUOTA_NAMES.join(', ')})`);
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`quota ${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
  const defined = Object.entries(overrides).filter(([, v]) => v !== undefined);
  return Object.freeze({ ...DEFAULT_RESOURCE_QUOTAS, ...Object.fromEntries(defined) });
}

/*
 * The errors, in the words AWS uses. The key and alias messages are AWS's as recorded in public
 * issue threads (convox/rack#347 for CreateKey, scylladb/scylla-cluster-tests#7611 for
 * CreateAlias). No AWS answer is recorded for the key policy size; its message is ours.
 */

export const keyQuotaExceeded = (limit: number, usage: number): KmsError =>
  new KmsError(
    'LimitExceededException',
    `Key quota for this account in this region is ${limit} but the current usage is ${usage}.`,
  );

export const aliasQuotaExceeded = (limit: number, usage: number): KmsError =>
  new KmsError(
    'LimitExceededException',
    `Aliases per key quota for this account in this region is ${limit}, current usage is ${usage}.`,
  );

export const keyPolicySizeExceeded = (limit: number): KmsError =>
  new KmsError('LimitExceededException', `The key policy exceeds the maximum size of ${limit} bytes.`);
