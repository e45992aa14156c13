/** The built `trent` command (dist/cli/main.js, made by `npm test`'s build) as CLI tests run it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const MAIN = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface Served {
  child: ChildProcess;
  /** The URL of the "Trent is ready" log line; undefined when the process exits first. */
  ready: Promise<string | undefined>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `trent serve --port 0 ARGS` and watches its output for the "Trent is ready" line. */
export function spawnServe(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Served {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  const ready = new Promise<string | undefined>((ok) => {
    const timer = setInterval(() => {
      const found = /"url":"(https?:\/\/[^"]+)"[^\n]*Trent is ready/.exec(output);
      if (found) {
        clearInterval(timer);
        ok(found[1]!);
      }
    }, 25);
    void exited.then(() => {
      clearInterval(timer);
      ok(undefined);
    });
  });
  return { child, ready, output: () => output, exited };
}

/** `spawnServe`, failing with its output when the server exits before it is ready. */
export async function serveReady(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Served & { url: string }> {
  const served = spawnServe(args, opts);
  const url = await served.ready;
  if (url === undefined) throw new Error(`trent serve exited early:\n${served.output()}`);
  return { ...served, url };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `trent ARGS` to its end. */
export async function runTrent(...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((ok) => child.on('exit', ok));
  return { code, stdout, stderr };
}
