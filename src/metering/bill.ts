/**
 * The bill of one month: request lines priced by class with the free tier applied per account
 * (AWS: 20,000 requests a month across regions), and key-months of customer managed keys prorated
 * by the hour (KMS pricing, "Key storage").
 */
import type { KeyMaterialRecord, KeyRecord } from '../domain/types.js';
import type { KeyHoursRow, Storage, UsageRow } from '../storage/types.js';
import { advancedParameterHours } from './parameters.js';
import { PRICE_CLASSES, type PriceClass, type PriceTable } from './prices.js';

export interface UsageLine {
  accountId: string;
  region: string;
  keyArn: string;
  operation: string;
  priceClass: string;
  requests: number;
  costUsd: number;
}

export interface KeyMonthLine {
  accountId: string;
  region: string;
  keyArn: string;
  hours: number;
  costUsd: number;
}

/** Parameter Store: the hours an advanced parameter was stored in the month. */
export interface ParameterMonthLine {
  accountId: string;
  region: string;
  parameterArn: string;
  hours: number;
  costUsd: number;
}

export interface UsageReport {
  period: string;
  lines: UsageLine[];
  keyMonths: KeyMonthLine[];
  parameterMonths: ParameterMonthLine[];
  totalUsd: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Costs are rounded to a millionth of a dollar ($0.03 per 10,000 is $0.000003 a request). */
export const roundUsd = (usd: number): number => Math.round(usd * 1e6) / 1e6;

export function monthBounds(period: string): { start: number; end: number } {
  const m = PERIOD.exec(period);
  if (!m) throw new Error(`period must be YYYY-MM, got ${JSON.stringify(period)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  return { start: Date.UTC(year, month - 1, 1), end: Date.UTC(year, month, 1) };
}

/**
 * Hours a customer managed key is charged in the month, up to `now`: from its creation, and for
 * each of its first two rotations another key-month from the rotation (AWS since May 2024: later
 * rotations are free), until it was scheduled for deletion. A cancelled deletion leaves no trace
 * in the key record, so the key is charged as though it was never scheduled, as AWS charges it.
 * Each started hour counts. AWS managed keys are free.
 */
export function chargedKeyHours(
  key: KeyRecord,
  materials: readonly KeyMaterialRecord[],
  period: string,
  now: Date,
): number {
  if (key.keyManager !== 'CUSTOMER') return 0;
  const { start, end: monthEnd } = monthBounds(period);
  let end = Math.min(now.getTime(), monthEnd);
  if (key.keyState === 'PendingDeletion' && key.deletionDate && key.pendingDeletionWindowInDays !== undefined) {
    end = Math.min(end, key.deletionDate.getTime() - key.pendingDeletionWindowInDays * DAY_MS);
  }
  const since = [
    key.creationDate.getTime(),
    ...materials
      .filter((m) => m.rotationType !== undefined)
      .slice(0, 2)
      .map((m) => m.createdAt.getTime()),
  ];
  let hours = 0;
  for (const from of since) {
    const begin = Math.max(from, start);
    if (end > begin) hours += Math.ceil((end - begin) / HOUR_MS);
  }
  return hours;
}

/**
 * What a key being deleted was charged, month by month from its creation to `now`: stored with the
 * deletion (Storage.deleteKey), since the bill computes the hours of live keys from their records.
 */
export function keyHoursAtDeletion(key: KeyRecord, materials: readonly KeyMaterialRecord[], now: Date): KeyHoursRow[] {
  if (key.keyManager !== 'CUSTOMER') return [];
  const rows: KeyHoursRow[] = [];
  const from = key.creationDate;
  for (
    let year = from.getUTCFullYear(), month = from.getUTCMonth();
    Date.UTC(year, month, 1) <= now.getTime();
    month === 11 ? ((year += 1), (month = 0)) : (month += 1)
  ) {
    const period = `${year}-${String(month + 1).padStart(2, '0')}`;
    const hours = chargedKeyHours(key, materials, period, now);
    if (hours > 0) rows.push({ period, accountId: key.accountId, region: key.region, keyArn: key.arn, hours });
  }
  return rows;
}

/** Prices the counted rows and the key hours of one month. */
export function priceUsage(
  period: string,
  rows: readonly UsageRow[],
  keyHours: readonly Omit<KeyMonthLine, 'costUsd'>[],
  prices: PriceTable,
  parameterHours: readonly Omit<ParameterMonthLine, 'costUsd'>[] = [],
): UsageReport {
  const { start, end } = monthBounds(period);
  const hoursInMonth = (end - start) / HOUR_MS;
  const sorted = [...rows].sort(
    (a, b) =>
      cmp(a.accountId, b.accountId) ||
      cmp(a.region, b.region) ||
      cmp(a.keyArn, b.keyArn) ||
      cmp(a.operation, b.operation) ||
      cmp(a.priceClass, b.priceClass),
  );
  const freeLeft = new Map<string, number>();
  const lines = sorted.map((row): UsageLine => {
    const price = (PRICE_CLASSES as readonly string[]).includes(row.priceClass)
      ? prices.requestClasses[row.priceClass as PriceClass]
      : prices.requestClasses.symmetric;
    let billable = row.requests;
    if (price.freeTier) {
      const left = freeLeft.get(row.accountId) ?? prices.freeRequestsPerMonth;
      const free = Math.min(left, billable);
      freeLeft.set(row.accountId, left - free);
      billable -= free;
    }
    return { ...row, costUsd: roundUsd((billable * price.usdPer10000) / 10_000) } as UsageLine;
  });
  const keyMonths = keyHours
    .filter((k) => k.hours > 0)
    .map((k) => ({ ...k, costUsd: roundUsd((k.hours * prices.keyMonthUsd) / hoursInMonth) }));
  const parameterMonths = parameterHours
    .filter((p) => p.hours > 0)
    .map((p) => ({ ...p, costUsd: roundUsd((p.hours * prices.advancedParameterMonthUsd) / hoursInMonth) }));
  const totalUsd = roundUsd([...lines, ...keyMonths, ...parameterMonths].reduce((sum, l) => sum + l.costUsd, 0));
  return {
    period,
    lines: lines.map(({ accountId, region, keyArn, operation, priceClass, requests, costUsd }) => ({
      accountId,
      region,
      keyArn,
      operation,
      priceClass,
      requests,
      costUsd,
    })),
    keyMonths,
    parameterMonths,
    totalUsd,
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Reads what storage holds for the month and prices it (`trent usage`). */
export async function usageReport(
  storage: Storage,
  opts: {
    period: string;
    accountId?: string | undefined;
    now: Date;
    prices: PriceTable;
  },
): Promise<UsageReport> {
  monthBounds(opts.period);
  const rows = await storage.listUsage(opts.period, opts.accountId);
  const keyHours: Omit<KeyMonthLine, 'costUsd'>[] = [];
  for (const scope of await storage.listKeyScopes()) {
    if (opts.accountId !== undefined && scope.accountId !== opts.accountId) continue;
    let after: string | undefined;
    for (;;) {
      const page = await storage.listKeys(scope.region, scope.accountId, 1000, after);
      for (const key of page.keys) {
        if (key.keyManager !== 'CUSTOMER') continue;
        const materials = await storage.listKeyMaterials(key.arn);
        const hours = chargedKeyHours(key, materials, opts.period, opts.now);
        keyHours.push({ accountId: key.accountId, region: key.region, keyArn: key.arn, hours });
      }
      if (!page.more || page.keys.length === 0) break;
      after = page.keys[page.keys.length - 1]!.keyId;
    }
  }
  // Keys deleted since: their hours were stored at deletion.
  for (const row of await storage.listDeletedKeyHours(opts.period, opts.accountId)) {
    keyHours.push({ accountId: row.accountId, region: row.region, keyArn: row.keyArn, hours: row.hours });
  }
  keyHours.sort((a, b) => cmp(a.accountId, b.accountId) || cmp(a.region, b.region) || cmp(a.keyArn, b.keyArn));
  // Advanced parameters still stored (a deleted one's hours of the month are not kept).
  const parameterHours: Omit<ParameterMonthLine, 'costUsd'>[] = [];
  const { start, end } = monthBounds(opts.period);
  for (const scope of await storage.listParameterScopes()) {
    if (opts.accountId !== undefined && scope.accountId !== opts.accountId) continue;
    for (const record of await storage.listParameters(scope.accountId, scope.region)) {
      const hours = advancedParameterHours(record, start, end, opts.now);
      if (hours > 0) {
        parameterHours.push({ accountId: record.accountId, region: scope.region, parameterArn: record.arn, hours });
      }
    }
  }
  return priceUsage(opts.period, rows, keyHours, opts.prices, parameterHours);
}
