// Dockerfile semantics on top of the instruction reader: stages, ARG/ENV scoping, and every place
// an image is referenced, with where a digest would be written or why it can't be.
// Our own parser rather than `dockerfile-ast`: it is ~50× faster on the benchmark corpus and gets
// the cases that matter here right (heredocs, `RUN --mount=…,from=`, flags in any order); see the
// README's architecture section.

import type { ArgPinChoices, BuildArg, BuildFile, CompanionArg, CompanionRefusal, Diagnostic, ImageUse, ImageUseKind, NamedContext, NotPinnable, NotPinnableReason, PinSite, Unit } from '../model/buildFile';
import { LineIndex } from '../model/lineIndex';
import { Messages, message } from '../model/messages';
import { familiarName, parseImageReference } from '../reference/imageReference';
import { expandWord } from './expand';
import type { Expansion, Piece, Variable } from './expand';
import { readInstructions } from './instructions';
import type { Instruction } from './instructions';
import { mountFields, splitFlags, splitWords } from './words';
import type { Word } from './words';

export interface DockerfileOptions {
  /**
   * Build-arg overrides (`--build-arg`, Compose `build.args`, Bake `args`); they replace declared ARG
   * defaults. With a site, an image that comes wholly from one is pinned where the override is written.
   */
  readonly buildArgs?: Readonly<Record<string, string | BuildArg>>;
  /** Named build contexts (Compose `additional_contexts`, Bake `contexts`), by name. */
  readonly contexts?: Readonly<Record<string, NamedContext>>;
}

/** Set by the builder for every build; available to FROM without declaration, in stages once declared. */
const PLATFORM_ARGS = new Set([
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
]);

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

type Scope = Map<string, Variable>;

interface Stage {
  readonly unit: Unit;
  /** Lower-case name, as BuildKit compares them. */
  readonly key?: string;
  readonly scope: Scope;
}

/** A companion ARG's line goes after line `after`, indented like line `indentOf`. */
interface CompanionPlace {
  readonly after: number;
  readonly indentOf: number;
}

/** A use before shared-ARG counting: a via-ARG site remembers its declaration. */
interface DraftUse {
  use: { -readonly [K in keyof ImageUse]: ImageUse[K] };
  declId?: number;
  arg?: string;
  /** The variables whose whole values are part of the reference, for counting the images each feeds. */
  variables?: readonly Variable[];
  /** For a reference partly from variables that may be pinned in a form the user picks: where a companion ARG goes. */
  partial?: { readonly companion: CompanionPlace | undefined };
}

const NO_CONTEXTS: Readonly<Record<string, NamedContext>> = {};

export function parseDockerfile(path: string, text: string, options: DockerfileOptions = {}): BuildFile {
  return new DockerfileReader(path, text, options.buildArgs ?? {}, options.contexts ?? NO_CONTEXTS).read();
}

/**
 * The named context that stands in for an image name, matched as BuildKit's dockerui.NamedContext does:
 * by the familiar name without `:latest` (`docker.io/library/alpine:latest` → `alpine`).
 */
function contextFor(contexts: Readonly<Record<string, NamedContext>>, value: string): [string, NamedContext] | undefined {
  // BuildKit never replaces these two names.
  if (contexts === NO_CONTEXTS || /^(scratch|context)$/i.test(value)) return undefined;
  const exact = contexts[value];
  if (exact) return [value, exact];
  const parsed = parseImageReference(value);
  if (!parsed.ok) return undefined;
  const key = familiarName(parsed.ref).replace(/:latest$/, '');
  const found = contexts[key];
  return found ? [key, found] : undefined;
}

