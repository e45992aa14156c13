/**
 * Robustness of the wire front against client garbage: about three thousand generated malformed
 * requests (fast-check, fixed seed) go to a real server over loopback with node:http, most of them
 * correctly SigV4-signed so that they get past authentication and exercise routing, decoding and
 * validation. Every answer must be an AWS-shaped error (or a 200 with JSON), never a 500, never
 * echo a blob, and the server must keep serving afterwards.
 */
import { DecryptCommand, EncryptCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import fc from 'fast-check';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COMMON_ERRORS,
  MODEL_ERRORS,
  OPERATIONS,
  SCHEMA,
  type OperationName,
  type ShapeName,
  type ShapeType,
} from '../src/model/index.js';
import type { Logger } from '../src/services/kms/index.js';
import pkg from '../package.json' with { type: 'json' };
import { startTestServer, type TestServer } from './helpers/server.js';
import { kmsHeaders, kmsSigner, sendRaw, signRequest, type RawHttpResponse } from './helpers/sign.js';

const SEED = 20261128;
const MAX_BODY = 1024 * 1024;
const KNOWN_ERRORS = new Set([...Object.keys(MODEL_ERRORS), ...Object.keys(COMMON_ERRORS)]);
const AUTH_ERRORS = [
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
];
/** AWS's answer to a signature that does not match (src/auth/messages.ts cites where it was seen). */
const SIGNATURE_MISMATCH =
  /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.$/;
/** Marks blob contents; no response may contain it. */
const CANARY = 'Tr3ntCanaryBlob';

interface Case {
  kind: string;
  /** Short description for failure reports (never the whole body). */
  label: string;
  method?: string;
  path?: string;
  /** Operation for X-Amz-Target; null leaves the header out. */
  target: OperationName | null;
  /** Header changes before signing (undefined removes the header). */
  headers?: Record<string, string | undefined>;
  body: Buffer;
  /** Sent instead of `body`, which is still what gets signed. */
  sentBody?: Buffer;
  /** 'sign' (default); 'none' sends no Authorization; a function rewrites the signed headers. */
  auth?: 'sign' | 'none' | ((signed: Record<string, string>) => Record<string, string | undefined>);
  signingDate?: Date;
  chunked?: boolean;
  expect?: { status?: number; type?: string | readonly string[]; message?: string | RegExp };
  /** Strings that must not appear in the response. */
  secrets?: readonly string[];
}

const sample = <T>(arb: fc.Arbitrary<T>, numRuns: number, offset: number): T[] =>
  fc.sample(arb, { seed: SEED + offset, numRuns });

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');

// ---------------------------------------------------------------------------------------------
// Generators. `fixture` holds ids made in beforeAll so that some cases are otherwise valid.

interface Fixture {
  keyId: string;
  ciphertext: string;
}

/** Requests that succeed; mutations start from these. */
function baselines(f: Fixture): Array<{ op: OperationName; input: Record<string, unknown> }> {
  return [
    { op: 'ListKeys', input: {} },
    { op: 'ListKeys', input: { Limit: 5 } },
    { op: 'GenerateRandom', input: { NumberOfBytes: 16 } },
    { op: 'DescribeKey', input: { KeyId: f.keyId } },
    { op: 'Encrypt', input: { KeyId: f.keyId, Plaintext: Buffer.from(`${CANARY} plaintext`).toString('base64') } },
    { op: 'Encrypt', input: { KeyId: f.keyId, Plaintext: 'AAEC', EncryptionContext: { purpose: 'test', n: '1' } } },
    { op: 'GenerateDataKey', input: { KeyId: f.keyId, KeySpec: 'AES_256' } },
    { op: 'ListAliases', input: { KeyId: f.keyId } },
    { op: 'GetKeyRotationStatus', input: { KeyId: f.keyId } },
  ];
}

type JsonKind = 'string' | 'number' | 'boolean' | 'list' | 'object';
const ACCEPTED: Record<ShapeType, readonly JsonKind[]> = {
  structure: ['object'],
  map: ['object'],
  list: ['list'],
  string: ['string'],
  blob: ['string'],
  integer: ['number'],
  long: ['number'],
  timestamp: ['number'],
  boolean: ['boolean'],
};
const KINDS: readonly JsonKind[] = ['string', 'number', 'boolean', 'list', 'object'];
const valueOfKind: Record<JsonKind, fc.Arbitrary<unknown>> = {
  string: fc.string({ unit: 'binary', maxLength: 12 }),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  boolean: fc.boolean(),
  list: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
};

/** Operations whose every member (and nested member, three levels down) gets every wrong JSON type. */
const TYPED_OPS: readonly OperationName[] = [
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateRandom',
  'CreateKey',
  'CreateAlias',
  'ListAliases',
  'PutKeyPolicy',
  'TagResource',
  'ScheduleKeyDeletion',
  'CreateGrant',
];

interface Site {
  op: OperationName;
  path: string;
  shape: ShapeName;
  wrap: (v: unknown) => unknown;
}

function memberSites(op: OperationName): Site[] {
  const out: Site[] = [];
  const visit = (shape: ShapeName, path: string, wrap: (v: unknown) => unknown, depth: number): void => {
    out.push({ op, path, shape, wrap });
    if (depth >= 3) return;
    const s = SCHEMA[shape];
    if (s.type === 'structure') {
      for (const [m, ms] of Object.entries(s.members ?? {})) {
        visit(ms as ShapeName, `${path}.${m}`, (v) => wrap({ [m]: v }), depth + 1);
      }
    } else if (s.type === 'list') {
      visit(s.member as ShapeName, `${path}[0]`, (v) => wrap([v]), depth + 1);
    } else if (s.type === 'map') {
      visit(s.value as ShapeName, `${path}{k}`, (v) => wrap({ k: v }), depth + 1);
    }
  };
  const input = SCHEMA[OPERATIONS[op].input as ShapeName];
  for (const [m, ms] of Object.entries(input.members ?? {})) visit(ms as ShapeName, m, (v) => ({ [m]: v }), 1);
  return out;
}

