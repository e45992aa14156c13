/** AWS's rules for alias names (CreateAlias, UpdateAlias, DeleteAlias). */
import { KmsError } from './errors.js';

export const ALIAS_PREFIX = 'alias/';
export const RESERVED_ALIAS_PREFIX = 'alias/aws/';

/** Checks a name a caller wants to create or change. */
export function checkAliasName(aliasName: string): void {
  if (!aliasName.startsWith(ALIAS_PREFIX) || aliasName.length === ALIAS_PREFIX.length) {
    throw new KmsError(
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (aliasName.startsWith(RESERVED_ALIAS_PREFIX)) {
    // AWS answers with no message here.
    throw new KmsError('NotAuthorizedException', '');
  }
  // The model's pattern allows ':', but AWS refuses it in alias names (a colon would make alias
  // ARNs ambiguous); message as moto records it.
  if (aliasName.includes(':')) {
    throw new KmsError('ValidationException', `${aliasName} contains invalid characters for an alias`);
  }
}
