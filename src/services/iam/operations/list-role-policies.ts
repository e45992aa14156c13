/** ListRolePolicies: the names of the role's inline policies. */
import { listInlinePolicies } from '../inline-policies.js';

export const listRolePolicies = listInlinePolicies('role');