class DockerfileReader {
  private readonly lines: LineIndex;
  private readonly units: Unit[] = [];
  private readonly drafts: DraftUse[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly global: Scope = new Map();
  private readonly stages: Stage[] = [];
  /** Every stage name in the file, for `COPY --from` (which may name a later stage). */
  private readonly allStageKeys = new Map<string, string>();
  private escape = '\\';
  private nextDeclId = 0;
  /** The ARG instruction that declared a variable with a default, for placing a companion ARG after it. */
  private readonly declaredBy = new Map<Variable, Instruction>();

  /** One id per override written in another file, for counting the images it feeds. */
  private readonly externalIds = new Map<string, number>();

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly buildArgs: Readonly<Record<string, string | BuildArg>>,
    private readonly contexts: Readonly<Record<string, NamedContext>>,
  ) {
    this.lines = new LineIndex(text);
    for (const name of PLATFORM_ARGS) this.global.set(name, { name, state: 'platform', value: '', origin: 'platform' });
  }

  read(): BuildFile {
    const read = readInstructions(this.text);
    this.escape = read.escape;
    for (const d of read.diagnostics) this.diagnose(d.start, d.end, 'error', d.code, d.message);

    for (const directive of read.directives) {
      if (directive.name !== 'syntax') continue;
      // BuildKit takes the value up to the first space as the frontend image.
      const image = directive.value.split(' ')[0]!;
      this.addUse('syntax', image, directive.valueStart, directive.valueStart + image.length, {
        pieces: [{ kind: 'literal', text: image, start: 0, end: image.length }],
        value: image,
        names: [],
        problems: [],
      });
    }

    for (const ins of read.instructions) {
      if (ins.keyword !== 'from') continue;
      const { rest } = splitFlags(splitWords(ins.text, 4, this.escape));
      if (rest.length >= 3 && rest[1]!.text.toLowerCase() === 'as') {
        this.allStageKeys.set(rest[2]!.text.toLowerCase(), rest[2]!.text);
      }
    }

    for (const ins of read.instructions) {
      const stage = this.stages[this.stages.length - 1];
      switch (ins.keyword) {
        case 'from':
          this.from(ins);
          break;
        case 'arg':
          this.arg(ins, stage);
          break;
        case 'env':
          if (stage) this.env(ins, stage);
          else this.beforeFrom(ins);
          break;
        case 'copy':
          if (stage) this.copy(ins, stage);
          else this.beforeFrom(ins);
          break;
        case 'run':
          if (stage) this.run(ins, stage);
          else this.beforeFrom(ins);
          break;
        default:
          if (!stage) this.beforeFrom(ins);
      }
    }

    return {
      path: this.path,
      kind: 'dockerfile',
      units: this.units,
      uses: this.finishUses(),
      diagnostics: this.diagnostics,
    };
  }

  // --- instructions -------------------------------------------------------------------------

