/** ListSSHPublicKeys: Trent keeps no SSH public keys. */
import { emptyUserList } from '../absent-credentials.js';

export const listSshPublicKeys = emptyUserList('ListSSHPublicKeys', 'SSHPublicKeys');
