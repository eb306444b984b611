// The first packages of an SBOM statement while its bytes are still arriving: the panel's SBOM tab shows them,
// marked as still reading, long before the last byte (issue 13, item 9). Pure: no I/O, no vscode.
//
// A byte-level scanner follows the JSON's structure chunk by chunk (strings skipped to their closing quote,
// escapes included, as the statement reader's nesting check does) until it meets the package list: `packages`
// (SPDX) or `components` (CycloneDX) in the statement's `predicate`, or at the top of a bare predicate. The
// elements that end in a chunk are handed to JSON.parse with that chunk, up to `keep` of them (all, for the panel:
// the statement reader then reads only the rest around the list, StreamedList in statement.ts, and no single
// JSON.parse of 75 MB holds the extension host for most of a second at the last byte).
//
// Real producers write the list early, as encoding/json writes a struct's fields in their order: syft's SPDX JSON
// is spdx/tools-golang's v2_3 Document (spdx/v2/v2_3/document.go: creationInfo, packages, then files and
// relationships), its CycloneDX JSON cyclonedx-go's BOM (cyclonedx.go: metadata, components, …, dependencies). A
// list written last only delays the preview to the end: never a wrong table, since what is shown is provisional
// and replaced by the whole document's read once its digest is checked. On anything it does not follow (an
// envelope, a list that is not an array, an element JSON.parse refuses, nesting past the limit) the scanner stops,
// and gives what it had. A key written with escapes (`"pack\u0061ges"`) is not recognised: no preview, no harm.

/** Where the scanner is in a string, between chunks. */
const enum Text {
  Outside,
  Inside,
  /** Inside, just after a backslash: the next byte is escaped, whatever it is. */
  Escaped,
}

export class PackageStream {
  /** The first `keep` elements of the package list, parsed, in the document's order. */
  readonly first: unknown[] = [];
  /** The list's last element is in: `first` is the whole list. */
  finished = false;
  /** Where the list is in the body: the offsets of its `[` and its `]`, once finished. */
  span: { readonly start: number; readonly end: number } | undefined;
  /** The scanner stopped: what it gave stands, nothing more comes. */
  stopped = false;

  private offset = 0;
  private text = Text.Outside;
  /** One entry per open container: `{` or `[`. */
  private readonly open: number[] = [];
  /** Per open object: the key of the member being read, when it matters (levels 1 and 2), else undefined. */
  private readonly keys: (string | undefined)[] = [];
  /** Per open object: whether the next string is a key. */
  private readonly expectKey: boolean[] = [];
  /** The bytes of a key being read (short keys only: the ones looked for are). */
  private key: number[] | undefined;
  /** The depth of the package list's `[`, once met, and its offset in the body. */
  private listDepth = 0;
  private listStart = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** The bytes of the element being read that came in chunks before this one. */
  private carried: Uint8Array[] = [];
  /** Whether an element has started since the last `,` or the list's `[`. */
  private inElement = false;

  constructor(
    /** `packages` for SPDX, `components` for CycloneDX. */
    private readonly list: 'packages' | 'components',
    private readonly keep: number,
    private readonly maxDepth = 64,
  ) {}

  /**
   * The next bytes of the body, at `offset` from its start. A chunk at 0 after others starts again (a retried
   * request); a gap or an overlap stops the scanner.
   */
  push(chunk: Uint8Array, offset: number): void {
    if (offset === 0 && this.offset > 0) this.restart();
    if (this.stopped || this.finished || this.full) return;
    if (offset !== this.offset) return this.stop();
    this.offset += chunk.length;
    this.scan(chunk);
  }

