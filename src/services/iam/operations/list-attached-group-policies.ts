/** ListAttachedGroupPolicies: in the order attached, PathPrefix and paging. */
import { listAttachedPolicies } from '../attachments.js';

export const listAttachedGroupPolicies = listAttachedPolicies('group');
