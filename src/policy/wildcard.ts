/**
 * IAM wildcard matching (`*` any run of characters, possibly empty; `?` exactly one character), as
 * Action, Resource, Principal and the StringLike/ArnLike condition operators use it, without any
 * regular expression built from user data and in time linear in the pattern and the value.
 *
 * The pattern is split at each `*` into segments of fixed length. The first segment must match at
 * the start of the value and the last at its end; every segment in between is found at its
 * leftmost position after the previous one. Leftmost is always right: a segment has a fixed length,
 * so its leftmost match also ends earliest and leaves the most room for the segments after it.
 * Each character of the value is therefore examined by one segment search only:
 *
 * - a segment without `?` is found with Knuth–Morris–Pratt, O(value + segment);
 * - a segment with `?` is found with the bit-parallel Shift-And algorithm (Baeza-Yates and Gonnet),
 *   ⌈segment / 32⌉ word operations per character: linear for segments of up to 32 characters, and
 *   never worse than value × segment / 32 for longer ones.
 *
 * Characters are UTF-16 code units. With `ignoreCase`, both sides are lowercased first (IAM action
 * names are ASCII; IgnoreCase condition operators fold the same way).
 */

/** Counts elementary steps, so tests can bound the work of a match without timing it. */
export interface WorkMeter {
  steps: number;
}

const STAR = '*';
const ANY = '?';

export function wildcardMatch(pattern: string, value: string, ignoreCase = false, meter?: WorkMeter): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const segments = p.split(STAR);
  const m = meter ?? { steps: 0 };
  m.steps += p.length;

  if (segments.length === 1) return v.length === p.length && matchesAt(p, v, 0, m);

  const first = segments[0] as string;
  const last = segments[segments.length - 1] as string;
  if (first.length + last.length > v.length) return false;
  if (!matchesAt(first, v, 0, m)) return false;
  const end = v.length - last.length;
  if (!matchesAt(last, v, end, m)) return false;

  let from = first.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const segment = segments[i] as string;
    if (segment.length === 0) continue;
    const at = segment.includes(ANY) ? shiftAndSearch(segment, v, from, end, m) : kmpSearch(segment, v, from, end, m);
    if (at < 0) return false;
    from = at + segment.length;
  }
  return true;
}

/** `segment` (which may hold `?`) matches `value` at `offset` exactly. */
function matchesAt(segment: string, value: string, offset: number, m: WorkMeter): boolean {
  m.steps += segment.length;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c !== 0x3f /* ? */ && c !== value.charCodeAt(offset + i)) return false;
  }
  return true;
}

/** Leftmost start of `segment` (no `?`) in `value[from, end)`, or -1. */
function kmpSearch(segment: string, value: string, from: number, end: number, m: WorkMeter): number {
  const n = segment.length;
  const failure = new Int32Array(n);
  for (let i = 1, k = 0; i < n; i++) {
    while (k > 0 && segment.charCodeAt(i) !== segment.charCodeAt(k)) {
      k = failure[k - 1] as number;
      m.steps++;
    }
    if (segment.charCodeAt(i) === segment.charCodeAt(k)) k++;
    failure[i] = k;
    m.steps++;
  }
  for (let i = from, k = 0; i < end; i++) {
    while (k > 0 && value.charCodeAt(i) !== segment.charCodeAt(k)) {
      k = failure[k - 1] as number;
      m.steps++;
    }
    if (value.charCodeAt(i) === segment.charCodeAt(k)) k++;
    m.steps++;
    if (k === n) return i - n + 1;
  }
  return -1;
}

/** Leftmost start of `segment` (with `?` matching any character) in `value[from, end)`, or -1. */
function shiftAndSearch(segment: string, value: string, from: number, end: number, m: WorkMeter): number {
  const n = segment.length;
  const words = Math.ceil(n / 32);
  // Bit j of a mask is set when pattern position j accepts the character.
  const anyMask = new Uint32Array(words);
  for (let j = 0; j < n; j++) if (segment[j] === ANY) setBit(anyMask, j);
  const masks = new Map<number, Uint32Array>();
  for (let j = 0; j < n; j++) {
    const c = segment.charCodeAt(j);
    if (segment[j] === ANY) continue;
    let mask = masks.get(c);
    if (!mask) masks.set(c, (mask = anyMask.slice()));
    setBit(mask, j);
  }
  m.steps += n * words;

  const lastWord = words - 1;
  const lastBit = 1 << ((n - 1) % 32);
  const state = new Uint32Array(words);
  for (let i = from; i < end; i++) {
    const mask = masks.get(value.charCodeAt(i)) ?? anyMask;
    // state = ((state << 1) | 1) & mask, across words.
    let carry = 1;
    for (let w = 0; w < words; w++) {
      const word = state[w] as number;
      state[w] = (((word << 1) | carry) & (mask[w] as number)) >>> 0;
      carry = word >>> 31;
    }
    m.steps += words;
    if (((state[lastWord] as number) & lastBit) !== 0) return i - n + 1;
  }
  return -1;
}

function setBit(words: Uint32Array, bit: number): void {
  const w = bit >>> 5;
  words[w] = ((words[w] as number) | (1 << (bit & 31))) >>> 0;
}
