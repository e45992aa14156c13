/** DeleteGroupPolicy. */
import { deleteInlinePolicy } from '../inline-policies.js';

export const deleteGroupPolicy = deleteInlinePolicy('group');
