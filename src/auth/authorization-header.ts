/**
 * Parsing of the SigV4 `Authorization` header and the credential scope, checked in the order AWS
 * checks them (dynalite's notes from probing AWS; AWS General Reference, "Signature Version 4
 * signing process"). Pure functions: they see strings, never a request.
 */
import type { RegionSet } from '../domain/index.js';
import {
  badCredentialScope,
  credentialNotFiveElements,
  incompleteAuthorization,
  missingAuthenticationToken,
  notKeyValuePair,
  scopeProblem,
  unsupportedAlgorithm,
  type MissingPart,
} from './messages.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const SCOPE_TERMINATOR = 'aws4_request';

export interface AuthorizationFields {
  /** The first word of the header, e.g. `AWS4-HMAC-SHA256` (not yet checked). */
  algorithm: string;
  credential: string;
  /** Lowercased header names, in the order the client listed them. May be empty. */
  signedHeaders: string[];
  signature: string;
}

/**
 * Splits the header into its fields. AWS separates elements by commas or spaces, lets a later
 * element override an earlier one, treats an empty Credential or Signature as missing, and accepts
 * an empty SignedHeaders here (it fails the Host check later). `hasDate` says whether the request
 * carried X-Amz-Date or Date, whose absence AWS reports together with missing fields.
 */
export function parseAuthorizationHeader(header: string, hasDate: boolean): AuthorizationFields {
  const trimmed = header.trim();
  // Anything that is not an AWS4 scheme counts as no credentials at all.
  if (!trimmed.startsWith('AWS4-')) throw missingAuthenticationToken();

  const [algorithm = '', ...elements] = trimmed.split(/[,\s]/).filter((s) => s.length > 0);
  const fields = new Map<string, string>();
  for (const element of elements) {
    const eq = element.indexOf('=');
    if (eq < 0) throw notKeyValuePair(element, header);
    fields.set(element.slice(0, eq), element.slice(eq + 1));
  }

  const credential = fields.get('Credential');
  const signature = fields.get('Signature');
  const signedHeaders = fields.get('SignedHeaders');
  const missing: MissingPart[] = [];
  if (!credential) missing.push('Credential');
  if (!signature) missing.push('Signature');
  if (signedHeaders === undefined) missing.push('SignedHeaders');
  if (!hasDate) missing.push('Date');
  if (missing.length > 0 || !credential || !signature || signedHeaders === undefined) {
    throw incompleteAuthorization(missing, header);
  }

  return {
    algorithm,
    credential,
    signature,
    signedHeaders: signedHeaders === '' ? [] : signedHeaders.split(';').map((h) => h.toLowerCase()),
  };
}

export function checkAlgorithm(algorithm: string): void {
  if (algorithm !== SIGV4_ALGORITHM) throw unsupportedAlgorithm(algorithm);
}

export interface CredentialScope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
  terminator: string;
}

/** `AKID/YYYYMMDD/region/service/aws4_request`; AWS ignores trailing slashes. */
export function parseCredential(credential: string): CredentialScope {
  const parts = credential.replace(/\/+$/, '').split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (
    parts.length !== 5 ||
    accessKeyId === undefined ||
    date === undefined ||
    region === undefined ||
    service === undefined ||
    terminator === undefined
  ) {
    throw credentialNotFiveElements(credential);
  }
  return { accessKeyId, date, region, service, terminator };
}

/** Checks region, service, terminator and date together and reports every problem at once. */
export function checkScope(
  scope: CredentialScope,
  expectedService: string,
  timestamp: string,
  regions: RegionSet,
): void {
  const problems: string[] = [];
  if (!regions.has(scope.region)) problems.push(scopeProblem.region(scope.region));
  if (scope.service !== expectedService) problems.push(scopeProblem.service(expectedService));
  if (scope.terminator !== SCOPE_TERMINATOR) problems.push(scopeProblem.terminator(scope.terminator));
  // AWS General Reference, "Handling dates in Signature Version 4": the scope date must be the
  // date of the request's timestamp, even when they are seconds apart across midnight.
  if (scope.date !== timestamp.slice(0, 8)) problems.push(scopeProblem.date(scope.date, timestamp));
  if (problems.length > 0) throw badCredentialScope(problems);
}
