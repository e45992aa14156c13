import { checkKeyState, keyArn, KmsError, type KeyRecord } from '../../../domain/index.js';
import { authorizeKey } from '../authorize.js';
import { finishTransitionsSoon, requirePrimary, TRANSITION_MS, writeRelated } from '../multi-region.js';
import { defineOperation } from '../types.js';

/**
 * Makes the replica in PrimaryRegion the primary key and this primary key a replica, in one
 * write. Both are Updating for a moment ("The old and new primary keys have a transient key state
 * of Updating. The original key state is restored when the update is complete"): still usable in
 * cryptographic operations, not replicated, enabled or disabled meanwhile.
 */
export const UpdatePrimaryRegion = defineOperation({
  name: 'UpdatePrimaryRegion',
  action: 'kms:UpdatePrimaryRegion',
  readOnly: false,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ input, key, caller, services, now }) {
    requirePrimary(key);
    const region = input.PrimaryRegion;
    if (region === key.region) {
      // Trent's wording.
      throw new KmsError('ValidationException', `${key.arn} is already the primary key in ${region}.`);
    }
    const due = new Date(now.getTime() + TRANSITION_MS);
    let authorized = false;
    await writeRelated(
      services,
      key,
      async (current, related) => {
        requirePrimary(current);
        const replica = related.find((k) => k.region === region);
        // "There must be an existing replica key in this Region."
        if (!replica) {
          throw new KmsError('NotFoundException', `Key '${keyArn(region, key.accountId, key.keyId)}' does not exist`);
        }
        if (!authorized) {
          // kms:UpdatePrimaryRegion on the replica too, by its own key policy, in its Region.
          await authorizeKey(
            {
              operation: 'UpdatePrimaryRegion',
              action: 'kms:UpdatePrimaryRegion',
              input: { ...input },
              caller: { ...caller, region },
              services,
            },
            replica,
          );
          authorized = true;
        }
        checkKeyState('UpdatePrimaryRegion', replica);
        const updating = (k: KeyRecord, type: 'PRIMARY' | 'REPLICA'): KeyRecord => ({
          ...k,
          multiRegionKeyType: type,
          keyState: 'Updating',
          stateAfterTransition: k.keyState,
          transitionDue: due,
        });
        return [{ key: updating(current, 'REPLICA') }, { key: updating(replica, 'PRIMARY') }];
      },
      (fresh) => checkKeyState('UpdatePrimaryRegion', fresh),
    );
    finishTransitionsSoon(services, due);
    return {};
  },
});
