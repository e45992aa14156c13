/** UntagRole. */
import { untagEntity } from '../entity-tags.js';

export const untagRole = untagEntity('role');
