/** ListRoleTags. */
import { listEntityTags } from '../entity-tags.js';

export const listRoleTags = listEntityTags('role');
