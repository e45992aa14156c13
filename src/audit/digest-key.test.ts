import { createPrivateKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SoftwareKeyStore } from '../keystore/index.js';
import { DIGEST_KEY_SETTING, loadOrCreateDigestKey } from './digest-key.js';

function memorySettings() {
  const settings = new Map<string, Buffer>();
  return {
    settings,
    getSetting: (name: string) => Promise.resolve(settings.get(name)),
    insertSetting: (name: string, value: Buffer) => {
      if (settings.has(name)) return Promise.resolve('exists' as const);
      settings.set(name, value);
      return Promise.resolve('ok' as const);
    },
  };
}

describe('the digest signing key', () => {
  it('is made once, stored wrapped, and the same key after a restart', async () => {
    const keyStore = SoftwareKeyStore.inMemory();
    const storage = memorySettings();
    const first = await loadOrCreateDigestKey(storage, keyStore);
    expect(first.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(first.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    const stored = storage.settings.get(DIGEST_KEY_SETTING)!;
    const der = first.privateKey.export({ type: 'pkcs8', format: 'der' });
    expect(stored.includes(der.subarray(40, 72))).toBe(false);
    expect(() => createPrivateKey({ key: stored, format: 'der', type: 'pkcs8' })).toThrow();

    const again = await loadOrCreateDigestKey(storage, keyStore);
    expect(again.fingerprint).toBe(first.fingerprint);
    const signature = sign('sha256', Buffer.from('digest'), first.privateKey);
    expect(verify('sha256', Buffer.from('digest'), again.publicKey, signature)).toBe(true);
    expect(again.publicKeyPem).toContain('BEGIN PUBLIC KEY');
  });

  it('does not unwrap under another root key', async () => {
    const storage = memorySettings();
    await loadOrCreateDigestKey(storage, SoftwareKeyStore.inMemory());
    await expect(loadOrCreateDigestKey(storage, SoftwareKeyStore.inMemory())).rejects.toThrow();
  });
});
