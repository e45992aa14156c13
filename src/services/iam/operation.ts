/**
 * How an IAM operation is declared: defineServiceOperation plus what every IAM operation shares.
 * Credentials from GetSessionToken may not call IAM without MFA (auth/temporary-credentials.ts);
 * a write tells services.identity it `changed()` once its transaction committed, so cached policies
 * and credentials are read afresh (an Inactive or deleted access key stops working at once).
 */
import { temporaryCredentialRefusal } from '../../auth/index.js';
import { defineServiceOperation, type ServiceContext, type ServiceOperation } from '../../pipeline/service.js';
import type { Caller, Services } from '../../pipeline/types.js';

export interface IamOperationSpec<I, O> {
  name: string;
  /** iam:<Name> unless given. */
  action?: string;
  readOnly: boolean;
  resource?(input: I, caller: Caller, services: Services): string | Promise<string>;
  run(ctx: ServiceContext<I>): Promise<O>;
}

export function defineIamOperation<I, O>(spec: IamOperationSpec<I, O>): ServiceOperation<I, O> {
  const op: ServiceOperation<I, O> = {
    name: spec.name,
    action: spec.action ?? `iam:${spec.name}`,
    readOnly: spec.readOnly,
    async run(ctx) {
      const refusal = temporaryCredentialRefusal(ctx.caller.principal, 'iam', spec.name);
      if (refusal) throw refusal;
      if (spec.readOnly) return spec.run(ctx);
      try {
        return await spec.run(ctx);
      } finally {
        // Also after a failure: a write may have committed before a later step failed.
        ctx.services.identity.changed();
      }
    },
  };
  if (spec.resource) op.resource = spec.resource;
  return defineServiceOperation(op);
}
