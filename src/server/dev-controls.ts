/**
 * The `--dev` test controls (docs/testing.md): the virtual clock (/_trent/clock), fault rules
 * (/_trent/faults) and reset (/_trent/reset, and moto's /moto-api/reset). The front routes here
 * only on a dev server; a strict server has no such object, and these paths answer as any other.
 */
import type { Clock } from '../domain/index.js';
import { KmsError } from '../domain/index.js';
import { errorResponse } from '../protocol/index.js';
import { parseFaultRules, type FaultRules } from './faults.js';
import type { ScheduledWorkResult } from './scheduler.js';

export interface DevRequest {
  method: string;
  path: string;
  body: Buffer;
}

export interface DevResponse {
  status: number;
  body: Buffer;
  /** The AWS error name of a failure, for the request metrics. */
  errorCode?: string;
}

/** A clock the controls may move: domain's ManualClock. */
export interface SettableClock extends Clock {
  set(d: Date): void;
  advance(ms: number): void;
}

export interface DevControlsOptions {
  /** Trent's clock; settable only with `--clock virtual`. */
  clock: Clock;
  virtualClock?: SettableClock | undefined;
  faults: FaultRules;
  /** Wipes keys, aliases and usage, then re-applies the seed file if there is one (core.ts). */
  reset(): Promise<void>;
  runScheduledWork(): Promise<ScheduledWorkResult>;
}

export interface DevControls {
  /** Whether the path is one of the controls' (anything under /_trent/, and /moto-api/reset). */
  owns(path: string): boolean;
  handle(req: DevRequest): Promise<DevResponse>;
}

export const MOTO_RESET_PATH = '/moto-api/reset';
const PREFIX = '/_trent/';

const json = (status: number, value: unknown): DevResponse => ({ status, body: Buffer.from(JSON.stringify(value)) });

/** An AWS-shaped error (`{"__type", "message"}`); `status` overrides the table's when given. */
function failure(err: unknown, status?: number): DevResponse {
  const res = errorResponse(err, '');
  return { status: status ?? res.status, body: res.body, errorCode: res.code };
}

const invalid = (message: string) => new KmsError('ValidationException', message);

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new KmsError('SerializationException', 'The request body is not valid JSON');
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createDevControls(opts: DevControlsOptions): DevControls {
  const { clock, virtualClock, faults } = opts;
  // Clock moves and resets one at a time, each with the scheduled work it makes due.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
  const clockState = () => ({ now: clock.now().toISOString(), mode: virtualClock ? 'virtual' : 'real' });

  const moveClock = async (body: unknown): Promise<DevResponse> => {
    if (!virtualClock) throw invalid('The clock is real: start Trent with --dev --clock virtual to move it');
    if (!isObject(body)) throw invalid("Give {'advanceSeconds': n} or {'set': 'ISO time'}");
    for (const name of Object.keys(body)) {
      if (name !== 'advanceSeconds' && name !== 'set') throw invalid(`Unknown member '${name}'`);
    }
    const { advanceSeconds, set } = body;
    if ((advanceSeconds === undefined) === (set === undefined)) {
      throw invalid("Give exactly one of 'advanceSeconds' and 'set'");
    }
    let target: Date;
    if (advanceSeconds !== undefined) {
      if (typeof advanceSeconds !== 'number' || !Number.isFinite(advanceSeconds) || advanceSeconds < 0) {
        throw invalid("'advanceSeconds' must be a number of seconds, 0 or more");
      }
      target = new Date(virtualClock.now().getTime() + Math.round(advanceSeconds * 1000));
    } else {
      target = typeof set === 'string' ? new Date(set) : new Date(NaN);
      if (Number.isNaN(target.getTime())) throw invalid("'set' must be an ISO 8601 time, such as 2027-01-01T00:00:00Z");
    }
    // Time only moves forward: keys, materials and audit events already carry later dates, and
    // the scheduler has already done what fell due before now.
    if (target.getTime() < virtualClock.now().getTime()) {
      throw invalid(
        `'set' is earlier than Trent's time (${virtualClock.now().toISOString()}); the clock only moves forward`,
      );
    }
    return serially(async () => {
      if (target.getTime() > virtualClock.now().getTime()) virtualClock.set(target);
      const done = await opts.runScheduledWork();
      return json(200, { ...clockState(), rotated: done.rotated, deleted: done.deleted });
    });
  };

  const reset = () =>
    serially(async () => {
      await opts.reset();
      // moto's answer (moto_api/_internal/responses.py, reset_response).
      return json(200, { status: 'ok' });
    });

  const routes: Record<string, Partial<Record<string, (body: Buffer) => Promise<DevResponse>>>> = {
    '/_trent/clock': {
      GET: () => Promise.resolve(json(200, clockState())),
      POST: (body) => moveClock(parseBody(body)),
    },
    '/_trent/faults': {
      GET: () => Promise.resolve(json(200, { Rules: faults.list() })),
      POST: (body) => {
        faults.replace(parseFaultRules(parseBody(body)));
        return Promise.resolve(json(200, { Rules: faults.list() }));
      },
      DELETE: () => {
        faults.clear();
        return Promise.resolve(json(200, { Rules: [] }));
      },
    },
    '/_trent/reset': { POST: reset },
    [MOTO_RESET_PATH]: { POST: reset },
  };

  return {
    owns: (path) => path.startsWith(PREFIX) || path === MOTO_RESET_PATH,
    async handle(req) {
      const methods = routes[req.path];
      if (!methods) {
        return failure(new KmsError('NotFoundException', `No test control at ${req.path} (docs/testing.md)`), 404);
      }
      const run = methods[req.method];
      if (!run) {
        if (req.path === MOTO_RESET_PATH) return json(400, { Error: 'Need to POST to reset Moto' });
        const allowed = Object.keys(methods).join(', ');
        return failure(invalid(`${req.path} accepts ${allowed}, not ${req.method}`), 405);
      }
      try {
        return await run(req.body);
      } catch (err) {
        return failure(err);
      }
    },
  };
}