  private from(ins: Instruction): void {
    const { flags, rest } = splitFlags(splitWords(ins.text, 4, this.escape));
    const index = this.stages.length;
    const range = this.lines.range(ins.start, ins.end);
    let name: Word | undefined;
    if (rest.length >= 2 && rest[1]!.text.toLowerCase() === 'as') {
      name = rest[2];
      if (!name || !STAGE_NAME.test(name.text.toLowerCase())) {
        this.diagnoseIn(ins, name ?? rest[1]!, 'error', 'invalid-stage-name', message(Messages.dockerfileInvalidStageName, name?.text ?? ''));
      }
      const extra = rest[3];
      if (extra) this.diagnoseIn(ins, extra, 'error', 'from-extra-arguments', message(Messages.dockerfileFromExtraArguments, extra.text));
    } else if (rest[1]) {
      this.diagnoseIn(ins, rest[1], 'error', 'from-extra-arguments', message(Messages.dockerfileFromExtraArguments, rest[1].text));
    }
    const key = name?.text.toLowerCase();
    const previous = key === undefined ? undefined : this.stages.find((s) => s.key === key);
    if (previous && name) {
      this.diagnoseIn(ins, name, 'error', 'duplicate-stage-name', message(Messages.dockerfileDuplicateStageName, name.text, previous.unit.index));
    }

    const unit: Unit = { kind: 'stage', index, ...(name ? { name: name.text } : {}), range };
    this.units.push(unit);
    const image = rest[0];
    // A stage built on an earlier stage inherits its ENV (not its ARGs).
    let scope: Scope = new Map();
    if (!image) {
      this.diagnose(ins.start, ins.end, 'error', 'from-without-image', message(Messages.dockerfileFromWithoutImage));
    } else {
      const platform = flags.find((f) => f.name === 'platform')?.value?.text;
      const expansion = expandWord(image.text, (n) => this.global.get(n), this.escape);
      const parent = expansion.unresolved ? undefined : this.stages.find((s) => s.key !== undefined && s.key === expansion.value);
      if (parent) scope = new Map([...parent.scope].filter(([, v]) => v.origin === 'env'));
      // A named context with the stage's own name replaces the whole stage (BuildKit checks it first).
      // BuildKit lowercases stage names before it looks one up as a context.
      const replacing = name ? this.contexts[name.text.toLowerCase()] : undefined;
      this.useIn(ins, 'from', image, expansion, index, platform, (value) =>
        // FROM can only build on a stage defined before it.
        this.stages.find((s) => s.key === value)?.unit.name,
        replacing && name ? [name.text.toLowerCase(), replacing] : undefined,
      );
    }
    this.stages.push({ unit, ...(key ? { key } : {}), scope });
  }

  private arg(ins: Instruction, stage: Stage | undefined): void {
    const scope = stage?.scope ?? this.global;
    for (const word of splitWords(ins.text, 3, this.escape)) {
      const eq = word.text.indexOf('=');
      const name = eq < 0 ? word.text : word.text.slice(0, eq);
      const override = this.buildArgs[name];
      let variable: Variable | undefined;
      if (typeof override === 'string') {
        variable = { name, state: 'value', value: override, origin: 'override' };
      } else if (override !== undefined) {
        const { value, site } = override;
        if (site && !this.externalIds.has(name)) this.externalIds.set(name, this.nextDeclId++);
        variable = site ? { name, state: 'value', value, origin: 'override', external: site, externalId: this.externalIds.get(name)! } : { name, state: 'value', value, origin: 'override' };
      } else if (PLATFORM_ARGS.has(name)) {
        variable = { name, state: 'platform', value: '', origin: 'platform' };
      } else if (eq >= 0) {
        variable = this.defined(ins, name, word, eq, scope, 'arg');
        this.declaredBy.set(variable, ins);
      } else if (stage) {
        // `ARG X` in a stage takes the global X's value, if there is one.
        const global = this.global.get(name);
        variable = global ?? { name, state: 'noValue', value: '', origin: 'arg' };
      } else {
        variable = { name, state: 'noValue', value: '', origin: 'arg' };
      }
      scope.set(name, variable);
    }
  }

  private env(ins: Instruction, stage: Stage): void {
    const words = splitWords(ins.text, 3, this.escape);
    const first = words[0];
    if (!first) return;
    if (first.text.indexOf('=') < 0) {
      // Legacy form `ENV NAME value with spaces`: the rest of the line is the value.
      const second = words[1];
      if (!second) return;
      const last = words[words.length - 1]!;
      const valueWord: Word = { text: ins.text.slice(second.start, last.end), start: second.start, end: last.end };
      const joined: Word = { text: `${first.text}=${valueWord.text}`, start: valueWord.start - first.text.length - 1, end: last.end };
      stage.scope.set(first.text, this.defined(ins, first.text, joined, first.text.length, stage.scope, 'env'));
      return;
    }
    // All pairs of one ENV see the values from before it, as in BuildKit.
    const before = new Map(stage.scope);
    for (const word of words) {
      const eq = word.text.indexOf('=');
      if (eq <= 0) continue;
      const name = word.text.slice(0, eq);
      stage.scope.set(name, this.defined(ins, name, word, eq, before, 'env'));
    }
  }