function wrongTypeCases(): Case[] {
  const cases: Case[] = [];
  let offset = 100;
  for (const op of TYPED_OPS) {
    for (const site of memberSites(op)) {
      const wrongKinds = KINDS.filter((k) => !ACCEPTED[SCHEMA[site.shape].type].includes(k));
      for (const kind of wrongKinds) {
        const [value] = sample(valueOfKind[kind], 1, offset++);
        cases.push({
          kind: 'wrong-type',
          label: `${op} ${site.path} <- ${kind}`,
          target: op,
          body: json(site.wrap(value)),
          expect: { status: 400, type: 'SerializationException' },
        });
      }
    }
  }
  // null inside lists and maps is refused; null for a member means absent.
  cases.push(
    {
      kind: 'wrong-type',
      label: 'null list element',
      target: 'Encrypt',
      body: json({ GrantTokens: [null] }),
      expect: { type: 'SerializationException', message: "Null value at 'grantTokens.1.member' is not allowed" },
    },
    {
      kind: 'wrong-type',
      label: 'null map value',
      target: 'Encrypt',
      body: json({ EncryptionContext: { a: null } }),
      expect: { type: 'SerializationException', message: "Null value at 'encryptionContext.a.member' is not allowed" },
    },
    {
      kind: 'wrong-type',
      label: 'top-level list',
      target: 'ListKeys',
      body: json([]),
      expect: { type: 'SerializationException' },
    },
    {
      kind: 'wrong-type',
      label: 'top-level number',
      target: 'ListKeys',
      body: json(1),
      expect: { type: 'SerializationException' },
    },
    {
      kind: 'wrong-type',
      label: 'top-level string',
      target: 'ListKeys',
      body: json('x'),
      expect: { type: 'SerializationException' },
    },
    {
      kind: 'wrong-type',
      label: 'top-level true',
      target: 'ListKeys',
      body: json(true),
      expect: { type: 'SerializationException' },
    },
  );
  return cases;
}

const unknownMemberName = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'keyId', 'KEYID', 'Keyid', 'hasOwnProperty', ''),
  fc.string({ unit: 'binary', maxLength: 10 }),
);

function unknownAndMissingCases(f: Fixture): Case[] {
  const cases: Case[] = [];
  const base = baselines(f);
  // Unknown members are ignored: an otherwise valid request still succeeds.
  const extras = sample(
    fc.tuple(
      fc.nat(base.length - 1),
      fc.dictionary(unknownMemberName, fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 4 }),
    ),
    250,
    1,
  );
  for (const [i, extra] of extras) {
    const b = base[i]!;
    const input: Record<string, unknown> = { ...b.input };
    const known = new Set(Object.keys(SCHEMA[OPERATIONS[b.op].input as ShapeName].members ?? {}));
    for (const [k, v] of Object.entries(extra)) {
      if (known.has(k)) continue;
      Object.defineProperty(input, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    cases.push({
      kind: 'unknown-member',
      label: `${b.op} + ${JSON.stringify(Object.keys(extra))}`,
      target: b.op,
      body: json(input),
      expect: { status: 200 },
    });
  }
  // A member smuggled under __proto__ is not a member.
  cases.push({
    kind: 'unknown-member',
    label: 'Plaintext under __proto__',
    target: 'Encrypt',
    body: Buffer.from(
      `{"KeyId":${JSON.stringify(f.keyId)},"__proto__":{"Plaintext":"${Buffer.from(CANARY).toString('base64')}"}}`,
    ),
    expect: {
      type: 'ValidationException',
      message: /Value null at 'plaintext' failed to satisfy constraint: Member must not be null/,
    },
    secrets: [CANARY, Buffer.from(CANARY).toString('base64')],
  });
  // Missing required members: every one is reported, in AWS's wording.
  let offset = 300;
  for (const op of Object.keys(OPERATIONS) as OperationName[]) {
    const required = SCHEMA[OPERATIONS[op].input as ShapeName].required ?? [];
    if (required.length === 0) continue;
    const [junk] = sample(
      fc.dictionary(
        fc.string({ minLength: 1, maxLength: 6 }).map((s) => `x${s}`),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 3 },
      ),
      1,
      offset++,
    );
    const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
    const first = required[0]!;
    cases.push({
      kind: 'missing-member',
      label: `${op} without ${required.join(', ')}`,
      target: op,
      body: json(junk),
      expect: {
        type: 'ValidationException',
        message: `Value null at '${lower(first)}' failed to satisfy constraint: Member must not be null`,
      },
    });
  }
  return cases;
}

function brokenJsonCases(f: Fixture): Case[] {
  const base = baselines(f);
  const mutation = fc.oneof(
    fc.record({ how: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      how: fc.constant('insert' as const),
      at: fc.nat(),
      ch: fc.constantFrom(
        '{',
        '}',
        '[',
        ']',
        ',',
        ':',
        '"',
        '\\',
        'x',
        ' ',
        '\u0000',
        '\u001f',
        "'",
        'NaN',
        'undefined',
        '//',
        '/*',
      ),
    }),
    fc.record({ how: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ how: fc.constant('garbage' as const), text: fc.string({ unit: 'binary', maxLength: 60 }) }),
    fc.record({ how: fc.constant('dup' as const), at: fc.nat() }),
  );
  return sample(fc.tuple(fc.nat(base.length - 1), mutation), 400, 2).map(([i, m]) => {
    const b = base[i]!;
    const text = JSON.stringify(b.input);
    let out: string;
    switch (m.how) {
      case 'truncate':
        out = text.slice(0, m.at % text.length);
        break;
      case 'insert': {
        const at = m.at % (text.length + 1);
        out = text.slice(0, at) + m.ch + text.slice(at);
        break;
      }
      case 'delete': {
        const at = m.at % text.length;
        out = text.slice(0, at) + text.slice(at + 1);
        break;
      }
      case 'dup':
        out = text + text.slice(0, m.at % text.length);
        break;
      case 'garbage':
        out = m.text;
    }
    let invalid = false;
    try {
      JSON.parse(out);
    } catch {
      invalid = out.trim() !== '';
    }
    return {
      kind: 'broken-json',
      label: `${b.op} ${m.how}: ${JSON.stringify(out.slice(0, 80))}`,
      target: b.op,
      body: Buffer.from(out, 'utf8'),
      ...(invalid ? { expect: { status: 400, type: 'SerializationException' } } : {}),
    };
  });
}

