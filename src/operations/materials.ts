/**
 * Key material access: generates material, wraps it through the key store for storage, and keeps
 * a bounded cache of unwrapped material (materials are immutable, so the cache never goes stale;
 * entries of a deleted key are dropped by `forget`).
 */
import { randomBytes } from 'node:crypto';
import { newMaterialId, wrappingAad } from '../crypto/index.js';
import type { KeyMaterialRecord, RotationType } from '../domain/index.js';
import type { KeyStore } from '../keystore/types.js';
import type { Storage } from '../storage/types.js';

const SYMMETRIC_MATERIAL_BYTES = 32;

export class MaterialService {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly storage: Storage,
    private readonly keyStore: KeyStore,
    private readonly maxCached = 10_000,
  ) {}

  /** New symmetric material for `keyArn`, wrapped and ready to store. */
  async create(keyArn: string, createdAt: Date, rotationType?: RotationType): Promise<KeyMaterialRecord> {
    const materialId = newMaterialId();
    const plaintext = randomBytes(SYMMETRIC_MATERIAL_BYTES);
    const wrapped = await this.keyStore.wrap(plaintext, wrappingAad('key-material', keyArn, materialId));
    this.remember(cacheKey(keyArn, materialId), plaintext);
    return { keyArn, materialId, wrapped, createdAt, rotationType };
  }

  /** The plaintext material, or undefined when the key has no such material. */
  async plaintext(keyArn: string, materialId: string): Promise<Buffer | undefined> {
    const id = cacheKey(keyArn, materialId);
    const hit = this.cache.get(id);
    if (hit) return hit;
    const record = await this.storage.getKeyMaterial(keyArn, materialId);
    if (!record) return undefined;
    const plaintext = await this.keyStore.unwrap(record.wrapped, wrappingAad('key-material', keyArn, materialId));
    this.remember(id, plaintext);
    return plaintext;
  }

  /** Drops every cached material of a key (after deletion). */
  forget(keyArn: string): void {
    const prefix = `${keyArn}\n`;
    for (const id of this.cache.keys()) {
      // Not zeroed: a request already holding the buffer may still be using it.
      if (id.startsWith(prefix)) this.cache.delete(id);
    }
  }

  clear(): void {
    for (const buf of this.cache.values()) buf.fill(0);
    this.cache.clear();
  }

  private remember(id: string, plaintext: Buffer): void {
    if (this.cache.size >= this.maxCached) {
      // Evict the oldest entry (Map keeps insertion order); the copy in storage stays.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(id, plaintext);
  }
}

const cacheKey = (keyArn: string, materialId: string): string => `${keyArn}\n${materialId}`;
