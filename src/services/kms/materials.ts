/**
 * Key material access: generates material, wraps it through the key store for storage, and keeps
 * a bounded cache of unwrapped material (materials are immutable, so the cache never goes stale;
 * entries of a deleted key are dropped by `forget`). The material of a key in a custom key store
 * is created in its HSMs instead (`createInHsm`) and never passes through here again.
 */
import { generateKeyMaterial, newMaterialId, wrappingAad, type KeyPairGenerator } from '../../crypto/index.js';
import type { KeyMaterialRecord, RotationType } from '../../domain/index.js';
import type { KeyMaterialStore, KeyStore } from '../../keystore/types.js';
import type { Storage } from '../../storage/types.js';
import { throttledWhenBusy } from './key-generation.js';

export class MaterialService {
  private readonly cache = new Map<string, Buffer>();
  /** Values computed from a material (parsed private keys, derived key pairs), same lifetime. */
  private readonly derivedCache = new Map<string, unknown>();

  constructor(
    private readonly storage: Storage,
    private readonly keyStore: KeyStore,
    /** Where slow generations (RSA) run: the key-generation pool. */
    private readonly keyGeneration: KeyPairGenerator,
    private readonly maxCached = 10_000,
  ) {}

  /**
   * New material of `keySpec` for `keyArn`, wrapped and ready to store. ThrottlingException when
   * the key-generation queue is full.
   */
  async create(
    keyArn: string,
    keySpec: string,
    createdAt: Date,
    rotationType?: RotationType,
  ): Promise<KeyMaterialRecord> {
    const plaintext = await throttledWhenBusy(generateKeyMaterial(keySpec, this.keyGeneration));
    try {
      return await this.wrap(keyArn, newMaterialId(), plaintext, createdAt, rotationType);
    } finally {
      // The cache holds its own copy; this one is not needed any more.
      plaintext.fill(0);
    }
  }

  /**
   * New material for `keyArn`, a key of a custom key store, generated in every HSM of the store's
   * cluster (`store`, HsmMaterialStore). The record to store beside the key holds no material:
   * `wrapped` is empty, which storage never returns as material (getKeyMaterial and
   * listKeyMaterials skip empty blobs), so it is never unwrapped through the root key.
   * HsmError when the cluster cannot create it.
   */
  async createInHsm(store: KeyMaterialStore, keyArn: string, createdAt: Date): Promise<KeyMaterialRecord> {
    const materialId = newMaterialId();
    await store.create({ keyArn, materialId });
    return { keyArn, materialId, wrapped: Buffer.alloc(0), createdAt };
  }

  /**
   * Given material (a seed file's) for `keyArn` under `materialId`, wrapped and ready to store.
   * The cache keeps its own copy: `clear()` zeroes what it holds, and the caller may use its buffer
   * again (a seed is applied again after every reset).
   */
  async wrap(
    keyArn: string,
    materialId: string,
    plaintext: Buffer,
    createdAt: Date,
    rotationType?: RotationType,
  ): Promise<KeyMaterialRecord> {
    const wrapped = await this.keyStore.wrap(plaintext, wrappingAad('key-material', keyArn, materialId));
    this.remember(cacheKey(keyArn, materialId), Buffer.from(plaintext));
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

  /**
   * A value computed once from a material by `derive` (e.g. a parsed KeyObject) and cached with it,
   * under `name`. The material must exist: every caller holds a key record that names it.
   */
  async derived<T>(keyArn: string, materialId: string, name: string, derive: (material: Buffer) => T): Promise<T> {
    const id = `${cacheKey(keyArn, materialId)}\n${name}`;
    if (this.derivedCache.has(id)) return this.derivedCache.get(id) as T;
    const material = await this.plaintext(keyArn, materialId);
    if (!material) throw new Error(`material ${materialId} of ${keyArn} is missing`);
    const value = derive(material);
    if (this.derivedCache.size >= this.maxCached) {
      const oldest = this.derivedCache.keys().next().value;
      if (oldest !== undefined) this.derivedCache.delete(oldest);
    }
    this.derivedCache.set(id, value);
    return value;
  }

  /** Drops every cached material of a key (after deletion). */
  forget(keyArn: string): void {
    const prefix = `${keyArn}\n`;
    for (const id of this.cache.keys()) {
      // Not zeroed: a request already holding the buffer may still be using it.
      if (id.startsWith(prefix)) this.cache.delete(id);
    }
    for (const id of this.derivedCache.keys()) {
      if (id.startsWith(prefix)) this.derivedCache.delete(id);
    }
  }

  clear(): void {
    for (const buf of this.cache.values()) buf.fill(0);
    this.cache.clear();
    this.derivedCache.clear();
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