  /** A variable whose value is written in the file: `NAME=value` in `word`, `=` at `eq`. */
  private defined(ins: Instruction, name: string, word: Word, eq: number, scope: Scope, origin: 'arg' | 'env'): Variable {
    const raw = word.text.slice(eq + 1);
    const expansion = expandWord(raw, (n) => scope.get(n), this.escape);
    this.expansionProblems(ins, word.start + eq + 1, expansion);
    if (expansion.unresolved) {
      // Built from a variable without a value: unknown as a whole.
      const cause = expansion.unresolved.cause;
      return { name, state: cause === 'platform' ? 'platform' : 'noValue', value: '', origin };
    }
    const only = expansion.pieces.length === 1 ? expansion.pieces[0] : undefined;
    const valueAt = word.start + eq + 1;
    if (only?.kind === 'literal') {
      const start = ins.offsetOf(valueAt + only.start);
      const end = ins.offsetOf(valueAt + only.end - 1) + 1;
      return { name, state: 'value', value: expansion.value, origin, site: { start, end, id: this.nextDeclId++ } };
    }
    return { name, state: 'value', value: expansion.value, origin };
  }

  private copy(ins: Instruction, stage: Stage): void {
    const { flags } = splitFlags(splitWords(ins.text, 4, this.escape));
    for (const flag of flags) {
      if (flag.name !== 'from' || !flag.value) continue;
      const expansion = expandWord(flag.value.text, (n) => stage.scope.get(n), this.escape);
      this.useIn(ins, 'copy-from', flag.value, expansion, stage.unit.index, undefined, (value) => this.stageNamed(value));
    }
  }

  private run(ins: Instruction, stage: Stage): void {
    const { flags } = splitFlags(splitWords(ins.text, 3, this.escape));
    for (const flag of flags) {
      if (flag.name !== 'mount' || !flag.value) continue;
      for (const field of mountFields(flag.value)) {
        if (field.key !== 'from' || !field.value) continue;
        const expansion = expandWord(field.value.text, (n) => stage.scope.get(n), this.escape);
        this.useIn(ins, 'mount-from', field.value, expansion, stage.unit.index, undefined, (value) => this.stageNamed(value));
      }
    }
  }

  private beforeFrom(ins: Instruction): void {
    const keyword = ins.text.slice(0, ins.keyword.length);
    this.diagnose(ins.start, ins.start + keyword.length, 'error', 'instruction-before-from', message(Messages.dockerfileInstructionBeforeFrom, keyword.toUpperCase()));
  }

  /** `--from` of COPY and RUN --mount: a stage name (any stage in the file) or index, or an image. */
  private stageNamed(value: string): string | undefined {
    if (/^\d+$/.test(value)) return value;
    return this.allStageKeys.get(value.toLowerCase());
  }

  // --- uses -------------------------------------------------------------------------------------

  private useIn(
    ins: Instruction,
    kind: ImageUseKind,
    word: Word,
    expansion: Expansion,
    unit: number,
    platform: string | undefined,
    stageOf: (value: string) => string | undefined,
    replacedBy?: [string, NamedContext],
  ): void {
    this.expansionProblems(ins, word.start, expansion);
    const start = ins.offsetOf(word.start);
    const end = ins.offsetOf(word.end - 1) + 1;
    // The text as written: a word continued over lines keeps its continuation, so it matches its range.
    this.addUse(kind, this.text.slice(start, end), start, end, expansion, unit, platform, (relStart, relEnd) => ({
      start: ins.offsetOf(word.start + relStart),
      end: ins.offsetOf(word.start + relEnd - 1) + 1,
    }), stageOf, replacedBy, ins);
  }

