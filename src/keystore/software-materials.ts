/**
 * KMS key material in software: 32 random bytes wrapped under the root key (the database keeps
 * the wrapped form), unwrapped to encrypt and decrypt in process with node:crypto.
 */
import { randomBytes } from 'node:crypto';
import { aesGcmOpen, aesGcmSeal, UnwrapError, wrappingAad } from '../crypto/index.js';
import type { KeyMaterialStore, KeyStore, MaterialName, StoredMaterial } from './types.js';

const aadOf = (name: MaterialName) => wrappingAad('key-material', name.keyArn, name.materialId);

export class SoftwareMaterialStore implements KeyMaterialStore {
  constructor(private readonly keyStore: KeyStore) {}

  async create(name: MaterialName): Promise<StoredMaterial> {
    const material = randomBytes(32);
    try {
      return { wrapped: await this.keyStore.wrap(material, aadOf(name)) };
    } finally {
      material.fill(0);
    }
  }

  async encrypt(name: MaterialName, stored: StoredMaterial, plaintext: Buffer, aad: Buffer): Promise<Buffer> {
    const material = await this.material(name, stored);
    try {
      return aesGcmSeal(material, plaintext, aad);
    } finally {
      material.fill(0);
    }
  }

  async decrypt(name: MaterialName, stored: StoredMaterial, blob: Buffer, aad: Buffer): Promise<Buffer> {
    const material = await this.material(name, stored);
    try {
      return aesGcmOpen(material, blob, aad);
    } finally {
      material.fill(0);
    }
  }

  /** The wrapped material is the only copy: deleting its row (the caller's) destroys it. */
  async destroy(): Promise<void> {}

  private async material(name: MaterialName, stored: StoredMaterial): Promise<Buffer> {
    if (stored.wrapped === undefined) throw new UnwrapError();
    return this.keyStore.unwrap(stored.wrapped, aadOf(name));
  }
}
