/**
 * KMS keys in a CloudHSM key store (Origin AWS_CLOUDHSM), as CreateKey and the scheduler need
 * them: the checks of a new key, its material created in (and destroyed from) the HSMs of the
 * store's cluster.
 */
import { KmsError, type CustomKeyStoreRecord, type KeyMaterialRecord } from '../../domain/index.js';
import { HsmError } from '../../keystore/index.js';
import { connectionState, customKeyStoreInvalidState, MIN_CLUSTER_HSMS } from './custom-key-store-rules.js';
import { KeyStoreUnavailableError } from './custom-key-stores.js';
import type { Services } from './types.js';

/**
 * A key in a CloudHSM key store: Origin AWS_CLOUDHSM with a CustomKeyStoreId, a symmetric
 * encryption key in a single Region ("This parameter is valid only for symmetric encryption KMS
 * keys in a single Region. You cannot create any other type of KMS key in a custom key store",
 * CreateKey's CustomKeyStoreId; "You must also use the CustomKeyStoreId parameter", its Origin).
 */
export function checkCustomKeyStoreKey(
  origin: string,
  customKeyStoreId: string | undefined,
  keySpec: string,
  multiRegion: boolean,
): void {
  if (customKeyStoreId === undefined) {
    // unconfirmed wording
    throw new KmsError('ValidationException', 'You must specify a CustomKeyStoreId when the Origin is AWS_CLOUDHSM.');
  }
  if (origin !== 'AWS_CLOUDHSM') {
    // unconfirmed wording
    throw new KmsError(
      'ValidationException',
      `To create a KMS key in a custom key store, the Origin must be AWS_CLOUDHSM; it is ${origin}.`,
    );
  }
  if (keySpec !== 'SYMMETRIC_DEFAULT') {
    // unconfirmed wording, as the EXTERNAL refusal above
    throw new KmsError(
      'UnsupportedOperationException',
      `KeySpec ${keySpec} is not supported for KMS keys in a custom key store (Origin AWS_CLOUDHSM).`,
    );
  }
  if (multiRegion) {
    // unconfirmed wording
    throw new KmsError('UnsupportedOperationException', 'Multi-Region keys cannot be created in a custom key store.');
  }
}

/** "The ConnectionState of the custom key store must be CONNECTED" (CreateKey's CustomKeyStoreId). */
export function requireConnected(services: Services, store: CustomKeyStoreRecord): void {
  const state = connectionState(services, store);
  if (state !== 'CONNECTED') throw notConnected(store.customKeyStoreId, state);
}

/** CreateKey and GenerateRandom in a store that is not CONNECTED. */
// unconfirmed wording
export const notConnected = (customKeyStoreId: string, state: string): KmsError =>
  customKeyStoreInvalidState(`Custom key store ${customKeyStoreId} is not connected. Its ConnectionState is ${state}.`);

/**
 * The key's material, a non-extractable AES-256 key generated in every HSM of the store's cluster
 * (labelled with the key ARN). "For the CreateCustomKeyStore, UpdateCustomKeyStore, and CreateKey
 * operations, the CloudHSM cluster must have at least two active HSMs"
 * (CloudHsmClusterInvalidConfigurationException).
 */
export async function createInStore(
  services: Services,
  store: CustomKeyStoreRecord,
  keyArn: string,
  now: Date,
): Promise<KeyMaterialRecord> {
  const id = store.customKeyStoreId;
  try {
    return await services.materials.createInHsm(services.customKeyStores.materials(id), keyArn, now);
  } catch (err) {
    if (err instanceof KeyStoreUnavailableError) throw notConnected(id, err.status.state);
    if (!(err instanceof HsmError)) throw err;
    services.customKeyStores.noteFailure(id, err);
    services.logger.warn(
      { keyArn, customKeyStoreId: id, hsmErrorCode: err.code, reason: err.message },
      'key material could not be created in the custom key store',
    );
    if (err.failure === 'too-few-hsms') {
      // unconfirmed wording
      throw new KmsError(
        'CloudHsmClusterInvalidConfigurationException',
        `The CloudHSM cluster ${store.cloudHsmClusterId} associated with custom key store ${id} must have at least ${MIN_CLUSTER_HSMS} active HSMs to create a KMS key.`,
      );
    }
    const state = connectionState(services, store);
    if (state !== 'CONNECTED') throw notConnected(id, state);
    throw err;
  }
}

/**
 * Best effort: destroys a key's objects (one per material id) in every HSM of its store that
 * answers. What cannot be destroyed is logged with what names it in the HSMs (label = key ARN,
 * CKA_ID = material id) under `left`, and the store is told of the failure.
 */
export async function destroyInStore(
  services: Services,
  store: { customKeyStoreId: string; cloudHsmClusterId?: string | undefined },
  keyArn: string,
  materialIds: readonly string[],
  left: string,
): Promise<void> {
  const { customKeyStoreId, cloudHsmClusterId } = store;
  for (const materialId of materialIds) {
    try {
      await services.customKeyStores.materials(customKeyStoreId).destroy({ keyArn, materialId }, {});
    } catch (err) {
      services.customKeyStores.noteFailure(customKeyStoreId, err);
      services.logger.warn(
        {
          keyArn,
          customKeyStoreId,
          cloudHsmClusterId,
          materialId,
          reason: err instanceof Error ? err.message : String(err),
        },
        left,
      );
    }
  }
}
