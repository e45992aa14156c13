/**
 * The key pair that signs digest files: RSA-2048, generated at first start. The private key is
 * stored in the server's settings wrapped by the key store (like key material, never in
 * plaintext); the public key is written as PEM beside the log files for independent validation.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { wrappingAad } from '../crypto/index.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export const DIGEST_KEY_SETTING = 'audit.digest-signing-key';
const DIGEST_KEY_RECORD = 'audit-digest-signing-key';

export interface DigestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** hex(MD5(DER SubjectPublicKeyInfo)): 32 hex digits, as digestPublicKeyFingerprint has them. */
  fingerprint: string;
}

export interface DigestKeyStorage {
  getSetting(name: string): Promise<Buffer | undefined>;
  insertSetting(name: string, value: Buffer): Promise<'ok' | 'exists'>;
}

export interface DigestKeyWrapper {
  wrap(plaintext: Buffer, aad: Buffer): Promise<Buffer>;
  unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer>;
}

export function publicKeyFingerprint(publicKey: KeyObject): string {
  return createHash('md5')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function digestKeyFromPrivate(privateKey: KeyObject): DigestKey {
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: publicKeyFingerprint(publicKey),
  };
}

/** The stored key pair, or a new one stored now (another process storing first wins). */
export async function loadOrCreateDigestKey(storage: DigestKeyStorage, keyStore: DigestKeyWrapper): Promise<DigestKey> {
  const aad = wrappingAad(DIGEST_KEY_RECORD, DIGEST_KEY_SETTING);
  let wrapped = await storage.getSetting(DIGEST_KEY_SETTING);
  if (!wrapped) {
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const mine = await keyStore.wrap(der, aad);
    der.fill(0);
    if ((await storage.insertSetting(DIGEST_KEY_SETTING, mine)) === 'ok') return digestKeyFromPrivate(privateKey);
    wrapped = await storage.getSetting(DIGEST_KEY_SETTING);
    if (!wrapped) throw new Error('the digest signing key setting vanished');
  }
  const der = await keyStore.unwrap(wrapped, aad);
  try {
    return digestKeyFromPrivate(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  } finally {
    der.fill(0);
  }
}
