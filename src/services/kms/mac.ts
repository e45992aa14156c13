/**
 * What GenerateMac and VerifyMac share: the key rule, the algorithm check against the key-spec
 * table, and the HMAC key (the material itself; HMAC keys never rotate, so always the current one).
 */
import { MAC_ALGORITHMS } from '../../crypto/index.js';
import { KEY_SPECS, KmsError, type KeyRecord } from '../../domain/index.js';
import type { KeyRule, Services } from './types.js';

/** Key ids, key ARNs, alias names and alias ARNs; another account's key by ARN (AWS: cross-account yes). */
export const MAC_KEY_RULE: KeyRule = { aliases: true, crossAccount: true, usage: 'GENERATE_VERIFY_MAC' };

/**
 * `algorithm` must be the one the key's spec offers: `Algorithm HMAC_SHA_256 is incompatible with
 * key spec HMAC_224.` (AWS's answer, InvalidKeyUsageException).
 */
export function checkMacAlgorithm(key: KeyRecord, algorithm: string): void {
  const offered = KEY_SPECS[key.keySpec]?.algorithms.GENERATE_VERIFY_MAC ?? [];
  if (!offered.includes(algorithm) || MAC_ALGORITHMS[algorithm]?.keySpec !== key.keySpec) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`,
    );
  }
}

/** The HMAC key of `key`: its current material, unwrapped. */
export async function macKey(services: Services, key: KeyRecord): Promise<Buffer> {
  const material = await services.materials.plaintext(key.arn, key.currentMaterialId);
  if (!material) throw new Error(`current material of ${key.arn} is missing`);
  return material;
}
