/** GetRolePolicy: the inline policy, its document URL-encoded as IAM returns it. */
import { getInlinePolicy } from '../inline-policies.js';

export const getRolePolicy = getInlinePolicy('role');
