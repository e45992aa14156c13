/**
 * DeleteParameter (Systems Manager API Reference): the parameter with every version, label and
 * tag. A missing parameter is ParameterNotFound with an empty message, as AWS answers it.
 */
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import { parameterAccess } from '../access.js';
import { forgetRead, parameterNotFound } from '../parameters.js';

export const deleteParameterOperation: JsonServiceOperation<ssm.DeleteParameterRequest, ssm.DeleteParameterResult> = {
  name: 'DeleteParameter',
  action: 'ssm:DeleteParameter',
  readOnly: false,
  access: async (input, caller, services) => [await parameterAccess(services, caller, input.Name)],
  async run({ input, caller, services }) {
    const outcome = await services.storage.deleteParameter(caller.principal.accountId, caller.region, input.Name);
    forgetRead(caller, input.Name);
    if (outcome === 'absent') throw parameterNotFound();
    return {};
  },
};