  private addUse(
    kind: ImageUseKind,
    text: string,
    start: number,
    end: number,
    expansion: Expansion,
    unit?: number,
    platform?: string,
    within: (relStart: number, relEnd: number) => { start: number; end: number } = (s, e) => ({ start: start + s, end: start + e }),
    stageOf: (value: string) => string | undefined = () => undefined,
    replacedBy?: [string, NamedContext],
    ins?: Instruction,
  ): void {
    const range = this.lines.range(start, end);
    let context: string | undefined;
    let variables: Variable[] | undefined;
    let partial: DraftUse['partial'];
    // One object literal of one shape per use: this runs for every image in the workspace.
    const push = (pin: ImageUse['pin'], resolved?: string, reference?: ImageUse['reference'], declId?: number, arg?: string): void => {
      this.drafts.push({ use: { kind, range, text, resolved, reference, unit, platform, context, pin }, declId, arg, variables, partial });
    };
    const notPinnable = (reason: NotPinnableReason): NotPinnable => ({ pinnable: false, reason });

    if (expansion.unresolved) {
      const { name, cause } = expansion.unresolved;
      // Global ARGs reach a stage only when it redeclares them: say so, it is a classic mistake.
      const globalOnly = cause === 'undeclared' && kind !== 'from' && this.global.has(name);
      push(notPinnable({ kind: 'unresolved', variable: name, cause: globalOnly ? 'globalOnly' : cause }));
      return;
    }
    const value = expansion.value;
    // Stages win over named contexts, except a context named like the stage being defined.
    const stage = replacedBy ? undefined : stageOf(value);
    const named = replacedBy ?? (stage === undefined && kind !== 'syntax' ? contextFor(this.contexts, value) : undefined);
    if (named) {
      const [name, replacement] = named;
      context = name;
      if (replacement.kind !== 'image') {
        const source = replacement.kind === 'build' ? replacement.name : replacement.value;
        push(notPinnable({ kind: 'namedContext', name, source: replacement.kind, value: source }), source);
        return;
      }
      const parsed = parseImageReference(replacement.value);
      if (!parsed.ok) push(notPinnable({ kind: 'invalid', error: parsed.error }), replacement.value);
      else if (!replacement.site) push(notPinnable({ kind: 'interpolated', variable: replacement.variable ?? '' }), replacement.value, parsed.ref);
      else push({ pinnable: true, range: replacement.site.range, text: replacement.site.text, file: replacement.site.file }, replacement.value, parsed.ref);
      return;
    }
    if (kind === 'from' && value === 'scratch') {
      push(notPinnable({ kind: 'scratch' }), value);
      return;
    }
    if (stage !== undefined) {
      push(notPinnable({ kind: 'stage', stage }), value);
      return;
    }
    const parsed = parseImageReference(value);
    if (!parsed.ok) {
      push(notPinnable({ kind: 'invalid', error: parsed.error }), value);
      this.diagnose(start, end, 'error', 'invalid-reference', parsed.error.message);
      return;
    }
    const reference = parsed.ref;
    const pieces = expansion.pieces;
    const only = pieces.length === 1 ? pieces[0]! : undefined;
    const firstName = expansion.names[0];
    if (firstName !== undefined) variables = pieces.flatMap((p) => (p.kind === 'variable' ? [p.variable] : []));

    if (only?.kind === 'literal' || firstName === undefined) {
      // Written right here (variables, if any, added nothing). Without variables but split by
      // quotes or escapes, the digest still goes at the end of the word as written.
      const site = only?.kind === 'literal' ? within(only.start, only.end) : { start, end };
      push({ pinnable: true, range: this.lines.range(site.start, site.end), text: this.text.slice(site.start, site.end) }, value, reference);
    } else if (only?.kind === 'variable' && only.variable.origin === 'override') {
      const { external, externalId, name } = only.variable;
      if (external) push({ pinnable: true, range: external.range, text: external.text, viaArg: name, file: external.file }, value, reference, externalId, name);
      else push(notPinnable({ kind: 'overridden', arg: name }), value, reference);
    } else if (only?.kind === 'variable' && only.variable.site) {
      const { site, name } = only.variable;
      const pin: PinSite = { pinnable: true, range: this.lines.range(site.start, site.end), text: this.text.slice(site.start, site.end), viaArg: name };
      push(pin, value, reference, site.id, name);
    } else {
      const written = reference.digest === undefined ? undefined : this.writtenDigest(pieces, within);
      if (written) {
        push(written.pin, value, reference, written.declId, written.pin.viaArg);
        return;
      }
      const name = only?.kind === 'variable' ? only.variable.name : firstName;
      // Choices only when this file alone decides the value: no build argument from outside, no text
      // computed from a variable (a computed piece does not keep where its variable's value came from).
      const fromFile = pieces.every((p) => p.kind === 'literal' || (p.kind === 'variable' && p.variable.origin !== 'override'));
      if (ins && reference.digest === undefined && fromFile) partial = { companion: this.companionPlace(kind, ins, variables ?? []) };
      push(notPinnable({ kind: 'partialArg', arg: name }), value, reference);
    }
  }

