/**
 * Test support: real signed requests, as the AWS SDK for JavaScript v3 builds them (captured from a
 * KMSClient before they reach the network) or signed directly with @smithy/signature-v4.
 * Only tests import this file.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CredentialLookup, RawRequest } from './authenticate.js';
import type { Principal } from '../domain/index.js';
import { sessionTokenHash } from './session-token.js';

export const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
export const ACCOUNT = '111122223333';

export const userPrincipal: Principal = {
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accessKeyId: ACCESS_KEY_ID,
  type: 'IAMUser',
};

/** Knows one key pair, and counts the look-ups so tests can see when none happened. */
export function lookupOf(
  keys: Record<string, { secret: string; principal: Principal; sessionToken?: string; expiration?: Date }>,
): CredentialLookup & {
  calls: string[];
} {
  const calls: string[] = [];
  const fn = async (accessKeyId: string) => {
    calls.push(accessKeyId);
    const k = keys[accessKeyId];
    if (!k) return undefined;
    return {
      secretAccessKey: k.secret,
      principal: k.principal,
      ...(k.sessionToken !== undefined ? { sessionTokenHash: sessionTokenHash(k.sessionToken) } : {}),
      ...(k.expiration !== undefined ? { expiration: k.expiration } : {}),
    };
  };
  return Object.assign(fn, { calls });
}

export const defaultLookup = () => lookupOf({ [ACCESS_KEY_ID]: { secret: SECRET, principal: userPrincipal } });

interface CapturedHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** Converts an SDK HttpRequest into what node:http would hand the server. */
export function toRaw(req: CapturedHttpRequest): RawRequest {
  const query = Object.entries(req.query ?? {})
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v ?? '']).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`),
    )
    .join('&');
  const body = req.body;
  return {
    method: req.method,
    url: query ? `${req.path}?${query}` : req.path,
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: toBuffer(body),
  };
}

/** The SDK's JSON body is a Uint8Array subclass; copy its bytes without calling its string methods. */
function toBuffer(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  throw new Error('unexpected body type');
}

/** Runs one KMSClient call and returns the signed request it would have sent. */
export async function captureSdkRequest(
  call: (client: KMSClient) => Promise<unknown>,
  options: {
    region?: string;
    credentials?: {
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken?: string;
    };
  } = {},
): Promise<RawRequest> {
  let captured: CapturedHttpRequest | undefined;
  const client = new KMSClient({
    region: options.region ?? 'us-east-1',
    endpoint: 'http://localhost:4599',
    credentials: options.credentials ?? {
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET,
    },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: CapturedHttpRequest) => {
        captured = request;
        throw new Error('captured, not sent');
      },
    },
  });
  await call(client).catch((e: unknown) => {
    if (!(e instanceof Error) || e.message !== 'captured, not sent') throw e;
  });
  if (!captured) throw new Error('the SDK sent nothing');
  return toRaw(captured);
}

/** Signs a request directly with @smithy/signature-v4. */
export async function smithySigned(
  req: {
    method?: string;
    path?: string;
    query?: Record<string, string | string[]>;
    headers: Record<string, string>;
    body?: string;
  },
  options: {
    at: Date;
    region?: string;
    service?: string;
    accessKeyId?: string;
    secret?: string;
    sessionToken?: string;
    applyChecksum?: boolean;
    unsignableHeaders?: Set<string>;
    signableHeaders?: Set<string>;
  },
): Promise<RawRequest> {
  const signer = new SignatureV4({
    service: options.service ?? 'kms',
    region: options.region ?? 'us-east-1',
    credentials: {
      accessKeyId: options.accessKeyId ?? ACCESS_KEY_ID,
      secretAccessKey: options.secret ?? SECRET,
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    },
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: options.applyChecksum ?? false,
  });
  const signed = await signer.sign(
    {
      method: req.method ?? 'POST',
      protocol: 'https:',
      hostname: req.headers['host'] ?? 'kms.us-east-1.amazonaws.com',
      path: req.path ?? '/',
      query: req.query ?? {},
      headers: req.headers,
      body: req.body,
    },
    {
      signingDate: options.at,
      ...(options.unsignableHeaders ? { unsignableHeaders: options.unsignableHeaders } : {}),
      ...(options.signableHeaders ? { signableHeaders: options.signableHeaders } : {}),
    },
  );
  return toRaw(signed as CapturedHttpRequest);
}

/** The headers a KMS JSON call carries. */
export function kmsHeaders(target: string, host = 'kms.us-east-1.amazonaws.com'): Record<string, string> {
  return {
    host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `TrentService.${target}`,
  };
}

/** Replaces one element of a header value (`Credential=...`, `Signature=...`) for malformed-header tests. */
export function withHeader(req: RawRequest, name: string, value: string | undefined): RawRequest {
  const headers = { ...req.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...req, headers };
}

export function authorizationOf(req: RawRequest): string {
  const a = req.headers['authorization'];
  if (typeof a !== 'string') throw new Error('request is not signed');
  return a;
}

export function dateOf(req: RawRequest): Date {
  const d = req.headers['x-amz-date'];
  if (typeof d !== 'string') throw new Error('no x-amz-date');
  return new Date(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );
}
