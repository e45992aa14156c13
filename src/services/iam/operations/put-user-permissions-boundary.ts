/** PutUserPermissionsBoundary: the managed policy must exist. */
import { putPermissionsBoundary } from '../boundaries.js';

export const putUserPermissionsBoundary = putPermissionsBoundary('user');
