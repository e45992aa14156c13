/** The little XML Trent writes: escaped text, and elements indented two spaces per level as AWS does. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Text and attribute values, escaped. A carriage return is written as a character reference (an
 * XML parser would turn a literal one into a line feed), and so are the control characters XML 1.0
 * cannot carry literally, so no value can break the document's structure.
 */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f\ufffe\uffff]/g, (c) => {
    return ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
  });
}

/** Builds a document line by line. */
export class XmlWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  open(name: string, attributes: Readonly<Record<string, string>> = {}): this {
    const attrs = Object.entries(attributes)
      .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
      .join('');
    this.lines.push(`${'  '.repeat(this.depth)}<${name}${attrs}>`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.lines.push(`${'  '.repeat(this.depth)}</${name}>`);
    return this;
  }

  /** `<name>text</name>` on one line; `<name/>` for an empty element. */
  leaf(name: string, text: string | undefined): this {
    const indent = '  '.repeat(this.depth);
    this.lines.push(text === undefined ? `${indent}<${name}/>` : `${indent}<${name}>${escapeXml(text)}</${name}>`);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.lines.join('\n') + '\n', 'utf8');
  }
}
