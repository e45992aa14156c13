import { describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCE_QUOTAS, QUOTA_NAMES, resourceQuotas } from './quotas.js';

describe('resource quotas', () => {
  it("defaults to AWS's values (resource-limits.html)", () => {
    expect(DEFAULT_RESOURCE_QUOTAS).toStrictEqual({
      keysPerRegion: 100_000,
      aliasesPerKey: 50,
      grantsPerKey: 50_000,
      keyPolicyBytes: 32_768,
      customKeyStoresPerRegion: 10,
      onDemandRotationsPerKey: 25,
      tagsPerKey: 50,
    });
    expect(QUOTA_NAMES).toHaveLength(7);
  });

  it('applies overrides over the defaults and leaves the defaults alone', () => {
    const q = resourceQuotas({ keysPerRegion: 3, aliasesPerKey: 0, tagsPerKey: undefined });
    expect(q).toStrictEqual({ ...DEFAULT_RESOURCE_QUOTAS, keysPerRegion: 3, aliasesPerKey: 0 });
    expect(Object.isFrozen(q)).toBe(true);
    expect(DEFAULT_RESOURCE_QUOTAS.keysPerRegion).toBe(100_000);
  });

  it('refuses unknown names and values that are not non-negative safe integers', () => {
    expect(() => resourceQuotas({ nope: 1 } as never)).toThrow(/^unknown quota nope \(known: keysPerRegion, /);
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 53]) {
      expect(() => resourceQuotas({ keysPerRegion: bad })).toThrow(
        `quota keysPerRegion must be a non-negative integer, got ${String(bad)}`,
      );
    }
  });
});
