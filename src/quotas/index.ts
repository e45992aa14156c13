/** Public surface of quotas/: AWS's request quotas, token-bucket admission, ThrottlingException. */
export {
  DATA_KEY_PAIR_OPERATIONS,
  REQUEST_QUOTA_NAMES,
  REQUEST_QUOTAS,
  defaultRate,
  isRequestQuotaName,
  keyQuota,
  operationQuota,
  type RequestQuotaRow,
} from './table.js';
export { InProcessAdmission, TokenBucket, burstOf, type QuotaKey, type RequestAdmission } from './bucket.js';
export {
  GENERIC_THROTTLING_MESSAGE,
  KMS_THROTTLING_MESSAGE,
  RequestQuotas,
  requestQuotaOverrides,
  splitQuotaSettings,
  type QuotaCaller,
  type RateLimits,
  type RequestQuotasOptions,
} from './limits.js';
