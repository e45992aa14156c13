/** Public surface of metering/: request counting, price classes, price tables and the monthly bill. */
export { MeteringRecorder, periodOf, type MeteredRequest } from './recorder.js';
export {
  DATA_KEY_PAIR_CLASSES,
  KEY_SPEC_CLASSES,
  OPERATION_PRICING,
  priceClassOf,
  type PricedRequest,
} from './classes.js';
export {
  DEFAULT_PRICE_TABLE,
  PRICE_CLASSES,
  PriceTableError,
  loadPriceTable,
  validatePriceTable,
  type PriceClass,
  type PriceTable,
  type RequestPrice,
} from './prices.js';
export {
  chargedKeyHours,
  keyHoursAtDeletion,
  monthBounds,
  priceUsage,
  roundUsd,
  usageReport,
  type KeyMonthLine,
  type ParameterMonthLine,
  type UsageLine,
  type UsageReport,
} from './bill.js';
export { advancedParameterHours, parameterNamesOf } from './parameters.js';
export { PRICE_TABLE_FILE, priceTableFor, recordPriceTable } from './data-dir.js';
