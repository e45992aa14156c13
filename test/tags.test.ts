/** TagResource, UntagResource, ListResourceTags, and CreateKey's Tags, with AWS's TagException rules. */
import {
  CreateKeyCommand,
  DisableKeyCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type KMSClient,
  type Tag,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_MESSAGE, expectKmsError, newKey } from './helpers/kms.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
let kms: KMSClient;

beforeAll(async () => {
  t = await startTestServer();
  kms = t.client();
});
afterAll(async () => {
  await t?.stop();
});

const tags = (n: number, prefix = 'k'): Tag[] =>
  Array.from({ length: n }, (_, i) => ({ TagKey: `${prefix}${String(i).padStart(2, '0')}`, TagValue: `v${i}` }));

async function tagsOf(keyId: string): Promise<Tag[]> {
  const out = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
  expect(out.Truncated).toBe(false);
  return out.Tags ?? [];
}

describe('TagResource and ListResourceTags', () => {
  it('adds tags, overwrites existing keys, and lists them sorted by key', async () => {
    const key = await newKey(kms);
    expect(await tagsOf(key.KeyId!)).toEqual([]);
    await kms.send(
      new TagResourceCommand({
        KeyId: key.KeyId,
        Tags: [
          { TagKey: 'tag3', TagValue: 'value3' },
          { TagKey: 'tag1', TagValue: 'value1' },
          { TagKey: 'tag2', TagValue: 'value2' },
        ],
      }),
    );
    await kms.send(
      new TagResourceCommand({
        KeyId: key.Arn,
        Tags: [
          { TagKey: 'tag2', TagValue: 'updated_value2' },
          { TagKey: 'tag5', TagValue: 'value5' },
          { TagKey: 'tag4', TagValue: '' },
        ],
      }),
    );
    expect(await tagsOf(key.KeyId!)).toEqual([
      { TagKey: 'tag1', TagValue: 'value1' },
      { TagKey: 'tag2', TagValue: 'updated_value2' },
      { TagKey: 'tag3', TagValue: 'value3' },
      { TagKey: 'tag4', TagValue: '' },
      { TagKey: 'tag5', TagValue: 'value5' },
    ]);
  });

  it('keeps tags given to CreateKey', async () => {
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({
        Tags: [
          { TagKey: 'b', TagValue: '2' },
          { TagKey: 'a', TagValue: '1' },
        ],
      }),
    );
    expect(await tagsOf(KeyMetadata!.KeyId!)).toEqual([
      { TagKey: 'a', TagValue: '1' },
      { TagKey: 'b', TagValue: '2' },
    ]);
  });

  it('tags keys that are disabled, not keys pending deletion; lists tags in both states', async () => {
    const key = await newKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'state', TagValue: 'disabled' }] }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    await expectKmsError(
      kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'state', TagValue: 'deleting' }] })),
      'KMSInvalidStateException',
      `${key.Arn} is pending deletion.`,
    );
    await expectKmsError(
      kms.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['state'] })),
      'KMSInvalidStateException',
      `${key.Arn} is pending deletion.`,
    );
    expect(await tagsOf(key.KeyId!)).toEqual([{ TagKey: 'state', TagValue: 'disabled' }]);
  });
});

