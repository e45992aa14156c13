import {
  CiphertextError,
  IMPORTABLE_KEY_SPECS,
  importedMaterialId,
  SM2_WRAPPING,
  sm2UnwrapImportedMaterial,
  unwrapImportedMaterial,
  WRAPPING_ALGORITHMS,
  wrappingPrivateKey,
} from '../../../crypto/index.js';
import { checkKeyState, KmsError, type KeyRecord } from '../../../domain/index.js';
import {
  checkExpiration,
  checkExternalOrigin,
  importTokenId,
  invalidImportToken,
  planImport,
  wrappingKeyAad,
} from '../imported-material.js';
import { checkSharedMaterial } from '../multi-region.js';
import { invalidCiphertext } from '../symmetric.js';
import { retryOnConflict } from '../update.js';
import { defineOperation } from '../types.js';

/**
 * Unwraps the material with the token's wrapping key (the token's one use), checks it fits the
 * key spec and the key's materials, and stores it as any key material is stored: the key becomes
 * Enabled once all its materials are imported, and every cryptographic operation uses it
 * unchanged. New material for a symmetric key that has material waits for RotateKeyOnDemand.
 */
export const ImportKeyMaterial = defineOperation({
  name: 'ImportKeyMaterial',
  action: 'kms:ImportKeyMaterial',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  auditDefaults: () => ({ ExpirationModel: 'KEY_MATERIAL_EXPIRES' }),
  async run({ input, key, services, now }) {
    checkExternalOrigin(key);
    const accepts = IMPORTABLE_KEY_SPECS[key.keySpec];
    if (!accepts) throw new Error(`ImportKeyMaterial: EXTERNAL key of spec ${key.keySpec}`);
    const expirationModel = input.ExpirationModel ?? 'KEY_MATERIAL_EXPIRES';
    const validTo = checkExpiration(expirationModel, input.ValidTo, now);
    if (
      key.keySpec !== 'SYMMETRIC_DEFAULT' &&
      (input.KeyMaterialId !== undefined || input.KeyMaterialDescription !== undefined)
    ) {
      throw new KmsError(
        'ValidationException',
        'KeyMaterialId and KeyMaterialDescription are only valid for symmetric encryption KMS keys.',
      );
    }
    if (input.ImportType === 'NEW_KEY_MATERIAL' && input.KeyMaterialId !== undefined) {
      throw new KmsError('ValidationException', 'You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL.');
    }

    // The token: ours, of this key, unexpired; then taken, so it serves one import only.
    const tokenId = importTokenId(input.ImportToken);
    const issued = tokenId === undefined ? undefined : await services.storage.getImportParameters(tokenId);
    if (!tokenId || !issued || issued.keyArn !== key.arn) throw invalidImportToken();
    if (issued.validTo.getTime() <= now.getTime()) {
      throw new KmsError('ExpiredImportTokenException', 'The import token is expired.');
    }
    const params = await services.storage.takeImportParameters(tokenId);
    if (!params) throw invalidImportToken();
    const sm2 = params.wrappingAlgorithm === SM2_WRAPPING.algorithm;
    const algorithm = WRAPPING_ALGORITHMS[params.wrappingAlgorithm];
    if (!algorithm && !sm2) throw new Error(`ImportKeyMaterial: stored wrapping algorithm ${params.wrappingAlgorithm}`);

    const der = await services.keyStore.unwrap(
      params.wrappedPrivateKey,
      wrappingKeyAad(key.arn, tokenId, params.wrappingAlgorithm, params.wrappingKeySpec),
    );
    let unwrapped: Buffer;
    try {
      const encrypted = Buffer.from(input.EncryptedKeyMaterial);
      unwrapped = algorithm
        ? unwrapImportedMaterial(algorithm, wrappingPrivateKey(der), encrypted)
        : sm2UnwrapImportedMaterial(der, encrypted);
    } catch (err) {
      if (err instanceof CiphertextError) throw invalidCiphertext();
      throw err;
    } finally {
      der.fill(0);
    }
    const material = accepts.accept(unwrapped);
    unwrapped.fill(0);
    if (!material) {
      throw new KmsError(
        'IncorrectKeyMaterialException',
        `The key material in the request is not valid for a KMS key of key spec ${key.keySpec}.`,
      );
    }
    try {
      const materialId = importedMaterialId(key.keyId, material);
      const plan = async (current: KeyRecord) => {
        const materials = await services.storage.listImportedKeyMaterials(current.arn);
        return { materials, ...planImport(current, materials, input.ImportType, input.KeyMaterialId, materialId) };
      };
      await plan(key);
      // Multi-Region keys share their material: a replica takes only what its peers hold.
      await checkSharedMaterial(services, key, materialId);
      const record = {
        ...(await services.materials.wrap(key.arn, materialId, material, now)),
        expirationModel,
        validTo,
        description: input.KeyMaterialDescription,
      };
      await retryOnConflict(
        services.storage,
        key,
        async (current) => {
          const { materials, current: isCurrent } = await plan(current);
          // Enabled once every material of the key is imported (ImportKeyMaterial: "you will need
          // to import all of the key materials associated with the KMS key").
          const complete = materials.every((m) => m.imported || m.materialId === materialId);
          const next: KeyRecord = {
            ...current,
            keyState: current.keyState === 'PendingImport' && complete ? 'Enabled' : current.keyState,
            ...(isCurrent ? { currentMaterialId: materialId, expirationModel, validTo } : {}),
          };
          return { result: await services.storage.importKeyMaterial(next, record), value: undefined };
        },
        (fresh) => checkKeyState('ImportKeyMaterial', fresh),
      );
      // Material ids are shown for symmetric keys only (LocalStack's tests against AWS).
      return { KeyId: key.arn, ...(key.keySpec === 'SYMMETRIC_DEFAULT' ? { KeyMaterialId: materialId } : {}) };
    } finally {
      material.fill(0);
    }
  },
});
