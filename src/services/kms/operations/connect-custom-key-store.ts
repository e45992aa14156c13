import {
  changeCustomKeyStore,
  connectionState,
  customKeyStoreInvalidState,
  noteKeyStore,
} from '../custom-key-store-rules.js';
import { defineOperation } from '../types.js';

export const ConnectCustomKeyStore = defineOperation({
  name: 'ConnectCustomKeyStore',
  action: 'kms:ConnectCustomKeyStore',
  readOnly: false,
  async run({ input, caller, services }) {
    const id = input.CustomKeyStoreId;
    let starts = false;
    const record = await changeCustomKeyStore(services, caller, id, (current) => {
      const state = connectionState(services, current);
      // CustomKeyStoreInvalidStateException: "You requested the ConnectCustomKeyStore operation on
      // a custom key store with a ConnectionState of DISCONNECTING or FAILED. This operation is
      // valid for all other ConnectionState values. To reconnect a custom key store in a FAILED
      // state, disconnect it (DisconnectCustomKeyStore), then connect it (ConnectCustomKeyStore)."
      if (state === 'FAILED' || state === 'DISCONNECTING') {
        // unconfirmed wording
        throw customKeyStoreInvalidState(
          state === 'FAILED'
            ? `Custom key store ${id} is in the FAILED state. To reconnect it, disconnect it (DisconnectCustomKeyStore), then connect it (ConnectCustomKeyStore).`
            : `Custom key store ${id} is DISCONNECTING. Wait until it is DISCONNECTED, then connect it.`,
        );
      }
      starts = state === 'DISCONNECTED';
      return { ...current, connectRequested: true };
    });
    // A store CONNECTED or CONNECTING already: nothing to start. Connecting runs on after the
    // answer, as AWS's ("it does not wait for it to complete"); DescribeCustomKeyStores shows it.
    if (starts) services.customKeyStores.connect(record);
    noteKeyStore(caller, record);
    return {};
  },
});
