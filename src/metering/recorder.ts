/**
 * Counts every request (DESIGN "Audit and metering"). A request only increments a counter in
 * memory; `flush` writes what was counted in one transaction (the server calls it every few
 * seconds and at shutdown), resolving each key's spec for its price class off the hot path.
 */
import type { KeyRecord } from '../domain/types.js';
import type { Storage, UsageRow } from '../storage/types.js';
import { OPERATION_PRICING, priceClassOf } from './classes.js';
import { parameterNamesOf } from './parameters.js';

interface Pending {
  period: string;
  accountId: string;
  region: string;
  keyArn: string;
  service: string;
  operation: string;
  keyPairSpec: string | undefined;
  /** Parameter Store: the parameters the request named, whose tier prices it at the flush. */
  parameters: readonly string[];
  requests: number;
}

/** YYYY-MM of a time, UTC. */
export function periodOf(time: Date): string {
  const month = time.getUTCMonth() + 1;
  return `${time.getUTCFullYear()}-${month < 10 ? '0' : ''}${month}`;
}

/** arn:aws:kms:<region>:<account>:key/<id> -> its parts, or undefined. */
function keyArnParts(arn: string): { region: string; accountId: string; keyId: string } | undefined {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[2] !== 'kms' || !parts[5]!.startsWith('key/')) return undefined;
  return { region: parts[3]!, accountId: parts[4]!, keyId: parts[5]!.slice(4) };
}

export interface MeteredRequest {
  accountId: string;
  region: string;
  /** The SigV4 service name. */
  service: string;
  operation: string;
  /** ARNs of the keys the request used; the first is the one it is billed to. */
  keyArns: readonly string[];
  time: Date;
  input: unknown;
}

export class MeteringRecorder {
  private pending = new Map<string, Pending>();
  /** Key specs never change, so one lookup per key and process. */
  private readonly specs = new Map<string, string | undefined>();

  /** The month of the last request and its bounds, so most requests build no period string. */
  private month = { period: '', start: 0, end: 0 };

  note(req: MeteredRequest): void {
    const ms = req.time.getTime();
    if (ms < this.month.start || ms >= this.month.end) {
      const start = Date.UTC(req.time.getUTCFullYear(), req.time.getUTCMonth(), 1);
      this.month = {
        period: periodOf(req.time),
        start,
        end: Date.UTC(req.time.getUTCFullYear(), req.time.getUTCMonth() + 1, 1),
      };
    }
    const period = this.month.period;
    const keyArn = req.keyArns[0] ?? '';
    const keyPairSpec =
      req.service === 'kms' && OPERATION_PRICING[req.operation] === 'key-pair-spec'
        ? keyPairSpecOf(req.input)
        : undefined;
    const parameters = req.service === 'ssm' ? parameterNamesOf(req.operation, req.input) : [];
    const id = `${period}\n${req.accountId}\n${req.region}\n${keyArn}\n${req.service}\n${req.operation}\n${keyPairSpec ?? ''}\n${parameters.join('\n')}`;
    const counted = this.pending.get(id);
    if (counted) counted.requests++;
    else
      this.pending.set(id, {
        period,
        accountId: req.accountId,
        region: req.region,
        keyArn,
        service: req.service,
        operation: req.operation,
        keyPairSpec,
        parameters,
        requests: 1,
      });
  }

  /** Requests noted and not yet flushed (for tests and metrics). */
  get pendingRequests(): number {
    let n = 0;
    for (const p of this.pending.values()) n += p.requests;
    return n;
  }

  /** Writes what was counted in one transaction; on failure keeps it for the next flush. */
  async flush(storage: Storage): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      const rows = new Map<string, UsageRow>();
      // Tiers change (standard to advanced), so they are read once per flush, not kept.
      const tiers = new Map<string, Promise<string | undefined>>();
      const tierOf = (accountId: string, region: string, name: string): Promise<string | undefined> => {
        const id = `${accountId}\n${region}\n${name}`;
        let tier = tiers.get(id);
        if (!tier) {
          tier = storage.getParameter(accountId, region, name).then((r) => r?.versions.at(-1)?.tier);
          tiers.set(id, tier);
        }
        return tier;
      };
      for (const p of batch.values()) {
        const keySpec =
          p.service === 'kms' && OPERATION_PRICING[p.operation] === 'key-spec' && p.keyArn
            ? await this.specOf(storage, p.keyArn)
            : undefined;
        let parameterTier: 'Advanced' | undefined;
        for (const name of p.parameters) {
          if ((await tierOf(p.accountId, p.region, name)) === 'Advanced') parameterTier = 'Advanced';
        }
        const priceClass = priceClassOf({
          service: p.service,
          operation: p.operation,
          keySpec,
          keyPairSpec: p.keyPairSpec,
          parameterTier,
        });
        const operation = p.service === 'kms' ? p.operation : `${p.service}:${p.operation}`;
        const id = `${p.period}\n${p.accountId}\n${p.region}\n${p.keyArn}\n${operation}\n${priceClass}`;
        const row = rows.get(id);
        if (row) row.requests += p.requests;
        else
          rows.set(id, {
            period: p.period,
            accountId: p.accountId,
            region: p.region,
            keyArn: p.keyArn,
            operation,
            priceClass,
            requests: p.requests,
          });
      }
      await storage.addUsage([...rows.values()]);
    } catch (err) {
      for (const [id, p] of batch) {
        const later = this.pending.get(id);
        if (later) later.requests += p.requests;
        else this.pending.set(id, p);
      }
      throw err;
    }
  }

  private async specOf(storage: Storage, keyArn: string): Promise<string | undefined> {
    if (this.specs.has(keyArn)) return this.specs.get(keyArn);
    const parts = keyArnParts(keyArn);
    const key: KeyRecord | undefined = parts
      ? await storage.getKey(parts.region, parts.accountId, parts.keyId)
      : undefined;
    // A key deleted before the flush is priced as a symmetric request (its spec is gone).
    if (key) this.specs.set(keyArn, key.keySpec);
    return key?.keySpec;
  }
}

function keyPairSpecOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const spec = (input as { KeyPairSpec?: unknown }).KeyPairSpec;
  return typeof spec === 'string' ? spec : undefined;
}