const STRICT_BASE64 = (s: string) =>
  s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s) && Buffer.from(s, 'base64').toString('base64') === s;

function badBase64Cases(f: Fixture): Case[] {
  const targets: Array<{ op: OperationName; member: string; path: string; input: Record<string, unknown> }> = [
    { op: 'Encrypt', member: 'Plaintext', path: 'plaintext', input: { KeyId: f.keyId } },
    { op: 'Decrypt', member: 'CiphertextBlob', path: 'ciphertextBlob', input: {} },
    { op: 'ReEncrypt', member: 'CiphertextBlob', path: 'ciphertextBlob', input: { DestinationKeyId: f.keyId } },
    { op: 'GenerateMac', member: 'Message', path: 'message', input: { KeyId: f.keyId, MacAlgorithm: 'HMAC_SHA_256' } },
  ];
  const blob = fc
    .uint8Array({ minLength: 0, maxLength: 40 })
    .map((b) => Buffer.concat([Buffer.from(CANARY), Buffer.from(b)]));
  const mutation = fc.oneof(
    fc.record({ how: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({
      how: fc.constant('replace' as const),
      at: fc.nat(),
      ch: fc.constantFrom('!', '-', '_', ' ', '\n', 'é', '=', '.', '\u0000', '\ud800', '€'),
    }),
    fc.record({ how: fc.constant('last' as const), delta: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ how: fc.constant('pad' as const), pad: fc.constantFrom('=', '==', '===', '====') }),
    fc.record({ how: fc.constant('urlsafe' as const) }),
    fc.record({ how: fc.constant('whitespace' as const), at: fc.nat() }),
  );
  const cases: Case[] = [];
  for (const [t, bytes, m] of sample(fc.tuple(fc.constantFrom(...targets), blob, mutation), 300, 3)) {
    const good = bytes.toString('base64');
    let bad: string;
    switch (m.how) {
      case 'drop': {
        const at = m.at % good.length;
        bad = good.slice(0, at) + good.slice(at + 1);
        break;
      }
      case 'replace': {
        const at = m.at % good.length;
        bad = good.slice(0, at) + m.ch + good.slice(at + 1);
        break;
      }
      case 'last': {
        // change the last non-pad character within its 6-bit group so the unused bits are set
        const body = good.replace(/=+$/, '');
        const pad = good.slice(body.length);
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
        const idx = alphabet.indexOf(body.at(-1)!);
        bad = body.slice(0, -1) + alphabet[(idx + m.delta) % 64] + pad;
        break;
      }
      case 'pad':
        bad = good + m.pad;
        break;
      case 'urlsafe':
        bad = (good.replace(/\+/g, '-').replace(/\//g, '_') + '-_').replace(/=+$/, '');
        break;
      case 'whitespace': {
        const at = m.at % good.length;
        bad = `${good.slice(0, at)}\r\n${good.slice(at)}`;
      }
    }
    const invalid = !STRICT_BASE64(bad);
    cases.push({
      kind: 'bad-base64',
      label: `${t.op} ${t.member} ${m.how}`,
      target: t.op,
      body: json({ ...t.input, [t.member]: bad }),
      ...(invalid
        ? {
            expect: {
              status: 400,
              type: 'SerializationException',
              message: `Value at '${t.path}' can not be converted to a Blob`,
            },
          }
        : {}),
      secrets: [CANARY, bad, good],
    });
  }
  // Well-formed blobs that the operation then refuses: the refusal must not echo them either.
  const refused = sample(
    fc.tuple(blob, fc.constantFrom('nokey', 'toolong', 'garbage-ciphertext', 'reencrypt')),
    100,
    4,
  );
  for (const [bytes, how] of refused) {
    const b64 = bytes.toString('base64');
    const c: Case =
      how === 'nokey'
        ? {
            kind: 'blob-echo',
            label: 'Encrypt to missing alias',
            target: 'Encrypt',
            body: json({ KeyId: 'alias/missing', Plaintext: b64 }),
            expect: { type: 'NotFoundException' },
          }
        : how === 'toolong'
          ? {
              kind: 'blob-echo',
              label: 'Encrypt 4097 bytes',
              target: 'Encrypt',
              body: json({
                KeyId: f.keyId,
                Plaintext: Buffer.concat([bytes, Buffer.alloc(4097, CANARY)]).toString('base64'),
              }),
              expect: { type: 'ValidationException' },
            }
          : how === 'garbage-ciphertext'
            ? {
                kind: 'blob-echo',
                label: 'Decrypt garbage',
                target: 'Decrypt',
                body: json({ CiphertextBlob: b64 }),
                expect: { type: 'InvalidCiphertextException' },
              }
            : {
                kind: 'blob-echo',
                label: 'ReEncrypt garbage',
                target: 'ReEncrypt',
                body: json({ CiphertextBlob: b64, DestinationKeyId: f.keyId }),
                expect: { type: 'InvalidCiphertextException' },
              };
    cases.push({ ...c, secrets: [CANARY, b64] });
  }
  return cases;
}

function oversizedCases(f: Fixture): Case[] {
  const tooBig = {
    status: 413,
    type: 'SerializationException',
    message: `Request body exceeds the maximum size of ${MAX_BODY} bytes`,
  };
  const bigPlaintext = (n: number) => {
    const raw = Buffer.alloc(n, `${CANARY} `);
    return json({ KeyId: f.keyId, Plaintext: raw.toString('base64') });
  };
  const cases: Case[] = sample(fc.integer({ min: MAX_BODY + 1, max: 3 * MAX_BODY }), 6, 5).map((n, i) => ({
    kind: 'oversized',
    label: `${n} bytes${i % 2 ? ', chunked' : ''}`,
    target: 'Encrypt',
    body: Buffer.concat([bigPlaintext(Math.ceil((n * 3) / 4)).subarray(0, n - 1), Buffer.from('}')]),
    chunked: i % 2 === 1,
    expect: tooBig,
    secrets: [CANARY],
  }));
  cases.push(
    {
      kind: 'oversized',
      label: 'exactly 1 MiB + 1 of spaces',
      target: 'ListKeys',
      body: Buffer.concat([Buffer.from('{}'), Buffer.alloc(MAX_BODY - 1, ' ')]),
      expect: tooBig,
    },
    {
      kind: 'oversized',
      label: 'exactly 1 MiB (accepted)',
      target: 'ListKeys',
      body: Buffer.concat([Buffer.from('{}'), Buffer.alloc(MAX_BODY - 2, ' ')]),
      expect: { status: 200 },
    },
    {
      kind: 'oversized',
      label: 'unsigned 2 MiB',
      target: 'ListKeys',
      auth: 'none',
      body: Buffer.alloc(2 * MAX_BODY, '{'),
      expect: tooBig,
    },
    {
      kind: 'oversized',
      label: 'GET with 2 MiB body',
      method: 'GET',
      target: 'ListKeys',
      body: Buffer.alloc(2 * MAX_BODY, 'a'),
      expect: tooBig,
    },
  );
  return cases;
}

function nestingCases(): Case[] {
  const tooDeep = { status: 400, type: 'SerializationException', message: 'Request body is nested too deeply' };
  const nest = (depth: number, open: string, close: string, inner = '1') =>
    open.repeat(depth) + inner + close.repeat(depth);
  const cases: Case[] = [];
  for (const [depth, useObject, where] of sample(
    fc.tuple(fc.integer({ min: 33, max: 5000 }), fc.boolean(), fc.constantFrom('top', 'unknown', 'member')),
    60,
    6,
  )) {
    const inner = useObject ? nest(depth - 1, '{"a":', '}') : nest(depth - 1, '[', ']');
    const body =
      where === 'top'
        ? `{"x":${inner}}`
        : where === 'unknown'
          ? `{"Unknown":${inner}}`
          : `{"EncryptionContext":${inner}}`;
    cases.push({
      kind: 'nesting',
      label: `depth ${depth} ${useObject ? 'objects' : 'arrays'} in ${where}`,
      target: 'ListKeys',
      body: Buffer.from(body),
      expect: tooDeep,
    });
  }
  cases.push({
    kind: 'nesting',
    label: 'depth 500000 arrays',
    target: 'ListKeys',
    body: Buffer.from(nest(500_000, '[', ']', '')),
    expect: tooDeep,
  });
  cases.push({
    kind: 'nesting',
    label: 'unbalanced closers then openers',
    target: 'ListKeys',
    body: Buffer.from(']'.repeat(100) + '['.repeat(100)),
    expect: { status: 400, type: 'SerializationException' },
  });
  // Brackets inside strings are not nesting: the depth check must skip strings and escapes.
  for (const [s, depth] of sample(
    fc.tuple(
      fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a'), maxLength: 80 }),
      fc.integer({ min: 0, max: 30 }),
    ),
    60,
    7,
  )) {
    const body = `{"Unknown":${'['.repeat(depth)}${JSON.stringify(s)}${']'.repeat(depth)},"Limit":10}`;
    cases.push({
      kind: 'nesting',
      label: `depth ${depth + 1} with brackets in a string ${JSON.stringify(s).slice(0, 40)}`,
      target: 'ListKeys',
      body: Buffer.from(body),
      expect: { status: 200 },
    });
  }
  return cases;
}

function numberCases(f: Fixture): Case[] {
  const literal = fc.oneof(
    fc.constantFrom(
      '1e400',
      '-1e400',
      '1e-400',
      '123456789012345678901234567890',
      '-0',
      '0.5',
      '1.9999999999999999',
      '1E2',
      '2147483647',
      '2147483648',
      '-2147483649',
      '9007199254740993',
      '9'.repeat(1000),
      `0.${'0'.repeat(1000)}1`,
      '1e2147483648',
    ),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }).map(String),
  );
  const members: Array<{ op: OperationName; member: string; rest: string }> = [
    { op: 'GenerateRandom', member: 'NumberOfBytes', rest: '' },
    { op: 'ListKeys', member: 'Limit', rest: '' },
    { op: 'ListAliases', member: 'Limit', rest: '' },
    { op: 'GenerateDataKey', member: 'NumberOfBytes', rest: `"KeyId":${JSON.stringify(f.keyId)},` },
    { op: 'ScheduleKeyDeletion', member: 'PendingWindowInDays', rest: '"KeyId":"alias/none",' },
    { op: 'EnableKeyRotation', member: 'RotationPeriodInDays', rest: '"KeyId":"alias/none",' },
  ];
  return sample(fc.tuple(fc.constantFrom(...members), literal), 200, 8).map(([m, n]) => {
    const value = Number(n);
    // Integers out of the 32-bit range, and infinities, cannot be converted.
    const outOfRange = !Number.isFinite(value) || Math.trunc(value) > 2147483647 || Math.trunc(value) < -2147483648;
    return {
      kind: 'number',
      label: `${m.op} ${m.member}=${n.slice(0, 40)}`,
      target: m.op,
      body: Buffer.from(`{${m.rest}"${m.member}":${n}}`),
      ...(outOfRange ? { expect: { status: 400, type: 'SerializationException' } } : {}),
    };
  });
}

function nonUtf8Cases(f: Fixture): Case[] {
  const base = baselines(f);
  const invalid = fc.oneof(
    fc.constantFrom(
      [0xff],
      [0xfe],
      [0xc0, 0x80],
      [0xc1, 0xbf],
      [0xed, 0xa0, 0x80],
      [0x80],
      [0xbf],
      [0xe2, 0x82],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xf0, 0x9f, 0x98],
    ),
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((a) => [...a, 0xff]),
  );
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const cases: Case[] = sample(fc.tuple(fc.nat(base.length - 1), invalid, fc.nat()), 200, 9).map(([i, bytes, at]) => {
    const b = base[i]!;
    const text = Buffer.from(JSON.stringify(b.input));
    // Insert inside the first string value when there is one, else anywhere.
    const quote = text.indexOf(':"');
    const pos = quote >= 0 ? quote + 2 : at % (text.length + 1);
    const body = Buffer.concat([text.subarray(0, pos), Buffer.from(bytes), text.subarray(pos)]);
    let bad = false;
    try {
      decoder.decode(body);
    } catch {
      bad = true;
    }
    return {
      kind: 'non-utf8',
      label: `${b.op} + bytes ${Buffer.from(bytes).toString('hex')} at ${pos}`,
      target: b.op,
      body,
      ...(bad
        ? { expect: { status: 400, type: 'SerializationException', message: 'Request body is not valid UTF-8' } }
        : {}),
    };
  });
  cases.push({
    kind: 'non-utf8',
    label: 'BOM then JSON',
    target: 'ListKeys',
    body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]),
  });
  cases.push({
    kind: 'non-utf8',
    label: 'UTF-16LE JSON',
    target: 'ListKeys',
    body: Buffer.from('{"Limit":5}', 'utf16le'),
    expect: { status: 400, type: 'SerializationException' },
  });
  return cases;
}

