/**
 * The caller's identity: which IAM user an access key is (principalForAccessKey, for the credential
 * lookup in server/credentials.ts) and which policies apply to a principal (the IdentityResolver of
 * Services.identity), compiled once and cached until an IAM write says `changed()`.
 *
 * A user's policies are its inline and attached ones and those of its groups; a role session's
 * are the role's, plus the session policies its credentials carry; the root has none (it is
 * allowed by the evaluator's 'root' rule and by key policies, never by a special case here).
 */
import {
  AWS_MANAGED_ACCOUNT,
  awsManagedPolicy,
  nameKey,
  parseIamArn,
  tagRecord,
  type AccessKeyRecord,
  type Principal,
} from '../domain/index.js';
import { compilePolicy, type CompiledPolicy } from '../policy/index.js';
import type { PolicyDocumentsOf } from '../storage/identity-types.js';
import type { Storage } from '../storage/types.js';
import type { IdentityResolver, PrincipalPolicies } from './types.js';

/** A boundary whose policy is gone allows nothing: one statement that matches no action. */
const EMPTY_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"*","Resource":"*"}]}';

export interface IdentityResolverOptions {
  /** Principals whose compiled policies are kept; default 1000. */
  maxCached?: number | undefined;
  /** Called by every `changed()`, e.g. to drop the credential lookup's cache. */
  onChanged?: (() => void) | undefined;
}

/** The resolver plus what the composition root wires: more listeners for `changed()`. */
export interface CachingIdentityResolver extends IdentityResolver {
  /** Adds a listener `changed()` calls (the credential cache); returns a function removing it. */
  onChanged(listener: () => void): () => void;
}

type EntityPolicies = Omit<PrincipalPolicies, 'sessionPolicies'>;

