/**
 * The text forms that name HSMs, parsed without loading the PKCS#11 binding (config/ checks them
 * at start):
 *
 *   root key:    pkcs11:<module-path>:<token-label>
 *   HSM cluster: <cluster-id>=<module-path>:<token-label>[,<token-label>...]:<trust-anchor-pem-path>
 *
 * A cluster id has AWS's form, `cluster-` and 11 to 16 letters and the digits 2 to 7
 * (CloudHsmClusterIdType).
 * Paths and labels may not contain `:`; labels may not contain `,`; a label is at most 32 bytes
 * (CK_TOKEN_INFO.label).
 */

export const PKCS11_PREFIX = 'pkcs11:';
/** CloudHsmClusterIdType's pattern in the KMS model: base32 letters and digits (no 0, 1, 8, 9). */
export const CLUSTER_ID_PATTERN = /^cluster-[2-7a-zA-Z]{11,16}$/;
const LABEL_BYTES = 32;

export interface Pkcs11RootKeySpec {
  modulePath: string;
  tokenLabel: string;
}

export interface HsmClusterSpec {
  clusterId: string;
  modulePath: string;
  /** One token label per HSM, in the order given, distinct. */
  tokenLabels: string[];
  trustAnchorPath: string;
}

export type SpecResult<T> = { ok: true; value: T } | { ok: false; problem: string };

function checkLabel(label: string): string | undefined {
  if (label === '') return 'a token label is empty';
  if (label !== label.trim()) return `token label "${label}" has leading or trailing spaces`;
  if (Buffer.byteLength(label, 'utf8') > LABEL_BYTES) return `token label ${label} is longer than 32 bytes`;
  return undefined;
}

export function parseRootKeySpec(text: string): SpecResult<Pkcs11RootKeySpec> {
  if (!text.startsWith(PKCS11_PREFIX)) return { ok: false, problem: 'does not start with pkcs11:' };
  const parts = text.slice(PKCS11_PREFIX.length).split(':');
  if (parts.length !== 2) {
    return { ok: false, problem: 'must be pkcs11:<module-path>:<token-label> (no : in the path or the label)' };
  }
  const [modulePath, tokenLabel] = parts as [string, string];
  if (modulePath === '') return { ok: false, problem: 'the PKCS#11 module path is empty' };
  const labelProblem = checkLabel(tokenLabel);
  if (labelProblem) return { ok: false, problem: labelProblem };
  return { ok: true, value: { modulePath, tokenLabel } };
}

export function parseClusterSpec(text: string): SpecResult<HsmClusterSpec> {
  const eq = text.indexOf('=');
  const form = '<cluster-id>=<module-path>:<token-label>[,<token-label>...]:<trust-anchor-pem-path>';
  if (eq < 0) return { ok: false, problem: `must be ${form}` };
  const clusterId = text.slice(0, eq).trim();
  if (!CLUSTER_ID_PATTERN.test(clusterId)) {
    return {
      ok: false,
      problem: `cluster id ${clusterId} must be cluster- followed by 11 to 16 letters and digits 2 to 7 (e.g. cluster-2a23b4cdefg)`,
    };
  }
  const parts = text.slice(eq + 1).split(':');
  if (parts.length !== 3) {
    return { ok: false, problem: `${clusterId}: must be ${form} (no : in paths or labels)` };
  }
  const [modulePath, labels, trustAnchorPath] = parts as [string, string, string];
  if (modulePath.trim() === '') return { ok: false, problem: `${clusterId}: the PKCS#11 module path is empty` };
  if (trustAnchorPath.trim() === '') {
    return { ok: false, problem: `${clusterId}: the trust anchor certificate path is empty` };
  }
  const tokenLabels = labels.split(',');
  for (const label of tokenLabels) {
    const problem = checkLabel(label);
    if (problem) return { ok: false, problem: `${clusterId}: ${problem}` };
  }
  const duplicate = tokenLabels.find((l, i) => tokenLabels.indexOf(l) !== i);
  if (duplicate !== undefined) return { ok: false, problem: `${clusterId}: token label ${duplicate} is given twice` };
  return { ok: true, value: { clusterId, modulePath, tokenLabels, trustAnchorPath } };
}

export function formatClusterSpec(spec: HsmClusterSpec): string {
  return `${spec.clusterId}=${spec.modulePath}:${spec.tokenLabels.join(',')}:${spec.trustAnchorPath}`;
}
