/** Rotation rules shared by the rotation operations and the scheduler. */
import { DAY_MS, KEY_SPECS, KmsError, type KeyRecord } from '../../domain/index.js';

/** Asymmetric and HMAC keys, and keys in custom key stores, do not rotate. */
export function checkRotatable(key: KeyRecord): void {
  // AWS answers asymmetric and HMAC keys with no message (recorded).
  if (!KEY_SPECS[key.keySpec]?.rotatable) throw new KmsError('UnsupportedOperationException', '');
  if (key.origin !== 'AWS_KMS') {
    throw new KmsError(
      'UnsupportedOperationException',
      `${key.arn} origin is ${key.origin} which is not valid for this operation.`,
    );
  }
}

/**
 * On-demand rotation and ListKeyRotations: also symmetric keys with imported material, which
 * rotate to material imported for the purpose (RotateKeyOnDemand), never automatically.
 */
export function checkOnDemandRotatable(key: KeyRecord): void {
  if (key.origin === 'EXTERNAL' && KEY_SPECS[key.keySpec]?.rotatable) return;
  checkRotatable(key);
}

export function nextRotationDate(from: Date, periodInDays: number): Date {
  return new Date(from.getTime() + periodInDays * DAY_MS);
}