  /**
   * Where a digest is written in a reference partly made of variables, when one piece holds it whole:
   * literally after the expansion (`node:${VERSION}@sha256:…`), in a companion ARG written after an `@`
   * (`node:${VERSION}@${NODE_DIGEST}`), or at the end of the last ARG's default (`ARG VERSION=22@sha256:…`,
   * what Renovate writes when it pins `FROM node:${VERSION}`).
   */
  private writtenDigest(pieces: readonly Piece[], within: (relStart: number, relEnd: number) => { start: number; end: number }): { pin: PinSite; declId?: number } | undefined {
    const last = pieces[pieces.length - 1]!;
    if (last.kind === 'literal') {
      const at = last.text.indexOf('@');
      if (at < 0) return undefined;
      const site = within(last.start + at, last.end);
      return { pin: { pinnable: true, range: this.lines.range(site.start, site.end), text: this.text.slice(site.start, site.end) } };
    }
    if (last.kind !== 'variable' || !last.variable.site) return undefined;
    const { site, name, value } = last.variable;
    const range = this.lines.range(site.start, site.end);
    const text = this.text.slice(site.start, site.end);
    if (value.includes('@')) return { pin: { pinnable: true, range, text, viaArg: name }, declId: site.id };
    const before = pieces[pieces.length - 2];
    if (before?.kind === 'literal' && before.text.endsWith('@')) return { pin: { pinnable: true, range, text, viaArg: name, digestOnly: true }, declId: site.id };
    return undefined;
  }

  /**
   * The line a companion ARG goes after, in the scope the use reads: after the global ARG that declares the
   * reference's last variable (FROM), or right before the instruction (COPY --from, RUN --mount, in a stage).
   */
  private companionPlace(kind: ImageUseKind, ins: Instruction, variables: readonly Variable[]): CompanionPlace | undefined {
    if (kind !== 'from') return { after: ins.startLine - 1, indentOf: ins.startLine };
    const last = variables[variables.length - 1];
    const declaration = last && this.declaredBy.get(last);
    return declaration && { after: declaration.endLine, indentOf: declaration.startLine };
  }

