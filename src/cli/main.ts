#!/usr/bin/env node
/** The `trent` command: registers each command (one module each) and applies the exit-code rule. */
import { Command } from 'commander';
import { registerAccounts } from './accounts.js';
import { registerAudit } from './audit.js';
import { registerConfig } from './config.js';
import { registerEnvelopeCommands } from './envelope-commands.js';
import { registerEnv } from './env.js';
import { EXIT_OK, EXIT_USAGE, exitCodeOf, oneLineMessage } from './errors.js';
import { registerPolicy } from './policy.js';
import { registerRootKey } from './root-key.js';
import { registerSeed } from './seed.js';
import { registerServe } from './serve.js';
import { registerUsage } from './usage.js';
import { registerVersion, renderVersion, versionInfo } from './version.js';

// Node 20 is this project's runtime; the SDK's notice about its future Node requirement would only
// clutter the CLI's stderr, which scripts read.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command()
  .name('trent')
  .description('Trent: a self-hosted key management service that speaks the AWS KMS API')
  .option('-V, --version', 'print the version of Trent, Node.js and OpenSSL, and the build commit')
  .on('option:version', () => {
    process.stdout.write(renderVersion(versionInfo()));
    process.exit(EXIT_OK);
  });

registerServe(program);
registerAccounts(program);
registerAudit(program);
registerConfig(program);
registerEnvelopeCommands(program);
registerEnv(program);
registerSeed(program);
registerPolicy(program);
registerRootKey(program);
registerUsage(program);
registerVersion(program);

/** This command and every command below it (addCommand does not pass settings down). */
function commandTree(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(commandTree)];
}

// Bad usage exits 2 (commander has printed why); --help and --version exit 0.
for (const cmd of commandTree(program)) {
  cmd.exitOverride((err) => process.exit(err.exitCode === EXIT_OK ? EXIT_OK : EXIT_USAGE));
  cmd.configureOutput({
    outputError: (text, write) => write(text.startsWith('error: ') ? `trent: ${text.slice('error: '.length)}` : text),
  });
}

// Errors out of a command: one line, no stack trace; 2 for bad usage, 1 for anything else.
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`trent: ${oneLineMessage(err)}\n`);
  process.exit(exitCodeOf(err));
});
