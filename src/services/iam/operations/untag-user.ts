/** UntagUser. */
import { untagEntity } from '../entity-tags.js';

export const untagUser = untagEntity('user');
