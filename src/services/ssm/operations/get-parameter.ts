/**
 * GetParameter (Systems Manager API Reference): one parameter by name, `name:version` or
 * `name:label`. A SecureString value is the ciphertext unless WithDecryption, when Parameter Store
 * calls KMS Decrypt as the caller (services.invoke), so the caller needs kms:Decrypt on the key.
 * A missing parameter is ParameterNotFound with an empty message, as AWS answers it.
 */
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import { parameterAccess } from '../access.js';
import { parameterNotFound, parseSelector, readParameter, selectVersion } from '../parameters.js';
import { revealValue } from '../values.js';
import { parameterView } from '../views.js';

export const getParameterOperation: JsonServiceOperation<ssm.GetParameterRequest, ssm.GetParameterResult> = {
  name: 'GetParameter',
  action: 'ssm:GetParameter',
  readOnly: true,
  access: async (input, caller, services) => [
    await parameterAccess(services, caller, parseSelector(input.Name, caller).name),
  ],
  async run({ input, caller, services }) {
    const selector = parseSelector(input.Name, caller);
    const record = await readParameter(services, caller, selector.name);
    if (!record) throw parameterNotFound();
    const version = selectVersion(record, selector);
    const value = await revealValue(services, caller, record, version, input.WithDecryption === true);
    return { Parameter: parameterView(record, version, value, selector.selector) };
  },
};
