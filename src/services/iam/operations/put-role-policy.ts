/** PutRolePolicy: creates or replaces an inline policy of a role (aggregate 10,240 characters). */
import { putInlinePolicy } from '../inline-policies.js';

export const putRolePolicy = putInlinePolicy('role');
