import { KmsError, type CustomKeyStoreRecord } from '../../../domain/index.js';
import type { CustomKeyStoresListEntry } from '../../../model/index.js';
import { customKeyStoreNotFound } from '../custom-key-store-rules.js';
import { decodeMarker, encodeMarker } from '../paging.js';
import { defineOperation, type Services } from '../types.js';

/** The API Reference gives Limit's range (1 to 1000) but no default: a page holds them all. */
const DEFAULT_LIMIT = 1000; // unconfirmed default

function entry(services: Services, s: CustomKeyStoreRecord): CustomKeyStoresListEntry {
  const status = services.customKeyStores.status(s);
  return {
    CustomKeyStoreId: s.customKeyStoreId,
    CustomKeyStoreName: s.name,
    CloudHsmClusterId: s.cloudHsmClusterId,
    TrustAnchorCertificate: s.trustAnchorCertificate,
    ConnectionState: status.state,
    // "This field appears in the response only when the ConnectionState is FAILED."
    ...(status.state === 'FAILED' && status.errorCode ? { ConnectionErrorCode: status.errorCode } : {}),
    CreationDate: s.creationDate,
    CustomKeyStoreType: s.customKeyStoreType,
  };
}

export const DescribeCustomKeyStores = defineOperation({
  name: 'DescribeCustomKeyStores',
  action: 'kms:DescribeCustomKeyStores',
  readOnly: true,
  async run({ input, caller, services }) {
    const { region } = caller;
    const { accountId } = caller.principal;
    const { CustomKeyStoreId: id, CustomKeyStoreName: name } = input;
    // "use either the CustomKeyStoreName or CustomKeyStoreId parameter (but not both)".
    if (id !== undefined && name !== undefined) {
      // unconfirmed wording
      throw new KmsError('ValidationException', 'Specify either CustomKeyStoreId or CustomKeyStoreName, not both.');
    }
    if (id !== undefined || name !== undefined) {
      const one =
        id !== undefined
          ? await services.storage.getCustomKeyStore(region, accountId, id)
          : await services.storage.getCustomKeyStoreByName(region, accountId, name!);
      if (!one) throw customKeyStoreNotFound((id ?? name)!);
      return { CustomKeyStores: [entry(services, one)], Truncated: false };
    }
    const limit = input.Limit ?? DEFAULT_LIMIT;
    const after = decodeMarker('custom-key-stores', input.Marker);
    const stores = await services.storage.listCustomKeyStores(region, accountId, limit + 1, after);
    const page = stores.slice(0, limit);
    const truncated = stores.length > limit;
    const last = page.at(-1);
    return {
      CustomKeyStores: page.map((s) => entry(services, s)),
      Truncated: truncated,
      ...(truncated && last ? { NextMarker: encodeMarker('custom-key-stores', last.customKeyStoreId) } : {}),
    };
  },
});
