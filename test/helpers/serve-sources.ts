/**
 * `trent serve` run from the sources (tsx), so a suite does not depend on a build: a child process
 * with its own environment (SOFTHSM2_CONF, TRENT_ROOT_KEY_PIN), every byte of its stdout and stderr
 * kept, the URL of its "Trent is ready" line and the administrator's credentials of its data
 * directory.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const TSX = resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const MAIN = resolve(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

export interface SourceServer {
  url: string;
  dataDir: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `trent serve --port 0 --log-format json --data-dir DATADIR ARGS` with `env` added to (or, as
 * undefined, removed from) this process's environment; fails with the output when the server exits
 * before it is ready.
 */
export async function serveFromSources(
  dataDir: string,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<SourceServer> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete childEnv.TRENT_ROOT_KEY_PIN;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  const child = spawn(TSX, [MAIN, 'serve', '--port', '0', '--log-format', 'json', '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv,
  });
  let output = '';
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  const url = await new Promise<string | undefined>((ok) => {
    const onData = (c: Buffer) => {
      output += c.toString();
      const found = /"url":"(https?:\/\/[^"]+)"[^\n]*Trent is ready/.exec(output);
      if (found) ok(found[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => ok(undefined));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  if (url === undefined) {
    await stop();
    throw new Error(`trent serve exited before it was ready:\n${output}`);
  }
  const creds = JSON.parse(readFileSync(join(dataDir, 'admin-credentials.json'), 'utf8')) as Record<string, string>;
  return {
    url,
    dataDir,
    credentials: { accessKeyId: creds.accessKeyId!, secretAccessKey: creds.secretAccessKey! },
    output: () => output,
    stop,
  };
}
