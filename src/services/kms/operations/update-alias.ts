import { aliasArn, aliasQuotaExceeded, checkAliasName, KEY_SPECS, KmsError } from '../../../domain/index.js';
import { defineOperation } from '../types.js';

/** Points an existing alias at another key of the same type and usage. */
export const UpdateAlias = defineOperation({
  name: 'UpdateAlias',
  action: 'kms:UpdateAlias',
  readOnly: false,
  alias: 'AliasName',
  key: { member: 'TargetKeyId', aliases: false, crossAccount: false },
  async run({ input, key, caller, services, now }) {
    checkAliasName(input.AliasName);
    const { storage } = services;
    const accountId = caller.principal.accountId;
    const notFound = () =>
      new KmsError('NotFoundException', `Alias ${aliasArn(caller.region, accountId, input.AliasName)} is not found.`);
    const alias = await storage.getAlias(caller.region, accountId, input.AliasName);
    if (!alias) throw notFound();
    const current = await storage.getKey(caller.region, accountId, alias.targetKeyId);
    // "The new target KMS key must be the same type as the current target KMS key (both symmetric
    // or both asymmetric or both HMAC) and they must have the same key usage."
    const typeOf = (spec: string) => KEY_SPECS[spec]?.keyType;
    if (current && (typeOf(current.keySpec) !== typeOf(key.keySpec) || current.keyUsage !== key.keyUsage)) {
      throw new KmsError(
        'ValidationException',
        `Alias ${alias.aliasArn} cannot be changed from a key of spec ${current.keySpec} and usage ${current.keyUsage} to a key of spec ${key.keySpec} and usage ${key.keyUsage}.`,
      );
    }
    const maxAliases = services.quotas.aliasesPerKey;
    const result = await storage.updateAlias(caller.region, accountId, input.AliasName, key.keyId, now, maxAliases);
    if (result === 'not-found') throw notFound();
    if (result !== 'ok') throw aliasQuotaExceeded(maxAliases, result.usage);
    return {};
  },
});
