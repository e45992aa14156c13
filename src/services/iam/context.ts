/** What IAM operations read from the caller: its account, its partition, the quotas applied. */
import { DEFAULT_IAM_QUOTAS, iamArn, partitionOf, type IamEntityKind, type IamQuotas } from '../../domain/index.js';
import type { Caller, Services } from '../../pipeline/types.js';

/** IAM acts in the caller's own account. */
export const accountOf = (caller: Caller): string => caller.principal.accountId;

/** IAM is global: one per partition, signed for us-east-1 in `aws`. */
export const partitionOfCaller = (caller: Caller): string => partitionOf(caller.region);

/** IAM's quotas (domain/iam.ts); AWS's defaults until they become settings. */
export const iamQuotas = (_services: Services): IamQuotas => DEFAULT_IAM_QUOTAS;

/**
 * The ARN an operation acts on, for identity policies' Resource: the entity's ARN with the path the
 * request gives ('/' when it names an existing entity by name only).
 */
export const entityArn = (caller: Caller, kind: IamEntityKind | 'policy', name: string, path = '/'): string =>
  iamArn(kind, accountOf(caller), path, name, partitionOfCaller(caller));
