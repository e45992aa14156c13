/**
 * DeleteParameters (Systems Manager API Reference): up to 10 parameters; those that do not exist
 * are listed in InvalidParameters, the rest in DeletedParameters. The caller must be allowed
 * ssm:DeleteParameters on every parameter named.
 */
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import { parametersAccess } from '../access.js';
import { forgetRead } from '../parameters.js';

export const deleteParametersOperation: JsonServiceOperation<ssm.DeleteParametersRequest, ssm.DeleteParametersResult> =
  {
    name: 'DeleteParameters',
    action: 'ssm:DeleteParameters',
    readOnly: false,
    access: (input, caller, services) => parametersAccess(services, caller, input.Names),
    async run({ input, caller, services }) {
      const deleted: string[] = [];
      const invalid: string[] = [];
      for (const name of new Set(input.Names)) {
        const outcome = await services.storage.deleteParameter(caller.principal.accountId, caller.region, name);
        forgetRead(caller, name);
        (outcome === 'ok' ? deleted : invalid).push(name);
      }
      return { DeletedParameters: deleted, InvalidParameters: invalid };
    },
  };
