/**
 * Parsed forms of asymmetric key material, computed once per material and cached beside it:
 * the private KeyObject (from the PKCS#8 DER the key store unwraps) and the public key as
 * X.509 SubjectPublicKeyInfo DER, which GetPublicKey returns.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyRecord } from '../../domain/index.js';
import type { Services } from './types.js';

/** The private key of `key`'s material `materialId` (default: current). */
export async function privateKeyObject(
  services: Services,
  key: KeyRecord,
  materialId = key.currentMaterialId,
): Promise<KeyObject> {
  return services.materials.derived(key.arn, materialId, 'private-key', (der) =>
    createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
  );
}

export async function publicKeyObject(
  services: Services,
  key: KeyRecord,
  materialId = key.currentMaterialId,
): Promise<KeyObject> {
  // From the cached private KeyObject: the PKCS#8 is parsed once per material.
  const privateKey = await privateKeyObject(services, key, materialId);
  return services.materials.derived(key.arn, materialId, 'public-key', () => createPublicKey(privateKey));
}

/** SubjectPublicKeyInfo DER of the key's public key. */
export async function publicKeySpki(services: Services, key: KeyRecord): Promise<Buffer> {
  return (await publicKeyObject(services, key)).export({ format: 'der', type: 'spki' });
}
