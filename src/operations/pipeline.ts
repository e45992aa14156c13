/**
 * The shared operation pipeline: resolve the key, check its state and usage, authorize, honour
 * DryRun, then run the operation. Every operation goes through here; none repeats these checks.
 */
import { checkKeyState, KmsError, type KeyRecord } from '../domain/index.js';
import type { OperationInput, OperationName, OperationOutput } from '../model/index.js';
import { authorize } from './authorize.js';
import { resolveKey } from './resolve.js';
import type { Caller, KeyRule, KeylessContext, Operation, OperationContext, Services } from './types.js';

export async function execute<O extends OperationName>(
  op: Operation<O>,
  input: OperationInput<O>,
  caller: Caller,
  services: Services,
): Promise<OperationOutput<O>> {
  const now = services.clock.now();
  const useKey = async (identifier: string, rule: KeyRule, action: string = op.action): Promise<KeyRecord> => {
    const key = await resolveKey(identifier, rule, caller, services);
    checkKeyState(op.name, key);
    await authorize(action, key, caller);
    if (rule.usage && key.keyUsage !== rule.usage) {
      throw new KmsError(
        'InvalidKeyUsageException',
        `${key.arn} key usage is ${key.keyUsage} which is not valid for ${op.name}.`,
      );
    }
    return key;
  };
  const base: KeylessContext<O> = { input, caller, services, now, useKey };

  let key: KeyRecord | undefined;
  if (op.key) {
    const identifier =
      'member' in op.key ? (input as Record<string, unknown>)[op.key.member] : await op.key.from(base);
    if (typeof identifier !== 'string') throw new Error(`${op.name}: key identifier missing after validation`);
    key = await useKey(identifier, op.key);
  }
  if (op.dryRun && (input as { DryRun?: boolean }).DryRun === true) {
    throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
  }
  const ctx = { ...base, key } as OperationContext<O>;
  return op.run(ctx);
}