/**
 * Valid UTF-8 JSON carrying lone surrogates as \u escapes, in every kind of string member. Such a
 * string has no UTF-8 form, so whatever the server decides it is a client error, never a 500.
 */
function surrogateCases(f: Fixture): Case[] {
  const cases: Case[] = [];
  const lone = fc.constantFrom('\\ud800', '\\udfff', 'a\\ud83d', '\\ude00b', '\\u0000', '\\uffff', '\\ufeff');
  for (const [s, where] of sample(
    fc.tuple(lone, fc.constantFrom('keyId', 'alias', 'context-key', 'context-value', 'description', 'tag')),
    120,
    10,
  )) {
    const body =
      where === 'keyId'
        ? `{"KeyId":"${s}"}`
        : where === 'alias'
          ? `{"AliasName":"alias/${s}","TargetKeyId":${JSON.stringify(f.keyId)}}`
          : where === 'context-key'
            ? `{"KeyId":${JSON.stringify(f.keyId)},"Plaintext":"AAAA","EncryptionContext":{"${s}":"v"}}`
            : where === 'context-value'
              ? `{"KeyId":${JSON.stringify(f.keyId)},"Plaintext":"AAAA","EncryptionContext":{"k":"${s}"}}`
              : where === 'description'
                ? `{"KeyId":${JSON.stringify(f.keyId)},"Description":"${s}"}`
                : `{"KeyId":${JSON.stringify(f.keyId)},"Tags":[{"TagKey":"${s}","TagValue":"${s}"}]}`;
    const target: OperationName =
      where === 'keyId'
        ? 'DescribeKey'
        : where === 'alias'
          ? 'CreateAlias'
          : where === 'description'
            ? 'UpdateKeyDescription'
            : where === 'tag'
              ? 'TagResource'
              : 'Encrypt';
    // A lone surrogate has no UTF-8 form: refused in every string member (an encryption context is
    // bound into the ciphertext as UTF-8; anything stored would come back changed).
    const loneHalf = /\\ud[89a-f]/i.test(s);
    const inContext = where === 'context-key' || where === 'context-value';
    cases.push({
      kind: 'surrogates',
      label: `${target} ${where} ${s}`,
      target,
      body: Buffer.from(body),
      ...(loneHalf
        ? { expect: { status: 400, type: 'ValidationException' } }
        : inContext
          ? { expect: { status: 200 } }
          : {}),
    });
  }
  return cases;
}

