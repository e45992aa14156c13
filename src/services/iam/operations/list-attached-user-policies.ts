/** ListAttachedUserPolicies: in the order attached, PathPrefix and paging. */
import { listAttachedPolicies } from '../attachments.js';

export const listAttachedUserPolicies = listAttachedPolicies('user');