describe('TagException rules', () => {
  it('refuses duplicate keys within one request', async () => {
    const key = await newKey(kms);
    const dup = [
      { TagKey: 'same', TagValue: '1' },
      { TagKey: 'same', TagValue: '2' },
    ];
    await expectKmsError(
      kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: dup })),
      'TagException',
      'Duplicate tag keys',
    );
    await expectKmsError(kms.send(new CreateKeyCommand({ Tags: dup })), 'TagException', 'Duplicate tag keys');
    expect(await tagsOf(key.KeyId!)).toEqual([]);
  });

  it('allows 50 tags per key and refuses the 51st', async () => {
    await expectKmsError(kms.send(new CreateKeyCommand({ Tags: tags(51) })), 'TagException', 'Too many tags');
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Tags: tags(50) }));
    const keyId = KeyMetadata!.KeyId!;
    // Overwriting an existing key does not count as a new tag.
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'k00', TagValue: 'new' }] }));
    await expectKmsError(
      kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'one-more', TagValue: 'x' }] })),
      'TagException',
      'Too many tags',
    );
    const first = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
    expect(first.Tags).toHaveLength(50);
    expect(first.Tags?.[0]).toEqual({ TagKey: 'k00', TagValue: 'new' });
  });

  it('reserves the aws: prefix in any case', async () => {
    const key = await newKey(kms);
    for (const TagKey of ['aws:key1', 'AWS:key1', 'Aws:x']) {
      await expectKmsError(
        kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey, TagValue: 'v' }] })),
        'TagException',
        'Tags beginning with aws: are reserved',
      );
    }
    await expectKmsError(
      kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'aws:key1', TagValue: 'v' }] })),
      'TagException',
      'Tags beginning with aws: are reserved',
    );
    // Only the prefix is reserved.
    await kms.send(
      new TagResourceCommand({
        KeyId: key.KeyId,
        Tags: [
          { TagKey: 'awsx:ok', TagValue: 'v' },
          { TagKey: 'my-aws:ok', TagValue: 'v' },
        ],
      }),
    );
    expect((await tagsOf(key.KeyId!)).map((x) => x.TagKey)).toEqual(['awsx:ok', 'my-aws:ok']);
  });

  it('checks tag key and value lengths with the model messages', async () => {
    const key = await newKey(kms);
    const longValue = 'v'.repeat(257);
    await expectKmsError(
      kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'ok', TagValue: longValue }] })),
      'ValidationException',
      `1 validation error detected: Value '${longValue}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
    const longKey = 'a'.repeat(129);
    await expectKmsError(
      kms.send(new CreateKeyCommand({ Tags: [{ TagKey: longKey, TagValue: 'x' }] })),
      'ValidationException',
      `1 validation error detected: Value '${longKey}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
    await expectKmsError(
      kms.send(
        new TagResourceCommand({
          KeyId: key.KeyId,
          Tags: [
            { TagKey: 'fine', TagValue: 'x' },
            { TagKey: '', TagValue: 'x' },
          ],
        }),
      ),
      'ValidationException',
      "1 validation error detected: Value '' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    // The limits themselves are allowed.
    await kms.send(
      new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'k'.repeat(128), TagValue: 'v'.repeat(256) }] }),
    );
    expect(await tagsOf(key.KeyId!)).toEqual([{ TagKey: 'k'.repeat(128), TagValue: 'v'.repeat(256) }]);
  });

  it('requires Tags on TagResource', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new TagResourceCommand({ KeyId: key.KeyId } as never)),
      'ValidationException',
      "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('UntagResource', () => {
  it('removes the named tags and ignores names that are not there', async () => {
    const key = await newKey(kms);
    await kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: tags(4) }));
    await kms.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['k01', 'k03', 'not-there'] }));
    expect(await tagsOf(key.KeyId!)).toEqual([
      { TagKey: 'k00', TagValue: 'v0' },
      { TagKey: 'k02', TagValue: 'v2' },
    ]);
    await kms.send(new UntagResourceCommand({ KeyId: key.Arn, TagKeys: ['k00', 'k02'] }));
    expect(await tagsOf(key.KeyId!)).toEqual([]);
  });

  it('refuses reserved aws: keys', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['aws:x'] })),
      'TagException',
      'Tags beginning with aws: are reserved',
    );
  });
});

describe('ListResourceTags paging', () => {
  it('pages with Limit and Marker, in key order', async () => {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Tags: tags(7) }));
    const keyId = KeyMetadata!.KeyId!;
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 3, Marker: marker }));
      pages++;
      expect(out.Truncated).toBe(out.NextMarker !== undefined);
      seen.push(...out.Tags!.map((x) => x.TagKey!));
      marker = out.NextMarker;
    } while (marker);
    expect(pages).toBe(3);
    expect(seen).toEqual(tags(7).map((x) => x.TagKey));
  });

  it('answers InvalidMarkerException for a marker it did not issue', async () => {
    const key = await newKey(kms);
    await expectKmsError(
      kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId, Marker: 'xyz' })),
      'InvalidMarkerException',
      EMPTY_MESSAGE,
    );
  });
});
