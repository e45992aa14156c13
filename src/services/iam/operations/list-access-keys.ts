/** ListAccessKeys: the user's keys (never their secrets), or the root's without UserName. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf } from '../context.js';
import { implicitUserName } from '../lookup.js';
import { userOrCallerResource } from '../entities.js';
import { defineIamOperation } from '../operation.js';
import { pageOf } from '../paging.js';
import { accessKeyMetadataView } from '../views.js';

export const listAccessKeys = defineIamOperation<iam.ListAccessKeysRequest, iam.ListAccessKeysResponse>({
  name: 'ListAccessKeys',
  readOnly: true,
  resource: userOrCallerResource,
  async run({ input, caller, services }) {
    const userName = implicitUserName(caller, input.UserName);
    const keys = await services.storage.listUserAccessKeys(accountOf(caller), userName);
    if (!keys) throw IamErrors.noSuchEntity('user', userName ?? '');
    const stored =
      userName === undefined ? undefined : (await services.storage.getUser(accountOf(caller), userName))?.userName;
    const { items, ...answer } = pageOf(keys, (k) => `${k.createdAt.toISOString()}\n${k.accessKeyId}`, input);
    return { AccessKeyMetadata: items.map((k) => accessKeyMetadataView(k, stored)), ...answer };
  },
});
