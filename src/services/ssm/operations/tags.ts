/**
 * AddTagsToResource, RemoveTagsFromResource and ListTagsForResource (Systems Manager API
 * Reference) for ResourceType Parameter, whose ResourceId is the parameter's name. Parameter Store
 * is the only part of Systems Manager Trent offers, so another resource type names nothing that
 * exists here (InvalidResourceId). Adding a key that is there replaces its value; at most 50 tags.
 */
import { KmsError } from '../../../domain/index.js';
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import type { ParameterRecord } from '../../../storage/parameter-types.js';
import { parameterAccess } from '../access.js';
import { MAX_TAGS, readParameter, tooManyTags, updateParameter } from '../parameters.js';

const invalidResourceId = (): KmsError => new KmsError('InvalidResourceId', '');

function checkType(type: ssm.ResourceTypeForTagging): void {
  if (type !== 'Parameter') throw invalidResourceId();
}

function tagged(current: ParameterRecord | undefined): ParameterRecord {
  if (!current) throw invalidResourceId();
  return current;
}

export const addTagsToResourceOperation: JsonServiceOperation<
  ssm.AddTagsToResourceRequest,
  ssm.AddTagsToResourceResult
> = {
  name: 'AddTagsToResource',
  action: 'ssm:AddTagsToResource',
  readOnly: false,
  access: async (input, caller, services) => {
    checkType(input.ResourceType);
    return [await parameterAccess(services, caller, input.ResourceId, { requestTags: input.Tags })];
  },
  run: ({ input, caller, services }) =>
    updateParameter(services, caller, input.ResourceId, async (current) => {
      const record = tagged(current);
      const tags = new Map(record.tags.map((t) => [t.Key, t.Value]));
      for (const t of input.Tags) tags.set(t.Key, t.Value);
      if (tags.size > MAX_TAGS) {
        throw tooManyTags();
      }
      return {
        record: { ...record, tags: [...tags].map(([Key, Value]) => ({ Key, Value })) },
        result: {},
      };
    }),
};

export const removeTagsFromResourceOperation: JsonServiceOperation<
  ssm.RemoveTagsFromResourceRequest,
  ssm.RemoveTagsFromResourceResult
> = {
  name: 'RemoveTagsFromResource',
  action: 'ssm:RemoveTagsFromResource',
  readOnly: false,
  access: async (input, caller, services) => {
    checkType(input.ResourceType);
    return [await parameterAccess(services, caller, input.ResourceId, { tagKeys: input.TagKeys })];
  },
  run: ({ input, caller, services }) =>
    updateParameter(services, caller, input.ResourceId, async (current) => {
      const record = tagged(current);
      return { record: { ...record, tags: record.tags.filter((t) => !input.TagKeys.includes(t.Key)) }, result: {} };
    }),
};

export const listTagsForResourceOperation: JsonServiceOperation<
  ssm.ListTagsForResourceRequest,
  ssm.ListTagsForResourceResult
> = {
  name: 'ListTagsForResource',
  action: 'ssm:ListTagsForResource',
  readOnly: true,
  access: async (input, caller, services) => {
    checkType(input.ResourceType);
    return [await parameterAccess(services, caller, input.ResourceId)];
  },
  async run({ input, caller, services }) {
    const record = tagged(await readParameter(services, caller, input.ResourceId));
    return { TagList: record.tags.map((t) => ({ Key: t.Key, Value: t.Value })) };
  },
};
