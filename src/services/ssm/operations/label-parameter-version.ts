/**
 * LabelParameterVersion (Systems Manager API Reference; User Guide, "Working with parameter
 * labels"): attaches labels to a version (the newest when ParameterVersion is left out). A label
 * names one version of a parameter at a time, so attaching it moves it from the version that had
 * it. Labels AWS refuses are answered in InvalidLabels, not as an error; a version holds at most
 * 10 labels (ParameterVersionLabelLimitExceeded).
 */
import { KmsError } from '../../../domain/index.js';
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import { parameterAccess } from '../access.js';
import { latest, updateParameter, versionNotFound } from '../parameters.js';
import { attachLabels } from '../labels.js';

export const labelParameterVersionOperation: JsonServiceOperation<
  ssm.LabelParameterVersionRequest,
  ssm.LabelParameterVersionResult
> = {
  name: 'LabelParameterVersion',
  action: 'ssm:LabelParameterVersion',
  readOnly: false,
  access: async (input, caller, services) => [await parameterAccess(services, caller, input.Name)],
  run: ({ input, caller, services }) =>
    updateParameter(services, caller, input.Name, async (current) => {
      if (!current) throw new KmsError('ParameterNotFound', `Parameter ${input.Name} not found.`);
      const number = input.ParameterVersion ?? latest(current).version;
      const target = current.versions.find((v) => v.version === number);
      if (!target) throw versionNotFound(input.Name, number);
      const { versions, invalid } = attachLabels(current.versions, number, input.Labels);
      return {
        record: { ...current, versions },
        result: { InvalidLabels: invalid, ParameterVersion: number },
      };
    }),
};
