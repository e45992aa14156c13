import { sameCertificate } from '../../../keystore/index.js';
import {
  changeCustomKeyStore,
  cloudHsmClusterNotRelated,
  connectionState,
  customKeyStoreInvalidState,
  externalKeyStoresUnsupported,
  noteKeyStore,
  namesExternalKeyStore,
  usableCluster,
} from '../custom-key-store-rules.js';
import { defineOperation } from '../types.js';

export const UpdateCustomKeyStore = defineOperation({
  name: 'UpdateCustomKeyStore',
  action: 'kms:UpdateCustomKeyStore',
  readOnly: false,
  // CloudTrail names the cluster `clusterId` (the audit schema has no CloudHsmClusterId here).
  auditDefaults: (input) => (input.CloudHsmClusterId !== undefined ? { ClusterId: input.CloudHsmClusterId } : {}),
  async run({ input, caller, services }) {
    if (namesExternalKeyStore(input)) throw externalKeyStoresUnsupported();
    const { CustomKeyStoreId: id, NewCustomKeyStoreName: name, KeyStorePassword: password } = input;
    const clusterId = input.CloudHsmClusterId;
    const wrapped = password === undefined ? undefined : await services.customKeyStores.wrapPassword(id, password);
    const record = await changeCustomKeyStore(services, caller, id, (current) => {
      const state = connectionState(services, current);
      // "To update most properties of an CloudHSM key store, the ConnectionState of the CloudHSM
      // key store must be DISCONNECTED. However, you can update the CustomKeyStoreName of an AWS
      // CloudHSM key store when it is in the CONNECTED or DISCONNECTED state."
      if ((password !== undefined || clusterId !== undefined) && state !== 'DISCONNECTED') {
        // unconfirmed wording
        throw customKeyStoreInvalidState(
          `Custom key store ${id} must be DISCONNECTED to update its KeyStorePassword or CloudHsmClusterId; its connection state is ${state}.`,
        );
      }
      if (name !== undefined && state !== 'DISCONNECTED' && state !== 'CONNECTED') {
        // unconfirmed wording
        throw customKeyStoreInvalidState(
          `Custom key store ${id} must be CONNECTED or DISCONNECTED to update its name; its connection state is ${state}.`,
        );
      }
      if (clusterId !== undefined && clusterId !== current.cloudHsmClusterId) {
        const cluster = usableCluster(services, clusterId);
        // AWS accepts only "a cluster that shares a backup history and has the same cluster
        // certificate as the original cluster". Trent's clusters have no backups: a cluster is
        // related to the store's when its trust anchor is the certificate the store was created
        // with (checked then against the original cluster, which may be gone by now).
        if (!sameCertificate(cluster.trustAnchor, current.trustAnchorCertificate)) {
          throw cloudHsmClusterNotRelated(clusterId, current.cloudHsmClusterId);
        }
      }
      return {
        ...current,
        ...(name !== undefined ? { name } : {}),
        ...(clusterId !== undefined ? { cloudHsmClusterId: clusterId } : {}),
        ...(wrapped !== undefined ? { wrappedPassword: wrapped } : {}),
      };
    });
    noteKeyStore(caller, record);
    return {};
  },
});
