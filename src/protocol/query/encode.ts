/**
 * Encoding of an operation's output as an AWS Query XML response:
 * `<OpResponse xmlns="<service namespace>"><OpResult>...</OpResult><ResponseMetadata><RequestId>`.
 * Members are written in model order under their XML names; lists as `<member>` items (repeated
 * elements when flattened), maps as `<entry><key/><value/></entry>`, timestamps as ISO 8601 in UTC
 * (`2013-11-01T20:23:15Z`, milliseconds only when there are some), booleans as true/false, blobs as
 * base64. Only members the model declares are written, so an internal field on an output object
 * never reaches the wire. An operation without output answers with ResponseMetadata only.
 */
import type { ModelSchema } from '../../model/index.js';
import { QUERY_SERVICES, type QueryOperationName, type QueryOperationOutput, type QueryService } from './services.js';
import { XmlWriter } from './xml.js';

/** The media type of every Query response, errors included. */
export const QUERY_RESPONSE_CONTENT_TYPE = 'text/xml';

export function encodeQueryResponse<S extends QueryService, O extends QueryOperationName<S>>(
  service: S,
  operation: O,
  output: QueryOperationOutput<S, O>,
  requestId: string,
): Buffer {
  const model = QUERY_SERVICES[service];
  const spec = model.operations[operation]!;
  const xml = new XmlWriter().open(`${operation}Response`, { xmlns: model.xmlNamespace });
  if (spec.output !== undefined) {
    const wrapper = spec.resultWrapper ?? `${operation}Result`;
    xml.open(wrapper);
    writeMembers(xml, model.schema, spec.output, (output ?? {}) as Record<string, unknown>);
    xml.close(wrapper);
  }
  xml.open('ResponseMetadata').leaf('RequestId', requestId).close('ResponseMetadata');
  return xml.close(`${operation}Response`).toBuffer();
}

/** ISO 8601 in UTC, as IAM (`2013-11-01T20:23:15Z`) and STS (`2011-07-15T23:28:33.359Z`) write it. */
export function xmlTimestamp(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

function writeMembers(xml: XmlWriter, schema: ModelSchema, shapeName: string, record: Record<string, unknown>): void {
  const shape = schema[shapeName]!;
  for (const [member, memberShape] of Object.entries(shape.members ?? {})) {
    const value = record[member];
    if (value === undefined || value === null) continue;
    writeValue(xml, schema, memberShape, shape.locationNames?.[member] ?? member, value);
  }
}

function writeValue(xml: XmlWriter, schema: ModelSchema, shapeName: string, name: string, value: unknown): void {
  const shape = schema[shapeName]!;
  switch (shape.type) {
    case 'structure':
      xml.open(name);
      writeMembers(xml, schema, shapeName, value as Record<string, unknown>);
      xml.close(name);
      return;
    case 'list': {
      const list = value as readonly unknown[];
      const itemName = shape.memberLocationName ?? 'member';
      if (shape.flattened) {
        for (const item of list) writeValue(xml, schema, shape.member!, name, item);
        return;
      }
      if (list.length === 0) {
        xml.leaf(name, undefined);
        return;
      }
      xml.open(name);
      for (const item of list) writeValue(xml, schema, shape.member!, itemName, item);
      xml.close(name);
      return;
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      const writeEntry = (entryName: string, key: string, v: unknown): void => {
        xml.open(entryName);
        writeValue(xml, schema, shape.key!, shape.keyLocationName ?? 'key', key);
        writeValue(xml, schema, shape.value!, shape.valueLocationName ?? 'value', v);
        xml.close(entryName);
      };
      if (shape.flattened) {
        for (const [k, v] of entries) writeEntry(name, k, v);
        return;
      }
      if (entries.length === 0) {
        xml.leaf(name, undefined);
        return;
      }
      xml.open(name);
      for (const [k, v] of entries) writeEntry('entry', k, v);
      xml.close(name);
      return;
    }
    case 'timestamp':
      xml.leaf(name, xmlTimestamp(value as Date));
      return;
    case 'blob': {
      const bytes = value as Uint8Array;
      xml.leaf(name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'));
      return;
    }
    default:
      xml.leaf(name, String(value as string | number | boolean));
  }
}
