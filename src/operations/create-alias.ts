import { aliasArn, checkAliasName, KmsError } from '../domain/index.js';
import { defineOperation } from './types.js';

export const CreateAlias = defineOperation({
  name: 'CreateAlias',
  action: 'kms:CreateAlias',
  readOnly: false,
  key: { member: 'TargetKeyId', aliases: false, crossAccount: false },
  async run({ input, key, caller, services, now }) {
    checkAliasName(input.AliasName);
    const arn = aliasArn(caller.region, key.accountId, input.AliasName);
    const result = await services.storage.createAlias({
      accountId: key.accountId,
      region: caller.region,
      aliasName: input.AliasName,
      aliasArn: arn,
      targetKeyId: key.keyId,
      creationDate: now,
      lastUpdatedDate: now,
    });
    if (result === 'exists')
      throw new KmsError('AlreadyExistsException', `An alias with the name ${arn} already exists`);
    return {};
  },
});
