/** ListUserTags. */
import { listEntityTags } from '../entity-tags.js';

export const listUserTags = listEntityTags('user');
