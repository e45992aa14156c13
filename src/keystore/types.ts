/**
 * Where key material is protected. The software key store wraps material under the root key with
 * AES-256-GCM; a PKCS#11 key store keeps it inside the HSM. `aad` binds the record type,
 * key ARN and material id (crypto/wrapping.ts builds it), so a wrapped blob copied to another row
 * does not unwrap.
 */
export interface KeyStore {
  wrap(plaintext: Buffer, aad: Buffer): Promise<Buffer>;
  /** Throws if the blob was changed or the aad differs. */
  unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

/** A key store as openKeyStore gives it, with what the server reports at start. */
export interface OpenedKeyStore extends KeyStore {
  /** The root key file, `memory:`, or `pkcs11:<module>:<label>`. */
  readonly path: string;
  /** True when this start created the root key. */
  readonly created: boolean;
  /** A root key file open to group or others (never for a token). */
  readonly permissionsTooOpen: boolean;
}

/** Names one symmetric key material: its KMS key and its material id. */
export interface MaterialName {
  keyArn: string;
  materialId: string;
}

/**
 * What the database keeps for a material: the wrapped material for the software store; nothing
 * for an HSM, where the material stays (found again by the key ARN and material id).
 */
export interface StoredMaterial {
  wrapped?: Buffer | undefined;
}

/**
 * Where a KMS key's symmetric (AES-256) material lives and is used: created, used to encrypt and
 * decrypt one block with associated data, and destroyed. The software store and the PKCS#11
 * store (an HSM cluster, a custom key store) both implement it and pass one conformance suite
 * (keystore/conformance.ts). Every blob is
 *
 *   0x01 || IV (12, random) || ciphertext || tag (16)      AES-256-GCM, aad as given
 *
 * A caller builds its own format around it (the ciphertext header is the aad).
 */
export interface KeyMaterialStore {
  /** Creates a new, random material for `name`; returns what to store with it. */
  create(name: MaterialName): Promise<StoredMaterial>;
  encrypt(name: MaterialName, stored: StoredMaterial, plaintext: Buffer, aad: Buffer): Promise<Buffer>;
  /**
   * Throws crypto's UnwrapError for every blob that does not open (changed, truncated, other
   * material, other aad); an unavailable store throws its own error (HsmError) instead.
   */
  decrypt(name: MaterialName, stored: StoredMaterial, blob: Buffer, aad: Buffer): Promise<Buffer>;
  /** Destroys the material where it lives; afterwards decrypt fails. The row is the caller's. */
  destroy(name: MaterialName, stored: StoredMaterial): Promise<void>;
}
