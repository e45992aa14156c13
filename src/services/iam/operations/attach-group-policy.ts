/** AttachGroupPolicy: at most 10 managed policies per group. */
import { attachPolicy } from '../attachments.js';

export const attachGroupPolicy = attachPolicy('group');
