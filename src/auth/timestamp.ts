/** The request timestamp: ISO-8601 basic format (`20261128T120000Z`), and the allowed clock skew. */
import { dateNotBasicFormat, signatureExpired, signatureNotYetCurrent } from './messages.js';

const BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses `YYYYMMDDTHHMMSSZ`, rejecting impossible dates such as month 13. */
export function parseTimestamp(value: string): Date {
  const m = BASIC.exec(value);
  if (m) {
    const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    if (formatTimestamp(date) === value) return date;
  }
  throw dateNotBasicFormat(value);
}

export function formatTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * AWS rejects a signature whose timestamp is more than the allowed skew before or after its own
 * clock (5 minutes for KMS), naming both bounds in the message.
 */
export function checkSkew(signed: Date, now: Date, maxSkewMs: number): void {
  const minutes = maxSkewMs / 60_000;
  const signedText = formatTimestamp(signed);
  const nowSeconds = new Date(Math.floor(now.getTime() / 1000) * 1000);
  if (signed.getTime() < now.getTime() - maxSkewMs) {
    throw signatureExpired(
      signedText,
      formatTimestamp(new Date(nowSeconds.getTime() - maxSkewMs)),
      formatTimestamp(nowSeconds),
      minutes,
    );
  }
  if (signed.getTime() > now.getTime() + maxSkewMs) {
    throw signatureNotYetCurrent(
      signedText,
      formatTimestamp(new Date(nowSeconds.getTime() + maxSkewMs)),
      formatTimestamp(nowSeconds),
      minutes,
    );
  }
}
