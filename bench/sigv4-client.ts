/**
 * The one client the benchmark drives every server with: each request is serialised to JSON,
 * signed with SigV4 by @smithy/signature-v4 (as the AWS SDK does: one signer per client, a fresh
 * signature per request) and sent over a node:http keep-alive agent.
 */
import http from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

const Sha256 = Hash.bind(null, 'sha256');

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The service a client signs for and the X-Amz-Target prefix of its operations. */
export interface JsonApi {
  service: string;
  targetPrefix: string;
}

export const KMS_API: JsonApi = { service: 'kms', targetPrefix: 'TrentService' };
export const SSM_API: JsonApi = { service: 'ssm', targetPrefix: 'AmazonSSM' };

export interface CallResult {
  status: number;
  body: Buffer;
}

export class SigV4JsonClient {
  private readonly signer: SignatureV4;
  private readonly agent: http.Agent;
  private readonly host: string;

  constructor(
    private readonly port: number,
    credentials: Credentials,
    maxSockets: number,
    private readonly region = 'us-east-1',
    private readonly api: JsonApi = KMS_API,
  ) {
    this.signer = new SignatureV4({
      service: api.service,
      region: this.region,
      credentials,
      sha256: Sha256,
      uriEscapePath: true,
    });
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
    this.host = `127.0.0.1:${port}`;
  }

  /** One JSON 1.1 call: serialise, sign, send, read the whole response. */
  async call(operation: string, input: unknown): Promise<CallResult> {
    const body = JSON.stringify(input);
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: this.port,
      path: '/',
      query: {},
      headers: {
        host: this.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${this.api.targetPrefix}.${operation}`,
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    return new Promise<CallResult>((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: '/',
          headers: signed.headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Like `call`, but fails unless the answer is 200, and parses it. */
  async json<T = Record<string, unknown>>(operation: string, input: unknown): Promise<T> {
    const r = await this.call(operation, input);
    if (r.status !== 200) throw new Error(`${operation}: HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 300)}`);
    return JSON.parse(r.body.toString('utf8')) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
