/**
 * Who may reach the server: plain HTTP and dev mode are for the machine itself. Listening on any
 * other address needs TLS (or `--insecure-http`), and dev mode there needs `--dev-allow-remote`.
 */
import net from 'node:net';

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped), localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (h.toLowerCase() === 'localhost') return true;
  const family = net.isIP(h);
  return family !== 0 && LOOPBACK.check(h, family === 6 ? 'ipv6' : 'ipv4');
}

export interface ExposureSettings {
  host: string;
  tls: boolean;
  insecureHttp: boolean;
  dev: boolean;
  devAllowRemote: boolean;
}

/** Throws, saying which flag would allow it, when the settings expose what they should not. */
export function checkExposure(s: ExposureSettings): void {
  if (isLoopbackHost(s.host)) return;
  if (!s.tls && !s.insecureHttp) {
    throw new Error(
      `refusing to serve plain HTTP on ${s.host}, which is not a loopback address: signed requests, ` +
        'plaintexts and data keys would cross the network in the clear. Give --tls-cert and --tls-key ' +
        '(or --tls-self-signed), or --insecure-http if something in front terminates TLS',
    );
  }
  if (s.dev && !s.devAllowRemote) {
    throw new Error(
      `refusing --dev on ${s.host}, which is not a loopback address: dev mode accepts any credentials ` +
        'as the account root. Give --dev-allow-remote to do it anyway',
    );
  }
}
