/**
 * Policy documents an IAM write takes: validated by policy/ (MalformedPolicyDocument with IAM's
 * messages) and measured against IAM's size quotas.
 */
import { IamErrors, policySize, type IamQuotas } from '../../domain/index.js';
import { validateIdentityPolicy, validateTrustPolicy } from '../../policy/index.js';

export function checkIdentityPolicy(document: string): void {
  const result = validateIdentityPolicy(document);
  if (!result.ok) throw IamErrors.malformedPolicy(result.message);
}

/** A role's trust policy: valid, and within ACLSizePerRole. */
export function checkTrustPolicy(document: string, quotas: IamQuotas): void {
  const result = validateTrustPolicy(document);
  if (!result.ok) throw IamErrors.malformedPolicy(result.message);
  if (policySize(document) > quotas.roleTrustPolicySize) {
    throw IamErrors.quotaExceeded('roleTrustPolicySize', quotas.roleTrustPolicySize);
  }
}

/** A managed policy version: valid, and within PolicySize. */
export function checkManagedPolicy(document: string, quotas: IamQuotas): void {
  checkIdentityPolicy(document);
  if (policySize(document) > quotas.managedPolicySize) {
    throw IamErrors.quotaExceeded('managedPolicySize', quotas.managedPolicySize);
  }
}
