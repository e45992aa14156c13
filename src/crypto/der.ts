/** The few DER (X.690) encodings the crypto tables build: a tagged value and a SubjectPublicKeyInfo. */

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Tag, definite length, content. */
export function der(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/**
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): `algorithm` is the whole DER AlgorithmIdentifier, the
 * key goes in a BIT STRING with no unused bits.
 */
export function subjectPublicKeyInfo(algorithm: Buffer, publicKey: Uint8Array): Buffer {
  return der(0x30, Buffer.concat([algorithm, der(0x03, Buffer.concat([Buffer.from([0]), publicKey]))]));
}