  /**
   * An ARG default that feeds several images is not edited: pinning one would pin them all. A reference
   * partly from variables gets its choices, a companion ARG only when its variables feed it alone.
   */
  private finishUses(): ImageUse[] {
    const users = new Map<number, number>();
    const feeds = new Map<Variable, number>();
    for (const d of this.drafts) {
      if (d.declId !== undefined) users.set(d.declId, (users.get(d.declId) ?? 0) + 1);
      for (const v of new Set(d.variables)) feeds.set(v, (feeds.get(v) ?? 0) + 1);
    }
    let names: Set<string> | undefined;
    return this.drafts.map((d) => {
      if (d.partial && !d.use.pin.pinnable && d.use.pin.reason.kind === 'partialArg') {
        names ??= this.namesInUse();
        d.use.pin = { pinnable: false, reason: { ...d.use.pin.reason, choices: this.choices(d, feeds, names) } };
        return d.use;
      }
      const count = d.declId === undefined ? 1 : users.get(d.declId)!;
      if (count <= 1 || d.arg === undefined) return d.use;
      d.use.pin = { pinnable: false, reason: { kind: 'sharedArg', arg: d.arg, users: count } };
      return d.use;
    });
  }

  private choices(d: DraftUse, feeds: ReadonlyMap<Variable, number>, names: Set<string>): ArgPinChoices {
    const { use } = d;
    const afterExpansion: PinSite = { pinnable: true, range: use.range, text: use.text };
    let companion: CompanionArg | CompanionRefusal;
    const shared = d.variables?.find((v) => feeds.get(v)! > 1);
    const place = d.partial?.companion;
    if (shared) companion = { offered: false, kind: 'sharedArg', arg: shared.name, users: feeds.get(shared)! };
    else if (!d.variables?.length || !place || place.after < 0) companion = { offered: false, kind: 'noArg' };
    else {
      const name = uniqueName(companionName(use.reference!.repository), names);
      names.add(name);
      companion = { offered: true, name, ...this.lineAfter(place.after), indent: this.indentOf(place.indentOf) };
    }
    return { afterExpansion, companion };
  }

  /** Line `line` as a site (its text without the line break), and its line break: the use's own line follows it. */
  private lineAfter(line: number): Pick<CompanionArg, 'after' | 'eol'> {
    const start = this.lines.offset({ line, character: 0 });
    const next = this.lines.offset({ line: line + 1, character: 0 });
    const end = this.text.startsWith('\r\n', next - 2) ? next - 2 : next - 1;
    return { after: { range: this.lines.range(start, end), text: this.text.slice(start, end) }, eol: this.text.slice(end, next) };
  }

  private indentOf(line: number): string {
    const blanks = /[ \t]*/y;
    blanks.lastIndex = this.lines.offset({ line, character: 0 });
    return blanks.exec(this.text)![0];
  }

  /** Every word of the file that could name a variable (comments included: a new name must not look like any). */
  private namesInUse(): Set<string> {
    const names = new Set(this.text.match(/[A-Za-z_][A-Za-z0-9_]*/g));
    for (const name of Object.keys(this.buildArgs)) names.add(name);
    return names;
  }

  // --- diagnostics --------------------------------------------------------------------------------

  private expansionProblems(ins: Instruction, at: number, expansion: Expansion): void {
    for (const p of expansion.problems) {
      const start = ins.offsetOf(at + p.start);
      const end = ins.offsetOf(at + Math.max(p.start, p.end - 1)) + 1;
      this.diagnose(start, end, 'error', 'bad-substitution', p.message);
    }
  }

  private diagnoseIn(ins: Instruction, word: Word, severity: Diagnostic['severity'], code: string, m: Diagnostic['message']): void {
    this.diagnose(ins.offsetOf(word.start), ins.offsetOf(Math.max(word.start, word.end - 1)) + 1, severity, code, m);
  }

  private diagnose(start: number, end: number, severity: Diagnostic['severity'], code: string, m: Diagnostic['message']): void {
    this.diagnostics.push({ range: this.lines.range(start, end), severity, code, message: m });
  }
}

/** `ghcr.io/acme/my-app` → `MY_APP_DIGEST`: a valid variable name (letters, digits, `_`, not a digit first). */
function companionName(repository: string): string {
  const base = (repository.split('/').pop() ?? '').toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');
  return `${/^[A-Z]/.test(base) ? base : `IMAGE_${base}`.replace(/_$/, '')}_DIGEST`;
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}
