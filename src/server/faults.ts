/**
 * Fault injection for `--dev` (docs/testing.md): a table of rules saying which KMS requests fail
 * with which AWS error, or answer late. The handler asks `decide` once per authenticated, routed
 * and validated request; with no rules that is one check of an empty list.
 */
import { KmsError } from '../domain/index.js';
import { isKnownErrorName, isOperationName, type OperationName } from '../model/index.js';

/** Longest latency a rule may add (the front's request timeout is 30 s by default). */
export const MAX_FAULT_LATENCY_MS = 300_000;

export interface FaultRule {
  operation: OperationName;
  /** Matched against the request's KeyId member (see `keyMatches`). */
  keyId?: string;
  /** The AWS error name answered; absent for a rule that only adds latency. */
  error?: string;
  /** Matching requests the rule still applies to; absent when the rule has a probability. */
  remaining?: number;
  count?: number;
  /** Chance in [0, 1] that the rule applies to a matching request; absent when counted. */
  probability?: number;
  latencyMs: number;
}

/** What the handler does to one request: wait, then (if `error`) fail with it. */
export interface FaultDecision {
  latencyMs: number;
  error?: KmsError;
}

const KEY_ARN = /^arn:[^:]+:kms:[^:]*:[^:]*:key\/(.+)$/;
/** A key ARN names its key id: `arn:aws:kms:us-east-1:111122223333:key/ID` matches `ID` too. */
const keyIdOf = (s: string): string => KEY_ARN.exec(s)?.[1] ?? s;

/**
 * The rule's KeyId matches the request's KeyId member when they are the same string, or both name
 * the same key id (one as a key id, the other as a key ARN). Aliases match only as written: an
 * alias rule does not catch a request naming the key by its id.
 */
export function keyMatches(ruleKeyId: string, requestKeyId: unknown): boolean {
  if (typeof requestKeyId !== 'string') return false;
  return ruleKeyId === requestKeyId || keyIdOf(ruleKeyId) === keyIdOf(requestKeyId);
}

const invalid = (message: string) => new KmsError('ValidationException', message);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const RULE_MEMBERS = new Set(['Operation', 'KeyId', 'Error', 'Count', 'Probability', 'LatencyMs']);

/** Reads `{"Rules": [...]}`; throws ValidationException naming the member at fault. */
export function parseFaultRules(body: unknown): FaultRule[] {
  if (!isObject(body) || !Array.isArray(body.Rules)) throw invalid("'Rules' must be a list of fault rules");
  for (const name of Object.keys(body)) if (name !== 'Rules') throw invalid(`Unknown member '${name}'`);
  return body.Rules.map((raw: unknown, i): FaultRule => {
    const at = `Rules[${i}]`;
    if (!isObject(raw)) throw invalid(`'${at}' must be an object`);
    for (const name of Object.keys(raw)) if (!RULE_MEMBERS.has(name)) throw invalid(`Unknown member '${at}.${name}'`);
    const { Operation, KeyId, Error: error, Count, Probability, LatencyMs } = raw;
    if (typeof Operation !== 'string' || !isOperationName(Operation)) {
      throw invalid(`'${at}.Operation' must be the name of a KMS operation, such as Encrypt`);
    }
    if (KeyId !== undefined && (typeof KeyId !== 'string' || KeyId === '')) {
      throw invalid(`'${at}.KeyId' must be a non-empty string (a key id, key ARN or alias name)`);
    }
    if (error !== undefined && (typeof error !== 'string' || !isKnownErrorName(error))) {
      throw invalid(`'${at}.Error' must be an error name of the KMS API, such as ThrottlingException`);
    }
    if (Count !== undefined && (!Number.isSafeInteger(Count) || (Count as number) < 1)) {
      throw invalid(`'${at}.Count' must be a positive integer`);
    }
    if (Probability !== undefined && (typeof Probability !== 'number' || !(Probability >= 0 && Probability <= 1))) {
      throw invalid(`'${at}.Probability' must be a number from 0 to 1`);
    }
    if (Count !== undefined && Probability !== undefined) {
      throw invalid(`'${at}' may have 'Count' or 'Probability', not both`);
    }
    if (
      LatencyMs !== undefined &&
      (!Number.isSafeInteger(LatencyMs) || (LatencyMs as number) < 0 || (LatencyMs as number) > MAX_FAULT_LATENCY_MS)
    ) {
      throw invalid(`'${at}.LatencyMs' must be an integer from 0 to ${MAX_FAULT_LATENCY_MS}`);
    }
    if (error === undefined && LatencyMs === undefined) {
      throw invalid(`'${at}' needs 'Error', 'LatencyMs' or both`);
    }
    return {
      operation: Operation,
      ...(KeyId !== undefined ? { keyId: KeyId } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(Count !== undefined ? { count: Count as number, remaining: Count as number } : {}),
      ...(Probability !== undefined ? { probability: Probability } : {}),
      latencyMs: (LatencyMs as number | undefined) ?? 0,
    };
  });
}

/** The rules in force. Rules are tried in order; the first that applies decides. */
export class FaultRules {
  private rules: FaultRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  replace(rules: FaultRule[]): void {
    this.rules = rules;
  }

  clear(): void {
    this.rules = [];
  }

  /** The rules as the API shows them, with what is left of each count. */
  list(): Record<string, unknown>[] {
    return this.rules.map((r) => ({
      Operation: r.operation,
      ...(r.keyId !== undefined ? { KeyId: r.keyId } : {}),
      ...(r.error !== undefined ? { Error: r.error } : {}),
      ...(r.count !== undefined ? { Count: r.count, Remaining: r.remaining } : {}),
      ...(r.probability !== undefined ? { Probability: r.probability } : {}),
      ...(r.latencyMs ? { LatencyMs: r.latencyMs } : {}),
    }));
  }

  /** Rules name KMS operations; requests to other services are never faulted. */
  decide(service: string, operation: string, input: unknown): FaultDecision | undefined {
    if (this.rules.length === 0 || service !== 'kms') return undefined;
    const keyId = isObject(input) ? input.KeyId : undefined;
    for (const [i, rule] of this.rules.entries()) {
      if (rule.operation !== operation) continue;
      if (rule.keyId !== undefined && !keyMatches(rule.keyId, keyId)) continue;
      if (rule.remaining !== undefined) {
        if (rule.remaining === 0) continue;
        rule.remaining--;
      } else if (rule.probability !== undefined && !(this.random() < rule.probability)) continue;
      return {
        latencyMs: rule.latencyMs,
        ...(rule.error !== undefined
          ? { error: new KmsError(rule.error, `Injected by Trent's fault rules (rule ${i + 1})`) }
          : {}),
      };
    }
    return undefined;
  }
}
