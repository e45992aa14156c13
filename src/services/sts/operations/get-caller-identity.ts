/** GetCallerIdentity: who the credentials are. Never authorized: "No permissions are required". */
import type { sts } from '../../../model/index.js';
import { defineServiceOperation } from '../../../pipeline/service.js';
import { callerIdentity } from '../identity.js';

export const getCallerIdentity = defineServiceOperation<sts.GetCallerIdentityRequest, sts.GetCallerIdentityResponse>({
  name: 'GetCallerIdentity',
  readOnly: true,
  run: async ({ caller }) => callerIdentity(caller.principal),
});