export function createIdentityResolver(
  storage: Storage,
  options: IdentityResolverOptions = {},
): CachingIdentityResolver {
  const maxCached = options.maxCached ?? 1000;
  const entities = new Map<string, EntityPolicies>();
  /** Session policies by access key id: fixed when the credentials were issued. */
  const sessions = new Map<string, CompiledPolicy[]>();
  const listeners = new Set<() => void>();
  if (options.onChanged) listeners.add(options.onChanged);
  /** Bumped by changed(): a read that started before it caches nothing. */
  let generation = 0;

  const remember = <T>(map: Map<string, T>, key: string, value: T): void => {
    if (map.size >= maxCached) map.delete(map.keys().next().value!);
    map.set(key, value);
  };

  async function entityPolicies(principal: Principal): Promise<EntityPolicies> {
    const subject = subjectOf(principal);
    if (!subject) return { identityPolicies: [] };
    const key = `${subject.kind}\n${principal.accountId}\n${nameKey(subject.name)}`;
    const hit = entities.get(key);
    if (hit) return hit;
    const started = generation;
    const documents = await storage.policyDocumentsOf(principal.accountId, subject.kind, subject.name);
    const compiled = compileDocuments(documents);
    if (started === generation) remember(entities, key, compiled);
    return compiled;
  }

  /**
   * Session policies: the inline one and the managed ones named by ARN at AssumeRole (PolicyArns),
   * as they are now (a managed policy's default version may change, and changed() drops them).
   */
  async function sessionPolicies(principal: Principal): Promise<CompiledPolicy[]> {
    const texts = principal.session?.policies ?? [];
    const arns = principal.session?.policyArns ?? [];
    if (texts.length === 0 && arns.length === 0) return [];
    const hit = sessions.get(principal.accessKeyId);
    if (hit) return hit;
    const started = generation;
    const managed = await Promise.all(
      arns.map(async (arn) => {
        const stored = await storage.getPolicy(arn);
        const document = stored && (await storage.getPolicyVersion(arn, stored.defaultVersionId))?.document;
        // A session policy that is gone allows nothing, as an empty one.
        return compilePolicy(managedDocument({ arn, document }) ?? EMPTY_POLICY, arn);
      }),
    );
    const compiled = [...texts.map((text, i) => compilePolicy(text, `session policy ${i + 1}`)), ...managed];
    if (started === generation) remember(sessions, principal.accessKeyId, compiled);
    return compiled;
  }

  return {
    async policiesFor(principal) {
      const own = await entityPolicies(principal);
      return { ...own, sessionPolicies: await sessionPolicies(principal) };
    },
    changed() {
      generation++;
      entities.clear();
      sessions.clear();
      for (const listener of listeners) listener();
    },
    onChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Whose stored policies apply: the user, or the role of a role session; none for the root. */
function subjectOf(principal: Principal): { kind: 'user' | 'role'; name: string } | undefined {
  if (principal.type === 'AssumedRole') return principal.role && { kind: 'role', name: principal.role.name };
  if (principal.type !== 'IAMUser') return undefined;
  const name = principal.userName ?? parseIamArn(principal.arn)?.name;
  return name === undefined ? undefined : { kind: 'user', name };
}

function compileDocuments(documents: PolicyDocumentsOf | undefined): EntityPolicies {
  // Gone (deleted while its credentials were cached): nothing allows it anything.
  if (!documents) return { identityPolicies: [] };
  const identityPolicies = [
    ...documents.inline.map((p) =>
      compilePolicy(p.document, `inline policy ${p.policyName} of ${p.entity.kind} ${p.entity.name}`),
    ),
    ...documents.managed.flatMap((m) => {
      const text = managedDocument(m);
      return text === undefined ? [] : [compilePolicy(text, m.arn)];
    }),
  ];
  const result: EntityPolicies = { identityPolicies };
  const boundary = documents.permissionsBoundary;
  if (boundary) {
    result.permissionsBoundary = compilePolicy(managedDocument(boundary) ?? EMPTY_POLICY, boundary.arn);
  }
  return result;
}

/** A stored policy's default version, or an AWS managed policy's document from the table. */
function managedDocument(m: { arn: string; document?: string | undefined }): string | undefined {
  if (m.document !== undefined) return m.document;
  return parseIamArn(m.arn)?.accountId === AWS_MANAGED_ACCOUNT ? awsManagedPolicy(m.arn)?.document : undefined;
}

/**
 * The principal of an IAM user's access key (record.principalArn is the user's ARN), with the
 * user's id, name and tags as they are now; undefined when the key is not Active or the user is
 * gone. For a root key (principalArn ...:root), the account root.
 */
export async function principalForAccessKey(storage: Storage, record: AccessKeyRecord): Promise<Principal | undefined> {
  if (record.status !== 'Active') return undefined;
  if (record.principalArn.endsWith(':root')) {
    return {
      accountId: record.accountId,
      arn: record.principalArn,
      accessKeyId: record.accessKeyId,
      type: 'Root',
      principalId: record.accountId,
    };
  }
  const userName = (await storage.accessKeyUserName(record.accessKeyId)) ?? parseIamArn(record.principalArn)?.name;
  if (userName === undefined) return undefined;
  const user = await storage.getUser(record.accountId, userName);
  if (!user || user.arn !== record.principalArn) return undefined;
  return {
    accountId: user.accountId,
    arn: user.arn,
    accessKeyId: record.accessKeyId,
    type: 'IAMUser',
    principalId: user.userId,
    userName: user.userName,
    tags: tagRecord(user.tags),
  };
}

/** The current tags of a user or role (aws:PrincipalTag/*); undefined if it no longer exists. */
export async function entityTags(
  storage: Storage,
  accountId: string,
  kind: 'user' | 'role',
  name: string,
): Promise<Readonly<Record<string, string>> | undefined> {
  const entity = kind === 'user' ? await storage.getUser(accountId, name) : await storage.getRole(accountId, name);
  return entity && tagRecord(entity.tags);
}

/**
 * What server/credentials.ts's lookup takes as its PrincipalSource: IAM users' keys and the tags
 * of users and roles, read from storage.
 */
export function identityPrincipalSource(storage: Storage): {
  principalForAccessKey(record: AccessKeyRecord): Promise<Principal | undefined>;
  entityTags(
    accountId: string,
    kind: 'user' | 'role',
    name: string,
  ): Promise<Readonly<Record<string, string>> | undefined>;
} {
  return {
    principalForAccessKey: (record) => principalForAccessKey(storage, record),
    entityTags: (accountId, kind, name) => entityTags(storage, accountId, kind, name),
  };
}
