/** ListUserPolicies: the names of the user's inline policies. */
import { listInlinePolicies } from '../inline-policies.js';

export const listUserPolicies = listInlinePolicies('user');
