/**
 * `npm run bench`: Trent (strict SigV4, durable SQLite) against a bare node:http "ceiling" server,
 * both in their own child processes, driven by the same SigV4-signing client in this process.
 * Then a memory check: 10,000 keys in a fresh Trent, encrypts under a random sample, VmRSS/VmHWM.
 * See docs/benchmarks.md for how to read the figures.
 *
 * Environment knobs (all optional):
 *   BENCH_DURATION_MS  measured time per cell and server (default 3000)
 *   BENCH_WARMUP_MS    unmeasured warm-up per cell (default 500)
 *   BENCH_ROUNDS       the measured time of a cell is split into this many interleaved rounds (default 3)
 *   BENCH_PRIME_MS     unmeasured priming per operation and server before any cell (default 1000)
 *   BENCH_KEYS         keys created for the memory check (default 10000; 0 skips it)
 *   BENCH_SAMPLE       encrypts under random keys after creating them (default 2000)
 *   BENCH_OPS          comma list of Encrypt,Decrypt,GenerateDataKey (default all)
 *   BENCH_CONCURRENCY  comma list (default 1,16,64)
 *   BENCH_CPU_PROF     directory: run the Trents under `node --cpu-prof` writing there
 *   BENCH_PRIMITIVES   0 skips the signing and MAC section (Sign, Verify, GenerateMac against the
 *                      same primitive called directly in one process, at concurrency 16)
 *   BENCH_TRAIL        0 skips the audit delivery and metering section (Encrypt with both on against
 *                      both off, at concurrency 16)
 *   BENCH_SSM          0 skips the Parameter Store section (GetParameter with decryption of a
 *                      SecureString against KMS Decrypt under the same key, at concurrency 16)
 *   BENCH_HSM          0 skips the HSM section (Encrypt and GenerateDataKey under a key in a custom key
 *                      store on two SoftHSM2 tokens against a software key, at concurrency 1 and 16;
 *                      skipped with a message when libsofthsm2.so is not installed)
 *   BENCH_AUTHZ        0 skips the authorization section (Encrypt by an IAM user under a 20-statement
 *                      key policy and a 10-statement identity policy, against root and the default
 *                      policy, at concurrency 16)
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUTHZ_GOAL_RATIO, setUpAuthorization } from './authorization.js';
import { makeCluster, setUpHsmKeys } from './hsm.js';
import { DIRECT_PRIMITIVES, MESSAGE_BYTES, type PrimitiveName } from './primitives.js';
import { KMS_API, SSM_API, SigV4JsonClient, type Credentials, type JsonApi } from './sigv4-client.js';
import {
  freePort,
  installCleanupHandlers,
  cleanupAll,
  memoryOf,
  cpuMsOf,
  startChild,
  tempDir,
  waitHealthy,
  type Child,
  type Memory,
} from './procs.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const CEILING = join(ROOT, 'bench', 'ceiling-server.ts');

const envInt = (name: string, dflt: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
};
const envList = (name: string, dflt: string): string[] =>
  (process.env[name] ?? dflt)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const DURATION_MS = envInt('BENCH_DURATION_MS', 3000);
const WARMUP_MS = envInt('BENCH_WARMUP_MS', 500);
const ROUNDS = Math.max(1, envInt('BENCH_ROUNDS', 3));
const PRIME_MS = envInt('BENCH_PRIME_MS', 1000);
const KEYS = envInt('BENCH_KEYS', 10_000);
const SAMPLE = envInt('BENCH_SAMPLE', 2000);
const OPS = envList('BENCH_OPS', 'Encrypt,Decrypt,GenerateDataKey') as Operation[];
const CONCURRENCY = envList('BENCH_CONCURRENCY', '1,16,64').map(Number);
const CPU_PROF = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;

type Operation = 'Encrypt' | 'Decrypt' | 'GenerateDataKey';
const KNOWN_OPS: readonly Operation[] = ['Encrypt', 'Decrypt', 'GenerateDataKey'];
for (const op of OPS) if (!KNOWN_OPS.includes(op)) throw new Error(`unknown operation in BENCH_OPS: ${op}`);

const GOAL_RATIO = 0.5;
const GOAL_P99_MS = 20;
const GOAL_RSS_MIB = 150;

interface Trent {
  child: Child;
  port: number;
  dataDir: string;
  credentials: Credentials;
}

async function startTrent(
  label: string,
  logDir: string,
  extraNodeArgs: string[] = [],
  serveArgs: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Trent> {
  const port = await freePort();
  const dataDir = tempDir(`trent-bench-${label}-`);
  const child = startChild(
    `trent-${label}`,
    // The memory section creates keys far faster than CreateKey's quota of 5 a second.
    [
      ...extraNodeArgs,
      CLI,
      'serve',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--quota',
      'CreateKey=1000000',
      ...serveArgs,
    ],
    logDir,
    env,
  );
  await waitHealthy(child, port);
  const raw = JSON.parse(await readFile(join(dataDir, 'admin-credentials.json'), 'utf8')) as Credentials;
  return { child, port, dataDir, credentials: { accessKeyId: raw.accessKeyId, secretAccessKey: raw.secretAccessKey } };
}

async function startCeiling(logDir: string, primitive?: PrimitiveName): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = startChild(
    `ceiling${primitive ? `-${primitive}` : ''}`,
    ['--import', 'tsx', CEILING, String(port), ...(primitive ? [primitive] : [])],
    logDir,
  );
  await waitHealthy(child, port);
  return { child, port };
}

interface CellResult {
  ops: number;
  /** Server CPU (user+sys) per request over the whole cell, warm-up included, in µs. */
  cpuUsPerOp: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** `concurrency` closed-loop workers for warm-up + duration; only requests started after warm-up count. */
