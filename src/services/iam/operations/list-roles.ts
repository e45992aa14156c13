/** ListRoles: by name, PathPrefix, Marker and MaxItems; tags and boundaries are not shown. */
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { defineIamOperation } from '../operation.js';
import { decodeMarker, limitOf, pageAnswer } from '../paging.js';
import { roleView } from '../views.js';

export const listRoles = defineIamOperation<iam.ListRolesRequest, iam.ListRolesResponse>({
  name: 'ListRoles',
  readOnly: true,
  async run({ input, caller, services }) {
    const { items, more } = await services.storage.listRoles(accountOf(caller), {
      limit: limitOf(input),
      after: decodeMarker(input.Marker),
      pathPrefix: input.PathPrefix,
    });
    return { Roles: items.map((r) => roleView(r, false)), ...pageAnswer(more, items.at(-1)?.roleName) };
  },
});
