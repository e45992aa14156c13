/**
 * Adds new key material and makes it current (RotateKeyOnDemand and scheduled rotation). Older
 * materials stay, so every ciphertext made before keeps decrypting.
 *
 * The write is compare-and-set on the key's version, and `precheck` runs against the freshest
 * record before every attempt, so a rule such as the on-demand rotation limit or "still due"
 * holds even when rotations race.
 */
import { checkKeyState, type KeyMaterialRecord, type KeyRecord, type RotationType } from '../../domain/index.js';
import { copyMaterial, relatedKeys, sharedRotation } from './multi-region.js';
import type { RelatedKeyWrite } from '../../storage/index.js';
import { nextRotationDate } from './rotation.js';
import type { Services } from './types.js';
import { retryOnConflict } from './update.js';

/**
 * Rotates `key`; returns the updated record, or undefined when `precheck` says the rotation is no
 * longer wanted (it may also throw the error the caller should get).
 */
export async function rotateKey(
  services: Services,
  key: KeyRecord,
  now: Date,
  type: RotationType,
  precheck: (current: KeyRecord) => Promise<boolean> = async () => true,
): Promise<KeyRecord | undefined> {
  let material: KeyMaterialRecord | undefined;
  let previousMaterialId = key.currentMaterialId;
  const rotated = await retryOnConflict<KeyRecord | undefined>(
    services.storage,
    key,
    async (current) => {
      if (!(await precheck(current))) return { result: 'ok', value: undefined };
      material ??= await services.materials.create(key.arn, key.keySpec, now, type);
      previousMaterialId = current.currentMaterialId;
      const next: KeyRecord = { ...current, currentMaterialId: material.materialId };
      if (type === 'AUTOMATIC' && current.rotationEnabled && current.rotationPeriodInDays) {
        next.nextRotationDate = nextRotationDate(now, current.rotationPeriodInDays);
      }
      // A multi-Region primary key's new material is every replica's too, in the same write.
      const result = current.multiRegion
        ? await services.storage.updateRelatedKeys(await withReplicas(services, next, material))
        : await services.storage.addKeyMaterial(next, material);
      return { result, value: { ...next, version: next.version + 1 } };
    },
    // Scheduled rotation re-decides in its precheck; an API call answers the key's new state.
    (fresh) => {
      if (type === 'ON_DEMAND') checkKeyState('RotateKeyOnDemand', fresh);
    },
  );
  if (rotated) {
    // KMS records every rotation, automatic or on demand, as a RotateKey service event (ct-rotatekey).
    await services.events.record({
      eventName: 'RotateKey',
      keyArn: key.arn,
      time: now,
      details: {
        rotationType: type,
        keyOrigin: rotated.origin,
        previousKeyMaterialId: previousMaterialId,
        currentKeyMaterialId: rotated.currentMaterialId,
      },
    });
  }
  return rotated;
}

/** The rotation of `next` written to its replicas as well: the material, copied for each, and the schedule. */
async function withReplicas(
  services: Services,
  next: KeyRecord,
  material: KeyMaterialRecord,
): Promise<RelatedKeyWrite[]> {
  const writes: RelatedKeyWrite[] = [{ key: next, material }];
  for (const replica of await relatedKeys(services, next)) {
    if (replica.arn === next.arn) continue;
    writes.push({
      key: { ...replica, ...sharedRotation(next), currentMaterialId: material.materialId },
      material: await copyMaterial(services, next.arn, material, replica.arn),
    });
  }
  return writes;
}
