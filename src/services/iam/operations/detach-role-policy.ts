/** DetachRolePolicy. */
import { detachPolicy } from '../attachments.js';

export const detachRolePolicy = detachPolicy('role');