  /**
   * The elements that end in this chunk are parsed together, as one array (a JSON.parse per chunk, not per
   * element: a third of the time, measured on 100,000 syft packages).
   */
  private scan(bytes: Uint8Array): void {
    const base = this.offset - bytes.length;
    /** Where the elements not parsed yet start in this chunk (0: in a chunk before), where the last of them ends, how many. */
    let from = this.inElement ? 0 : -1;
    let to = -1;
    let ended = 0;
    /** Where the element being read starts in this chunk (0: in a chunk before). */
    let elementFrom = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (this.text === Text.Escaped) {
        this.text = Text.Inside;
        this.key = undefined;
        continue;
      }
      if (this.text === Text.Inside) {
        // On to the string's next quote at native speed, when its text is not wanted (most of the bytes).
        if (this.key === undefined) {
          const quote = bytes.indexOf(0x22, i);
          const end = quote < 0 ? bytes.length : quote;
          // A quote (or the chunk's end) after an odd run of backslashes is escaped.
          let slashes = 0;
          while (end - slashes - 1 >= i && bytes[end - slashes - 1] === 0x5c) slashes++;
          if (quote < 0) {
            if (slashes % 2 === 1) this.text = Text.Escaped;
            i = bytes.length;
            break;
          }
          i = quote;
          if (slashes % 2 === 0) {
            this.text = Text.Outside;
            this.afterString();
          }
          continue;
        }
        const byte = bytes[i]!;
        if (byte === 0x5c) this.text = Text.Escaped;
        else if (byte === 0x22) {
          this.text = Text.Outside;
          this.afterString();
        } else if (this.key.push(byte) > 16) this.key = undefined;
        continue;
      }
      const byte = bytes[i]!;
      const depth = this.open.length;
      if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
      // A value starting directly in the list: an element.
      if (this.listDepth > 0 && depth === this.listDepth && !this.inElement && byte !== 0x2c && byte !== 0x5d) {
        this.inElement = true;
        elementFrom = i;
        if (from < 0) from = i;
      }
      if (byte === 0x22) {
        this.text = Text.Inside;
        const object = depth > 0 && this.open[depth - 1] === 0x7b;
        // Only the keys of the statement's and its predicate's members are read.
        this.key = object && this.expectKey[depth - 1] && depth <= 2 ? [] : undefined;
      } else if (byte === 0x7b || byte === 0x5b) {
        if (depth >= this.maxDepth) return this.stop();
        if (byte === 0x5b && this.listDepth === 0 && this.atList(depth)) {
          this.listDepth = depth + 1;
          this.listStart = base + i;
        } else if (depth === 0 && byte !== 0x7b) return this.stop();
        this.open.push(byte);
        this.keys.push(undefined);
        this.expectKey.push(byte === 0x7b);
      } else if (byte === 0x7d || byte === 0x5d) {
        if (depth === 0 || this.open[depth - 1] !== byte - 2) return this.stop();
        if (depth === this.listDepth) {
          // The list's end: its last element, if there is one, ends here.
          if (this.inElement) {
            this.inElement = false;
            ended++;
            to = i;
          }
          if (!this.parse(bytes, from, to, ended)) return;
          this.finished = true;
          this.span = { start: this.listStart, end: base + i };
          return;
        }
        this.open.pop();
        this.keys.pop();
        this.expectKey.pop();
      } else if (byte === 0x3a /* : */) {
        if (depth > 0) this.expectKey[depth - 1] = false;
      } else if (byte === 0x2c /* , */) {
        if (depth > 0 && this.open[depth - 1] === 0x7b) this.expectKey[depth - 1] = true;
        if (depth === this.listDepth && this.inElement) {
          this.inElement = false;
          ended++;
          to = i;
        }
      }
      // A top-level statement or bare predicate is an object; anything else is not followed.
      if (depth === 0 && this.open.length === 0) return this.stop();
    }
    if (!this.parse(bytes, from, to, ended)) return;
    if (this.inElement) this.carried.push(bytes.slice(elementFrom));
  }

  /** Whether a `[` at this depth opens the package list: `predicate.<list>`, or `<list>` at the top. */
  private atList(depth: number): boolean {
    if (this.open[depth - 1] !== 0x7b) return false;
    if (depth === 1) return this.keys[0] === this.list;
    return depth === 2 && this.keys[0] === 'predicate' && this.keys[1] === this.list;
  }

  /** A string just ended: a key read is kept as its object's current member. */
  private afterString(): void {
    const depth = this.open.length;
    if (depth > 0 && this.open[depth - 1] === 0x7b && this.expectKey[depth - 1]) {
      this.keys[depth - 1] = this.key === undefined ? undefined : String.fromCharCode(...this.key);
    }
    this.key = undefined;
  }

  /** Whether `keep` elements are parsed: nothing more is read. */
  get full(): boolean {
    return this.first.length >= this.keep;
  }

  /**
   * The `count` elements between `from` and `to` in `bytes` (the first begun in the chunks carried, when `from` is
   * 0 and some are), parsed as one array; false (and stopped) when JSON.parse refuses them or finds another count.
   */
  private parse(bytes: Uint8Array, from: number, to: number, count: number): boolean {
    if (count === 0) return true;
    const parts = [...this.carried, bytes.subarray(Math.max(from, 0), to)];
    this.carried = [];
    let elements: unknown;
    try {
      elements = JSON.parse(`[${this.decoder.decode(parts.length === 1 ? parts[0] : concat(parts))}]`);
    } catch {
      this.stop();
      return false;
    }
    if (!Array.isArray(elements) || elements.length !== count) {
      this.stop();
      return false;
    }
    for (const element of elements) {
      if (this.full) break;
      this.first.push(element);
    }
    return true;
  }

  private stop(): void {
    this.stopped = true;
    this.carried = [];
  }

  private restart(): void {
    this.first.length = 0;
    this.span = undefined;
    this.finished = false;
    this.stopped = false;
    this.offset = 0;
    this.text = Text.Outside;
    this.open.length = 0;
    this.keys.length = 0;
    this.expectKey.length = 0;
    this.key = undefined;
    this.listDepth = 0;
    this.carried = [];
    this.inElement = false;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
