/**
 * Parameter Store's part of the bill (https://aws.amazon.com/systems-manager/pricing/, "Parameter
 * Store"): standard parameters and their API interactions are free; an advanced parameter costs
 * $0.05 a month, prorated hourly, and each API interaction with one $0.05 per 10,000 (standard
 * throughput; Trent offers no higher throughput setting). A request is priced by the parameters
 * it names (GetParameters: advanced if any is); DescribeParameters and GetParametersByPath name
 * none and are free.
 */
import type { ParameterRecord } from '../storage/parameter-types.js';

const HOUR_MS = 3_600_000;

/** The names a Parameter Store request acts on (selectors `name:version` stripped). */
export function parameterNamesOf(operation: string, input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  const i = input as { Name?: unknown; Names?: unknown; ResourceId?: unknown; ResourceType?: unknown };
  // A name, a selector (`name:version`, `name:label`) or an ARN (`arn:...:parameter/a/b`, `...:3`).
  const bare = (n: string): string => {
    const at = n.startsWith('arn:') ? n.indexOf(':parameter/') : -1;
    const name = at < 0 ? n : n.slice(at + ':parameter/'.length);
    const plain = name.includes(':') ? name.slice(0, name.indexOf(':')) : name;
    return at >= 0 && plain.includes('/') ? `/${plain}` : plain;
  };
  if (operation === 'DescribeParameters' || operation === 'GetParametersByPath') return [];
  if (Array.isArray(i.Names)) return i.Names.filter((n): n is string => typeof n === 'string').map(bare);
  if (typeof i.Name === 'string') return [bare(i.Name)];
  if (i.ResourceType === 'Parameter' && typeof i.ResourceId === 'string') return [i.ResourceId];
  return [];
}

/**
 * Hours parameter `record` was advanced in `period` (YYYY-MM bounds given), up to `now`: from the
 * first advanced version (a parameter never goes back to standard) to the end of the month. Each
 * started hour counts.
 */
export function advancedParameterHours(record: ParameterRecord, start: number, end: number, now: Date): number {
  const first = record.versions.find((v) => v.tier === 'Advanced');
  if (!first) return 0;
  const from = Math.max(first.lastModifiedDate.getTime(), start);
  const until = Math.min(now.getTime(), end);
  return until > from ? Math.ceil((until - from) / HOUR_MS) : 0;
}
