/** Parameter Store's part of the bill: advanced parameters' API interactions and parameter-months. */
import { describe, expect, it } from 'vitest';
import { openStorage } from '../storage/index.js';
import type { ParameterRecord, ParameterTier } from '../storage/parameter-types.js';
import type { Storage } from '../storage/types.js';
import { usageReport } from './bill.js';
import { priceClassOf } from './classes.js';
import { advancedParameterHours, parameterNamesOf } from './parameters.js';
import { DEFAULT_PRICE_TABLE } from './prices.js';
import { MeteringRecorder } from './recorder.js';

const A = '111122223333';
const REGION = 'us-east-1';
const MARCH = { start: Date.UTC(2026, 2, 1), end: Date.UTC(2026, 3, 1) };

function parameter(
  name: string,
  tiers: ParameterTier[],
  since = new Date(MARCH.start + 10 * 3_600_000),
): ParameterRecord {
  return {
    accountId: A,
    region: REGION,
    name,
    arn: `arn:aws:ssm:${REGION}:${A}:parameter/${name.replace(/^\//, '')}`,
    versions: tiers.map((tier, i) => ({
      version: i + 1,
      type: 'String',
      value: Buffer.from('sealed'),
      tier,
      dataType: 'text',
      labels: [],
      lastModifiedDate: new Date(since.getTime() + i * 3_600_000),
      lastModifiedUser: `arn:aws:iam::${A}:root`,
    })),
    tags: [],
    revision: 0,
  };
}

async function storageWith(...records: ParameterRecord[]): Promise<Storage> {
  const s = await openStorage({ sqlitePath: ':memory:' });
  await s.putAccount({ accountId: A, createdAt: new Date(MARCH.start) });
  for (const r of records) expect(await s.putParameter(r)).toBe('ok');
  return s;
}

describe('Parameter Store pricing', () => {
  it('names the parameters of a request', () => {
    expect(parameterNamesOf('GetParameter', { Name: '/a:3' })).toEqual(['/a']);
    expect(parameterNamesOf('GetParameters', { Names: ['/a', 'b:prod'] })).toEqual(['/a', 'b']);
    expect(parameterNamesOf('GetParameter', { Name: 'arn:aws:ssm:us-east-1:111122223333:parameter/app/db:2' })).toEqual(
      ['/app/db'],
    );
    expect(parameterNamesOf('GetParameter', { Name: 'arn:aws:ssm:us-east-1:111122223333:parameter/top' })).toEqual([
      'top',
    ]);
    expect(parameterNamesOf('AddTagsToResource', { ResourceType: 'Parameter', ResourceId: '/a' })).toEqual(['/a']);
    expect(parameterNamesOf('GetParametersByPath', { Path: '/a' })).toEqual([]);
  });
  it('charges API interactions with advanced parameters only', () => {
    expect(priceClassOf({ service: 'ssm', operation: 'GetParameter', parameterTier: 'Advanced' })).toBe('ssm-advanced');
    expect(priceClassOf({ service: 'ssm', operation: 'GetParameter', parameterTier: 'Standard' })).toBe('not-charged');
    expect(DEFAULT_PRICE_TABLE.requestClasses['ssm-advanced']).toEqual({ usdPer10000: 0.05, freeTier: false });
  });
  it('counts the hours since a parameter became advanced', () => {
    const now = new Date(MARCH.start + 20 * 3_600_000);
    expect(advancedParameterHours(parameter('/s', ['Standard']), MARCH.start, MARCH.end, now)).toBe(0);
    // Advanced from version 2 (hour 11) to hour 20.
    expect(advancedParameterHours(parameter('/p', ['Standard', 'Advanced']), MARCH.start, MARCH.end, now)).toBe(9);
    expect(advancedParameterHours(parameter('/p', ['Advanced']), MARCH.start, MARCH.end, new Date(MARCH.end + 5))).toBe(
      31 * 24 - 10,
    );
  });
  it('prices requests by the tier at the flush and bills parameter-months', async () => {
    const storage = await storageWith(parameter('/adv', ['Advanced']), parameter('/std', ['Standard']));
    const recorder = new MeteringRecorder();
    const time = new Date(MARCH.start + 12 * 3_600_000);
    const note = (operation: string, input: unknown) =>
      recorder.note({ accountId: A, region: REGION, service: 'ssm', operation, keyArns: [], time, input });
    for (let i = 0; i < 10_000; i++) note('GetParameter', { Name: '/adv' });
    note('GetParameter', { Name: '/std' });
    note('GetParameters', { Names: ['/std', '/adv:1'] });
    await recorder.flush(storage);
    const report = await usageReport(storage, {
      period: '2026-03',
      now: new Date(MARCH.end),
      prices: DEFAULT_PRICE_TABLE,
    });
    expect(report.lines).toEqual([
      expect.objectContaining({ operation: 'ssm:GetParameter', priceClass: 'not-charged', requests: 1, costUsd: 0 }),
      expect.objectContaining({
        operation: 'ssm:GetParameter',
        priceClass: 'ssm-advanced',
        requests: 10_000,
        costUsd: 0.05,
      }),
      expect.objectContaining({ operation: 'ssm:GetParameters', priceClass: 'ssm-advanced', requests: 1 }),
    ]);
    const hours = 31 * 24 - 10;
    expect(report.parameterMonths).toEqual([
      {
        accountId: A,
        region: REGION,
        parameterArn: `arn:aws:ssm:${REGION}:${A}:parameter/adv`,
        hours,
        costUsd: Math.round(((hours * 0.05) / (31 * 24)) * 1e6) / 1e6,
      },
    ]);
    expect(report.totalUsd).toBeCloseTo(0.05 + 0.000005 + report.parameterMonths[0]!.costUsd, 6);
    await storage.close();
  });
});
