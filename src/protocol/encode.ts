/**
 * Encoding of an operation's output as an AWS JSON 1.1 body: blobs as base64, timestamps as epoch
 * seconds (JSON numbers with the milliseconds as a fraction), absent members omitted. Only members
 * the model declares are written, so an internal field on an output object never reaches the wire.
 */
import {
  OPERATIONS,
  SCHEMA,
  type ModelSchema,
  type OperationName,
  type OperationOutput,
  type ShapeName,
} from '../model/index.js';

export function encodeOutput<O extends OperationName>(op: O, output: OperationOutput<O>): Buffer {
  const shape = OPERATIONS[op].output;
  const json = shape === undefined ? {} : encodeShape(shape as ShapeName, output ?? {});
  return Buffer.from(JSON.stringify(json), 'utf8');
}

/** The JSON value for `value` as `shapeName`. */
export function encodeShape(shapeName: ShapeName, value: unknown): unknown {
  return encodeAgainstSchema(SCHEMA, shapeName, value);
}

/** The JSON value for `value` as `shapeName` of any JSON service's schema. */
export function encodeAgainstSchema(schema: ModelSchema, shapeName: string, value: unknown): unknown {
  const shape = schema[shapeName]!;
  switch (shape.type) {
    case 'structure': {
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [member, memberShape] of Object.entries(shape.members ?? {})) {
        const v = record[member];
        if (v === undefined || v === null) continue;
        out[member] = encodeAgainstSchema(schema, memberShape, v);
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((e) => encodeAgainstSchema(schema, shape.member!, e));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        Object.defineProperty(out, k, {
          value: encodeAgainstSchema(schema, shape.value!, v),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'blob': {
      const bytes = value as Uint8Array;
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    }
    case 'timestamp':
      return (value as Date).getTime() / 1000;
    default:
      return value;
  }
}
