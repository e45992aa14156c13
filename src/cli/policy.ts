/**
 * `trent policy explain`: would a principal be allowed a KMS action on a key, and why. Reads the
 * data directory as a second connection (the server may be running) and evaluates exactly as a
 * request would, naming the statement or grant that decided and why every other statement did not
 * match.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isKmsError, systemClock } from '../domain/index.js';
import { createIdentityResolver } from '../pipeline/identity.js';
import { explainKeyAccess, type ExplainAnswer } from '../services/kms/index.js';
import { openStorage } from '../storage/index.js';
import { UsageError, UserError } from './errors.js';

interface Flags {
  principal: string;
  action: string;
  key: string;
  context: string[];
  dataDir: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function parseContext(pairs: readonly string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--context takes key=value, got '${pair}'`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** The answer as a person reads it. */
export function renderExplanation(a: ExplainAnswer): string {
  const lines = [
    `${a.decision.toUpperCase()}: ${a.principalArn} ${a.decision === 'allow' ? 'may' : 'may not'} perform ${a.action} on ${a.keyArn}`,
    `decided by: ${a.decidedBy}`,
    '',
  ];
  for (const s of a.evaluation.statements) {
    const sid = s.ref.sid !== undefined ? ` (Sid "${s.ref.sid}")` : '';
    lines.push(
      `  ${s.matched ? 'matches' : 'no match'}  ${s.ref.policy}, statement ${s.ref.index + 1}${sid}, ${s.effect}: ${s.why}`,
    );
  }
  return lines.join('\n') + '\n';
}

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('key policies, identity policies and grants');
  policy
    .command('explain')
    .description('say whether a principal may perform a KMS action on a key, and which statement or grant decides')
    .requiredOption('--principal <arn>', 'an account root, IAM user, role or role session ARN')
    .requiredOption('--action <action>', 'a KMS action, e.g. kms:Encrypt')
    .requiredOption('--key <arn>', 'the key ARN')
    .option('--context <key=value>', 'an encryption context pair (repeatable)', collect, [])
    .option('--data-dir <dir>', 'the data directory', './.trent')
    .option('--json', 'print the whole evaluation as JSON')
    .action(async (flags: Flags) => {
      if (!/^kms:[A-Za-z]+$/.test(flags.action))
        throw new UsageError(`--action must be a KMS action such as kms:Encrypt`);
      const dataDir = resolve(flags.dataDir);
      if (!existsSync(join(dataDir, 'trent.db'))) throw new UserError(`no Trent database in ${dataDir}`);
      const storage = await openStorage({ sqlitePath: join(dataDir, 'trent.db') });
      try {
        const answer = await explainKeyAccess(
          { storage, clock: systemClock, identity: createIdentityResolver(storage) },
          {
            principalArn: flags.principal,
            action: flags.action,
            keyArn: flags.key,
            encryptionContext: parseContext(flags.context),
          },
        );
        process.stdout.write(flags.json ? JSON.stringify(answer, null, 2) + '\n' : renderExplanation(answer));
      } catch (err) {
        if (isKmsError(err)) throw new UserError(err.message);
        throw err;
      } finally {
        await storage.close();
      }
    });
}
