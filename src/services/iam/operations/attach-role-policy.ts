/** AttachRolePolicy: at most 10 managed policies per role. */
import { attachPolicy } from '../attachments.js';

export const attachRolePolicy = attachPolicy('role');
