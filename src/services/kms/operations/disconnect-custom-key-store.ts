import {
  changeCustomKeyStore,
  connectionState,
  customKeyStoreInvalidState,
  noteKeyStore,
} from '../custom-key-store-rules.js';
import { defineOperation } from '../types.js';

export const DisconnectCustomKeyStore = defineOperation({
  name: 'DisconnectCustomKeyStore',
  action: 'kms:DisconnectCustomKeyStore',
  readOnly: false,
  async run({ input, caller, services }) {
    const id = input.CustomKeyStoreId;
    const record = await changeCustomKeyStore(services, caller, id, (current) => {
      const state = connectionState(services, current);
      // CustomKeyStoreInvalidStateException: "You requested the DisconnectCustomKeyStore operation
      // on a custom key store with a ConnectionState of DISCONNECTING or DISCONNECTED. This
      // operation is valid for all other ConnectionState values."
      if (state === 'DISCONNECTED' || state === 'DISCONNECTING') {
        // unconfirmed wording
        throw customKeyStoreInvalidState(`Custom key store ${id} is ${state} already.`);
      }
      return { ...current, connectRequested: false };
    });
    await services.customKeyStores.disconnect(id);
    noteKeyStore(caller, record);
    return {};
  },
});
