/** ListUsers: by name, PathPrefix, Marker and MaxItems; tags and boundaries are not shown. */
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { defineIamOperation } from '../operation.js';
import { decodeMarker, limitOf, pageAnswer } from '../paging.js';
import { userView } from '../views.js';

export const listUsers = defineIamOperation<iam.ListUsersRequest, iam.ListUsersResponse>({
  name: 'ListUsers',
  readOnly: true,
  async run({ input, caller, services }) {
    const { items, more } = await services.storage.listUsers(accountOf(caller), {
      limit: limitOf(input),
      after: decodeMarker(input.Marker),
      pathPrefix: input.PathPrefix,
    });
    return { Users: items.map((u) => userView(u, false)), ...pageAnswer(more, items.at(-1)?.userName) };
  },
});
