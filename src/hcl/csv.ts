// Bake's csvdecode (go-cty stdlib/csv.go): RFC 4180 text read as Go's encoding/csv reads it (empty lines
// skipped, CRLF as LF, `""` inside quotes, every record as many fields as the header), one object per
// row keyed by the header's names.

import { HclFunctionError, makeObject, type Value } from './values';

function fail(message: string): never {
  throw new HclFunctionError(message);
}

const BARE_QUOTE = 'bare " in non-quoted-field';
const QUOTE = 'extraneous or missing " in quoted-field';

/** Go's csv.Reader over a whole text: `read()` gives the next record, or undefined at the end. */
class CsvReader {
  private readonly lines: string[];
  private next = 0;
  /** Lines read so far (1-based line of the last line read). */
  private lineNumber = 0;

  constructor(text: string) {
    // readLine: up to and including "\n"; a final line without one is read too, minus a trailing "\r".
    this.lines = text.split(/(?<=\n)/).filter((line) => line !== '');
    const last = this.lines.length - 1;
    if (last >= 0 && !this.lines[last]!.endsWith('\n') && this.lines[last]!.endsWith('\r')) this.lines[last] = this.lines[last]!.slice(0, -1);
  }

  private readLine(): string | undefined {
    const line = this.lines[this.next++];
    if (line === undefined) return undefined;
    this.lineNumber++;
    return line.endsWith('\r\n') ? `${line.slice(0, -2)}\n` : line;
  }

  private error(startLine: number, line: number, column: number, what: string): never {
    const where = startLine === line ? `parse error on line ${line}, column ${column}` : `record on line ${startLine}; parse error on line ${line}, column ${column}`;
    return fail(`CSV parse error on line ${line}: ${where}: ${what}`);
  }

  read(fieldCount?: number): string[] | undefined {
    let line: string | undefined;
    do line = this.readLine();
    while (line === '\n');
    if (line === undefined) return undefined;
    const recordLine = this.lineNumber;
    const fields: string[] = [];
    let column = 1;
    for (;;) {
      if (!line.startsWith('"')) {
        const comma = line.indexOf(',');
        const field = comma >= 0 ? line.slice(0, comma) : line.replace(/\n$/, '');
        const quote = field.indexOf('"');
        if (quote >= 0) this.error(recordLine, this.lineNumber, column + quote, BARE_QUOTE);
        fields.push(field);
        if (comma < 0) break;
        line = line.slice(comma + 1);
        column += comma + 1;
        continue;
      }
      // A quoted field, which may go on over several lines.
      let field = '';
      line = line.slice(1);
      column += 1;
      let closed = false;
      while (!closed) {
        const quote = line.indexOf('"');
        if (quote >= 0) {
          field += line.slice(0, quote);
          line = line.slice(quote + 1);
          column += quote + 1;
          if (line.startsWith('"')) {
            field += '"';
            line = line.slice(1);
            column += 1;
          } else if (line.startsWith(',')) {
            line = line.slice(1);
            column += 1;
            closed = true;
          } else if (line === '' || line === '\n') {
            fields.push(field);
            return this.checkCount(fields, recordLine, fieldCount);
          } else {
            this.error(recordLine, this.lineNumber, column - 1, QUOTE);
          }
        } else if (line !== '') {
          field += line;
          column += line.length;
          const more = this.readLine();
          if (more === undefined) this.error(recordLine, this.lineNumber, column, QUOTE);
          line = more;
          column = 1;
        } else {
          this.error(recordLine, this.lineNumber, column, QUOTE);
        }
      }
      fields.push(field);
    }
    return this.checkCount(fields, recordLine, fieldCount);
  }

  private checkCount(fields: string[], recordLine: number, fieldCount: number | undefined): string[] {
    if (fieldCount !== undefined && fields.length !== fieldCount) fail(`CSV parse error on line ${recordLine}: record on line ${recordLine}: wrong number of fields`);
    return fields;
  }
}

/** csvdecode: the rows after the header, each an object of the header's names to the row's strings. */
export function csvDecode(text: string): Value {
  const reader = new CsvReader(text);
  const header = reader.read();
  if (header === undefined) fail('missing header line');
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) fail(`duplicate column name ${JSON.stringify(name)}`);
    seen.add(name);
  }
  const rows: Value[] = [];
  for (let row = reader.read(header.length); row !== undefined; row = reader.read(header.length)) {
    rows.push(makeObject(row.map((value, i) => [header[i]!, value])));
  }
  return rows;
}
