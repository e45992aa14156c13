/**
 * KMS key material in an HSM cluster (a CloudHSM-style custom key store): the material is the
 * cluster's AES-256 key labelled with the key ARN, CKA_ID the material id; nothing is stored
 * beside it.
 */
import type { KeyMaterialStore, MaterialName, StoredMaterial } from '../types.js';
import type { HsmCluster, HsmKeyName } from './cluster.js';

const keyName = (name: MaterialName): HsmKeyName => ({ label: name.keyArn, id: name.materialId });

export class HsmMaterialStore implements KeyMaterialStore {
  constructor(readonly cluster: HsmCluster) {}

  async create(name: MaterialName): Promise<StoredMaterial> {
    await this.cluster.createKey(keyName(name));
    return {};
  }

  encrypt(name: MaterialName, _stored: StoredMaterial, plaintext: Buffer, aad: Buffer): Promise<Buffer> {
    return this.cluster.encrypt(keyName(name), plaintext, aad);
  }

  decrypt(name: MaterialName, _stored: StoredMaterial, blob: Buffer, aad: Buffer): Promise<Buffer> {
    return this.cluster.decrypt(keyName(name), blob, aad);
  }

  async destroy(name: MaterialName): Promise<void> {
    await this.cluster.destroyKey(keyName(name));
  }
}
