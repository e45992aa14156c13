/**
 * The "ceiling": a bare node:http server doing the least a KMS operation must do. Per POST it
 * reads the body, does one AES-256-GCM encryption of 1 KiB with node:crypto (or, given a PRIMITIVE
 * name from bench/primitives.ts, one call of that primitive over a 1 KiB message) and answers a
 * small JSON. No SigV4 verification, no parsing, no storage.
 * Usage: node --import tsx ceiling-server.ts PORT [PRIMITIVE]
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import http from 'node:http';
import { DIRECT_PRIMITIVES, isPrimitiveName, MESSAGE_BYTES } from './primitives.js';

const port = Number(process.argv[2]);
const primitiveName = process.argv[3];
if (!Number.isInteger(port) || port <= 0 || (primitiveName !== undefined && !isPrimitiveName(primitiveName))) {
  process.stderr.write(`usage: ceiling-server.ts PORT [${Object.keys(DIRECT_PRIMITIVES).join('|')}]\n`);
  process.exit(2);
}

const key = randomBytes(32);
const plaintext = randomBytes(1024);
const primitive =
  primitiveName !== undefined && isPrimitiveName(primitiveName)
    ? DIRECT_PRIMITIVES[primitiveName](randomBytes(MESSAGE_BYTES))
    : undefined;

/** One AES-256-GCM encryption of 1 KiB: the least an Encrypt does. */
function encrypt(): number {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return ct.length + cipher.getAuthTag().length;
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const bodyBytes = Buffer.concat(chunks).length;
    const result = primitive ? primitive() : encrypt();
    const out = Buffer.from(
      JSON.stringify({
        ok: true,
        received: bodyBytes,
        bytes: typeof result === 'number' ? result : typeof result === 'boolean' ? 1 : result.length,
      }),
    );
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': out.length });
    res.end(out);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stderr.write(`ceiling listening on ${port}\n`));
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
