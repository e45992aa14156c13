/** PutRolePermissionsBoundary: the managed policy must exist. */
import { putPermissionsBoundary } from '../boundaries.js';

export const putRolePermissionsBoundary = putPermissionsBoundary('role');
