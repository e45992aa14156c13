import { aliasArn, checkAliasName, KmsError } from '../../../domain/index.js';
import { defineOperation } from '../types.js';

export const DeleteAlias = defineOperation({
  name: 'DeleteAlias',
  action: 'kms:DeleteAlias',
  readOnly: false,
  async run({ input, caller, services }) {
    checkAliasName(input.AliasName);
    const accountId = caller.principal.accountId;
    const result = await services.storage.deleteAlias(caller.region, accountId, input.AliasName);
    if (result === 'not-found') {
      throw new KmsError(
        'NotFoundException',
        `Alias ${aliasArn(caller.region, accountId, input.AliasName)} is not found.`,
      );
    }
    return {};
  },
});
