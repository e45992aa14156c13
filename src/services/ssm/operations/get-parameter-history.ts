/**
 * GetParameterHistory (Systems Manager API Reference): every version kept, oldest first, with its
 * labels, tier, policies and who changed it; 50 a page at most and by default. SecureString values
 * are decrypted through KMS (one Decrypt per version) only with WithDecryption.
 */
import { KmsError } from '../../../domain/index.js';
import type { ssm } from '../../../model/index.js';
import type { JsonServiceOperation } from '../../../pipeline/json-service.js';
import { parameterAccess } from '../access.js';
import { readParameter } from '../parameters.js';
import { revealValue } from '../values.js';
import { historyView } from '../views.js';

/** "The maximum number of items to return for this call ... default 50" (the model's range is 1 to 50). */
const DEFAULT_MAX_RESULTS = 50;

/** The token names the first version of the next page. */
const tokenOf = (version: number): string => Buffer.from(JSON.stringify({ v: version }), 'utf8').toString('base64');

function versionOfToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: unknown };
    if (typeof parsed.v === 'number' && Number.isSafeInteger(parsed.v) && parsed.v >= 1) return parsed.v;
  } catch {
    // answered below
  }
  throw new KmsError('InvalidNextToken', 'The specified token is not valid.');
}

export const getParameterHistoryOperation: JsonServiceOperation<
  ssm.GetParameterHistoryRequest,
  ssm.GetParameterHistoryResult
> = {
  name: 'GetParameterHistory',
  action: 'ssm:GetParameterHistory',
  readOnly: true,
  access: async (input, caller, services) => [await parameterAccess(services, caller, input.Name)],
  async run({ input, caller, services }) {
    const record = await readParameter(services, caller, input.Name);
    if (!record) throw new KmsError('ParameterNotFound', `Parameter ${input.Name} not found.`);
    const from = input.NextToken !== undefined ? versionOfToken(input.NextToken) : 1;
    const max = input.MaxResults ?? DEFAULT_MAX_RESULTS;
    const rest = record.versions.filter((v) => v.version >= from);
    const page = rest.slice(0, max);
    const parameters: ssm.ParameterHistory[] = [];
    for (const v of page) {
      parameters.push(
        historyView(record, v, await revealValue(services, caller, record, v, input.WithDecryption === true)),
      );
    }
    const next = rest[max];
    return { Parameters: parameters, ...(next ? { NextToken: tokenOf(next.version) } : {}) };
  },
};
