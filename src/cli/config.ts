/** `trent config print`: the configuration `trent serve` would run with, each value's source beside it. */
import type { Command } from 'commander';
import { configAsJson, configAsYaml, TRENT_SCHEMA } from '../config/index.js';
import { addSettingOptions, configFromCommand } from './serve.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('the configuration of `trent serve` (docs/configuration.md)');
  const print = config
    .command('print')
    .description(
      'print the effective configuration of `trent serve` with the same flags, environment and file: ' +
        'each value and where it comes from (default, file and line, variable, flag); secrets redacted. ' +
        'An invalid configuration is refused as `serve` refuses it.',
    )
    .option('--json', 'print JSON instead of YAML');
  addSettingOptions(print).action(async (opts: { json?: boolean }, cmd: Command) => {
    const resolved = await configFromCommand(cmd);
    if (!resolved) return;
    process.stdout.write(opts.json ? configAsJson(TRENT_SCHEMA, resolved) : configAsYaml(TRENT_SCHEMA, resolved));
  });
}
