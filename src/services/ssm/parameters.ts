/**
 * What Parameter Store's operations share: the parameter's ARN, reading a parameter once per
 * request (authorization needs its tags before the operation runs), selectors (`name:version`,
 * `name:label`), the errors AWS answers for a missing parameter or version, and the write loop
 * (compare-and-set on the record's revision, retried when another write came first).
 */
import { KmsError, partitionOf } from '../../domain/index.js';
import type { ParameterRecord, ParameterVersionRecord } from '../../storage/parameter-types.js';
import type { Caller, Services } from '../../pipeline/types.js';

/** At most 100 versions are kept (Systems Manager User Guide, "Working with parameter versions"). */
export const MAX_VERSIONS = 100;
/** Tags per resource (AddTagsToResource: "Each resource can have a maximum of 50 tags"). */
export const MAX_TAGS = 50;

export const tooManyTags = (): KmsError =>
  new KmsError(
    'TooManyTagsError',
    'The Tags parameter contains too many tags. A resource can have a maximum of 50 tags.',
  );

/** `arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>` */
export function parameterArn(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:ssm:${region}:${accountId}:parameter/${name.startsWith('/') ? name.slice(1) : name}`;
}

export const arnOf = (caller: Caller, name: string): string =>
  parameterArn(caller.region, caller.principal.accountId, name);

/** Reads of this request, by name: authorization and the operation see the same record. */
const READS = new WeakMap<Caller, Map<string, Promise<ParameterRecord | undefined>>>();

/** The parameter `name` of the caller's account and region, read once per request. */
export function readParameter(services: Services, caller: Caller, name: string): Promise<ParameterRecord | undefined> {
  let reads = READS.get(caller);
  if (!reads) READS.set(caller, (reads = new Map()));
  let read = reads.get(name);
  if (!read) {
    read = services.storage.getParameter(caller.principal.accountId, caller.region, name);
    reads.set(name, read);
  }
  return read;
}

/** Forgets what this request read of `name` (after a write, or a conflict). */
export function forgetRead(caller: Caller, name: string): void {
  READS.get(caller)?.delete(name);
}

/** GetParameter and DeleteParameter answer a missing parameter with an empty message, as AWS does. */
export const parameterNotFound = (message = ''): KmsError => new KmsError('ParameterNotFound', message);

export const versionNotFound = (name: string, version: string | number): KmsError =>
  new KmsError(
    'ParameterVersionNotFound',
    `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`,
  );

/** `name`, `name:version` or `name:label` (names never hold a colon). */
export interface Selector {
  name: string;
  /** `:3` or `:prod` as given, for the answer's Selector member. */
  selector?: string | undefined;
  version?: number | undefined;
  label?: string | undefined;
}

/**
 * A name, or the parameter's ARN (GetParameter: "The name or Amazon Resource Name (ARN) of the
 * parameter"), with an optional `:version` or `:label`. An ARN names a hierarchy's parameter with
 * its leading slash (`parameter/a/b` is `/a/b`) and a one-level name without (`parameter/a` is
 * `a`). An ARN of another account or region names no parameter here (parameters shared through
 * AWS RAM are not built): it stays as given, and is not found.
 */
export function parseSelector(text: string, caller?: Caller): Selector {
  let rest = text;
  if (text.startsWith('arn:') && caller) {
    const m = /^arn:[^:]+:ssm:([^:]*):([^:]*):parameter\/(.+)$/.exec(text);
    if (m && m[1] === caller.region && m[2] === caller.principal.accountId) {
      const resource = m[3]!;
      const at = resource.indexOf(':');
      const path = at < 0 ? resource : resource.slice(0, at);
      rest = (path.includes('/') ? `/${path}` : path) + (at < 0 ? '' : resource.slice(at));
    } else {
      return { name: text };
    }
  }
  const at = rest.indexOf(':');
  if (at < 0) return { name: rest };
  const name = rest.slice(0, at);
  const tail = rest.slice(at + 1);
  if (/^[0-9]+$/.test(tail)) return { name, selector: `:${tail}`, version: Number(tail) };
  return { name, selector: `:${tail}`, label: tail };
}

/**
 * The version a selector names: the newest without one. A version that does not exist is
 * ParameterVersionNotFound; a label no version carries, ParameterVersionNotFound too, naming the
 * label as the version.
 */
export function selectVersion(record: ParameterRecord, sel: Selector): ParameterVersionRecord {
  if (sel.version !== undefined) {
    const v = record.versions.find((x) => x.version === sel.version);
    if (!v) throw versionNotFound(record.name, sel.version);
    return v;
  }
  if (sel.label !== undefined) {
    const v = record.versions.find((x) => x.labels.includes(sel.label!));
    if (!v) throw versionNotFound(record.name, sel.label);
    return v;
  }
  return latest(record);
}

export const latest = (record: ParameterRecord): ParameterVersionRecord => record.versions[record.versions.length - 1]!;

/**
 * Writes of one parameter by this process, queued: each waits for the one before (a Promise
 * chain per parameter, by storage), so concurrent requests do not race each other into
 * conflicts; compare-and-set still guards against other processes on the same database.
 */
const WRITES = new WeakMap<object, Map<string, Promise<unknown>>>();

async function queued<T>(services: Services, key: string, work: () => Promise<T>): Promise<T> {
  let writes = WRITES.get(services.storage);
  if (!writes) WRITES.set(services.storage, (writes = new Map()));
  const before = writes.get(key) ?? Promise.resolve();
  const mine = before.then(work, work);
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  writes.set(key, settled);
  try {
    return await mine;
  } finally {
    if (writes.get(key) === settled) writes.delete(key);
  }
}

/**
 * Writes a change of the parameter with compare-and-set: `change` gets the current record (read
 * anew after a conflict) and returns the record to store, or throws. Retries a few times when
 * another process's write came first, then answers TooManyUpdates as AWS does under concurrent
 * updates.
 */
export async function updateParameter<T>(
  services: Services,
  caller: Caller,
  name: string,
  change: (current: ParameterRecord | undefined) => Promise<{ record: ParameterRecord; result: T }>,
): Promise<T> {
  return queued(services, `${caller.principal.accountId}\n${caller.region}\n${name}`, async () => {
    // What authorization read may be older than the write before this one.
    forgetRead(caller, name);
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await readParameter(services, caller, name);
      const { record, result } = await change(current);
      const outcome = await services.storage.putParameter(record, current?.revision);
      forgetRead(caller, name);
      if (outcome === 'ok') return result;
    }
    throw new KmsError(
      'TooManyUpdates',
      'There are concurrent updates for the resource that you are trying to update. Please try again.',
    );
  });
}

/** CloudTrail's and the answer's user: the caller's ARN. */
export const modifiedBy = (caller: Caller): string => caller.principal.arn;
