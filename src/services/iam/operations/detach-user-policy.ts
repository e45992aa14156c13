/** DetachUserPolicy. */
import { detachPolicy } from '../attachments.js';

export const detachUserPolicy = detachPolicy('user');
