/**
 * ML-KEM keys for Encapsulate, Decapsulate and GetPublicKey: the key pair derived from the stored
 * seed (cached beside the material, like parsed private keys), the key rule and the algorithm check.
 */
import { KEM_PARAMETER_SETS, kemKeyPairFromSeed, kemPublicKeySpki, type KemKeyPair } from '../../crypto/index.js';
import { KEY_SPECS, KmsError, type KeyRecord } from '../../domain/index.js';
import type { Services } from './types.js';

/** Encapsulate and Decapsulate accept aliases and other accounts' key ARNs (API reference). */
export const KEM_KEY_RULE = { aliases: true, crossAccount: true, usage: 'ENCAPSULATE_DECAPSULATE' } as const;

export function isKemKey(key: KeyRecord): boolean {
  return Object.prototype.hasOwnProperty.call(KEM_PARAMETER_SETS, key.keySpec);
}

/** The ML-KEM key pair of `key`'s current material (ML-KEM keys never rotate). */
export async function kemKeyPair(services: Services, key: KeyRecord): Promise<KemKeyPair> {
  return services.materials.derived(key.arn, key.currentMaterialId, 'kem-key-pair', (seed) =>
    kemKeyPairFromSeed(key.keySpec, seed),
  );
}

/** SubjectPublicKeyInfo DER of an ML-KEM key's encapsulation key, for GetPublicKey. */
export async function kemPublicKeyDer(services: Services, key: KeyRecord): Promise<Buffer> {
  return kemPublicKeySpki(key.keySpec, (await kemKeyPair(services, key)).publicKey);
}

/** The requested algorithm must be one the key spec's row offers for ENCAPSULATE_DECAPSULATE. */
export function checkEncapsulationAlgorithm(key: KeyRecord, algorithm: string): void {
  if (!KEY_SPECS[key.keySpec]?.algorithms.ENCAPSULATE_DECAPSULATE?.includes(algorithm)) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`,
    );
  }
}
