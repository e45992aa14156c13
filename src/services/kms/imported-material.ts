/**
 * Rules of imported key material (Origin EXTERNAL) shared by GetParametersForImport,
 * ImportKeyMaterial, DeleteImportedKeyMaterial, RotateKeyOnDemand, ListKeyRotations and the
 * scheduler: the origin check, the import token, ExpirationModel and ValidTo, ImportType, and
 * taking material out of a key or rotating to it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual, wrappingAad } from '../../crypto/index.js';
import { checkKeyState, DAY_MS, KmsError, LIMITS, type KeyRecord } from '../../domain/index.js';
import type { ImportedKeyMaterial } from '../../storage/index.js';
import { retryOnConflict } from './update.js';
import type { Services } from './types.js';

/** Only keys of Origin EXTERNAL take imported material (key-state table, "origin is ... not valid"). */
export function checkExternalOrigin(key: KeyRecord): void {
  if (key.origin !== 'EXTERNAL') {
    throw new KmsError(
      'UnsupportedOperationException',
      `${key.arn} origin is ${key.origin} which is not valid for this operation.`,
    );
  }
}

/**
 * An import token: a version prefix and 32 random bytes, opaque to the caller. What it stands for
 * (key ARN, wrapping key, algorithm, expiry) is stored under the SHA-256 of the token, so the
 * database holds no usable token, and the wrapped wrapping key's associated data binds all of
 * it, so a row moved to another key or token does not unwrap.
 */
const TOKEN_PREFIX = Buffer.from('TRIT\x01', 'latin1');
const TOKEN_RANDOM_BYTES = 32;

export function newImportToken(): { token: Buffer; tokenId: string } {
  const token = Buffer.concat([TOKEN_PREFIX, randomBytes(TOKEN_RANDOM_BYTES)]);
  return { token, tokenId: tokenIdOf(token) };
}

/** The stored id of a token, or undefined for bytes that are no token of ours. */
export function importTokenId(token: Uint8Array): string | undefined {
  const bytes = Buffer.from(token);
  if (bytes.length !== TOKEN_PREFIX.length + TOKEN_RANDOM_BYTES) return undefined;
  if (!constantTimeEqual(bytes.subarray(0, TOKEN_PREFIX.length), TOKEN_PREFIX)) return undefined;
  return tokenIdOf(bytes);
}

const tokenIdOf = (token: Buffer): string => createHash('sha256').update(token).digest('hex');

/** Associated data of a stored wrapping private key. */
export function wrappingKeyAad(keyArn: string, tokenId: string, algorithm: string, keySpec: string): Buffer {
  return wrappingAad('import-wrapping-key', keyArn, tokenId, algorithm, keySpec);
}

export const invalidImportToken = (): KmsError =>
  new KmsError('InvalidImportTokenException', 'The import token is invalid or is associated with a different KMS key.');

/** ValidTo as ExpirationModel asks: required, future and within 365 days, or absent. */
export function checkExpiration(model: string, validTo: Date | undefined, now: Date): Date | undefined {
  if (model === 'KEY_MATERIAL_DOES_NOT_EXPIRE') {
    if (validTo !== undefined) {
      // local-kms's message (not confirmed against AWS).
      throw new KmsError(
        'ValidationException',
        'The parameter ValidTo cannot be specified for a key with an expiration model of KEY_MATERIAL_DOES_NOT_EXPIRE',
      );
    }
    return undefined;
  }
  if (validTo === undefined) {
    // LocalStack's and local-kms's message.
    throw new KmsError(
      'ValidationException',
      'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES',
    );
  }
  if (validTo.getTime() <= now.getTime()) {
    // local-kms's message (not confirmed against AWS).
    throw new KmsError('ValidationException', 'ValidTo must be in the future');
  }
  if (validTo.getTime() > now.getTime() + LIMITS.importedMaterialMaxValidDays * DAY_MS) {
    throw new KmsError(
      'ValidationException',
      `ValidTo must be no more than ${LIMITS.importedMaterialMaxValidDays} days from the request date.`,
    );
  }
  return validTo;
}

/**
 * The material imported for on-demand rotation and not rotated to yet (PENDING_ROTATION): the one
 * added after the current material (rotation always makes the newest material current).
 */
export function pendingRotation(
  key: KeyRecord,
  materials: readonly ImportedKeyMaterial[],
): ImportedKeyMaterial | undefined {
  const current = materials.findIndex((m) => m.materialId === key.currentMaterialId);
  return current < 0 ? undefined : materials[current + 1];
}

/**
 * Where an import puts its material, by ImportType as AWS defines it: NEW_KEY_MATERIAL by default
 * before the key's first import, EXISTING_KEY_MATERIAL after it. Existing material must be one the
 * key had (its id, derived from the material, among the key's, and KeyMaterialId's when given);
 * new material must not be the key's already, and after the first it waits for RotateKeyOnDemand
 * (symmetric keys only: "For asymmetric and HMAC keys, you cannot change the key material after
 * the initial import"). Returns whether the material is (or becomes) the current one.
 */
