/** ListAccessKeys: the user's keys (never their secrets), or the root's without UserName. */
import { IamErrors } from '../../../domain/index.js';
import type { iam } from '../../../model/index.js';
import { accountOf, entityArn } from '../context.js';
import { implicitUserName } from '../lookup.js';
import { defineIamOperation } from '../operation.js';
import { pageOf } from '../paging.js';
import { accessKeyMetadataView } from '../views.js';

export const listAccessKeys = defineIamOperation<iam.ListAccessKeysRequest, iam.ListAccessKeysResponse>({
  name: 'ListAccessKeys',
  readOnly: true,
  resource: (input, caller) =>
    input.UserName === undefined ? caller.principal.arn : entityArn(caller, 'user', input.UserName),
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
