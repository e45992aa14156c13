/** ListInstanceProfilesForRole: Trent keeps no instance profiles. */
import { emptyRoleList } from '../absent-credentials.js';

export const listInstanceProfilesForRole = emptyRoleList('ListInstanceProfilesForRole', 'InstanceProfiles');
