/** DeleteUserPolicy. */
import { deleteInlinePolicy } from '../inline-policies.js';

export const deleteUserPolicy = deleteInlinePolicy('user');
