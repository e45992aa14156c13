/** ListGroupPolicies: the names of the group's inline policies. */
import { listInlinePolicies } from '../inline-policies.js';

export const listGroupPolicies = listInlinePolicies('group');
