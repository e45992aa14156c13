/**
 * Parameter labels (Systems Manager User Guide, "Working with parameter labels"): a label names
 * one version of a parameter at a time, so attaching it to a version moves it from the version
 * that had it; a version holds at most 10 labels. A label of up to 100 letters, digits, `.`, `-`
 * and `_` that does not begin with a digit, `aws` or `ssm` (in any case); AWS attaches none of the
 * labels it refuses and lists them in InvalidLabels rather than failing the call.
 */
import { KmsError } from '../../domain/index.js';
import type { ParameterVersionRecord } from '../../storage/parameter-types.js';

/** "A version of a parameter can have a maximum of 10 labels." */
export const MAX_LABELS_PER_VERSION = 10;
/** "A label can have a maximum of 100 characters." (the model's ParameterLabel constraint) */
export const MAX_LABEL_LENGTH = 100;

/** A label AWS refuses, answered in InvalidLabels. */
export function isInvalidLabel(label: string): boolean {
  return (
    label.length === 0 ||
    label.length > MAX_LABEL_LENGTH ||
    /^(aws|ssm)/i.test(label) ||
    /^[0-9]/.test(label) ||
    !/^[a-zA-Z0-9_.-]+$/.test(label)
  );
}

export const labelLimitExceeded = (): KmsError =>
  new KmsError(
    'ParameterVersionLabelLimitExceeded',
    'A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.',
  );

export interface Labelled<V> {
  versions: V[];
  /** The labels refused, in the order given. */
  invalid: string[];
}

/**
 * LabelParameterVersion: `labels` attached to version `number` (which must exist), moved off any
 * other version; refused labels left out and returned. Over 10 on the version is
 * ParameterVersionLabelLimitExceeded, and nothing changes.
 */
export function attachLabels<V extends Pick<ParameterVersionRecord, 'version' | 'labels'>>(
  versions: readonly V[],
  number: number,
  labels: readonly string[],
): Labelled<V> {
  const invalid = labels.filter(isInvalidLabel);
  const valid = [...new Set(labels.filter((l) => !isInvalidLabel(l)))];
  const target = versions.find((v) => v.version === number);
  if (!target) throw new Error(`attachLabels: no version ${number}`);
  const merged = [...target.labels, ...valid.filter((l) => !target.labels.includes(l))];
  if (merged.length > MAX_LABELS_PER_VERSION) throw labelLimitExceeded();
  return {
    versions: versions.map((v) =>
      v.version === number ? { ...v, labels: merged } : { ...v, labels: v.labels.filter((l) => !valid.includes(l)) },
    ),
    invalid,
  };
}

export interface Unlabelled<V> {
  versions: V[];
  removed: string[];
  /** Labels the version did not carry (or refused ones), in the order given. */
  invalid: string[];
}

/** UnlabelParameterVersion: the labels of version `number` removed; those it does not carry are invalid. */
export function detachLabels<V extends Pick<ParameterVersionRecord, 'version' | 'labels'>>(
  versions: readonly V[],
  number: number,
  labels: readonly string[],
): Unlabelled<V> {
  const target = versions.find((v) => v.version === number);
  if (!target) throw new Error(`detachLabels: no version ${number}`);
  const unique = [...new Set(labels)];
  const removed = unique.filter((l) => target.labels.includes(l));
  const invalid = unique.filter((l) => !target.labels.includes(l));
  return {
    versions: versions.map((v) =>
      v.version === number ? { ...v, labels: v.labels.filter((l) => !removed.includes(l)) } : v,
    ),
    removed,
    invalid,
  };
}