function routingCases(): Case[] {
  // AWS sends UnknownOperationException with no message.
  const unknownOp = { status: 400, type: 'UnknownOperationException', message: /^$/ };
  const cases: Case[] = [];
  const badTargets = fc.oneof(
    fc.constantFrom(
      '',
      'TrentService',
      'TrentService.',
      'trentservice.ListKeys',
      'TRENTSERVICE.ListKeys',
      'TrentService.listKeys',
      'TrentService.ListKeys.Extra',
      'Other.ListKeys',
      '.ListKeys',
      'TrentService..ListKeys',
      'TrentService.__proto__',
      'TrentService.constructor',
      'TrentService.toString',
      'TrentService.hasOwnProperty',
      'TrentService.valueOf',
      'TrentService_20141101.ListKeys',
      'DynamoDB_20120810.ListTables',
      'TrentService.ListKeys\tX',
    ),
    fc
      .string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 })
      .filter((s) => !s.startsWith('TrentService.')),
    fc
      .string({
        unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 20,
      })
      .map((s) => `TrentService.${s}`)
      .filter((s) => !(s.slice(13) in OPERATIONS)),
  );
  for (const t of sample(badTargets, 150, 11)) {
    cases.push({
      kind: 'target',
      label: `X-Amz-Target ${JSON.stringify(t)}`,
      target: null,
      headers: { 'x-amz-target': t },
      body: Buffer.from('{}'),
      expect: unknownOp,
    });
  }
  cases.push({ kind: 'target', label: 'no X-Amz-Target', target: null, body: Buffer.from('{}'), expect: unknownOp });
  const badTypes = fc.oneof(
    fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-amz-json-1.0',
      'application/x-amz-json',
      'application/x-amz-json-1.11',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '*/*',
      'application/cbor',
      ';application/x-amz-json-1.1',
      'application/x-amz-json-1.1x',
    ),
    fc
      .string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 })
      .filter((s) => !s.toLowerCase().startsWith('application/x-amz-json-1.1')),
  );
  for (const ct of sample(badTypes, 80, 12)) {
    cases.push({
      kind: 'content-type',
      label: `Content-Type ${JSON.stringify(ct)}`,
      target: 'ListKeys',
      headers: { 'content-type': ct },
      body: Buffer.from('{}'),
      expect: unknownOp,
    });
  }
  cases.push({
    kind: 'content-type',
    label: 'no Content-Type',
    target: 'ListKeys',
    headers: { 'content-type': undefined },
    body: Buffer.from('{}'),
    expect: unknownOp,
  });
  for (const ct of [
    'application/x-amz-json-1.1; charset=utf-8',
    'APPLICATION/X-AMZ-JSON-1.1',
    'application/x-amz-json-1.1 ;q=1',
  ]) {
    cases.push({
      kind: 'content-type',
      label: `Content-Type ${ct} (accepted)`,
      target: 'ListKeys',
      headers: { 'content-type': ct },
      body: Buffer.from('{}'),
      expect: { status: 200 },
    });
  }
  // Methods other than POST are not the API, signed or not.
  for (const [method, signed] of sample(
    fc.tuple(fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'TRACE', 'LOCK'), fc.boolean()),
    40,
    13,
  )) {
    cases.push({
      kind: 'method',
      label: `${method} / ${signed ? 'signed' : 'unsigned'}`,
      method,
      target: 'ListKeys',
      body: Buffer.from(method === 'TRACE' ? '' : '{}'),
      auth: signed ? 'sign' : 'none',
      expect: unknownOp,
    });
  }
  // Other paths: whatever the answer, it is well formed; a query-string signature next to a header one is refused.
  const paths = fc.constantFrom(
    '/foo',
    '/health',
    '/metrics',
    '//',
    '/%2F',
    '/a/../',
    '/?a=b&c',
    `/${'x'.repeat(4000)}`,
    '/?X-Amz-Algorithm=AWS4-HMAC-SHA256',
    '/kms',
    '/?Action=ListKeys',
  );
  for (const [path, method] of sample(fc.tuple(paths, fc.constantFrom('POST', 'GET', 'PUT')), 60, 14)) {
    const isOperator = method === 'GET' && (path === '/health' || path === '/metrics');
    if (isOperator) continue;
    cases.push({
      kind: 'path',
      label: `${method} ${path.slice(0, 40)}`,
      method,
      path,
      target: 'ListKeys',
      body: Buffer.from('{}'),
      ...(method !== 'POST'
        ? { expect: unknownOp }
        : path.includes('X-Amz-Algorithm')
          ? {
              expect: {
                status: 400,
                type: 'InvalidSignatureException',
                message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
              },
            }
          : {}),
    });
  }
  return cases;
}

