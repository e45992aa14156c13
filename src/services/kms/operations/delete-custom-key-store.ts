import { KmsError } from '../../../domain/index.js';
import {
  connectionState,
  customKeyStoreInvalidState,
  customKeyStoreNotFound,
  getCustomKeyStore,
  noteKeyStore,
} from '../custom-key-store-rules.js';
import { defineOperation } from '../types.js';

const MAX_ATTEMPTS = 50;

export const DeleteCustomKeyStore = defineOperation({
  name: 'DeleteCustomKeyStore',
  action: 'kms:DeleteCustomKeyStore',
  readOnly: false,
  async run({ input, caller, services }) {
    const id = input.CustomKeyStoreId;
    for (let n = 0; n < MAX_ATTEMPTS; n++) {
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
      if (result === 'ok') {
        noteKeyStore(caller, record);
        return {};
      }
      if (result === 'not-found') throw customKeyStoreNotFound(id);
      if (result === 'has-keys') {
        // unconfirmed wording
        throw new KmsError(
          'CustomKeyStoreHasCMKsException',
          `Custom key store ${id} contains KMS keys. Delete them with ScheduleKeyDeletion before deleting the custom key store.`,
        );
      }
      // 'conflict': the store changed meanwhile; check it again.
    }
    throw new KmsError(
      'KMSInternalException',
      'The request was rejected because an internal exception occurred. The request can be retried.',
    );
  },
});
