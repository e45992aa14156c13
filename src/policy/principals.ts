/**
 * The Principal / NotPrincipal element of a key policy (IAM User Guide, "AWS JSON policy elements:
 * Principal"). Only the form is checked here; that a named user or role exists is checked by the
 * caller against the identity store, as KMS does, with the same invalid-principals message.
 */
import { isJsonObject, type JsonValue } from './json.js';
import { PolicyMessages } from './messages.js';
import type { PrincipalSet } from './types.js';

const PARTITION = 'aws(?:-[a-z]+)*';
const ACCOUNT = '[0-9]{12}';
/** IAM user, role and session names: [\w+=,.@-]; paths are /-separated segments of the same. */
const NAME = '[A-Za-z0-9_+=,.@-]+';
const PATH_AND_NAME = `${NAME}(?:/${NAME})*`;

const AWS_PRINCIPAL = new RegExp(
  `^(?:\\*|${ACCOUNT}|arn:${PARTITION}:iam::${ACCOUNT}:(?:root|user/${PATH_AND_NAME}|role/${PATH_AND_NAME})` +
    `|arn:${PARTITION}:sts::${ACCOUNT}:(?:assumed-role/${NAME}/${NAME}|federated-user/${NAME}))$`,
);
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const FEDERATED_ARN = new RegExp(
  `^arn:${PARTITION}:iam::${ACCOUNT}:(?:saml-provider/${NAME}|oidc-provider/[\\x21-\\x7E]+)$`,
);
const CANONICAL_USER = /^[0-9a-f]{64}$/;

type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';

const VALID: Record<PrincipalType, (value: string) => boolean> = {
  AWS: (v) => AWS_PRINCIPAL.test(v),
  Service: (v) => HOST_NAME.test(v),
  Federated: (v) => FEDERATED_ARN.test(v) || HOST_NAME.test(v),
  CanonicalUser: (v) => CANONICAL_USER.test(v),
};

const FIELD: Record<PrincipalType, Exclude<keyof PrincipalSet, 'anyone'>> = {
  AWS: 'aws',
  Service: 'service',
  Federated: 'federated',
  CanonicalUser: 'canonicalUser',
};

const isPrincipalType = (name: string): name is PrincipalType => Object.hasOwn(VALID, name);

/** Returns the normalised set, or the AWS message when the element is not valid. */
export function readPrincipals(value: JsonValue): PrincipalSet | string {
  const set: PrincipalSet = { anyone: false, aws: [], service: [], federated: [], canonicalUser: [] };
  if (value === '*') {
    set.anyone = true;
    return set;
  }
  if (!isJsonObject(value)) return PolicyMessages.invalidPrincipals;
  for (const [type, entry] of value.members) {
    if (!isPrincipalType(type)) return PolicyMessages.invalidPrincipals;
    const list = Array.isArray(entry) ? entry : [entry];
    for (const item of list) {
      if (typeof item !== 'string' || !VALID[type](item)) return PolicyMessages.invalidPrincipals;
      set[FIELD[type]].push(item);
    }
  }
  const count = set.aws.length + set.service.length + set.federated.length + set.canonicalUser.length;
  return count === 0 ? PolicyMessages.noPrincipal : set;
}

/**
 * The first principal IAM would call invalid, as type and value (for IAM's "Invalid principal in
 * policy" message), or undefined when every entry has a valid form. `"*"` alone is valid.
 */
export function findInvalidPrincipal(value: JsonValue): { type: string; value: string } | undefined {
  if (value === '*') return undefined;
  if (!isJsonObject(value)) return { type: 'Principal', value: typeof value === 'string' ? value : '' };
  for (const [type, entry] of value.members) {
    const list = Array.isArray(entry) ? entry : [entry];
    for (const item of list) {
      const text = typeof item === 'string' ? item : '';
      if (!isPrincipalType(type) || typeof item !== 'string' || !VALID[type](item)) return { type, value: text };
    }
  }
  return undefined;
}
