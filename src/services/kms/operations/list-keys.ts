import { LIMITS } from '../../../domain/index.js';
import { decodeMarker, encodeMarker } from '../paging.js';
import { defineOperation } from '../types.js';

export const ListKeys = defineOperation({
  name: 'ListKeys',
  action: 'kms:ListKeys',
  readOnly: true,
  async run({ input, caller, services }) {
    const limit = input.Limit ?? LIMITS.defaultListLimit;
    const after = decodeMarker('keys', input.Marker);
    const { keys, more } = await services.storage.listKeys(caller.region, caller.principal.accountId, limit, after);
    const last = keys.at(-1);
    return {
      Keys: keys.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })),
      Truncated: more,
      ...(more && last ? { NextMarker: encodeMarker('keys', last.keyId) } : {}),
    };
  },
});