export function planImport(
  key: KeyRecord,
  materials: readonly ImportedKeyMaterial[],
  importType: string | undefined,
  givenId: string | undefined,
  materialId: string,
): { current: boolean } {
  const known = materials.find((m) => m.materialId === materialId);
  const type = importType ?? (materials.length > 0 ? 'EXISTING_KEY_MATERIAL' : 'NEW_KEY_MATERIAL');
  if (type === 'EXISTING_KEY_MATERIAL') {
    if (!known || (givenId !== undefined && givenId !== materialId)) {
      throw new KmsError(
        'IncorrectKeyMaterialException',
        'The key material in the request is not the key material previously imported into this KMS key.',
      );
    }
    return { current: materialId === key.currentMaterialId };
  }
  if (known) {
    throw new KmsError(
      'IncorrectKeyMaterialException',
      'The key material in the request is already associated with this KMS key.',
    );
  }
  if (materials.length === 0) return { current: true };
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'IncorrectKeyMaterialException',
      'The key material of an asymmetric or HMAC KMS key cannot be changed after its first import.',
    );
  }
  const pending = pendingRotation(key, materials);
  if (pending) {
    // LocalStack's message for this case (its on-demand rotation tests run against AWS).
    throw new KmsError(
      'KMSInvalidStateException',
      `New key material (id: ${materialId}) cannot be imported into KMS key ${key.arn}, because another key material (id: ${pending.materialId}) is pending rotation.`,
    );
  }
  return { current: false };
}

/**
 * Takes imported material out of `key` (default: its current material): the key goes to
 * PendingImport (or stays PendingDeletion), since it needs all its materials to be Enabled; the
 * material stays known by id for the import of the same material. Returns the key as written, or
 * undefined when there was nothing to delete (never imported, already gone, or `stillDue` says
 * no on the freshest record). NotFoundException for a KeyMaterialId the key never had.
 */
export async function deleteImportedMaterial(
  services: Services,
  key: KeyRecord,
  operation: string,
  materialId?: string,
  stillDue: (material: ImportedKeyMaterial) => boolean = () => true,
): Promise<KeyRecord | undefined> {
  const written = await retryOnConflict<KeyRecord | undefined>(
    services.storage,
    key,
    async (current) => {
      const id = materialId ?? current.currentMaterialId;
      const material = (await services.storage.listImportedKeyMaterials(current.arn)).find((m) => m.materialId === id);
      if (!material && materialId !== undefined) {
        throw new KmsError('NotFoundException', `Key material ${materialId} of ${key.arn} does not exist.`);
      }
      if (!material?.imported || !stillDue(material)) return { result: 'ok', value: undefined };
      const next: KeyRecord = {
        ...current,
        keyState: current.keyState === 'PendingDeletion' ? 'PendingDeletion' : 'PendingImport',
        validTo: id === current.currentMaterialId ? undefined : current.validTo,
      };
      const result = await services.storage.deleteImportedKeyMaterial(next, id);
      return { result, value: { ...next, version: next.version + 1 } };
    },
    (fresh) => checkKeyState(operation, fresh),
  );
  // The cached plaintext goes with it (it comes back with the import of the same material).
  services.materials.forget(key.arn);
  return written;
}

/**
 * RotateKeyOnDemand of a key with imported material: makes the material pending rotation current
 * ("you must have already imported new key material and that key material's state should be
 * PENDING_ROTATION", RotateKeyOnDemand), within the on-demand rotation limit, and records the
 * RotateKey service event as for generated material.
 */
export async function rotateToImportedMaterial(services: Services, key: KeyRecord, now: Date): Promise<void> {
  let previousMaterialId = key.currentMaterialId;
  const rotated = await retryOnConflict(
    services.storage,
    key,
    async (current) => {
      const materials = await services.storage.listImportedKeyMaterials(current.arn);
      if (materials.filter((m) => m.rotationType === 'ON_DEMAND').length >= services.quotas.onDemandRotationsPerKey) {
        throw new KmsError(
          'LimitExceededException',
          `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`,
        );
      }
      const pending = pendingRotation(current, materials);
      if (!pending) {
        throw new KmsError(
          'KMSInvalidStateException',
          `${key.arn} has no imported key material pending rotation. Import new key material first.`,
        );
      }
      previousMaterialId = current.currentMaterialId;
      const next: KeyRecord = {
        ...current,
        currentMaterialId: pending.materialId,
        expirationModel: pending.expirationModel,
        validTo: pending.validTo,
      };
      const result = await services.storage.rotateToImportedKeyMaterial(next, pending.materialId, now);
      return { result, value: next };
    },
    (fresh) => checkKeyState('RotateKeyOnDemand', fresh),
  );
  await services.events.record({
    eventName: 'RotateKey',
    keyArn: key.arn,
    time: now,
    details: {
      rotationType: 'ON_DEMAND',
      keyOrigin: rotated.origin,
      previousKeyMaterialId: previousMaterialId,
      currentKeyMaterialId: rotated.currentMaterialId,
    },
  });
}
