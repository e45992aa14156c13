/** Tags given to IAM: keys unique without regard to case, at most 50 per entity. */
import { IamErrors, tagKey, type IamTag } from '../../domain/index.js';
import type { iam } from '../../model/index.js';

export function checkTags(tags: readonly iam.Tag[] | undefined): IamTag[] {
  const list = (tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value }));
  if (new Set(list.map((t) => tagKey(t.Key))).size !== list.length) throw IamErrors.duplicateTagKeys();
  return list;
}
