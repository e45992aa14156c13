/** DeleteRolePolicy. */
import { deleteInlinePolicy } from '../inline-policies.js';

export const deleteRolePolicy = deleteInlinePolicy('role');
