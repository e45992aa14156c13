/**
 * Raw SigV4-signed requests over node:http, for black-box tests that must send bytes no SDK would
 * (broken JSON, wrong headers, odd methods). Signing is @smithy/signature-v4 with @smithy/hash-node,
 * configured as the AWS SDK for JavaScript v3 configures it for KMS.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import http from 'node:http';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RawHttpRequest {
  method?: string;
  /** Path and optional query string, as it goes on the request line. */
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface RawHttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function kmsSigner(credentials: Credentials, region = 'us-east-1', service = 'kms'): SignatureV4 {
  return new SignatureV4({
    service,
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
    applyChecksum: false,
  });
}

/** The headers the SDK sends on a KMS JSON 1.1 call. */
export function kmsHeaders(target: string | undefined, host: string): Record<string, string> {
  const headers: Record<string, string> = { host, 'content-type': 'application/x-amz-json-1.1' };
  if (target !== undefined) headers['x-amz-target'] = `TrentService.${target}`;
  return headers;
}

/**
 * Returns `req`'s headers plus the SigV4 ones (`x-amz-date`, `authorization`). The headers must
 * include `host` exactly as it will be sent (`127.0.0.1:<port>`).
 */
export async function signRequest(
  signer: SignatureV4,
  req: RawHttpRequest & { headers: Record<string, string> },
  signingDate?: Date,
): Promise<Record<string, string>> {
  const fullPath = req.path ?? '/';
  const q = fullPath.indexOf('?');
  const path = q < 0 ? fullPath : fullPath.slice(0, q);
  const query: Record<string, string | string[]> = {};
  if (q >= 0) {
    for (const pair of fullPath.slice(q + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const k = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      const v = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  const hostHeader = req.headers['host'] ?? '';
  const signed = await signer.sign(
    {
      method: req.method ?? 'POST',
      protocol: 'http:',
      hostname: hostHeader.split(':', 1)[0] ?? '',
      path,
      query,
      headers: { ...req.headers },
      body: req.body ?? '',
    },
    signingDate ? { signingDate } : {},
  );
  return signed.headers;
}

/** Sends one request exactly as given (no header rewriting beyond content-length) and reads the whole response. */
export function sendRaw(
  url: string,
  req: RawHttpRequest,
  opts: { agent?: http.Agent; chunked?: boolean } = {},
): Promise<RawHttpResponse> {
  const target = new URL(url);
  const body =
    req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  const headers: Record<string, string | number> = { ...req.headers };
  if (body !== undefined && !opts.chunked && !hasHeader(headers, 'content-length'))
    headers['content-length'] = body.length;
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method ?? 'POST',
        path: req.path ?? '/',
        headers,
        agent: opts.agent ?? false,
        setHost: !hasHeader(headers, 'host'),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    if (body !== undefined) r.end(body);
    else r.end();
  });
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}
