/**
 * Where key material is protected. The software key store wraps material under the root key with
 * AES-256-GCM; a PKCS#11 key store (later) keeps it inside the HSM. `aad` binds the record type,
 * key ARN and material id (crypto/wrapping.ts builds it), so a wrapped blob copied to another row
 * does not unwrap.
 */
export interface KeyStore {
  wrap(plaintext: Buffer, aad: Buffer): Promise<Buffer>;
  /** Throws if the blob was changed or the aad differs. */
  unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}
