/** TagUser: adds or replaces tags (keys without regard to case), at most 50. */
import { tagEntity } from '../entity-tags.js';

export const tagUser = tagEntity('user');
