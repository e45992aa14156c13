/**
 * `trent usage`: the bill of one month (requests by account, region, key, operation and price
 * class; key-months of customer managed keys; advanced parameter-months of Parameter Store), read from the data directory's database as a second
 * connection, so it works whether or not the server runs. A running server writes its counters
 * every 5 seconds, so requests of the last few seconds may not be in the bill yet.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PriceTableError, periodOf, priceTableFor, usageReport, type UsageReport } from '../metering/index.js';
import { openStorage } from '../storage/index.js';
import { UsageError, UserError } from './errors.js';

interface Flags {
  dataDir: string;
  month?: string;
  account?: string;
  format: string;
  priceTable?: string;
}

const FORMATS = ['table', 'csv', 'json'] as const;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const ACCOUNT_ID = /^[0-9]{12}$/;

export function registerUsage(program: Command): void {
  program
    .command('usage')
    .description('print the bill of a month: requests by price class, key-months and the total in USD')
    .option('--data-dir <dir>', 'the data directory', './.trent')
    .option('--month <YYYY-MM>', 'the month (UTC); default the current one')
    .option('--account <id>', 'only this account')
    .option('--format <format>', `${FORMATS.join(' | ')}`, 'table')
    .option('--price-table <file>', "prices (JSON or YAML); default the server's, else AWS's list prices")
    .action(async (flags: Flags) => {
      if (flags.month !== undefined && !MONTH.test(flags.month)) {
        throw new UsageError(`--month must be YYYY-MM, got '${flags.month}'`);
      }
      if (flags.account !== undefined && !ACCOUNT_ID.test(flags.account)) {
        throw new UsageError(`--account must be 12 digits, got '${flags.account}'`);
      }
      if (!(FORMATS as readonly string[]).includes(flags.format)) {
        throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${flags.format}'`);
      }
      const dataDir = resolve(flags.dataDir);
      const database = join(dataDir, 'trent.db');
      if (!existsSync(database)) {
        throw new UserError(
          `no Trent database in ${dataDir}: start the server once (trent serve --data-dir ${flags.dataDir})`,
        );
      }
      let prices;
      try {
        prices = priceTableFor(dataDir, flags.priceTable);
      } catch (e) {
        if (e instanceof PriceTableError) throw new UserError(e.message);
        throw e;
      }
      const now = new Date();
      const storage = await openStorage({ sqlitePath: database });
      let report: UsageReport;
      try {
        report = await usageReport(storage, {
          period: flags.month ?? periodOf(now),
          accountId: flags.account,
          now,
          prices,
        });
      } finally {
        await storage.close();
      }
      process.stdout.write(render(report, flags.format));
    });
}

function render(report: UsageReport, format: string): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'csv') return csv(report);
  return table(report);
}

const usd = (n: number): string => n.toFixed(6);

function csv(report: UsageReport): string {
  const quote = (v: string | number): string => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const rows: (string | number)[][] = [
    ['period', 'kind', 'accountId', 'region', 'keyArn', 'operation', 'priceClass', 'requests', 'hours', 'costUsd'],
    ...report.lines.map((l) => [
      report.period,
      'requests',
      l.accountId,
      l.region,
      l.keyArn,
      l.operation,
      l.priceClass,
      l.requests,
      '',
      usd(l.costUsd),
    ]),
    ...report.keyMonths.map((k) => [
      report.period,
      'key-months',
      k.accountId,
      k.region,
      k.keyArn,
      '',
      '',
      '',
      k.hours,
      usd(k.costUsd),
    ]),
    ...report.parameterMonths.map((p) => [
      report.period,
      'parameter-months',
      p.accountId,
      p.region,
      p.parameterArn,
      '',
      '',
      '',
      p.hours,
      usd(p.costUsd),
    ]),
    [report.period, 'total', '', '', '', '', '', '', '', usd(report.totalUsd)],
  ];
  return rows.map((r) => r.map(quote).join(',')).join('\n') + '\n';
}

function table(report: UsageReport): string {
  const grid = (head: string[], rows: string[][]): string[] => {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) =>
      r
        .map((c, i) => (i >= r.length - 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    return [line(head), ...rows.map(line)];
  };
  const out = [`Usage for ${report.period}`, ''];
  out.push('Requests');
  if (report.lines.length === 0) out.push('  (none)');
  else
    out.push(
      ...grid(
        ['account', 'region', 'key', 'operation', 'class', 'requests', 'USD'],
        report.lines.map((l) => [
          l.accountId,
          l.region,
          l.keyArn || '-',
          l.operation,
          l.priceClass,
          String(l.requests),
          usd(l.costUsd),
        ]),
      ).map((l) => `  ${l}`),
    );
  out.push('', 'Key-months');
  if (report.keyMonths.length === 0) out.push('  (none)');
  else
    out.push(
      ...grid(
        ['account', 'region', 'key', 'hours', 'USD'],
        report.keyMonths.map((k) => [k.accountId, k.region, k.keyArn, String(k.hours), usd(k.costUsd)]),
      ).map((l) => `  ${l}`),
    );
  out.push('', 'Advanced parameter-months (Parameter Store)');
  if (report.parameterMonths.length === 0) out.push('  (none)');
  else
    out.push(
      ...grid(
        ['account', 'region', 'parameter', 'hours', 'USD'],
        report.parameterMonths.map((p) => [p.accountId, p.region, p.parameterArn, String(p.hours), usd(p.costUsd)]),
      ).map((l) => `  ${l}`),
    );
  out.push('', `Total USD ${usd(report.totalUsd)}`);
  return out.join('\n') + '\n';
}
