/** DeleteUserPermissionsBoundary. */
import { deletePermissionsBoundary } from '../boundaries.js';

export const deleteUserPermissionsBoundary = deletePermissionsBoundary('user');
