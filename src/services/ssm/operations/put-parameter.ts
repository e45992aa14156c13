/**
 * PutParameter (Systems Manager API Reference): creates a parameter, or with Overwrite a new
 * version of it. Type is required to create; on overwrite what the request leaves out (type,
 * description, KeyId, AllowedPattern, data type, tier, policies) stays as the newest version had
 * it. Tiers: Standard (values up to 4 KB), Advanced (8 KB, policies; never back to Standard),
 * Intelligent-Tiering (Advanced only when the value or its policies need it). At most 100 versions
 * are kept: the oldest is dropped unless it carries a label (ParameterMaxVersionLimitExceeded).
 */
import { KmsError } from '../../../domain/index.js';
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import type {
  ParameterRecord,
  ParameterTier,
  ParameterType,
  ParameterVersionRecord,
} from '../../../storage/parameter-types.js';
import { parameterAccess } from '../access.js';
import { MAX_TAGS, MAX_VERSIONS, arnOf, latest, modifiedBy, tooManyTags, updateParameter } from '../parameters.js';
import { checkDataType } from '../data-types.js';
import { checkParameterName } from '../names.js';
import { checkAllowedPattern } from '../pattern.js';
import { checkPolicies, parsePolicies } from '../policies.js';
import { DEFAULT_KEY_ID, protectValue } from '../values.js';

/** Value sizes by tier (Systems Manager User Guide, "Managing parameter tiers"). */
const MAX_VALUE: Readonly<Record<ParameterTier, number>> = { Standard: 4096, Advanced: 8192 };
/** Parameters per account and region by tier (same page). */
const MAX_PARAMETERS: Readonly<Record<ParameterTier, number>> = { Standard: 10_000, Advanced: 100_000 };

const validation = (message: string): KmsError => new KmsError('ValidationException', message);

const characters = (value: string): number => [...value].length;

/** Whether the request (or the newest version) has policies; invalid ones are checkPolicies' to answer. */
function hasPolicies(text: string | undefined): boolean {
  if (text === undefined || text.trim() === '') return false;
  try {
    return parsePolicies(text).length > 0;
  } catch {
    return true;
  }
}

function tierOf(
  requested: ssm.ParameterTier | undefined,
  previous: ParameterVersionRecord | undefined,
  value: string,
  policies: boolean,
): ParameterTier {
  const was = previous?.tier;
  if (requested === 'Standard' && was === 'Advanced') {
    throw validation(
      "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
    );
  }
  if (requested === 'Advanced') return 'Advanced';
  if (requested === 'Intelligent-Tiering') {
    return was === 'Advanced' || characters(value) > MAX_VALUE.Standard || policies !== undefined
      ? 'Advanced'
      : 'Standard';
  }
  return requested === 'Standard' ? 'Standard' : (was ?? 'Standard');
}

function checkValue(value: string, tier: ParameterTier): void {
  if (value.length === 0) {
    throw validation(
      "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1.",
    );
  }
  if (tier === 'Standard' && characters(value) > MAX_VALUE.Standard) {
    throw validation(
      'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html',
    );
  }
  if (characters(value) > MAX_VALUE.Advanced) {
    throw validation(
      "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to 8192.",
    );
  }
}

function precheck(input: ssm.PutParameterRequest): void {
  if (input.Tags !== undefined && new Set(input.Tags.map((t) => t.Key)).size > MAX_TAGS) throw tooManyTags();
  if (input.Overwrite === true && input.Tags !== undefined && input.Tags.length > 0) {
    throw validation(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
    );
  }
}

export const putParameterOperation: JsonServiceOperation<ssm.PutParameterRequest, ssm.PutParameterResult> = {
  name: 'PutParameter',
  action: 'ssm:PutParameter',
  readOnly: false,
  precheck,
  access: async (input, caller, services) => [
    await parameterAccess(services, caller, input.Name, {
      requestTags: input.Tags,
      keys: {
        'ssm:overwrite': String(input.Overwrite === true),
        ...(input.Policies !== undefined ? { 'ssm:policies': input.Policies } : {}),
      },
    }),
  ],
  async run({ input, caller, services, now }) {
    checkParameterName(input.Name);
    const arn = arnOf(caller, input.Name);
    return updateParameter(services, caller, input.Name, async (current) => {
      const previous = current && latest(current);
      if (current && input.Overwrite !== true) {
        throw new KmsError(
          'ParameterAlreadyExists',
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        );
      }
      const type: ParameterType | undefined = input.Type ?? previous?.type;
      if (type === undefined) throw validation('A parameter type is required when you create a parameter.');
      if (input.KeyId !== undefined && type !== 'SecureString') {
        throw validation('KeyId is required for SecureString type parameter only.');
      }
      const dataType = input.DataType ?? previous?.dataType ?? 'text';
      checkDataType(dataType, input.Value, type);
      const requestedPolicies = input.Policies ?? previous?.policies;
      const tier = tierOf(input.Tier, previous, input.Value, hasPolicies(requestedPolicies));
      checkValue(input.Value, tier);
      // A carried-over Expiration is the scheduler's to act on, not a reason to refuse the write.
      const policies = checkPolicies(requestedPolicies, tier, input.Policies !== undefined ? now : undefined);
      const allowedPattern = input.AllowedPattern ?? previous?.allowedPattern;
      checkAllowedPattern(allowedPattern, input.Value);
      if (!current) {
        const count = await services.storage.countParameters(caller.principal.accountId, caller.region, tier);
        if (count >= MAX_PARAMETERS[tier]) {
          throw new KmsError(
            'ParameterLimitExceeded',
            'You have exceeded the number of parameters for this AWS account. Delete unused parameters and try again.',
          );
        }
      }
      let versions = current?.versions ?? [];
      if (versions.length >= MAX_VERSIONS) {
        const oldest = versions[0]!;
        if (oldest.labels.length > 0) {
          throw new KmsError(
            'ParameterMaxVersionLimitExceeded',
            `You attempted to create a new version of ${input.Name} by calling the PutParameter API with the overwrite flag. Version ${oldest.version}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`,
          );
        }
        versions = versions.slice(1);
      }
      const version = (previous?.version ?? 0) + 1;
      const keyId =
        type === 'SecureString'
          ? (input.KeyId ?? (previous?.type === 'SecureString' ? previous.keyId : undefined) ?? DEFAULT_KEY_ID)
          : undefined;
      const value = await protectValue(services, caller, arn, { type, tier, keyId, version, plaintext: input.Value });
      const description = input.Description ?? previous?.description;
      const next: ParameterVersionRecord = {
        version,
        type,
        value,
        ...(keyId !== undefined ? { keyId } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(allowedPattern !== undefined ? { allowedPattern } : {}),
        tier,
        ...(policies !== undefined ? { policies } : {}),
        dataType,
        labels: [],
        lastModifiedDate: now,
        lastModifiedUser: modifiedBy(caller),
      };
      const record: ParameterRecord = {
        accountId: caller.principal.accountId,
        region: caller.region,
        name: input.Name,
        arn,
        versions: [...versions, next],
        tags: current?.tags ?? (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value })),
        revision: current?.revision ?? 0,
      };
      return { record, result: { Version: version, Tier: tier } };
    });
  },
};
