/** ListServiceSpecificCredentials: Trent keeps no service-specific credentials. */
import { emptyUserList } from '../absent-credentials.js';

export const listServiceSpecificCredentials = emptyUserList(
  'ListServiceSpecificCredentials',
  'ServiceSpecificCredentials',
);
