/** PutGroupPolicy: creates or replaces an inline policy of a group (aggregate 5,120 characters). */
import { putInlinePolicy } from '../inline-policies.js';

export const putGroupPolicy = putInlinePolicy('group');
