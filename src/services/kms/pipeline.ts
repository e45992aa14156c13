/**
 * The shared operation pipeline: resolve the key, check its state and usage, authorize, honour
 * DryRun, then run the operation. Every operation goes through here; none repeats these checks.
 */
import { aliasArn, checkKeyState, KmsError, type KeyRecord } from '../../domain/index.js';
import type { OperationInput, OperationName, OperationOutput } from '../../model/index.js';
import { authorizeAccount, authorizeAlias, authorizeKey } from './authorize.js';
import { checkGrantTokens } from './grants.js';
import { aliasNamed, resolveKey } from './resolve.js';
import type { Caller, KeyRule, KeylessContext, Operation, OperationContext, Services } from './types.js';

export async function execute<O extends OperationName>(
  op: Operation<O>,
  input: OperationInput<O>,
  caller: Caller,
  services: Services,
): Promise<OperationOutput<O>> {
  const now = services.clock.now();
  const access = { operation: op.name, input: input as Readonly<Record<string, unknown>>, caller, services };
  let first: KeyRecord | undefined;
  /**
   * kms:ReEncryptOnSameKey, for both of ReEncrypt's authorizations: the source is the first key,
   * the destination the one DestinationKeyId names (resolved without authorizing it here; its own
   * authorization comes when the operation uses it).
   */
  const sameReEncryptKey = async (key: KeyRecord): Promise<boolean> => {
    if (first) return first.arn === key.arn;
    const destination = (input as { DestinationKeyId?: string }).DestinationKeyId;
    if (destination === undefined) return false;
    const resolved = await resolveKey(destination, { aliases: true, crossAccount: true }, caller, services).catch(
      () => undefined,
    );
    return resolved?.arn === key.arn;
  };
  const useKey = async (identifier: string, rule: KeyRule, action: string = op.action): Promise<KeyRecord> => {
    const key = await resolveKey(identifier, rule, caller, services);
    caller.keyArns.push(key.arn);
    // Authorization comes before the key's state: a caller who may not use a key learns nothing of it.
    await authorizeKey(
      {
        ...access,
        action,
        requestAlias: aliasNamed(identifier),
        ...(op.name === 'ReEncrypt' ? { reEncryptOnSameKey: await sameReEncryptKey(key) } : {}),
      },
      key,
    );
    // The shared cryptographic quota of the key's type, once per request (its first key), after
    // authorization: throttling tells a caller who may not use a key nothing of its type.
    if (!first) services.rateLimits?.chargeKey(op.name, key.keySpec, caller);
    first ??= key;
    checkKeyState(op.name, key);
    if (rule.usage && key.keyUsage !== rule.usage) {
      throw new KmsError(
        'InvalidKeyUsageException',
        `${key.arn} key usage is ${key.keyUsage} which is not valid for ${op.name}.`,
      );
    }
    return key;
  };
  const base: KeylessContext<O> = { input, caller, services, now, useKey };

  // A token Trent did not issue is refused whether or not a grant is consulted.
  checkGrantTokens((input as { GrantTokens?: string[] }).GrantTokens);
  let key: KeyRecord | undefined;
  if (op.alias) {
    const alias = aliasArn(caller.region, caller.principal.accountId, String(access.input[op.alias]));
    await authorizeAlias({ ...access, action: op.action }, alias);
  }
  if (!op.key) await authorizeAccount({ ...access, action: op.action });
  if (op.key) {
    const identifier = 'member' in op.key ? (input as Record<string, unknown>)[op.key.member] : await op.key.from(base);
    if (typeof identifier !== 'string') throw new Error(`${op.name}: key identifier missing after validation`);
    key = await useKey(identifier, op.key);
  }
  const ctx = { ...base, key } as OperationContext<O>;
  if (op.dryRun && (input as { DryRun?: boolean }).DryRun === true) {
    // DryRun answers "would have succeeded" only when every check passes, including those an
    // operation makes after the key's (ReEncrypt's destination key, data-key lengths, algorithms).
    // A read-only operation changes nothing, so running it and discarding the result is exactly
    // that test; an operation with effects must not run.
    if (op.readOnly) discard(await op.run(ctx));
    throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
  }
  return op.run(ctx);
}

/** Zeroes any plaintext in a result that DryRun throws away. */
function discard(output: unknown): void {
  for (const value of Object.values(output as Record<string, unknown>)) {
    if (Buffer.isBuffer(value)) value.fill(0);
  }
}
