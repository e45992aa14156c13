/**
 * Parameter Store's authorization: identity policies on `ssm:<Action>` with the parameter's ARN
 * as the resource (Service Authorization Reference, "Actions, resources, and condition keys for
 * AWS Systems Manager": resource type `parameter`), the global condition keys, and the service's
 * own: aws:ResourceTag/* and ssm:resourceTag/* from the parameter's tags, aws:RequestTag/* and
 * aws:TagKeys from the tags a request adds or removes, ssm:Overwrite and ssm:Policies
 * (PutParameter), ssm:Recursive (GetParametersByPath).
 */
import type { Tag } from '../../domain/index.js';
import { globalConditionKeys } from '../../pipeline/context.js';
import type { JsonServiceAccess } from '../../pipeline/json-service.js';
import type { Caller, Services } from '../../pipeline/types.js';
import type { ConditionValue } from '../../policy/index.js';
import { arnOf, readParameter } from './parameters.js';

export interface ParameterAccessOptions {
  /** Tags the request adds (aws:RequestTag/*, aws:TagKeys). */
  requestTags?: readonly { Key: string; Value: string }[] | undefined;
  /** Keys of tags the request removes (aws:TagKeys). */
  tagKeys?: readonly string[] | undefined;
  /** `ssm:` keys of the request, by lowercased name (`ssm:overwrite`). */
  keys?: Readonly<Record<string, ConditionValue>> | undefined;
}

const asTags = (tags: readonly { Key: string; Value: string }[]): Tag[] =>
  tags.map((t) => ({ TagKey: t.Key, TagValue: t.Value }));

/** The authorization of one parameter: its ARN and the request's condition keys. */
export async function parameterAccess(
  services: Services,
  caller: Caller,
  name: string,
  opts: ParameterAccessOptions = {},
): Promise<JsonServiceAccess> {
  const record = await readParameter(services, caller, name);
  const resourceTags = asTags(record?.tags ?? []);
  const context = globalConditionKeys(caller, {
    resourceTags,
    requestTags: opts.requestTags && asTags(opts.requestTags),
    tagKeys: opts.tagKeys,
  });
  context.add((key) => {
    if (opts.keys && Object.hasOwn(opts.keys, key)) return opts.keys[key];
    if (key.startsWith('ssm:resourcetag/')) {
      const wanted = key.slice('ssm:resourcetag/'.length);
      return resourceTags.find((t) => t.TagKey.toLowerCase() === wanted)?.TagValue;
    }
    return undefined;
  });
  // A name that is an ARN of another account or region (never found here) is its own resource.
  return { resource: name.startsWith('arn:') ? name : arnOf(caller, name), context };
}

/** One authorization per name (GetParameters, DeleteParameters), in the order given, duplicates once. */
export async function parametersAccess(
  services: Services,
  caller: Caller,
  names: readonly string[],
): Promise<JsonServiceAccess[]> {
  return Promise.all([...new Set(names)].map((name) => parameterAccess(services, caller, name)));
}
