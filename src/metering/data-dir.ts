/**
 * The price table a server was started with, kept in its data directory so that `trent usage`
 * prices with it when not given `--price-table`. Plain JSON, but 0600 like every file of the data
 * directory (issue 15).
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PRICE_TABLE, type PriceTable, loadPriceTable, validatePriceTable } from './prices.js';

export const PRICE_TABLE_FILE = 'usage-prices.json';

/** Writes the table the server prices with (the defaults when none was given). */
export async function recordPriceTable(dataDir: string, table: PriceTable = DEFAULT_PRICE_TABLE): Promise<void> {
  const path = join(dataDir, PRICE_TABLE_FILE);
  await writeFile(path, `${JSON.stringify(table, null, 2)}\n`, { mode: 0o600 });
  // The mode applies only when the file is created; one an older server left open is closed too.
  await chmod(path, 0o600);
}

/** `--price-table FILE` if given, else the table the server recorded, else AWS's list prices. */
export function priceTableFor(dataDir: string, file?: string): PriceTable {
  if (file !== undefined) return loadPriceTable(file);
  const recorded = join(dataDir, PRICE_TABLE_FILE);
  if (!existsSync(recorded)) return DEFAULT_PRICE_TABLE;
  return validatePriceTable(JSON.parse(readFileSync(recorded, 'utf8')) as unknown, recorded);
}
