/**
 * The key-generation pool: a bounded set of worker threads (keygen-worker.ts) with a bounded FIFO
 * queue in front, for the generations too slow for libuv's thread pool. RSA-4096 takes seconds;
 * on libuv's four threads a burst of them would hold up every audit fsync and every RSA signature
 * behind it. Here it waits its turn among key generations only. The composition root creates one
 * pool and closes it at shutdown (STYLE rule 7: no module-level pool).
 */
import { availableParallelism } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { KeyPairParams, KeygenReply, KeygenRequest } from './keygen-job.js';

/** Generates asymmetric key pairs away from the event loop and libuv's thread pool. */
export interface KeyPairGenerator {
  /** A new key pair of `params`; its private key as PKCS#8 DER. */
  generateKeyPair(params: KeyPairParams): Promise<Buffer>;
}

/** The queue is full: the caller should answer as a throttled request. */
export class KeyGenerationBusyError extends Error {
  constructor() {
    super('key generation queue is full');
    this.name = 'KeyGenerationBusyError';
  }
}

/** The pool was closed before the generation ran or finished. */
export class KeyGenerationClosedError extends Error {
  constructor() {
    super('key generation pool is closed');
    this.name = 'KeyGenerationClosedError';
  }
}

/** Half the cores (at least one), so key generation never takes every core from the event loop. */
export const defaultKeygenThreads = (): number => Math.max(1, Math.floor(availableParallelism() / 2));

/** Generations waiting beyond the running ones: a burst of 16 RSA-4096 CreateKey calls fits. */
export const DEFAULT_KEYGEN_QUEUE = 32;

/** How to start a worker thread: `new Worker(filename, options)`. */
export interface WorkerEntry {
  filename: string | URL;
  options?: WorkerOptions;
}

export interface KeyGenerationPoolOptions {
  /** Worker threads, each generating one key pair at a time. */
  threads: number;
  /** Generations that may wait for a thread; one more is refused with KeyGenerationBusyError. */
  maxQueued: number;
  /** Default: keygen-worker beside this module. */
  worker?: WorkerEntry;
}

interface Job {
  id: number;
  params: KeyPairParams;
  resolve(privateKey: Buffer): void;
  reject(err: unknown): void;
}

export class KeyGenerationPool implements KeyPairGenerator {
  private readonly threads: number;
  private readonly maxQueued: number;
  private readonly entry: WorkerEntry;
  private readonly queue: Job[] = [];
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private nextId = 0;
  private closed = false;

  constructor(opts: KeyGenerationPoolOptions) {
    if (!Number.isSafeInteger(opts.threads) || opts.threads < 1) {
      throw new Error(`key generation threads must be a positive integer, got ${String(opts.threads)}`);
    }
    if (!Number.isSafeInteger(opts.maxQueued) || opts.maxQueued < 0) {
      throw new Error(`key generation queue must be a non-negative integer, got ${String(opts.maxQueued)}`);
    }
    this.threads = opts.threads;
    this.maxQueued = opts.maxQueued;
    this.entry = opts.worker ?? defaultWorkerEntry();
  }

  /** Generations running now (at most `threads`). */
  get running(): number {
    return this.busy.size;
  }

  /** Generations waiting for a thread (at most `maxQueued`). */
  get queued(): number {
    return this.queue.length;
  }

  generateKeyPair(params: KeyPairParams): Promise<Buffer> {
    if (this.closed) return Promise.reject(new KeyGenerationClosedError());
    if (this.busy.size >= this.threads && this.queue.length >= this.maxQueued) {
      return Promise.reject(new KeyGenerationBusyError());
    }
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, params, resolve, reject });
      this.dispatch();
    });
  }

  /** Refuses new work, rejects queued and running generations, and stops every thread. */
  async close(): Promise<void> {
    this.closed = true;
    const err = new KeyGenerationClosedError();
    for (const job of this.queue.splice(0)) job.reject(err);
    for (const job of this.busy.values()) job.reject(err);
    this.busy.clear();
    this.idle.length = 0;
    const workers = [...this.workers];
    this.workers.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0 && this.busy.size < this.threads) {
      const job = this.queue.shift()!;
      let worker: Worker;
      try {
        worker = this.idle.pop() ?? this.spawn();
      } catch (err) {
        job.reject(err);
        continue;
      }
      this.busy.set(worker, job);
      worker.ref();
      worker.postMessage({ id: job.id, params: job.params } satisfies KeygenRequest);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(this.entry.filename, this.entry.options);
    this.workers.add(worker);
    worker.on('message', (reply: KeygenReply) => this.answered(worker, reply));
    worker.on('error', (err) => this.retire(worker, err));
    worker.on('messageerror', (err) => this.retire(worker, err));
    worker.on('exit', (code) => this.retire(worker, new Error(`key generation worker exited with code ${code}`)));
    return worker;
  }

  private answered(worker: Worker, reply: KeygenReply): void {
    const job = this.busy.get(worker);
    if (!job || job.id !== reply.id) return;
    this.busy.delete(worker);
    // An idle thread must not keep the process alive; a busy one does, like any pending I/O.
    worker.unref();
    this.idle.push(worker);
    if ('error' in reply) job.reject(reply.error);
    else job.resolve(Buffer.from(reply.privateKey.buffer, reply.privateKey.byteOffset, reply.privateKey.byteLength));
    this.dispatch();
  }

  /** A thread that failed or exited: its generation fails, and the next one gets a new thread. */
  private retire(worker: Worker, err: unknown): void {
    if (!this.workers.delete(worker)) return;
    void worker.terminate();
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    const i = this.idle.indexOf(worker);
    if (i >= 0) this.idle.splice(i, 1);
    job?.reject(err);
    this.dispatch();
  }
}

/**
 * keygen-worker beside this module. Built (dist/), that is a .js file Node runs as is. From the
 * TypeScript sources (vitest, tsx), Node 20 applies no module hooks such as `--import tsx` to a
 * worker's entry point in an ESM package, so a fixed one-line bootstrap loads the .ts entry point
 * through tsx's API (a development dependency, present wherever the sources run).
 */
function defaultWorkerEntry(): WorkerEntry {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { filename: new URL('./keygen-worker.js', here) };
  const entry = JSON.stringify(new URL('./keygen-worker.ts', here).href);
  return {
    filename: `import('tsx/esm/api').then(({ tsImport }) => tsImport(${entry}, ${entry}))`,
    options: { eval: true },
  };
}
