/** DeleteRolePermissionsBoundary. */
import { deletePermissionsBoundary } from '../boundaries.js';

export const deleteRolePermissionsBoundary = deletePermissionsBoundary('role');
