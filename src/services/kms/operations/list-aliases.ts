import { LIMITS } from '../../../domain/index.js';
import { decodeMarker, encodeMarker } from '../paging.js';
import { defineOperation } from '../types.js';

export const ListAliases = defineOperation({
  name: 'ListAliases',
  action: 'kms:ListAliases',
  readOnly: true,
  async run({ input, caller, services, useKey }) {
    // The model allows up to 1000; AWS documents at most 100 aliases a page.
    const limit = Math.min(input.Limit ?? LIMITS.aliasListDefault, LIMITS.aliasListMax);
    const after = decodeMarker('aliases', input.Marker);
    const target = input.KeyId ? await useKey(input.KeyId, { aliases: false, crossAccount: false }) : undefined;
    const { aliases, more } = await services.storage.listAliases(
      caller.region,
      caller.principal.accountId,
      limit,
      after,
      target?.keyId,
    );
    const last = aliases.at(-1);
    return {
      Aliases: aliases.map((a) => ({
        AliasName: a.aliasName,
        AliasArn: a.aliasArn,
        TargetKeyId: a.targetKeyId,
        CreationDate: a.creationDate,
        LastUpdatedDate: a.lastUpdatedDate,
      })),
      Truncated: more,
      ...(more && last ? { NextMarker: encodeMarker('aliases', last.aliasName) } : {}),
    };
  },
});