async function runCell(
  pid: number,
  port: number,
  credentials: Credentials,
  operation: string,
  input: () => unknown,
  concurrency: number,
  warmupMs = WARMUP_MS,
  durationMs = DURATION_MS,
  api: JsonApi = KMS_API,
): Promise<CellResult> {
  const client = new SigV4JsonClient(port, credentials, concurrency, 'us-east-1', api);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const measureFrom = t0 + warmupMs;
  const end = measureFrom + durationMs;
  let lastDone = measureFrom;
  let all = 0;
  const cpuBefore = cpuMsOf(pid);
  const worker = async (): Promise<void> => {
    for (;;) {
      const start = performance.now();
      if (start >= end) return;
      let ok = false;
      try {
        const r = await client.call(operation, input());
        ok = r.status === 200;
        if (!ok) firstError ??= `HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 200)}`;
      } catch (e) {
        firstError ??= e instanceof Error ? e.message : String(e);
      }
      const done = performance.now();
      all++;
      if (start >= measureFrom) {
        latencies.push(done - start);
        if (!ok) errors++;
        if (done > lastDone) lastDone = done;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    client.close();
  }
  const cpuUsPerOp = all > 0 ? ((cpuMsOf(pid) - cpuBefore) * 1000) / all : NaN;
  const sorted = Float64Array.from(latencies).sort();
  const seconds = (lastDone - measureFrom) / 1000;
  return {
    ops: latencies.length,
    cpuUsPerOp,
    opsPerSec: seconds > 0 ? (latencies.length - errors) / seconds : 0,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors,
    ...(firstError ? { firstError } : {}),
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Median of each figure over rounds; errors are summed. */
function medianCell(rounds: CellResult[]): CellResult {
  const firstError = rounds.find((r) => r.firstError)?.firstError;
  return {
    ops: rounds.reduce((a, r) => a + r.ops, 0),
    cpuUsPerOp: median(rounds.map((r) => r.cpuUsPerOp)),
    opsPerSec: median(rounds.map((r) => r.opsPerSec)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    ...(firstError ? { firstError } : {}),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const mib = (m: Memory): string => `VmRSS ${fmt(m.rssMiB)} MiB, VmHWM ${fmt(m.hwmMiB)} MiB`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i < 2 ? '-'.repeat(w + 1) + '-' : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), sep, ...rows.map(line)].join('\n');
}

async function throughput(logDir: string): Promise<void> {
  const trent = await startTrent('throughput', logDir, CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []);
  const ceiling = await startCeiling(logDir);
  console.log(`trent pid ${trent.child.pid} on :${trent.port}, ceiling pid ${ceiling.child.pid} on :${ceiling.port}`);

  const setup = new SigV4JsonClient(trent.port, trent.credentials, 1);
  const { KeyMetadata } = await setup.json<{ KeyMetadata: { KeyId: string } }>('CreateKey', { Description: 'bench' });
  const keyId = KeyMetadata.KeyId;
  const plaintext = randomBytes(1024).toString('base64');
  const { CiphertextBlob } = await setup.json<{ CiphertextBlob: string }>('Encrypt', {
    KeyId: keyId,
    Plaintext: plaintext,
  });
  setup.close();

  const inputs: Record<Operation, () => unknown> = {
    Encrypt: () => ({ KeyId: keyId, Plaintext: plaintext }),
    Decrypt: () => ({ CiphertextBlob }),
    GenerateDataKey: () => ({ KeyId: keyId, KeySpec: 'AES_256' }),
  };

  // Untimed priming of both servers and of this client (JIT, connection set-up, caches), so the
  // first cell measured is not the one that pays for warming the processes up.
  for (const op of OPS) {
    await runCell(trent.child.pid, trent.port, trent.credentials, op, inputs[op], 16, PRIME_MS, 0);
    await runCell(ceiling.child.pid, ceiling.port, trent.credentials, op, inputs[op], 16, PRIME_MS, 0);
  }

  const roundMs = Math.max(1, Math.round(DURATION_MS / ROUNDS));
  const rows: string[][] = [];
  let goal: { ratio: number; p99: number } | undefined;
  const errorsSeen: string[] = [];
  for (const op of OPS) {
    for (const c of CONCURRENCY) {
      // Interleaved rounds (Trent, ceiling, Trent, ...) so that a burst of load from elsewhere on
      // the machine hits both sides alike; each figure is the median over the rounds.
      const ts: CellResult[] = [];
      const ks: CellResult[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        ts.push(await runCell(trent.child.pid, trent.port, trent.credentials, op, inputs[op], c, WARMUP_MS, roundMs));
        ks.push(
          await runCell(ceiling.child.pid, ceiling.port, trent.credentials, op, inputs[op], c, WARMUP_MS, roundMs),
        );
      }
      const t = medianCell(ts);
      const k = medianCell(ks);
      const ratio = k.opsPerSec > 0 ? t.opsPerSec / k.opsPerSec : NaN;
      rows.push([
        op,
        String(c),
        fmt(t.opsPerSec, 0),
        fmt(t.p50, 2),
        fmt(t.p99, 2),
        fmt(k.opsPerSec, 0),
        fmt(k.p99, 2),
        fmt(ratio, 2),
        fmt(t.cpuUsPerOp, 0),
        fmt(k.cpuUsPerOp, 0),
        String(t.errors + k.errors),
      ]);
      if (t.firstError) errorsSeen.push(`trent ${op} c=${c}: ${t.errors} errors, e.g. ${t.firstError}`);
      if (k.firstError) errorsSeen.push(`ceiling ${op} c=${c}: ${k.errors} errors, e.g. ${k.firstError}`);
      if (op === 'Encrypt' && c === 64) goal = { ratio, p99: t.p99 };
      process.stderr.write(`  done ${op} c=${c}\n`);
    }
  }
  console.log('');
  console.log(
    table(
      [
        'operation',
        'conc',
        'ops/s',
        'p50 ms',
        'p99 ms',
        'ceiling ops/s',
        'ceiling p99',
        'ratio',
        'trent CPU µs/op',
        'ceiling CPU µs/op',
        'errors',
      ],
      rows,
    ),
  );
  for (const e of errorsSeen) console.log(`  ! ${e}`);
  console.log('');
  if (goal) {
    const pass = goal.ratio >= GOAL_RATIO && goal.p99 < GOAL_P99_MS;
    console.log(
      `Goal: Encrypt at concurrency 64 >= ${GOAL_RATIO} x ceiling with p99 < ${GOAL_P99_MS} ms: ` +
        `${pass ? 'PASS' : 'MISS'} (ratio ${fmt(goal.ratio, 2)}, p99 ${fmt(goal.p99, 2)} ms)`,
    );
  } else {
    console.log('Goal: Encrypt at concurrency 64 not measured in this run (see BENCH_OPS / BENCH_CONCURRENCY)');
  }
  console.log(`Trent after the throughput runs: ${mib(await memoryOf(trent.child.pid))}`);
  await ceiling.child.stop();
  await trent.child.stop(CPU_PROF ? 30_000 : 5000);
  if (CPU_PROF) console.log(`CPU profile of Trent written to ${CPU_PROF}`);
}

async function memory(logDir: string): Promise<void> {
  console.log('');
  console.log(`Memory: ${KEYS} keys in a fresh Trent`);
  const trent = await startTrent('memory', logDir);
  const client = new SigV4JsonClient(trent.port, trent.credentials, 64);
  try {
    const idle = await memoryOf(trent.child.pid);
    console.log(`  idle after start:                 ${mib(idle)}`);
    const created = Date.now();
    const BATCH = 64;
    const keyIds: string[] = [];
    for (let i = 0; i < KEYS; i += BATCH) {
      const n = Math.min(BATCH, KEYS - i);
      const batch = await Promise.all(
        Array.from({ length: n }, (_, j) =>
          client.json<{ KeyMetadata: { KeyId: string } }>('CreateKey', { Description: `bench key ${i + j}` }),
        ),
      );
      for (const r of batch) keyIds.push(r.KeyMetadata.KeyId);
    }
    const createSecs = (Date.now() - created) / 1000;
    const afterCreate = await memoryOf(trent.child.pid);
    console.log(
      `  after ${keyIds.length} CreateKey (batches of ${BATCH}, ${fmt(createSecs)} s, ${fmt(keyIds.length / createSecs, 0)}/s): ${mib(afterCreate)}`,
    );

    const plaintext = randomBytes(1024).toString('base64');
    const sample = Array.from(
      { length: Math.min(SAMPLE, keyIds.length ? SAMPLE : 0) },
      () => keyIds[randomInt(keyIds.length)]!,
    );
    const encStart = Date.now();
    await pool(sample, 32, (keyId) => client.json('Encrypt', { KeyId: keyId, Plaintext: plaintext }));
    const encSecs = (Date.now() - encStart) / 1000;
    const afterEncrypt = await memoryOf(trent.child.pid);
    console.log(
      `  after ${sample.length} Encrypt under random keys (${fmt(sample.length / Math.max(encSecs, 1e-9), 0)}/s): ${mib(afterEncrypt)}`,
    );
    const pass = afterEncrypt.rssMiB < GOAL_RSS_MIB && afterEncrypt.hwmMiB < GOAL_RSS_MIB;
    console.log(
      `Goal: RSS < ${GOAL_RSS_MIB} MB with ${KEYS} keys: ${pass ? 'PASS' : 'MISS'} ` +
        `(VmRSS ${fmt(afterEncrypt.rssMiB)} MiB, peak VmHWM ${fmt(afterEncrypt.hwmMiB)} MiB)`,
    );
  } finally {
    client.close();
    await trent.child.stop();
  }
}

const PRIMITIVES = envInt('BENCH_PRIMITIVES', 1) !== 0;
const GOAL_PRIMITIVE_RATIO = 0.6;
const PRIMITIVE_CONCURRENCY = 16;

/** Ops/s of `fn` called back to back in this process for `ms` (the ceiling of one primitive). */
function directOpsPerSec(fn: () => void, ms: number): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    fn();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

interface PrimitiveCase {
  label: string;
  keySpec: string;
  keyUsage: string;
  operation: 'Sign' | 'Verify' | 'GenerateMac';
  input: (keyId: string, message: string, signature: string) => unknown;
  /** The same primitive, directly (bench/primitives.ts). */
  primitive: PrimitiveName;
}

const MESSAGE = randomBytes(MESSAGE_BYTES);

const PRIMITIVE_CASES: PrimitiveCase[] = [
  {
    label: 'Sign ECDSA P-256',
    keySpec: 'ECC_NIST_P256',
    keyUsage: 'SIGN_VERIFY',
    operation: 'Sign',
    input: (KeyId, Message) => ({ KeyId, Message, SigningAlgorithm: 'ECDSA_SHA_256', MessageType: 'RAW' }),
    primitive: 'ecdsa-p256-sign',
  },
  {
    label: 'Sign RSA-2048 PSS',
    keySpec: 'RSA_2048',
    keyUsage: 'SIGN_VERIFY',
    operation: 'Sign',
    input: (KeyId, Message) => ({ KeyId, Message, SigningAlgorithm: 'RSASSA_PSS_SHA_256', MessageType: 'RAW' }),
    primitive: 'rsa2048-pss-sign',
  },
  {
    label: 'Sign Ed25519',
    keySpec: 'ECC_NIST_EDWARDS25519',
    keyUsage: 'SIGN_VERIFY',
    operation: 'Sign',
    input: (KeyId, Message) => ({ KeyId, Message, SigningAlgorithm: 'ED25519_SHA_512', MessageType: 'RAW' }),
    primitive: 'ed25519-sign',
  },
  {
    label: 'Sign ML-DSA-65',
    keySpec: 'ML_DSA_65',
    keyUsage: 'SIGN_VERIFY',
    operation: 'Sign',
    input: (KeyId, Message) => ({ KeyId, Message, SigningAlgorithm: 'ML_DSA_SHAKE_256', MessageType: 'RAW' }),
    primitive: 'mldsa65-sign',
  },
  {
    label: 'Verify ECDSA P-256',
    keySpec: 'ECC_NIST_P256',
    keyUsage: 'SIGN_VERIFY',
    operation: 'Verify',
    input: (KeyId, Message, Signature) => ({
      KeyId,
      Message,
      Signature,
      SigningAlgorithm: 'ECDSA_SHA_256',
      MessageType: 'RAW',
    }),
    primitive: 'ecdsa-p256-verify',
  },
  {
    label: 'GenerateMac HMAC-SHA-256',
    keySpec: 'HMAC_256',
    keyUsage: 'GENERATE_VERIFY_MAC',
    operation: 'GenerateMac',
    input: (KeyId, Message) => ({ KeyId, Message, MacAlgorithm: 'HMAC_SHA_256' }),
    primitive: 'hmac-sha256',
  },
];

/** Primes a server for BENCH_PRIME_MS, then measures one cell at the primitives' concurrency. */
async function primedCell(
  pid: number,
  port: number,
  credentials: Credentials,
  operation: string,
  input: () => unknown,
): Promise<CellResult> {
  await runCell(pid, port, credentials, operation, input, PRIMITIVE_CONCURRENCY, PRIME_MS, 0);
  return runCell(pid, port, credentials, operation, input, PRIMITIVE_CONCURRENCY);
}

/** Sign, Verify and GenerateMac through Trent against the same primitive called directly. */
async function primitives(logDir: string): Promise<void> {
  console.log('');
  console.log(
    `Signing and MAC at concurrency ${PRIMITIVE_CONCURRENCY}, 1 KiB messages, against the primitive called directly in one process`,
  );
  const trent = await startTrent('primitives', logDir, CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []);
  const setup = new SigV4JsonClient(trent.port, trent.credentials, 1);
  const rows: string[][] = [];
  const misses: string[] = [];
  try {
    const message = MESSAGE.toString('base64');
    for (const c of PRIMITIVE_CASES) {
      const created = await setup.call('CreateKey', { KeySpec: c.keySpec, KeyUsage: c.keyUsage });
      if (created.status !== 200) {
        rows.push([
          c.label,
          ...Array<string>(10).fill('-'),
          `not supported: ${created.body.toString('utf8').slice(0, 80)}`,
        ]);
        continue;
      }
      const keyId = (JSON.parse(created.body.toString('utf8')) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
      let signature = '';
      if (c.operation === 'Verify') {
        signature = (
          await setup.json<{ Signature: string }>('Sign', {
            KeyId: keyId,
            Message: message,
            SigningAlgorithm: 'ECDSA_SHA_256',
            MessageType: 'RAW',
          })
        ).Signature;
      }
      const input = () => c.input(keyId, message, signature);
      const t = await primedCell(trent.child.pid, trent.port, trent.credentials, c.operation, input);
      const direct = directOpsPerSec(DIRECT_PRIMITIVES[c.primitive](MESSAGE), Math.max(500, DURATION_MS / 2));
      const http = await startCeiling(logDir, c.primitive);
      let ceiling: CellResult;
      try {
        ceiling = await primedCell(http.child.pid, http.port, trent.credentials, c.operation, input);
      } finally {
        await http.child.stop();
      }
      const ratio = t.opsPerSec / direct;
      if (!(ratio >= GOAL_PRIMITIVE_RATIO)) misses.push(c.label);
      rows.push([
        c.label,
        fmt(t.opsPerSec, 0),
        fmt(t.p50, 2),
        fmt(t.p99, 2),
        fmt(direct, 0),
        fmt(ratio, 2),
        fmt(ceiling.opsPerSec, 0),
        fmt(ceiling.opsPerSec / direct, 2),
        fmt(t.opsPerSec / ceiling.opsPerSec, 2),
        fmt(t.cpuUsPerOp, 0),
        fmt(ceiling.cpuUsPerOp, 0),
        t.errors || ceiling.errors ? `${t.errors + ceiling.errors}: ${t.firstError ?? ceiling.firstError ?? ''}` : '0',
      ]);
      process.stderr.write(`  done ${c.label}\n`);
    }
  } finally {
    setup.close();
    await trent.child.stop(CPU_PROF ? 30_000 : 5000);
  }
  console.log(
    table(
      [
        'primitive',
        'ops/s',
        'p50 ms',
        'p99 ms',
        'direct ops/s',
        'ratio',
        'HTTP ceiling ops/s',
        'HTTP ceiling / direct',
        'trent / HTTP ceiling',
        'trent CPU µs/op',
        'HTTP ceiling CPU µs/op',
        'errors',
      ],
      rows,
    ),
  );
  console.log(
    `Goal: each within ${GOAL_PRIMITIVE_RATIO} x the direct primitive at concurrency ${PRIMITIVE_CONCURRENCY}: ` +
      (misses.length ? `MISS (${misses.join(', ')})` : 'PASS'),
  );
}

interface EncryptCell {
  pid: number;
  port: number;
  credentials: Credentials;
  input: () => unknown;
  /** Default Encrypt, of KMS. */
  operation?: string;
  api?: JsonApi;
}

/**
 * Encrypt (or the cell's operation) in each cell, primed, then measured in ROUNDS interleaved rounds so that the machine's
 * drift falls on every cell alike; the median round of each cell.
 */
async function interleaved(
  cells: Record<string, EncryptCell>,
  concurrency: number,
): Promise<Record<string, CellResult>> {
  for (const cell of Object.values(cells)) {
    const { operation = 'Encrypt', api = KMS_API } = cell;
    await runCell(cell.pid, cell.port, cell.credentials, operation, cell.input, concurrency, PRIME_MS, 0, api);
  }
  const roundMs = Math.max(1, Math.round(DURATION_MS / ROUNDS));
  const rounds: Record<string, CellResult[]> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, cell] of Object.entries(cells)) {
      const result = await runCell(
        cell.pid,
        cell.port,
        cell.credentials,
        cell.operation ?? 'Encrypt',
        cell.input,
        concurrency,
        WARMUP_MS,
        roundMs,
        cell.api,
      );
      (rounds[name] ??= []).push(result);
    }
  }
  return Object.fromEntries(Object.entries(rounds).map(([name, results]) => [name, medianCell(results)]));
}

function cellTable(label: string, results: Record<string, CellResult>): string {
  const rows = Object.entries(results).map(([name, m]) => [
    name,
    fmt(m.opsPerSec, 0),
    fmt(m.p50, 2),
    fmt(m.p99, 2),
    fmt(m.cpuUsPerOp, 0),
    String(m.errors),
    m.firstError ?? '',
  ]);
  return table([label, 'ops/s', 'p50 ms', 'p99 ms', 'trent CPU µs/op', 'errors', 'first error'], rows);
}

const AUTHZ = envInt('BENCH_AUTHZ', 1) !== 0;
const AUTHZ_CONCURRENCY = 16;

/** Encrypt under policies (issue 7's goal): the same server, interleaved rounds, ratio of throughputs. */
async function authorization(logDir: string): Promise<void> {
  const trent = await startTrent('authz', logDir);
  const setup = await setUpAuthorization(trent.port, trent.credentials);
  const plaintext = randomBytes(1024).toString('base64');
  const cells = {
    'root, default key policy': {
      credentials: trent.credentials,
      input: () => ({ KeyId: setup.plainKeyId, Plaintext: plaintext }),
    },
    'IAM user, 20 + 10 statements': {
      credentials: setup.user,
      input: () => ({ KeyId: setup.policyKeyArn, Plaintext: plaintext }),
    },
  };
  const results = await interleaved(
    Object.fromEntries(
      Object.entries(cells).map(([name, cell]) => [name, { pid: trent.child.pid, port: trent.port, ...cell }]),
    ),
    AUTHZ_CONCURRENCY,
  );
  console.log('');
  console.log(`Authorization: Encrypt at concurrency ${AUTHZ_CONCURRENCY}`);
  console.log(cellTable('caller and policies', results));
  const [base, heavy] = Object.values(results);
  const ratio = base!.opsPerSec > 0 ? heavy!.opsPerSec / base!.opsPerSec : NaN;
  console.log(
    `Goal: Encrypt under a 20-statement key policy and a 10-statement identity policy >= ${AUTHZ_GOAL_RATIO} x ` +
      `the default policy: ${ratio >= AUTHZ_GOAL_RATIO ? 'PASS' : 'MISS'} (ratio ${fmt(ratio, 2)})`,
  );
  await trent.child.stop();
}

const TRAIL = envInt('BENCH_TRAIL', 1) !== 0;
const TRAIL_CONCURRENCY = 16;
/** Issue 8: Encrypt with log-file delivery and metering on, against both off, at least this ratio. */
const TRAIL_GOAL_RATIO = 0.8;

/**
 * Encrypt with audit delivery and metering on (log files every second, digests every 5 s, every
 * request counted) against a server started with the bench-only switch BENCH_DISABLE that
 * turns both off. Both keep the JSON-lines trail: that is the audit, not the delivery.
 */
async function trail(logDir: string): Promise<void> {
  const on = await startTrent('trail-on', logDir, [], ['--audit-interval', '1', '--digest-interval', '5']);
  const off = await startTrent('trail-off', logDir, [], [], {
    ...process.env,
    BENCH_DISABLE: 'delivery,metering',
  });
  const plaintext = randomBytes(1024).toString('base64');
  const cellOf = async (trent: Trent): Promise<EncryptCell> => {
    const client = new SigV4JsonClient(trent.port, trent.credentials, 1);
    const created = await client.json<{ KeyMetadata: { KeyId: string } }>('CreateKey', {});
    client.close();
    const keyId = created.KeyMetadata.KeyId;
    return {
      pid: trent.child.pid,
      port: trent.port,
      credentials: trent.credentials,
      input: () => ({ KeyId: keyId, Plaintext: plaintext }),
    };
  };
  const results = await interleaved(
    { 'delivery and metering on': await cellOf(on), 'both off (BENCH_DISABLE)': await cellOf(off) },
    TRAIL_CONCURRENCY,
  );
  console.log('');
  console.log(`Audit delivery and metering: Encrypt at concurrency ${TRAIL_CONCURRENCY}`);
  console.log(cellTable('server', results));
  const [withTrail, without] = Object.values(results);
  const ratio = without!.opsPerSec > 0 ? withTrail!.opsPerSec / without!.opsPerSec : NaN;
  console.log(
    `Goal: Encrypt with delivery and metering on >= ${TRAIL_GOAL_RATIO} x both off: ` +
      `${ratio >= TRAIL_GOAL_RATIO ? 'PASS' : 'MISS'} (ratio ${fmt(ratio, 2)})`,
  );
  await on.child.stop();
  await off.child.stop();
}

const SSM = envInt('BENCH_SSM', 1) !== 0;
const SSM_CONCURRENCY = 16;
/** Issue 10: GetParameter with decryption of a SecureString at least this ratio of KMS Decrypt. */
const SSM_GOAL_RATIO = 0.8;

/**
 * Parameter Store: GetParameter WithDecryption of a SecureString (Standard, under a customer
 * managed key: Parameter Store calls KMS Decrypt on the caller's behalf, and both requests are
 * audited) against KMS Decrypt of a value of the same size under the same key, in one server.
 */
async function parameterStore(logDir: string): Promise<void> {
  const trent = await startTrent('ssm', logDir);
  const kms = new SigV4JsonClient(trent.port, trent.credentials, 1);
  const ssm = new SigV4JsonClient(trent.port, trent.credentials, 1, 'us-east-1', SSM_API);
  const { KeyMetadata } = await kms.json<{ KeyMetadata: { KeyId: string } }>('CreateKey', {});
  const value = randomBytes(24).toString('base64');
  const { CiphertextBlob } = await kms.json<{ CiphertextBlob: string }>('Encrypt', {
    KeyId: KeyMetadata.KeyId,
    Plaintext: Buffer.from(value).toString('base64'),
  });
  await ssm.json('PutParameter', {
    Name: '/bench/secret',
    Type: 'SecureString',
    KeyId: KeyMetadata.KeyId,
    Value: value,
  });
  kms.close();
  ssm.close();
  const cell = { pid: trent.child.pid, port: trent.port, credentials: trent.credentials };
  const results = await interleaved(
    {
      'KMS Decrypt': { ...cell, operation: 'Decrypt', input: () => ({ CiphertextBlob }) },
      'SSM GetParameter WithDecryption': {
        ...cell,
        operation: 'GetParameter',
        api: SSM_API,
        input: () => ({ Name: '/bench/secret', WithDecryption: true }),
      },
    },
    SSM_CONCURRENCY,
  );
  console.log('');
  console.log(
    `Parameter Store: a SecureString read with decryption against KMS Decrypt, at concurrency ${SSM_CONCURRENCY}`,
  );
  console.log(cellTable('request', results));
  const [decrypt, getParameter] = Object.values(results);
  const ratio = decrypt!.opsPerSec > 0 ? getParameter!.opsPerSec / decrypt!.opsPerSec : NaN;
  console.log(
    `Goal: GetParameter with decryption >= ${SSM_GOAL_RATIO} x KMS Decrypt: ` +
      `${ratio >= SSM_GOAL_RATIO ? 'PASS' : 'MISS'} (ratio ${fmt(ratio, 2)})`,
  );
  await trent.child.stop();
}

const HSM = envInt('BENCH_HSM', 1) !== 0;
const HSM_CONCURRENCY = [1, 16];

/**
 * Issue 9: Encrypt (1 KiB) and GenerateDataKey (AES_256) under a key in a custom key store (its
 * material in two SoftHSM2 tokens, every operation inside a token through a pooled session) against
 * the same calls under a software key, in one server, interleaved rounds. SoftHSM2 runs in the
 * server's process, so its work is in the server CPU figure.
 */
async function hsm(logDir: string): Promise<void> {
  console.log('');
  const cluster = makeCluster(tempDir('trent-bench-softhsm-'));
  if ('skip' in cluster) {
    console.log(`HSM section skipped: ${cluster.skip}`);
    return;
  }
  const trent = await startTrent('hsm', logDir, [], cluster.serveArgs, { ...process.env, ...cluster.env });
  try {
    const keys = await setUpHsmKeys(trent.port, trent.credentials, cluster);
    const plaintext = randomBytes(1024).toString('base64');
    const cell = { pid: trent.child.pid, port: trent.port, credentials: trent.credentials };
    const cells = (keyId: string): Record<'Encrypt' | 'GenerateDataKey', EncryptCell> => ({
      Encrypt: { ...cell, input: () => ({ KeyId: keyId, Plaintext: plaintext }) },
      GenerateDataKey: {
        ...cell,
        operation: 'GenerateDataKey',
        input: () => ({ KeyId: keyId, KeySpec: 'AES_256' }),
      },
    });
    const hsmCells = cells(keys.hsmKeyId);
    const softwareCells = cells(keys.softwareKeyId);
    const rows: string[][] = [];
    const errorsSeen: string[] = [];
    for (const c of HSM_CONCURRENCY) {
      const results = await interleaved(
        {
          'Encrypt HSM': hsmCells.Encrypt,
          'Encrypt software': softwareCells.Encrypt,
          'GenerateDataKey HSM': hsmCells.GenerateDataKey,
          'GenerateDataKey software': softwareCells.GenerateDataKey,
        },
        c,
      );
      for (const op of ['Encrypt', 'GenerateDataKey'] as const) {
        const h = results[`${op} HSM`]!;
        const s = results[`${op} software`]!;
        rows.push([
          op,
          String(c),
          fmt(h.opsPerSec, 0),
          fmt(h.p50, 2),
          fmt(h.p99, 2),
          fmt(h.cpuUsPerOp, 0),
          fmt(s.opsPerSec, 0),
          fmt(s.p99, 2),
          fmt(s.cpuUsPerOp, 0),
          fmt(s.opsPerSec > 0 ? h.opsPerSec / s.opsPerSec : NaN, 2),
          String(h.errors + s.errors),
        ]);
        if (h.firstError) errorsSeen.push(`HSM ${op} c=${c}: ${h.errors} errors, e.g. ${h.firstError}`);
        if (s.firstError) errorsSeen.push(`software ${op} c=${c}: ${s.errors} errors, e.g. ${s.firstError}`);
      }
      process.stderr.write(`  done HSM c=${c}\n`);
    }
    console.log('HSM: a key in a custom key store on two SoftHSM2 tokens against a software key, same server');
    console.log(
      table(
        [
          'operation',
          'conc',
          'HSM ops/s',
          'HSM p50 ms',
          'HSM p99 ms',
          'HSM CPU µs/op',
          'software ops/s',
          'software p99 ms',
          'software CPU µs/op',
          'HSM / software',
          'errors',
        ],
        rows,
      ),
    );
    for (const e of errorsSeen) console.log(`  ! ${e}`);
  } finally {
    await trent.child.stop();
  }
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const logDir = tempDir('trent-bench-logs-');
  console.log(
    `Trent benchmark ${new Date().toISOString()}: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ` +
      `${ROUNDS} interleaved rounds of ${WARMUP_MS} ms warm-up + ${Math.round(DURATION_MS / ROUNDS)} ms per cell and server`,
  );
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  try {
    if (OPS.length && CONCURRENCY.length) await throughput(logDir);
    if (PRIMITIVES) await primitives(logDir);
    if (AUTHZ) await authorization(logDir);
    if (TRAIL) await trail(logDir);
    if (SSM) await parameterStore(logDir);
    if (HSM) await hsm(logDir);
    if (KEYS > 0) await memory(logDir);
  } finally {
    console.log(
      `load average at end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    cleanupAll();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  cleanupAll();
  process.exitCode = 1;
});
