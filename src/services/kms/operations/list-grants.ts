import { KmsError } from '../../../domain/index.js';
import { decodeMarker, encodeMarker } from '../paging.js';
import { GRANT_LIST_DEFAULT, GRANT_LIST_MAX, checkGrantId, checkPrincipal, grantListEntry } from '../grants.js';
import { defineOperation } from '../types.js';

export const ListGrants = defineOperation({
  name: 'ListGrants',
  action: 'kms:ListGrants',
  readOnly: true,
  key: { member: 'KeyId', aliases: false, crossAccount: true },
  async run({ input, key, services }) {
    if (input.GranteePrincipal !== undefined && input.GranteeServicePrincipal !== undefined) {
      throw new KmsError(
        'ValidationException',
        'You can specify either GranteePrincipal or GranteeServicePrincipal, but not both.',
      );
    }
    if (input.GrantId !== undefined) checkGrantId(input.GrantId);
    checkPrincipal('GranteePrincipal', input.GranteePrincipal);
    const list = `grants ${key.arn}`;
    const after = decodeMarker(list, input.Marker);
    const limit = Math.min(input.Limit ?? GRANT_LIST_DEFAULT, GRANT_LIST_MAX);
    const page = await services.storage.listGrants(key.arn, limit, after, {
      grantId: input.GrantId,
      granteePrincipal: input.GranteePrincipal,
      granteeServicePrincipal: input.GranteeServicePrincipal,
    });
    return {
      Grants: page.items.map(grantListEntry),
      Truncated: page.next !== undefined,
      ...(page.next !== undefined ? { NextMarker: encodeMarker(list, page.next) } : {}),
    };
  },
});
