import { KmsError } from '../domain/index.js';

/** Every key has exactly one key policy, named "default". */
export function checkPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== 'default') {
    throw new KmsError('NotFoundException', `No such policy exists: ${name}`);
  }
}
