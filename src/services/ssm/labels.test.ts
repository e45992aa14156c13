import { describe, expect, it } from 'vitest';
import { attachLabels, detachLabels, isInvalidLabel } from './labels.js';

const versions = () => [
  { version: 1, labels: ['prod'] },
  { version: 2, labels: [] as string[] },
];

describe('labels', () => {
  it('refuses what AWS refuses', () => {
    for (const l of ['aws-x', 'SSMx', 'Awsome', '1st', 'a b', 'a/b', 'a'.repeat(101), ''])
      expect(isInvalidLabel(l)).toBe(true);
    for (const l of ['prod', 'Release_1.2-rc', 'x'.repeat(100)]) expect(isInvalidLabel(l)).toBe(false);
  });
  it('moves a label to the version it is attached to and lists the invalid ones', () => {
    const out = attachLabels(versions(), 2, ['prod', '9lives', 'beta', 'beta']);
    expect(out.invalid).toEqual(['9lives']);
    expect(out.versions).toEqual([
      { version: 1, labels: [] },
      { version: 2, labels: ['prod', 'beta'] },
    ]);
  });
  it('holds at most 10 labels on a version', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `l${i}`);
    expect(attachLabels(versions(), 2, ten).versions[1]!.labels).toHaveLength(10);
    expect(() => attachLabels(versions(), 1, ten)).toThrow(
      expect.objectContaining({ code: 'ParameterVersionLabelLimitExceeded' }),
    );
  });
  it('detaches labels, listing those the version does not carry', () => {
    const out = detachLabels(versions(), 1, ['prod', 'nope']);
    expect(out).toMatchObject({ removed: ['prod'], invalid: ['nope'] });
    expect(out.versions[0]!.labels).toEqual([]);
  });
});
