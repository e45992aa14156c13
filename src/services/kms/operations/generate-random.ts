import { randomBytes } from 'node:crypto';
import { KmsError } from '../../../domain/index.js';
import { HsmError } from '../../../keystore/index.js';
import { connectionState, getCustomKeyStore } from '../custom-key-store-rules.js';
import { KeyStoreUnavailableError } from '../custom-key-stores.js';
import { notConnected } from '../hsm-keys.js';
import { refuseRecipient } from '../recipient.js';
import { defineOperation } from '../types.js';

export const GenerateRandom = defineOperation({
  name: 'GenerateRandom',
  action: 'kms:GenerateRandom',
  readOnly: true,
  async run({ input, caller, services }) {
    refuseRecipient(input);
    if (input.NumberOfBytes === undefined) {
      throw new KmsError('ValidationException', 'NumberOfBytes is required.');
    }
    const id = input.CustomKeyStoreId;
    if (id === undefined) return { Plaintext: randomBytes(input.NumberOfBytes) };
    // "Generates the random byte string in the CloudHSM cluster that is associated with the
    // specified CloudHSM key store": only while it is CONNECTED (CustomKeyStoreInvalidStateException).
    const store = await getCustomKeyStore(services, caller, id);
    const state = connectionState(services, store);
    if (state !== 'CONNECTED') throw notConnected(id, state);
    try {
      return { Plaintext: await services.customKeyStores.random(id, input.NumberOfBytes) };
    } catch (err) {
      if (err instanceof KeyStoreUnavailableError) throw notConnected(id, err.status.state);
      // The runtime noted the failure: a store whose cluster failed is no longer connected.
      const after = err instanceof HsmError ? connectionState(services, store) : 'CONNECTED';
      if (after !== 'CONNECTED') throw notConnected(id, after);
      throw err;
    }
  },
});
