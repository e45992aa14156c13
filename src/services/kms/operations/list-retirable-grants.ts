import { KmsError } from '../../../domain/index.js';
import { decodeMarker, encodeMarker } from '../paging.js';
import { GRANT_LIST_DEFAULT, GRANT_LIST_MAX, checkPrincipal, grantListEntry } from '../grants.js';
import { defineOperation } from '../types.js';

export const ListRetirableGrants = defineOperation({
  name: 'ListRetirableGrants',
  action: 'kms:ListRetirableGrants',
  readOnly: true,
  async run({ input, caller, services }) {
    const { RetiringPrincipal: principal, RetiringServicePrincipal: servicePrincipal } = input;
    if ((principal === undefined) === (servicePrincipal === undefined)) {
      throw new KmsError(
        'ValidationException',
        'You must specify either RetiringPrincipal or RetiringServicePrincipal, but not both.',
      );
    }
    // "Enter a principal in your Amazon Web Services account"; the service principal filter "is
    // only usable by callers in a service principal", which no Trent caller is.
    const resource = principal ?? servicePrincipal!;
    if (principal !== undefined) checkPrincipal('RetiringPrincipal', principal);
    const accountOfPrincipal = principal?.split(':')[4];
    if (
      principal === undefined ||
      (principal.startsWith('arn:') && accountOfPrincipal !== caller.principal.accountId)
    ) {
      throw new KmsError(
        'AccessDeniedException',
        `User: ${caller.principal.arn} is not authorized to perform: kms:ListRetirableGrants on resource: ${resource}`,
      );
    }
    const list = `retirable ${caller.region} ${principal}`;
    const after = decodeMarker(list, input.Marker);
    const limit = Math.min(input.Limit ?? GRANT_LIST_DEFAULT, GRANT_LIST_MAX);
    const page = await services.storage.listRetirableGrants(
      { region: caller.region, retiringPrincipal: principal },
      limit,
      after,
    );
    return {
      Grants: page.items.map(grantListEntry),
      Truncated: page.next !== undefined,
      ...(page.next !== undefined ? { NextMarker: encodeMarker(list, page.next) } : {}),
    };
  },
});
