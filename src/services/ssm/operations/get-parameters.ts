/**
 * GetParameters (Systems Manager API Reference): up to 10 parameters by name or selector. Names
 * that do not resolve (no such parameter, version or label) are listed in InvalidParameters
 * rather than failing the call; the caller must be allowed ssm:GetParameters on every parameter
 * named. Each name is answered once, in the order given.
 */
import { KmsError } from '../../../domain/index.js';
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import { parametersAccess } from '../access.js';
import { parseSelector, readParameter, selectVersion } from '../parameters.js';
import { revealValue } from '../values.js';
import { parameterView } from '../views.js';

export const getParametersOperation: JsonServiceOperation<ssm.GetParametersRequest, ssm.GetParametersResult> = {
  name: 'GetParameters',
  action: 'ssm:GetParameters',
  readOnly: true,
  access: (input, caller, services) =>
    parametersAccess(
      services,
      caller,
      input.Names.map((n) => parseSelector(n, caller).name),
    ),
  async run({ input, caller, services }) {
    const parameters: ssm.Parameter[] = [];
    const invalid: string[] = [];
    for (const name of new Set(input.Names)) {
      const selector = parseSelector(name, caller);
      const record = await readParameter(services, caller, selector.name);
      if (!record) {
        invalid.push(name);
        continue;
      }
      let version;
      try {
        version = selectVersion(record, selector);
      } catch (err) {
        if (err instanceof KmsError && err.code === 'ParameterVersionNotFound') {
          invalid.push(name);
          continue;
        }
        throw err;
      }
      const value = await revealValue(services, caller, record, version, input.WithDecryption === true);
      parameters.push(parameterView(record, version, value, selector.selector));
    }
    return { Parameters: parameters, InvalidParameters: invalid };
  },
};
