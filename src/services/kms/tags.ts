/** AWS's rules for tags on KMS keys (TagResource, CreateKey's Tags), in AWS's order of checks. */
import { KmsError, type Tag } from '../../domain/index.js';

interface TagInput {
  TagKey: string;
  TagValue: string;
}

/** The `aws:` prefix is reserved, whatever its case. */
export const isReservedTagKey = (key: string): boolean => key.toLowerCase().startsWith('aws:');

/**
 * Merges `added` into `existing` (a key already present gets the new value) after AWS's checks;
 * `maxTags` is the tags-per-key quota. Over it, AWS answers TagException "Too many tags" (LocalStack's
 * AWS-validated tests), not LimitExceededException.
 */
export function checkNewTags(existing: readonly Tag[], added: readonly TagInput[], maxTags: number): Tag[] {
  if (new Set(added.map((t) => t.TagKey)).size !== added.length) {
    throw new KmsError('TagException', 'Duplicate tag keys');
  }
  const merged = new Map(existing.map((t) => [t.TagKey, t.TagValue]));
  for (const tag of added) merged.set(tag.TagKey, tag.TagValue);
  if (merged.size > maxTags) throw new KmsError('TagException', 'Too many tags');
  if (added.some((t) => isReservedTagKey(t.TagKey))) {
    throw new KmsError('TagException', 'Tags beginning with aws: are reserved');
  }
  return [...merged].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}
