/** ListGroups: by name, PathPrefix, Marker and MaxItems. */
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { defineIamOperation } from '../operation.js';
import { decodeMarker, limitOf, pageAnswer } from '../paging.js';
import { groupView } from '../views.js';

export const listGroups = defineIamOperation<iam.ListGroupsRequest, iam.ListGroupsResponse>({
  name: 'ListGroups',
  readOnly: true,
  async run({ input, caller, services }) {
    const { items, more } = await services.storage.listGroups(accountOf(caller), {
      limit: limitOf(input),
      after: decodeMarker(input.Marker),
      pathPrefix: input.PathPrefix,
    });
    return { Groups: items.map(groupView), ...pageAnswer(more, items.at(-1)?.groupName) };
  },
});
