/** Configuration: the settings table, reading and checking every source, printing, server options. */
export { ConfigError, formatProblem, type Problem } from './errors.js';
export { parseWithLines } from './file.js';
export { configAsJson, configAsYaml, REDACTED } from './print.js';
export { resolveConfig, type ConfigInputs, type FlagValue, type ResolvedConfig } from './resolve.js';
export {
  CONFIG_FILE_VARIABLE,
  LOG_FORMATS,
  LOG_LEVELS,
  SETTINGS,
  TRENT_SCHEMA,
  type SettingName,
  type TrentConfig,
  type TrentSettings,
} from './schema.js';
export { toServerOptions } from './server-options.js';
export {
  describeSource,
  envOf,
  fileKeyOf,
  flagOf,
  setting,
  type AnySetting,
  type ConfigValues,
  type DefaultContext,
  type Schema,
  type Setting,
  type SettingsTable,
  type Source,
} from './setting.js';
export type { ValueType } from './values.js';
export { suggest } from './suggest.js';
