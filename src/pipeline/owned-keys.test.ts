import { describe, expect, it } from 'vitest';
import { SoftwareKeyStore } from '../keystore/index.js';
import { OwnedKeyRing, type OwnedKeyStorage } from './owned-keys.js';

function memorySettings(): OwnedKeyStorage & { values: Map<string, Buffer> } {
  const values = new Map<string, Buffer>();
  return {
    values,
    getSetting: (name) => Promise.resolve(values.get(name)),
    insertSetting(name, value) {
      if (values.has(name)) return Promise.resolve('exists' as const);
      values.set(name, value);
      return Promise.resolve('ok' as const);
    },
  };
}

const ARN = { PARAMETER_ARN: 'arn:aws:ssm:us-east-1:111122223333:parameter/db/password' };

describe('AWS owned keys', () => {
  const keyStore = SoftwareKeyStore.inMemory();

  it('opens what it sealed, under the same purpose, region and context only', async () => {
    const ring = new OwnedKeyRing(memorySettings(), keyStore);
    const sealed = await ring.seal('ssm-parameter', 'us-east-1', Buffer.from('hunter2'), ARN);
    expect(sealed.includes(Buffer.from('hunter2'))).toBe(false);
    expect((await ring.open('ssm-parameter', 'us-east-1', sealed, ARN)).toString()).toBe('hunter2');
    await expect(ring.open('ssm-parameter', 'us-west-2', sealed, ARN)).rejects.toThrow();
    await expect(ring.open('other-purpose', 'us-east-1', sealed, ARN)).rejects.toThrow();
    await expect(
      ring.open('ssm-parameter', 'us-east-1', sealed, { PARAMETER_ARN: `${ARN.PARAMETER_ARN}2` }),
    ).rejects.toThrow();
    for (const at of [0, 1, 20, sealed.length - 1]) {
      const changed = Buffer.from(sealed);
      changed[at]! ^= 1;
      await expect(ring.open('ssm-parameter', 'us-east-1', changed, ARN)).rejects.toThrow();
    }
  });

  it('seals each value under a fresh salt and IV', async () => {
    const ring = new OwnedKeyRing(memorySettings(), keyStore);
    const a = await ring.seal('ssm-parameter', 'us-east-1', Buffer.from('same'), ARN);
    const b = await ring.seal('ssm-parameter', 'us-east-1', Buffer.from('same'), ARN);
    expect(a.equals(b)).toBe(false);
  });

  it('keeps one key per region and purpose in the settings, wrapped, for every process sharing them', async () => {
    const settings = memorySettings();
    const first = new OwnedKeyRing(settings, keyStore);
    const sealed = await first.seal('ssm-parameter', 'eu-west-1', Buffer.from('v'), ARN);
    await first.seal('ssm-parameter', 'eu-west-1', Buffer.from('w'), ARN);
    expect([...settings.values.keys()]).toEqual(['owned-key/eu-west-1/ssm-parameter']);
    const second = new OwnedKeyRing(settings, keyStore);
    expect((await second.open('ssm-parameter', 'eu-west-1', sealed, ARN)).toString()).toBe('v');
    // Another root key cannot unwrap it.
    const stranger = new OwnedKeyRing(settings, SoftwareKeyStore.inMemory());
    await expect(stranger.open('ssm-parameter', 'eu-west-1', sealed, ARN)).rejects.toThrow();
  });

  it('refuses names that are not its own', async () => {
    const ring = new OwnedKeyRing(memorySettings(), keyStore);
    await expect(ring.seal('../x', 'us-east-1', Buffer.from('v'), {})).rejects.toThrow();
  });
});
