import { aliasArn, checkAliasName, KmsError } from '../../../domain/index.js';
import { defineOperation } from '../types.js';

export const DeleteAlias = defineOperation({
  name: 'DeleteAlias',
  action: 'kms:DeleteAlias',
  readOnly: false,
  alias: 'AliasName',
  // The key the alias points at is a resource of DeleteAlias too: its key policy must allow.
  key: {
    aliases: false,
    crossAccount: false,
    async from({ input, caller, services }) {
      checkAliasName(input.AliasName);
      const alias = await services.storage.getAlias(caller.region, caller.principal.accountId, input.AliasName);
      if (!alias) throw notFound(caller.region, caller.principal.accountId, input.AliasName);
      return alias.targetKeyId;
    },
  },
  async run({ input, caller, services }) {
    const accountId = caller.principal.accountId;
    const result = await services.storage.deleteAlias(caller.region, accountId, input.AliasName);
    if (result === 'not-found') throw notFound(caller.region, accountId, input.AliasName);
    return {};
  },
});

const notFound = (region: string, accountId: string, aliasName: string): KmsError =>
  new KmsError('NotFoundException', `Alias ${aliasArn(region, accountId, aliasName)} is not found.`);
