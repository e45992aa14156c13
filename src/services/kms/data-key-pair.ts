/**
 * A data key pair for GenerateDataKeyPair(WithoutPlaintext): a new key pair of the requested
 * KeyPairSpec and its private key encrypted under a symmetric KMS key with the encryption context.
 */
import { DATA_KEY_PAIR_SPECS, generateDataKeyPair, type DataKeyPair } from '../../crypto/index.js';
import { KmsError, partitionOf, type KeyRecord } from '../../domain/index.js';
import { encryptionAlgorithm } from './encryption-algorithms.js';
import { throttledWhenBusy } from './key-generation.js';
import type { Caller, Services } from './types.js';

export interface EncryptedDataKeyPair extends DataKeyPair {
  privateKeyCiphertext: Buffer;
}

export async function newDataKeyPair(
  services: Services,
  caller: Caller,
  key: KeyRecord,
  keyPairSpec: string,
  encryptionContext: Record<string, string> | undefined,
): Promise<EncryptedDataKeyPair> {
  // Only a symmetric encryption key wraps the private key (AWS: "You cannot use an asymmetric KMS
  // key"); checked before generating, which takes seconds for RSA_4096.
  const wrap = encryptionAlgorithm(key, undefined);
  // "GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext ... are not supported in custom
  // key stores" (KMS keys in a CloudHSM key store); worded as the other origin refusals.
  if (key.customKeyStoreId !== undefined) {
    throw new KmsError(
      'UnsupportedOperationException',
      `${key.arn} origin is ${key.origin} which is not valid for this operation.`,
    );
  }
  const row = DATA_KEY_PAIR_SPECS[keyPairSpec];
  if (!row) throw new KmsError('ValidationException', `KeyPairSpec ${keyPairSpec} is not valid.`);
  // "The SM2 key spec is only available in China Regions" (GenerateDataKeyPair API reference);
  // wording as AWS refuses CreateKey with KeySpec SM2 outside them.
  if (row.chinaOnly && partitionOf(caller.region) !== 'aws-cn') {
    throw new KmsError('UnsupportedOperationException', `KeyPairSpec ${keyPairSpec} is not supported in this Region`);
  }
  const pair = await throttledWhenBusy(generateDataKeyPair(keyPairSpec, services.keyGeneration));
  try {
    const privateKeyCiphertext = await wrap.encrypt(services, key, pair.privateKey, encryptionContext);
    return { ...pair, privateKeyCiphertext };
  } catch (e) {
    pair.privateKey.fill(0);
    throw e;
  }
}
