/** AttachUserPolicy: at most 10 managed policies per user. */
import { attachPolicy } from '../attachments.js';

export const attachUserPolicy = attachPolicy('user');