function authCases(f: Fixture, credentials: { accessKeyId: string }): Case[] {
  const base = baselines(f);
  const cases: Case[] = [];
  const printable = fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 200,
  });
  const mutation = fc.oneof(
    fc.record({ how: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ how: fc.constant('flip' as const), at: fc.nat(), ch: fc.integer({ min: 0x21, max: 0x7e }) }),
    fc.record({ how: fc.constant('garbage' as const), text: printable }),
    fc.record({ how: fc.constant('prefix-garbage' as const), text: printable }),
    fc.record({ how: fc.constant('signature' as const), sig: fc.stringMatching(/^[0-9a-fA-F]{0,70}$/) }),
    fc.record({
      how: fc.constant('drop-part' as const),
      part: fc.constantFrom('Credential', 'SignedHeaders', 'Signature'),
    }),
    fc.record({
      how: fc.constant('scope' as const),
      scope: fc.constantFrom(
        'us-west-2/kms',
        'us-east-1/s3',
        'us-east-1/kms/aws4_request/x',
        '',
        'us-east-1',
        '//',
        'us-east-1/KMS',
      ),
    }),
    fc.record({
      how: fc.constant('access-key' as const),
      key: fc.constantFrom(
        '',
        'AKIANOTAREALKEY00000',
        `${credentials.accessKeyId}x`,
        credentials.accessKeyId.toLowerCase(),
      ),
    }),
    fc.record({
      how: fc.constant('date' as const),
      date: fc.constantFrom(undefined, '', 'garbage', '20261128T000000Z', '2026-11-28T00:00:00Z', '99999999T999999Z'),
    }),
    fc.record({
      how: fc.constant('algorithm' as const),
      alg: fc.constantFrom('AWS4-HMAC-SHA1', 'AWS4-ECDSA-P256-SHA256', 'aws4-hmac-sha256', 'AWS3', 'Basic', 'Bearer'),
    }),
    fc.record({
      how: fc.constant('signed-headers' as const),
      sh: fc.constantFrom(
        '',
        'content-type;x-amz-date',
        'host',
        'HOST;x-amz-date',
        'host;x-amz-date;x-amz-target;content-type;nope',
        ';;;',
      ),
    }),
  );
  for (const [i, m] of sample(fc.tuple(fc.nat(base.length - 1), mutation), 520, 15)) {
    const b = base[i]!;
    let mustFail = true;
    const rewrite = (h: Record<string, string>): Record<string, string | undefined> => {
      const a = h['authorization'] ?? '';
      const out: Record<string, string | undefined> = { ...h };
      switch (m.how) {
        case 'truncate':
          out['authorization'] = a.slice(0, m.at % a.length);
          break;
        case 'flip': {
          const at = m.at % a.length;
          const ch = String.fromCharCode(m.ch === a.charCodeAt(at) ? (m.ch === 0x7e ? 0x21 : m.ch + 1) : m.ch);
          // Changing separators or case-insensitive parts might leave the header valid.
          if (!/[0-9a-f]/.test(a[at]!) || at < a.indexOf('Signature=')) mustFail = false;
          out['authorization'] = a.slice(0, at) + ch + a.slice(at + 1);
          break;
        }
        case 'garbage':
          out['authorization'] = m.text;
          break;
        case 'prefix-garbage':
          out['authorization'] = m.text + a;
          mustFail = m.text.trim() !== '';
          break;
        case 'signature':
          out['authorization'] = a.replace(/Signature=[0-9a-f]+/, `Signature=${m.sig}`);
          break;
        case 'drop-part':
          out['authorization'] = a.replace(new RegExp(`,? ?${m.part}=[^,]*`), '');
          break;
        case 'scope':
          out['authorization'] = a.replace(/(Credential=[^/]+\/\d{8}\/)[^,]*/, `$1${m.scope}`);
          break;
        case 'access-key':
          out['authorization'] = a.replace(/Credential=[^/]*/, `Credential=${m.key}`);
          break;
        case 'date':
          out['x-amz-date'] = m.date;
          break;
        case 'algorithm':
          out['authorization'] = a.replace(/^AWS4-HMAC-SHA256/, m.alg);
          break;
        case 'signed-headers':
          out['authorization'] = a.replace(/SignedHeaders=[^,]*/, `SignedHeaders=${m.sh}`);
          break;
      }
      return out;
    };
    const c: Case = {
      kind: 'authorization',
      label: `${b.op} ${JSON.stringify(m).slice(0, 100)}`,
      target: b.op,
      body: json(b.input),
      auth: rewrite,
    };
    // Evaluated lazily: mustFail is set when the rewrite runs, before the response is checked.
    Object.defineProperty(c, 'expect', {
      enumerable: true,
      get: () => (mustFail ? { status: 400, type: AUTH_ERRORS } : undefined),
    });
    cases.push(c);
  }
  // Stale and future signatures, and no signature at all.
  for (const skewMin of [-16, -6, 6, 60 * 24 * 365]) {
    cases.push({
      kind: 'authorization',
      label: `signed ${skewMin} min off`,
      target: 'ListKeys',
      body: json({}),
      signingDate: new Date(Date.now() + skewMin * 60_000),
      expect: {
        status: 400,
        type: 'InvalidSignatureException',
        message:
          skewMin < 0
            ? /^Signature expired: \d{8}T\d{6}Z is now earlier than /
            : /^Signature not yet current: \d{8}T\d{6}Z is still later than /,
      },
    });
  }
  cases.push({
    kind: 'authorization',
    label: 'unsigned',
    target: 'ListKeys',
    body: json({}),
    auth: 'none',
    expect: {
      status: 400,
      type: 'MissingAuthenticationTokenException',
      message: /^Request is missing Authentication Token$/,
    },
  });
  // A signature over a different body is a mismatch, whatever the body holds.
  for (const body of sample(fc.string({ unit: 'binary', maxLength: 50 }), 30, 16)) {
    cases.push({
      kind: 'authorization',
      label: `body swapped after signing: ${JSON.stringify(body).slice(0, 40)}`,
      target: 'ListKeys',
      body: json({}),
      sentBody: Buffer.from(body, 'utf8'),
      expect: { status: 400, type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
    });
  }
  return cases;
}

