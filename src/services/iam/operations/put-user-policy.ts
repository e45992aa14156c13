/** PutUserPolicy: creates or replaces an inline policy of a user (aggregate 2,048 characters). */
import { putInlinePolicy } from '../inline-policies.js';

export const putUserPolicy = putInlinePolicy('user');
