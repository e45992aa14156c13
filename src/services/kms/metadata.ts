/** KeyMetadata as DescribeKey, CreateKey and friends return it. */
import { describeAlgorithms, type KeyRecord } from '../../domain/index.js';
import type { KeyMetadata } from '../../model/index.js';

/**
 * `related`: the key's multi-Region set (itself included, storage.relatedKeys), for
 * MultiRegionConfiguration; without it a multi-Region key shows only itself.
 */
export function keyMetadata(key: KeyRecord, related: readonly KeyRecord[] = [key]): KeyMetadata {
  const meta: KeyMetadata = {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: key.creationDate,
    // A key Updating (UpdatePrimaryRegion) stays usable: Enabled as it was before.
    Enabled: key.keyState === 'Enabled' || (key.keyState === 'Updating' && key.stateAfterTransition === 'Enabled'),
    Description: key.description,
    KeyUsage: key.keyUsage as KeyMetadata['KeyUsage'],
    KeyState: key.keyState,
    Origin: key.origin as KeyMetadata['Origin'],
    KeyManager: key.keyManager as KeyMetadata['KeyManager'],
    CustomerMasterKeySpec: key.keySpec as KeyMetadata['CustomerMasterKeySpec'],
    KeySpec: key.keySpec as KeyMetadata['KeySpec'],
    ...(describeAlgorithms(key.keySpec, key.keyUsage) as Partial<KeyMetadata>),
    MultiRegion: key.multiRegion,
  };
  // PendingDeletionWindowInDays "is present only when the KeyState of the KMS key is
  // PendingReplicaDeletion" (a multi-Region primary key), never for a single-Region key.
  if (key.keyState === 'PendingDeletion') meta.DeletionDate = key.deletionDate;
  if (key.keyState === 'PendingReplicaDeletion') meta.PendingDeletionWindowInDays = key.pendingDeletionWindowInDays;
  if (key.multiRegion) meta.MultiRegionConfiguration = multiRegionConfiguration(key, related);
  if (key.customKeyStoreId) meta.CustomKeyStoreId = key.customKeyStoreId;
  // The store's cluster, as presented (CustomKeyStores.present): "present only when the KMS key is
  // created in an CloudHSM key store".
  if (key.cloudHsmClusterId) meta.CloudHsmClusterId = key.cloudHsmClusterId;
  // A key of Origin EXTERNAL has no material id before its first import.
  if (key.keySpec === 'SYMMETRIC_DEFAULT' && key.origin !== 'EXTERNAL_KEY_STORE' && key.currentMaterialId !== '') {
    meta.CurrentKeyMaterialId = key.currentMaterialId;
  }
  // "present only when the Origin field is EXTERNAL"; ValidTo only for KEY_MATERIAL_EXPIRES.
  if (key.origin === 'EXTERNAL' && key.expirationModel) {
    meta.ExpirationModel = key.expirationModel as KeyMetadata['ExpirationModel'];
  }
  if (key.origin === 'EXTERNAL' && key.validTo) meta.ValidTo = key.validTo;
  return meta;
}

/**
 * "The key ARN and Region of the primary key. This field includes the current KMS key if it is the
 * primary key"; ReplicaKeys "includes the current KMS key if it is a replica key" (DescribeKey).
 */
function multiRegionConfiguration(
  key: KeyRecord,
  related: readonly KeyRecord[],
): KeyMetadata['MultiRegionConfiguration'] {
  const keys = related.some((k) => k.arn === key.arn) ? related : [key, ...related];
  const entry = (k: KeyRecord) => ({ Arn: k.arn, Region: k.region });
  const primary = keys.find((k) => k.multiRegionKeyType === 'PRIMARY');
  return {
    MultiRegionKeyType: key.multiRegionKeyType ?? 'PRIMARY',
    ...(primary ? { PrimaryKey: entry(primary) } : {}),
    ReplicaKeys: keys.filter((k) => k.multiRegionKeyType === 'REPLICA').map(entry),
  };
}
