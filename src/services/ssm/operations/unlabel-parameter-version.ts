/**
 * UnlabelParameterVersion (Systems Manager API Reference): removes labels from one version;
 * those the version does not carry are answered in InvalidLabels.
 */
import { KmsError } from '../../../domain/index.js';
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import { parameterAccess } from '../access.js';
import { detachLabels } from '../labels.js';
import { updateParameter, versionNotFound } from '../parameters.js';

export const unlabelParameterVersionOperation: JsonServiceOperation<
  ssm.UnlabelParameterVersionRequest,
  ssm.UnlabelParameterVersionResult
> = {
  name: 'UnlabelParameterVersion',
  action: 'ssm:UnlabelParameterVersion',
  readOnly: false,
  access: async (input, caller, services) => [await parameterAccess(services, caller, input.Name)],
  run: ({ input, caller, services }) =>
    updateParameter(services, caller, input.Name, async (current) => {
      if (!current) throw new KmsError('ParameterNotFound', `Parameter ${input.Name} not found.`);
      const target = current.versions.find((v) => v.version === input.ParameterVersion);
      if (!target) throw versionNotFound(input.Name, input.ParameterVersion);
      const { versions, removed, invalid } = detachLabels(current.versions, target.version, input.Labels);
      return { record: { ...current, versions }, result: { RemovedLabels: removed, InvalidLabels: invalid } };
    }),
};
