import { KmsError } from '../../../domain/index.js';
import {
  connectionState,
  customKeyStoreInvalidState,
  customKeyStoreNotFound,
  getCustomKeyStore,
  noteKeyStore,
} from '../custom-key-store-rules.js';
import { defineOperation } from '../types.js';
import { untilWritten } from '../update.js';

export const DeleteCustomKeyStore = defineOperation({
  name: 'DeleteCustomKeyStore',
  action: 'kms:DeleteCustomKeyStore',
  readOnly: false,
  async run({ input, caller, services }) {
    const id = input.CustomKeyStoreId;
    return untilWritten(async () => {
      const record = await getCustomKeyStore(services, caller, id);
      const state = connectionState(services, record);
      // "You requested the UpdateCustomKeyStore or DeleteCustomKeyStore operation on a custom key
      // store that is not disconnected" (CustomKeyStoreInvalidStateException).
      if (state !== 'DISCONNECTED') {
        // unconfirmed wording
        throw customKeyStoreInvalidState(
          `Custom key store ${id} must be DISCONNECTED to be deleted; its connection state is ${state}.`,
        );
      }
      const result = await services.storage.deleteCustomKeyStore(record);
      if (result === 'not-found') throw customKeyStoreNotFound(id);
      if (result === 'has-keys') {
        // unconfirmed wording
        throw new KmsError(
          'CustomKeyStoreHasCMKsException',
          `Custom key store ${id} contains KMS keys. Delete them with ScheduleKeyDeletion before deleting the custom key store.`,
        );
      }
      // 'conflict': the store changed meanwhile; check it again.
      if (result !== 'ok') return undefined;
      noteKeyStore(caller, record);
      return { value: {} };
    });
  },
});
