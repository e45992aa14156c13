/** ListMFADevices: Trent keeps no MFA devices. */
import { emptyUserList } from '../absent-credentials.js';

export const listMfaDevices = emptyUserList('ListMFADevices', 'MFADevices');
