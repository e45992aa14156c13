/**
 * Parameter policies at work (Systems Manager User Guide, "Assigning parameter policies"):
 * Parameter Store "enforces parameter policies by using asynchronous, periodic scans", which is
 * the scheduler's job here (DESIGN: reads never write). At each run, for the newest version of
 * each advanced parameter with policies:
 *
 * - Expiration whose Timestamp has come: the parameter is deleted, with every version and tag.
 * - ExpirationNotification whose `Before` period before the Timestamp has begun: one notification.
 * - NoChangeNotification whose `After` period since the last change has passed: one notification
 *   per version (a new version starts the period again).
 *
 * A notification is sent once: its status (Finished) is written back with the policies, compare-
 * and-set on the record's revision, so two processes sharing a database never both send it. The
 * events (AWS sends them to EventBridge as "Parameter Store Policy Action") are recorded in the
 * audit trail as service events (`ParameterPolicyAction`); they carry names and ARNs, never values.
 */
import type { Services } from '../../pipeline/types.js';
import type { ParameterRecord } from '../../storage/parameter-types.js';
import { parsePolicies, statusFor, withPolicyStatus, type ParameterPolicy, type PolicyType } from './policies.js';

export interface ParameterPolicyEvent {
  policyType: PolicyType;
  accountId: string;
  region: string;
  parameterName: string;
  parameterArn: string;
  /** The type of the parameter's newest version: String, StringList, SecureString. */
  parameterType: string;
  /** Expiration: 'Deleted'; notifications: 'Finished'. */
  actionStatus: 'Deleted' | 'Finished';
  time: Date;
  /** Expiration and ExpirationNotification: when the parameter expires. */
  expirationTime?: Date | undefined;
}

export interface ExpiryResult {
  /** ARNs of the parameters deleted by their Expiration policy. */
  deleted: string[];
  events: ParameterPolicyEvent[];
}

const eventOf = (
  record: ParameterRecord,
  policyType: PolicyType,
  actionStatus: ParameterPolicyEvent['actionStatus'],
  time: Date,
  expirationTime?: Date,
): ParameterPolicyEvent => ({
  policyType,
  accountId: record.accountId,
  region: record.region,
  parameterName: record.name,
  parameterArn: record.arn,
  parameterType: record.versions.at(-1)?.type ?? 'String',
  actionStatus,
  time,
  ...(expirationTime ? { expirationTime } : {}),
});

function policiesOf(record: ParameterRecord): ParameterPolicy[] {
  const newest = record.versions.at(-1);
  if (!newest?.policies || newest.tier !== 'Advanced') return [];
  try {
    return parsePolicies(newest.policies);
  } catch {
    return []; // stored before the rules were checked; nothing to enforce
  }
}

/** The notifications of `record` due at `now`. */
function dueNotifications(record: ParameterRecord, policies: readonly ParameterPolicy[], now: Date): ParameterPolicy[] {
  const newest = record.versions.at(-1)!;
  const expiration = policies.find((p) => p.type === 'Expiration')?.timestamp;
  return policies.filter((p) => {
    if (statusFor(p, newest.version) !== 'Pending' || p.periodMs === undefined) return false;
    if (p.type === 'ExpirationNotification') {
      return expiration !== undefined && expiration.getTime() - p.periodMs <= now.getTime();
    }
    return newest.lastModifiedDate.getTime() + p.periodMs <= now.getTime();
  });
}

async function enforce(services: Services, record: ParameterRecord, now: Date, result: ExpiryResult): Promise<void> {
  const policies = policiesOf(record);
  if (policies.length === 0) return;
  const expiration = policies.find((p) => p.type === 'Expiration')?.timestamp;
  const due = dueNotifications(record, policies, now);
  if (due.length > 0) {
    const newest = record.versions.at(-1)!;
    let text = newest.policies!;
    for (const p of due) {
      text = withPolicyStatus(text, p.type, 'Finished', p.type === 'NoChangeNotification' ? newest.version : undefined);
    }
    const updated: ParameterRecord = {
      ...record,
      versions: [...record.versions.slice(0, -1), { ...newest, policies: text }],
    };
    // Another writer came first: the next run sees its record and decides again.
    if ((await services.storage.putParameter(updated, record.revision)) !== 'ok') return;
    for (const p of due) result.events.push(eventOf(record, p.type, 'Finished', now, expiration));
  }
  if (expiration && expiration <= now) {
    if ((await services.storage.deleteParameter(record.accountId, record.region, record.name)) === 'ok') {
      result.deleted.push(record.arn);
      result.events.push(eventOf(record, 'Expiration', 'Deleted', now, expiration));
    }
  }
}

const BATCH = 100;

/**
 * Enforces the policies of every parameter that has any, of every account and region, at `now`,
 * and records each action as a service event (docs/parameter-store.md). A failure on one
 * parameter is logged and the others go on.
 */
export async function expireParameters(services: Services, now: Date): Promise<ExpiryResult> {
  const result: ExpiryResult = { deleted: [], events: [] };
  let after: ParameterRecord | undefined;
  for (;;) {
    const page = await services.storage.parametersWithPolicies(BATCH, after);
    for (const record of page) {
      try {
        await enforce(services, record, now, result);
      } catch (err) {
        services.logger.warn({ parameterArn: record.arn, err }, 'enforcing a parameter policy failed');
      }
    }
    if (page.length < BATCH) break;
    after = page.at(-1);
  }
  for (const event of result.events) {
    services.logger.info(
      { parameterArn: event.parameterArn, policyType: event.policyType, actionStatus: event.actionStatus },
      event.policyType === 'Expiration' ? 'deleted parameter at its expiration' : 'parameter policy notification',
    );
    // The action is done; an audit failure cannot undo it, so it is logged loudly instead.
    await services.events
      .parameterPolicy({
        policyType: event.policyType,
        parameterArn: event.parameterArn,
        parameterName: event.parameterName,
        parameterType: event.parameterType,
        actionStatus: event.actionStatus,
        time: event.time,
      })
      .catch((err: unknown) => {
        services.logger.error({ parameterArn: event.parameterArn, err }, 'audit of a parameter policy action failed');
      });
  }
  return result;
}
