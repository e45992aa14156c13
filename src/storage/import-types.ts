/**
 * The storage contract for imported key material (Origin EXTERNAL): the wrapping key pairs
 * GetParametersForImport issues, one per import token, and the writes that put imported material
 * into a key and take it out again. Imported material itself is a key material like any other
 * (Storage.getKeyMaterial finds it while it is imported); only its presence changes.
 */
import type { KeyMaterialRecord, KeyRecord } from '../domain/types.js';
import type { WriteResult } from './types.js';

/** What one GetParametersForImport answer stands for, until its one use or its expiry. */
export interface ImportParametersRecord {
  /** hex(SHA-256(import token)): the token itself is not stored. */
  tokenId: string;
  keyArn: string;
  wrappingAlgorithm: string;
  wrappingKeySpec: string;
  /** The wrapping private key (PKCS#8 DER), wrapped by the key store; never stored in plaintext. */
  wrappedPrivateKey: Buffer;
  createdAt: Date;
  /** ParametersValidTo: the token and its public key are refused from then on. */
  validTo: Date;
}

/** A material of a key as ListKeyRotations shows imported material: present or not. */
export interface ImportedKeyMaterial extends KeyMaterialRecord {
  /** ImportState IMPORTED; false (PENDING_IMPORT) once deleted or expired, `wrapped` then empty. */
  imported: boolean;
}

export interface ImportStorage {
  /** Stores new import parameters; the key must exist (otherwise this rejects). */
  putImportParameters(record: ImportParametersRecord): Promise<void>;
  /**
   * Removes and returns the parameters of `tokenId` (its one use), or undefined when there are
   * none: never issued, already used, or gone with their key. Two callers cannot both take them.
   */
  takeImportParameters(tokenId: string): Promise<ImportParametersRecord | undefined>;
  /** Reads without using them (checks before the one use). */
  getImportParameters(tokenId: string): Promise<ImportParametersRecord | undefined>;
  /** Deletes parameters whose validTo <= now; returns how many. */
  deleteExpiredImportParameters(now: Date, limit: number): Promise<number>;
  /**
   * Puts `material` into the key and writes `key` with compare-and-set like updateKey, in one
   * transaction. A material the key had before (deleted or expired) is present again under its
   * id, with the expiry given and its description unless one is given; a new id is added as the
   * key's newest material (current only if key.currentMaterialId names it).
   */
  importKeyMaterial(key: KeyRecord, material: KeyMaterialRecord): Promise<WriteResult>;
  /** Every material of the key, imported or not, oldest first. */
  listImportedKeyMaterials(keyArn: string): Promise<ImportedKeyMaterial[]>;
  /**
   * On-demand rotation to imported material the key already holds: writes `key` (whose
   * currentMaterialId is `materialId`) with compare-and-set, and records the material's rotation
   * (ON_DEMAND, at `rotatedAt`), in one transaction.
   */
  rotateToImportedKeyMaterial(key: KeyRecord, materialId: string, rotatedAt: Date): Promise<WriteResult>;
  /**
   * Removes the wrapped material `materialId` of the key (it stays known by id, absent, so the same
   * material can be imported again) and writes `key` with compare-and-set, in one transaction.
   * Copies may survive in the backend's files until eraseDeleted() returns 'done'.
   */
  deleteImportedKeyMaterial(key: KeyRecord, materialId: string): Promise<WriteResult>;
  /** Imported materials present whose validTo <= now (any key), with their key, soonest first. */
  expiredKeyMaterials(now: Date, limit: number): Promise<{ key: KeyRecord; materialId: string }[]>;
}
