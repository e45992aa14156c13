import { describe, expect, it } from 'vitest';
import { KEY_SPECS, KmsError, type KeyRecord } from '../../domain/index.js';
import { ENCRYPTION_ALGORITHMS, encryptionAlgorithm } from './encryption-algorithms.js';

const keyOf = (keySpec: string): KeyRecord => ({ keySpec, keyUsage: 'ENCRYPT_DECRYPT' }) as KeyRecord;

describe('the encryption-algorithm table', () => {
  it('has a row for every algorithm a creatable ENCRYPT_DECRYPT key spec offers', () => {
    for (const row of Object.values(KEY_SPECS)) {
      if (!row.available || !row.usages.includes('ENCRYPT_DECRYPT')) continue;
      for (const name of row.algorithms.ENCRYPT_DECRYPT ?? []) {
        expect(ENCRYPTION_ALGORITHMS[name]?.name, `${row.spec} ${name}`).toBe(name);
      }
    }
  });

  it('defaults to SYMMETRIC_DEFAULT and refuses what the key spec does not offer, in AWS words', () => {
    expect(encryptionAlgorithm(keyOf('SYMMETRIC_DEFAULT'), undefined).name).toBe('SYMMETRIC_DEFAULT');
    expect(encryptionAlgorithm(keyOf('RSA_2048'), 'RSAES_OAEP_SHA_1').name).toBe('RSAES_OAEP_SHA_1');
    const refused = (spec: string, alg: string | undefined): KmsError => {
      try {
        encryptionAlgorithm(keyOf(spec), alg);
      } catch (e) {
        if (e instanceof KmsError) return e;
      }
      throw new Error('expected a KmsError');
    };
    const e = refused('RSA_4096', undefined);
    expect([e.code, e.message]).toEqual([
      'InvalidKeyUsageException',
      'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_4096.',
    ]);
    expect(refused('SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_256').message).toBe(
      'Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.',
    );
    expect(encryptionAlgorithm(keyOf('SM2'), 'SM2PKE').name).toBe('SM2PKE');
    expect(refused('SM2', 'RSAES_OAEP_SHA_256').message).toBe(
      'Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SM2.',
    );
    expect(refused('RSA_2048', 'SM2PKE').message).toBe('Algorithm SM2PKE is incompatible with key spec RSA_2048.');
  });

  it('marks only the symmetric format as naming its key material', () => {
    expect(
      Object.values(ENCRYPTION_ALGORITHMS)
        .filter((a) => a.namesKeyMaterial)
        .map((a) => a.name),
    ).toEqual(['SYMMETRIC_DEFAULT']);
  });
});
