import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_TABLE, PRICE_CLASSES, PriceTableError, loadPriceTable, validatePriceTable } from './prices.js';

const dir = mkdtempSync(join(tmpdir(), 'trent-prices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the default price table', () => {
  it("holds AWS's list prices", () => {
    expect(DEFAULT_PRICE_TABLE.keyMonthUsd).toBe(1);
    expect(DEFAULT_PRICE_TABLE.freeRequestsPerMonth).toBe(20_000);
    expect(DEFAULT_PRICE_TABLE.requestClasses).toEqual({
      symmetric: { usdPer10000: 0.03, freeTier: true },
      hmac: { usdPer10000: 0.03, freeTier: true },
      'asymmetric-rsa-2048': { usdPer10000: 0.03, freeTier: false },
      asymmetric: { usdPer10000: 0.15, freeTier: false },
      'ecc-generate-data-key-pair': { usdPer10000: 0.1, freeTier: false },
      'rsa-generate-data-key-pair': { usdPer10000: 12, freeTier: false },
      'ssm-advanced': { usdPer10000: 0.05, freeTier: false },
      'not-charged': { usdPer10000: 0, freeTier: false },
    });
    expect(DEFAULT_PRICE_TABLE.advancedParameterMonthUsd).toBe(0.05);
  });

  it('has a row for every price class and is JSON-able', () => {
    expect(Object.keys(DEFAULT_PRICE_TABLE.requestClasses).sort()).toEqual([...PRICE_CLASSES].sort());
    expect(JSON.parse(JSON.stringify(DEFAULT_PRICE_TABLE))).toEqual(DEFAULT_PRICE_TABLE);
  });
});

describe('validatePriceTable', () => {
  it('keeps the defaults for what a table leaves out', () => {
    const t = validatePriceTable({ keyMonthUsd: 2, requestClasses: { symmetric: { usdPer10000: 0.05 } } });
    expect(t.keyMonthUsd).toBe(2);
    expect(t.freeRequestsPerMonth).toBe(20_000);
    expect(t.requestClasses.symmetric).toEqual({ usdPer10000: 0.05, freeTier: true });
    expect(t.requestClasses.asymmetric).toEqual({ usdPer10000: 0.15, freeTier: false });
    // The defaults themselves are not changed.
    expect(DEFAULT_PRICE_TABLE.requestClasses.symmetric.usdPer10000).toBe(0.03);
  });

  it('lists every problem in one error', () => {
    let error: unknown;
    try {
      validatePriceTable(
        {
          keyMonthUsd: -1,
          freeRequestsPerMonth: 1.5,
          requestClasses: { symetric: {}, hmac: { usdPer10000: '0.03', freeTier: 'yes', extra: 1 } },
          currency: 'EUR',
        },
        'prices.yaml',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PriceTableError);
    expect((error as PriceTableError).problems).toEqual([
      'keyMonthUsd must be a non-negative number',
      'freeRequestsPerMonth must be a non-negative integer',
      'requestClasses.symetric is not a price class (one of symmetric, hmac, asymmetric-rsa-2048, asymmetric, ecc-generate-data-key-pair, rsa-generate-data-key-pair, ssm-advanced, not-charged)',
      'requestClasses.hmac.usdPer10000 must be a non-negative number',
      'requestClasses.hmac.freeTier must be true or false',
      'requestClasses.hmac.extra is not a member (usdPer10000, freeTier)',
      'currency is not a member (keyMonthUsd, freeRequestsPerMonth, requestClasses, advancedParameterMonthUsd)',
    ]);
    expect((error as Error).message).toMatch(/^price table prices\.yaml: keyMonthUsd must be/);
  });

  it('refuses what is not an object', () => {
    expect(() => validatePriceTable([1], 'p.json')).toThrow(
      'price table p.json: must be an object with keyMonthUsd, freeRequestsPerMonth, requestClasses',
    );
  });
});

describe('loadPriceTable', () => {
  it('reads JSON and YAML', () => {
    const json = join(dir, 'p.json');
    writeFileSync(json, JSON.stringify({ freeRequestsPerMonth: 0 }));
    expect(loadPriceTable(json).freeRequestsPerMonth).toBe(0);
    const yaml = join(dir, 'p.yaml');
    writeFileSync(yaml, 'keyMonthUsd: 0.5\nrequestClasses:\n  rsa-generate-data-key-pair:\n    usdPer10000: 10\n');
    const t = loadPriceTable(yaml);
    expect(t.keyMonthUsd).toBe(0.5);
    expect(t.requestClasses['rsa-generate-data-key-pair']).toEqual({ usdPer10000: 10, freeTier: false });
  });

  it('names the file in every error', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'keyMonthUsd: [\n');
    expect(() => loadPriceTable(bad)).toThrow(new RegExp(`^price table ${bad}: is not valid JSON or YAML`));
    expect(() => loadPriceTable(join(dir, 'missing.json'))).toThrow(/: cannot be read/);
  });
});
