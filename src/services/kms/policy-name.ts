import { KmsError } from '../../domain/index.js';

/**
 * Every key has exactly one key policy, named "default". Another name is NotFoundException with
 * moto's and LocalStack's wording (no AWS recording; see notes/aws-kms-recorded.md).
 */
export function checkPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== 'default') {
    throw new KmsError('NotFoundException', 'No such policy exists');
  }
}