/**
 * What the adversarial review of issue 15 tried: a signature replayed under another X-Amz-Target,
 * unsigned X-Amz-* headers, huge User-Agent and Authorization headers, regions AWS does not have
 * (whatever their prefix, however long), a session token nobody issued, ARNs of another partition.
 */
function reviewCases(f: Fixture): Case[] {
  const cases: Case[] = [];
  const unsigned = 'There were headers present in the request which were not signed: ';
  const narrow = (h: Record<string, string>) => ({
    ...h,
    authorization: (h['authorization'] ?? '').replace(/SignedHeaders=[^,]*/, 'SignedHeaders=host;x-amz-date'),
  });
  for (const target of ['DescribeKey', 'DisableKey', 'ScheduleKeyDeletion'] as const) {
    cases.push({
      kind: 'review',
      label: `signed over host;x-amz-date only, sent as ${target}`,
      target: 'DescribeKey',
      body: json({ KeyId: f.keyId }),
      auth: (h) => ({ ...narrow(h), 'x-amz-target': `TrentService.${target}` }),
      expect: { status: 400, type: 'InvalidSignatureException', message: `${unsigned}content-type, x-amz-target` },
    });
  }
  cases.push({
    kind: 'review',
    label: 'an X-Amz-* header added after signing',
    target: 'ListKeys',
    body: json({}),
    auth: (h) => ({ ...h, 'x-amz-sneaky': 'yes' }),
    expect: { status: 400, type: 'InvalidSignatureException', message: `${unsigned}x-amz-sneaky` },
  });
  cases.push({
    kind: 'review',
    label: '7 KB User-Agent and a 7 KB Authorization header',
    target: 'ListKeys',
    body: json({}),
    headers: { 'user-agent': 'u'.repeat(7000) },
    auth: (h) => ({ ...h, authorization: `AWS4-HMAC-SHA256 Credential=${'A'.repeat(7000)}` }),
    expect: { status: 400, type: 'IncompleteSignatureException', message: /^.{0,700}$/s },
  });
  for (const region of ['cn-anything', 'us-gov-foo', 'us-middle-9', 'r'.repeat(5000)]) {
    cases.push({
      kind: 'review',
      label: `region ${region.slice(0, 20)} (${region.length} characters)`,
      target: 'ListKeys',
      body: json({}),
      auth: (h) => ({
        ...h,
        authorization: (h['authorization'] ?? '').replace(/(Credential=[^/]+\/\d{8}\/)[^/]+/, `$1${region}`),
      }),
      expect: {
        status: 400,
        type: 'InvalidSignatureException',
        message: /^Credential should be scoped to a valid region, not '[a-z0-9-]{1,256}(\.\.\.\(truncated\))?'\. $/,
      },
    });
  }
  cases.push({
    kind: 'review',
    label: 'a session token no one issued, with a long-term key',
    target: 'ListKeys',
    body: json({}),
    headers: { 'x-amz-security-token': 'FwoGZXIvYXdzEXAMPLE' },
    expect: {
      status: 400,
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    },
  });
  for (const partition of ['aws-cn', 'aws-us-gov', 'aws-iso']) {
    cases.push({
      kind: 'review',
      label: `key ARN of partition ${partition}`,
      target: 'DescribeKey',
      body: json({ KeyId: `arn:${partition}:kms:us-east-1:111122223333:key/${f.keyId}` }),
      expect: { status: 400, type: 'NotFoundException' },
    });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------

interface Failure {
  kind: string;
  label: string;
  problem: string;
  status: number;
  body: string;
}

function check(c: Case, method: string, r: RawHttpResponse): string[] {
  const problems: string[] = [];
  const requestId = r.headers['x-amzn-requestid'];
  if (typeof requestId !== 'string' || requestId === '') problems.push('no x-amzn-requestid');
  if (![200, 400, 413].includes(r.status)) problems.push(`status ${r.status}`);
  const expect = c.expect;
  if (expect?.status !== undefined && r.status !== expect.status) problems.push(`expected status ${expect.status}`);
  if (method === 'HEAD') return problems;
  if (!String(r.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) {
    problems.push(`content-type ${String(r.headers['content-type'])}`);
  }
  const text = r.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push('body is not JSON');
    return problems;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push('body is not a JSON object');
    return problems;
  }
  const body = parsed as Record<string, unknown>;
  if (r.status !== 200) {
    const type = body['__type'];
    if (typeof type !== 'string' || !KNOWN_ERRORS.has(type))
      problems.push(`__type ${String(type)} is not a known AWS error`);
    if ('message' in body && typeof body['message'] !== 'string') problems.push('message is not a string');
    if (expect?.type !== undefined) {
      const allowed = typeof expect.type === 'string' ? [expect.type] : expect.type;
      if (!allowed.includes(String(type))) problems.push(`expected ${allowed.join('|')}`);
    }
    if (expect?.message !== undefined) {
      const m = String(body['message'] ?? '');
      const ok = typeof expect.message === 'string' ? m.includes(expect.message) : expect.message.test(m);
      if (!ok) problems.push(`expected message ${String(expect.message)}`);
    }
  } else if ('__type' in body) {
    problems.push('200 with __type');
  }
  for (const s of c.secrets ?? []) {
    if (s.length >= 8 && (text.includes(s) || r.body.toString('latin1').includes(s)))
      problems.push(`response echoes blob contents (${s.slice(0, 20)}...)`);
  }
  return problems;
}

async function runCase(
  t: TestServer,
  host: string,
  agent: http.Agent,
  c: Case,
): Promise<{ method: string; response: RawHttpResponse }> {
  const method = c.method ?? 'POST';
  const path = c.path ?? '/';
  const headers: Record<string, string> = kmsHeaders(c.target ?? undefined, host);
  for (const [k, v] of Object.entries(c.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  let sent: Record<string, string | undefined> = headers;
  if (c.auth !== 'none') {
    const signed = await signRequest(kmsSigner(t.credentials), { method, path, headers, body: c.body }, c.signingDate);
    sent = typeof c.auth === 'function' ? c.auth(signed) : signed;
  }
  const finalHeaders = Object.fromEntries(
    Object.entries(sent).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const big = c.body.length > 64 * 1024;
  const response = await sendRaw(
    t.server.url,
    { method, path, headers: finalHeaders, body: c.sentBody ?? c.body },
    { ...(big ? {} : { agent }), ...(c.chunked ? { chunked: true } : {}) },
  );
  return { method, response };
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

describe('robustness against malformed requests', () => {
  let t: TestServer;
  let fixture: Fixture;
  const logged: Array<{ msg: string; obj: unknown }> = [];
  const logger: Logger = {
    info() {},
    warn() {},
    error(obj: unknown, msg?: string) {
      logged.push({ obj, msg: msg ?? '' });
    },
  };
  const internalErrors = () => logged.splice(0).map((l) => `${l.msg}: ${String((l.obj as { err?: unknown }).err)}`);

  /** Sends every case, eight at a time, and returns what was wrong with the answers. */
  async function barrage(cases: readonly Case[]): Promise<{ failures: Failure[]; byKind: Map<string, number> }> {
    const host = new URL(t.server.url).host;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const failures: Failure[] = [];
    const byKind = new Map<string, number>();
    try {
      await pool(cases, 8, async (c) => {
        byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
        let method = c.method ?? 'POST';
        let response: RawHttpResponse;
        try {
          ({ method, response } = await runCase(t, host, agent, c));
        } catch (err) {
          failures.push({
            kind: c.kind,
            label: c.label,
            problem: `request failed: ${String(err)}`,
            status: 0,
            body: '',
          });
          return;
        }
        for (const problem of check(c, method, response)) {
          failures.push({
            kind: c.kind,
            label: c.label,
            problem,
            status: response.status,
            body: response.body.toString('utf8').slice(0, 300),
          });
        }
      });
    } finally {
      agent.destroy();
    }
    return { failures, byKind };
  }

  beforeAll(async () => {
    t = await startTestServer({ logger });
    const kms = t.client();
    const key = await kms.send(new CreateKeyCommand({ Description: 'robustness' }));
    const keyId = key.KeyMetadata!.KeyId!;
    const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    fixture = { keyId, ciphertext: Buffer.from(enc.CiphertextBlob!).toString('base64') };
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('answers every malformed request with a well-formed AWS error, then keeps serving', async () => {
    const cases: Case[] = [
      ...wrongTypeCases(),
      ...unknownAndMissingCases(fixture),
      ...brokenJsonCases(fixture),
      ...badBase64Cases(fixture),
      ...oversizedCases(fixture),
      ...nestingCases(),
      ...numberCases(fixture),
      ...nonUtf8Cases(fixture),
      ...routingCases(),
      ...authCases(fixture, t.credentials),
      ...reviewCases(fixture),
    ];
    expect(cases.length).toBeGreaterThanOrEqual(2800);
    expect(cases.length).toBeLessThanOrEqual(3200);

    const { failures, byKind } = await barrage(cases);
    // Every category actually ran.
    for (const kind of [
      'wrong-type',
      'unknown-member',
      'missing-member',
      'broken-json',
      'bad-base64',
      'blob-echo',
      'oversized',
      'nesting',
      'number',
      'non-utf8',
      'target',
      'content-type',
      'method',
      'path',
      'authorization',
      'review',
    ]) {
      expect(byKind.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
    expect({ count: failures.length, first: failures.slice(0, 15) }).toEqual({ count: 0, first: [] });
    // Nothing became an internal error behind the scenes.
    expect(internalErrors()).toEqual([]);

    // Still alive and serving.
    const health = await sendRaw(t.server.url, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toEqual({ status: 'ok', version: pkg.version });
    const kms = t.client();
    const plaintext = randomBytes(64);
    const enc = await kms.send(new EncryptCommand({ KeyId: fixture.keyId, Plaintext: plaintext }));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob! }));
    expect(Buffer.from(dec.Plaintext!)).toEqual(plaintext);
    const old = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(fixture.ciphertext, 'base64') }));
    expect(Buffer.from(old.Plaintext!).toString()).toBe('x');
  });

  it('answers lone surrogates in any string member with a 400, not a 500', async () => {
    const { failures } = await barrage(surrogateCases(fixture));
    expect({ count: failures.length, first: failures.slice(0, 5) }).toEqual({ count: 0, first: [] });
    expect(internalErrors()).toEqual([]);
  });

  it('answers requests the HTTP parser rejects with an AWS-shaped 400 and a request id', async () => {
    const { port } = new URL(t.server.url);
    const raws = [
      'FOO / HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'GARBAGE\r\n\r\n',
    ];
    for (const raw of raws) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(raw));
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString()));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(head).toMatch(/^x-amzn-requestid: [0-9a-f-]{36}$/m);
      expect(JSON.parse(body)).toEqual({ __type: 'SerializationException', message: 'Malformed HTTP request' });
    }
    expect((await sendRaw(t.server.url, { method: 'GET', path: '/health' })).status).toBe(200);
  });
});
