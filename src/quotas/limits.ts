/**
 * Request quotas as requests meet them: which quota a request counts against (table.ts), the
 * rate this server applies (AWS's default for the Region, or the operator's `--quota`), admission
 * (bucket.ts), and the ThrottlingException of a request over its quota.
 *
 * A request counts against the quotas of the caller's account and the Region it signed for, also
 * when it uses another account's key ("For cross-account requests, AWS KMS throttles the account
 * that makes the requests, not the account that owns the KMS key"). DryRun requests count as any
 * other ("All API requests using the DryRun parameter apply to the request quota of the API").
 */
import { isQuotaName, KmsError } from '../domain/index.js';
import { InProcessAdmission, type RequestAdmission } from './bucket.js';
import { defaultRate, isRequestQuotaName, keyQuota, operationQuota, REQUEST_QUOTA_NAMES } from './table.js';

/**
 * AWS KMS's message (Developer Guide, "Throttling AWS KMS requests"). CloudTrail's is the
 * generic one of AWS's JSON services.
 */
export const KMS_THROTTLING_MESSAGE =
  'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.';
export const GENERIC_THROTTLING_MESSAGE = 'Rate exceeded';

const messageOf = (service: string): string =>
  service === 'kms' ? KMS_THROTTLING_MESSAGE : GENERIC_THROTTLING_MESSAGE;

/** Who pays: the caller's account and the Region of its credential scope. */
export interface QuotaCaller {
  principal: { accountId: string };
  region: string;
}

/** What the pipelines call (`Services.rateLimits`); each throws ThrottlingException over a quota. */
export interface RateLimits {
  /** Counts a validated request against the quota its operation decides, if any. */
  chargeOperation(service: string, operation: string, input: unknown, caller: QuotaCaller): void;
  /** Counts a KMS request against the shared cryptographic quota of the first key it uses, if any. */
  chargeKey(operation: string, keySpec: string, caller: QuotaCaller): void;
}

/**
 * The operator's values, checked: every name a request quota, every value a positive number of
 * requests per second. An override applies in every Region.
 */
export function requestQuotaOverrides(
  overrides: Readonly<Record<string, number | undefined>> = {},
): ReadonlyMap<string, number> {
  const checked = new Map<string, number>();
  for (const [name, value] of Object.entries(overrides)) {
    if (!isRequestQuotaName(name)) {
      throw new Error(`unknown request quota ${name} (known: ${REQUEST_QUOTA_NAMES.join(', ')})`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`request quota ${name} must be a positive number of requests per second, got ${String(value)}`);
    }
    checked.set(name, value);
  }
  return checked;
}

/** The one `quotas` setting split into resource quotas (domain/quotas.ts) and request quotas. */
export function splitQuotaSettings(all: Readonly<Record<string, number>>): {
  resource: Record<string, number>;
  request: Record<string, number>;
} {
  const resource: Record<string, number> = {};
  const request: Record<string, number> = {};
  for (const [name, value] of Object.entries(all)) {
    if (isQuotaName(name)) resource[name] = value;
    else request[name] = value;
  }
  return { resource, request };
}

export interface RequestQuotasOptions {
  /** Overrides of AWS's defaults (`requestQuotaOverrides`). */
  overrides?: ReadonlyMap<string, number> | undefined;
  /** Milliseconds now: real time (a virtual clock stands still, and would never refill). */
  now: () => number;
  /** Default: this process's buckets. */
  admission?: RequestAdmission | undefined;
  /** Told of every throttled request (the metric `trent_throttled_requests_total`). */
  onThrottled?: ((quota: string) => void) | undefined;
}

export class RequestQuotas implements RateLimits {
  private readonly admission: RequestAdmission;

  constructor(private readonly opts: RequestQuotasOptions) {
    this.admission = opts.admission ?? new InProcessAdmission();
  }

  /** The rate applied to `quota` in `region`. */
  rateOf(quota: string, region: string): number {
    return this.opts.overrides?.get(quota) ?? defaultRate(quota, region);
  }

  chargeOperation(service: string, operation: string, input: unknown, caller: QuotaCaller): void {
    const quota = operationQuota(service, operation, input);
    if (quota !== undefined) this.charge(service, quota, caller);
  }

  chargeKey(operation: string, keySpec: string, caller: QuotaCaller): void {
    const quota = keyQuota(operation, keySpec);
    if (quota !== undefined) this.charge('kms', quota, caller);
  }

  private charge(service: string, quota: string, caller: QuotaCaller): void {
    const { region } = caller;
    const key = { accountId: caller.principal.accountId, region, quota };
    if (this.admission.admit(key, this.rateOf(quota, region), this.opts.now())) return;
    this.opts.onThrottled?.(quota);
    throw new KmsError('ThrottlingException', messageOf(service));
  }
}
