/**
 * Adds new key material and makes it current (RotateKeyOnDemand and scheduled rotation). Older
 * materials stay, so every ciphertext made before keeps decrypting.
 */
import { checkKeyState, KmsError, type KeyRecord, type RotationType } from '../domain/index.js';
import { nextRotationDate } from './rotation.js';
import type { Services } from './types.js';

export async function rotateKey(services: Services, key: KeyRecord, now: Date, type: RotationType): Promise<KeyRecord> {
  const material = await services.materials.create(key.arn, now, type);
  let current = key;
  for (let attempt = 0; attempt < 10; attempt++) {
    const next: KeyRecord = { ...current, currentMaterialId: material.materialId };
    if (type === 'AUTOMATIC' && current.rotationEnabled && current.rotationPeriodInDays) {
      next.nextRotationDate = nextRotationDate(now, current.rotationPeriodInDays);
    }
    const result = await services.storage.addKeyMaterial(next, material);
    if (result === 'ok') return { ...next, version: next.version + 1 };
    const fresh = await services.storage.getKey(key.region, key.accountId, key.keyId);
    if (result === 'not-found' || !fresh) throw new KmsError('NotFoundException', `Key '${key.arn}' does not exist`);
    checkKeyState(type === 'ON_DEMAND' ? 'RotateKeyOnDemand' : 'Encrypt', fresh);
    current = fresh;
  }
  throw new KmsError('KMSInternalException', 'The request was rejected because an internal exception occurred. The request can be retried.');
}
