import { aliasArn, aliasQuotaExceeded, checkAliasName, KmsError } from '../../../domain/index.js';
import { defineOperation } from '../types.js';

export const CreateAlias = defineOperation({
  name: 'CreateAlias',
  action: 'kms:CreateAlias',
  readOnly: false,
  alias: 'AliasName',
  key: { member: 'TargetKeyId', aliases: false, crossAccount: false },
  async run({ input, key, caller, services, now }) {
    checkAliasName(input.AliasName);
    const arn = aliasArn(caller.region, key.accountId, input.AliasName);
    const maxAliases = services.quotas.aliasesPerKey;
    const result = await services.storage.createAlias(
      {
        accountId: key.accountId,
        region: caller.region,
        aliasName: input.AliasName,
        aliasArn: arn,
        targetKeyId: key.keyId,
        creationDate: now,
        lastUpdatedDate: now,
      },
      maxAliases,
    );
    if (result === 'exists')
      throw new KmsError('AlreadyExistsException', `An alias with the name ${arn} already exists`);
    if (result !== 'ok') throw aliasQuotaExceeded(maxAliases, result.usage);
    return {};
  },
});
