/**
 * The "ceiling": a bare node:http server doing the least a KMS Encrypt must do. Per POST it reads
 * the body, does one AES-256-GCM encryption of 1 KiB with node:crypto and answers a small JSON.
 * No SigV4 verification, no parsing, no storage. Usage: node --import tsx ceiling-server.ts PORT
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import http from 'node:http';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: ceiling-server.ts PORT\n');
  process.exit(2);
}

const key = randomBytes(32);
const plaintext = randomBytes(1024);

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
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    const out = Buffer.from(JSON.stringify({ ok: true, received: bodyBytes, bytes: ct.length + tag.length }));
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': out.length });
    res.end(out);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stderr.write(`ceiling listening on ${port}\n`));
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
