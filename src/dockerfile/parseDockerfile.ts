// Dockerfile semantics on top of the instruction reader: stages, ARG/ENV scoping, and every place
// an image is referenced, with where a digest would be written or why it can't be.
// Our own parser rather than `dockerfile-ast`: it gets the cases that matter here right (heredocs,
// `RUN --mount=…,from=`, flags in any order), and builds this whole model 8–10× faster than
// `dockerfile-ast` splits the same files into instructions (`npm run bench`, same texts, same process);
// see the README's architecture section.

import type { ArgPinChoices, BuildArg, BuildFile, CompanionArg, CompanionRefusal, Diagnostic, ImageUse, ImageUseKind, MatchedContext, NamedContext, NotPinnable, NotPinnableReason, PinSite, Range, Unit } from '../model/buildFile';
import { LineIndex } from '../model/lineIndex';
import { Messages, message } from '../model/messages';
import { effectiveTag, familiarName, parseImageReference, repositoryKey, type ImageRef } from '../reference/imageReference';
import { expandWord } from './expand';
import type { Expansion, Lookup, Piece, Variable } from './expand';
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
  /**
   * Read as a build runs it: only the stages its target (by default the last stage) reaches through
   * `FROM`, `COPY --from` and `RUN --mount=from=` are built, as BuildKit's dockerfile2llb decides; images
   * of the other stages are not pulled. `platforms` (`linux/amd64`…) choose the stages a name made of
   * platform variables picks (`FROM binaries-$TARGETOS`).
   */
  readonly build?: { readonly target?: string; readonly platforms?: readonly string[] };
  /** Names the outputs of the project's other builds are tagged with (`acme/base:dev`) → the service or target. */
  readonly outputs?: ReadonlyMap<string, string>;
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

/** The platform ARGs' variables, the same in every file. */
const PLATFORM_VARIABLES: readonly Variable[] = [...PLATFORM_ARGS].map((name) => ({ name, state: 'platform', value: '', origin: 'platform' }));

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/**
 * What a platform variable's unknown value may be, when matching stage names: an OCI platform's OS and
 * architecture are Go's (`go/build` syslist: KnownOS, KnownArch), a variant is `v` and digits or nothing.
 */
const PLATFORM_PATTERNS: Readonly<Record<string, string>> = {
  OS: '(?:aix|android|darwin|dragonfly|freebsd|hurd|illumos|ios|js|linux|nacl|netbsd|openbsd|plan9|solaris|wasip1|windows|zos)',
  ARCH: '(?:386|amd64|amd64p32|arm|armbe|arm64|arm64be|loong64|mips|mipsle|mips64|mips64le|mips64p32|mips64p32le|ppc|ppc64|ppc64le|riscv|riscv64|s390|s390x|sparc|sparc64|wasm)',
  VARIANT: '(?:v[0-9]+)?',
  PLATFORM: '[a-z0-9._/-]+',
};
/** Private-use characters standing for those patterns in an expanded value. */
const WILDCARD = /\uE000(OS|ARCH|VARIANT|PLATFORM)\uE001/;

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
const SCRATCH: NotPinnable = { pinnable: false, reason: { kind: 'scratch' } };

export function parseDockerfile(path: string, text: string, options: DockerfileOptions = {}): BuildFile {
  return new DockerfileReader(path, text, options.buildArgs ?? {}, options.contexts ?? NO_CONTEXTS, options.build, options.outputs).read();
}

/** The name a pull of `ref` asks for, with its implied tag: `docker.io/library/alpine:latest`. */
function pulledName(ref: ImageRef): string {
  return `${repositoryKey(ref)}:${effectiveTag(ref) ?? ''}`;
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
  /** The first stage of each name: what a later FROM names (a second one of that name is an error). */
  private readonly firstStage = new Map<string, Stage>();
  /** The index of the latest stage of each name so far, which BuildKit's FROM links to. */
  private readonly latestStage = new Map<string, number>();
  /** Every stage key in ascending order with its place in the file, for the names a platform pattern may match; made on first use. */
  private sortedStageKeys: { readonly key: string; readonly order: number }[] | undefined;
  /** Every stage name in the file, for `COPY --from` (which may name a later stage). */
  private readonly allStageKeys = new Map<string, string>();
  /** Each FROM's words (read once for the stage names, used again for the stage). */
  private readonly fromWords = new Map<Instruction, ReturnType<typeof splitFlags>>();
  /** One "not pinnable: a stage" per stage name: many uses name the same stage. */
  private readonly stagePins = new Map<string, NotPinnable>();
  private escape = '\\';
  private nextDeclId = 0;
  /** The ARG instruction that declared a variable with a default, for placing a companion ARG after it. */
  private readonly declaredBy = new Map<Variable, Instruction>();

  /** One id per override written in another file, for counting the images it feeds. */
  private readonly externalIds = new Map<string, number>();
  /** Stage `from` needs stage `to`: an index, or a lower-case name resolved once every stage is known. */
  private readonly stageLinks: { from: number; to: number | string }[] = [];
  /** References named contexts replaced, by unit: where the text they matched is written. */
  private readonly matched: { unit: number | undefined; match: MatchedContext }[] = [];
  /** `outputs` by the name a pull asks for; made on first use. */
  private localImages: Map<string, string> | undefined;

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly buildArgs: Readonly<Record<string, string | BuildArg>>,
    private readonly contexts: Readonly<Record<string, NamedContext>>,
    private readonly build: DockerfileOptions['build'],
    private readonly outputs: DockerfileOptions['outputs'],
  ) {
    this.lines = new LineIndex(text);
    for (const variable of PLATFORM_VARIABLES) this.global.set(variable.name, variable);
  }

  read(): BuildFile {
    const read = readInstructions(this.text, this.lines);
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
      const words = splitFlags(splitWords(ins.text, 4, this.escape));
      this.fromWords.set(ins, words);
      const { rest } = words;
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

    const reached = this.reachedStages();
    const file: BuildFile = {
      path: this.path,
      kind: 'dockerfile',
      units: this.units,
      uses: this.finishUses(reached),
      diagnostics: this.diagnostics,
    };
    if (!this.matched.length) return file;
    const matched = this.matched.filter((m) => m.unit === undefined || !reached || reached.stages.has(m.unit)).map((m) => m.match);
    return matched.length ? { ...file, matchedContexts: matched } : file;
  }

  /**
   * The stages a build builds, as BuildKit's dockerfile2llb finds them (`allReachableStages`): its target
   * (`findStateByName`, or `lastTarget`), and every stage that one needs through its base and its
   * `COPY --from`/`RUN --mount=from=` sources, transitively. Undefined when every stage counts: the file
   * read on its own, or a target no stage is named after (the build fails before it pulls anything).
   */
  private reachedStages(): { stages: Set<number>; target: Unit } | undefined {
    const count = this.stages.length;
    if (!this.build || !count) return undefined;
    // A later stage of the same name replaces an earlier one in BuildKit's name table.
    const byKey = new Map<string, number>();
    this.stages.forEach((s, i) => s.key !== undefined && byKey.set(s.key, i));
    const target = this.build.target ? byKey.get(this.build.target.toLowerCase()) : count - 1;
    if (target === undefined) return undefined;
    const needs = new Map<number, number[]>();
    for (const { from, to } of this.stageLinks) {
      const index = typeof to === 'number' ? to : byKey.get(to);
      if (index === undefined || index >= count) continue;
      let list = needs.get(from);
      if (!list) needs.set(from, (list = []));
      list.push(index);
    }
    const reached = new Set([target]);
    const queue = [target];
    while (queue.length) {
      for (const next of needs.get(queue.pop()!) ?? []) {
        if (reached.has(next)) continue;
        reached.add(next);
        queue.push(next);
      }
    }
    return { stages: reached, target: this.stages[target]!.unit };
  }


  // --- instructions -------------------------------------------------------------------------

  private from(ins: Instruction): void {
    const { flags, rest } = this.fromWords.get(ins)!;
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
    const previous = key === undefined ? undefined : this.firstStage.get(key);
    if (previous && name) {
      this.diagnoseIn(ins, name, 'error', 'duplicate-stage-name', message(Messages.dockerfileDuplicateStageName, name.text, previous.unit.index));
    }

    const unit: Unit = { kind: 'stage', index, ...(name ? { name: name.text } : {}), range };
    this.units.push(unit);
    const image = rest[0];
    // A stage built on an earlier stage inherits its ENV (not its ARGs).
    const scope: Scope = new Map();
    if (!image) {
      this.diagnose(ins.start, ins.end, 'error', 'from-without-image', message(Messages.dockerfileFromWithoutImage));
    } else {
      const platform = flags.find((f) => f.name === 'platform')?.value?.text;
      const expansion = expandWord(image.text, (n) => this.global.get(n), this.escape);
      const parent = expansion.unresolved ? undefined : this.firstStage.get(expansion.value);
      if (parent) for (const [name, v] of parent.scope) if (v.origin === 'env') scope.set(name, v);
      // A named context with the stage's own name replaces the whole stage (BuildKit checks it first).
      // BuildKit lowercases stage names before it looks one up as a context.
      const replacing = name ? this.contexts[name.text.toLowerCase()] : undefined;
      this.useIn(ins, 'from', image, expansion, index, platform, (n) => this.global.get(n), (value) =>
        // FROM can only build on a stage defined before it.
        this.firstStage.get(value)?.unit.name,
        replacing && name ? [name.text.toLowerCase(), replacing] : undefined,
      );
    }
    const stage: Stage = { unit, ...(key ? { key } : {}), scope };
    this.stages.push(stage);
    if (key === undefined) return;
    if (!previous) this.firstStage.set(key, stage);
    this.latestStage.set(key, index);
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
        variable = this.defined(ins, name, word, eq, (n) => scope.get(n), 'arg');
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
      stage.scope.set(first.text, this.defined(ins, first.text, joined, first.text.length, (n) => stage.scope.get(n), 'env'));
      return;
    }
    // All pairs of one ENV see the values from before it, as in BuildKit: the values this ENV replaces are
    // kept aside (copying the whole scope for each ENV made a long run of them quadratic).
    const replaced = new Map<string, Variable | undefined>();
    const before: Lookup = (n) => (replaced.has(n) ? replaced.get(n) : stage.scope.get(n));
    for (const word of words) {
      const eq = word.text.indexOf('=');
      if (eq <= 0) continue;
      const name = word.text.slice(0, eq);
      if (!replaced.has(name)) replaced.set(name, stage.scope.get(name));
      stage.scope.set(name, this.defined(ins, name, word, eq, before, 'env'));
    }
  }

  /** A variable whose value is written in the file: `NAME=value` in `word`, `=` at `eq`. */
  private defined(ins: Instruction, name: string, word: Word, eq: number, lookup: Lookup, origin: 'arg' | 'env'): Variable {
    const raw = word.text.slice(eq + 1);
    const expansion = expandWord(raw, lookup, this.escape);
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
    const { flags } = splitFlags(splitWords(ins.text, 4, this.escape, true));
    for (const flag of flags) {
      if (flag.name !== 'from' || !flag.value) continue;
      const lookup: Lookup = (n) => stage.scope.get(n);
      this.useIn(ins, 'copy-from', flag.value, expandWord(flag.value.text, lookup, this.escape), stage.unit.index, undefined, lookup, (value) => this.stageNamed(value));
    }
  }

  private run(ins: Instruction, stage: Stage): void {
    const { flags } = splitFlags(splitWords(ins.text, 3, this.escape, true));
    for (const flag of flags) {
      if (flag.name !== 'mount' || !flag.value) continue;
      for (const field of mountFields(flag.value)) {
        if (field.key !== 'from' || !field.value) continue;
        const lookup: Lookup = (n) => stage.scope.get(n);
        this.useIn(ins, 'mount-from', field.value, expandWord(field.value.text, lookup, this.escape), stage.unit.index, undefined, lookup, (value) => this.stageNamed(value));
      }
    }
  }

  private beforeFrom(ins: Instruction): void {
    const keyword = ins.text.slice(0, ins.keyword.length);
    this.diagnose(ins.start, ins.start + keyword.length, 'error', 'instruction-before-from', message(Messages.dockerfileInstructionBeforeFrom, keyword.toUpperCase()));
  }

  /**
   * The stages a name made of platform variables picks (`binaries-$TARGETOS`), when every platform's value
   * names one: each of the build's platforms when they are known; otherwise (the file on its own, or the
   * builder's own platform) the variables match any name, and the name must match at least one stage.
   */
  private stagesByPlatform(raw: string, lookup: Lookup, stageOf: (value: string) => string | undefined): string[] | undefined {
    const found = new Set<string>();
    for (const values of this.platformValues()) {
      const expansion = expandWord(raw, (n) => {
        const variable = lookup(n);
        if (variable?.state !== 'platform') return variable;
        return { name: n, state: 'value', value: values[n] ?? `\uE000${n.replace(/^(BUILD|TARGET)/, '')}\uE001`, origin: 'platform' };
      }, this.escape);
      if (expansion.unresolved) return undefined;
      // split() with a capturing group alternates text and the captured pattern names.
      const parts = expansion.value.split(WILDCARD);
      const pattern = new RegExp(`^${parts.map((part, i) => (i % 2 ? PLATFORM_PATTERNS[part] : escapeRegExp(part))).join('')}$`);
      let named = false;
      for (const key of this.stageKeysStartingWith(parts[0]!)) {
        const stage = pattern.test(key) ? stageOf(key) : undefined;
        if (stage === undefined) continue;
        found.add(stage);
        named = true;
      }
      if (!named) return undefined;
    }
    return [...found];
  }

  /**
   * The stage keys that start with `prefix`, in the file's order: only they can match a pattern that
   * starts with it (testing every stage for every use was quadratic in files of many stages).
   */
  private stageKeysStartingWith(prefix: string): Iterable<string> {
    if (!prefix) return this.allStageKeys.keys();
    const sorted = (this.sortedStageKeys ??= [...this.allStageKeys.keys()].map((key, order) => ({ key, order })).sort((a, b) => (a.key < b.key ? -1 : 1)));
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.key < prefix) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < sorted.length && sorted[end]!.key.startsWith(prefix)) end++;
    return sorted.slice(lo, end).sort((a, b) => a.order - b.order).map((s) => s.key);
  }

  /** `TARGETOS`, `TARGETARCH`… for each of the build's platforms; one set of unknowns when they are not known. */
  private platformValues(): Record<string, string>[] {
    const platforms = this.build?.platforms ?? [];
    const parsed = platforms.map((p) => /^([a-z0-9_-]+)\/([a-z0-9_-]+)(?:\/([a-z0-9_.-]+))?$/i.exec(p.trim()));
    // `local` (Bake) and the builder's default are the machine's own platform: unknown here.
    if (!parsed.length || parsed.some((m) => !m)) return [{}];
    return parsed.map((m) => {
      const [, os, arch, variant = ''] = m!.map((x) => x?.toLowerCase()) as [string, string, string, string?];
      return { TARGETPLATFORM: variant ? `${os}/${arch}/${variant}` : `${os}/${arch}`, TARGETOS: os, TARGETARCH: arch, TARGETVARIANT: variant };
    });
  }

  /** Records that stage `from` needs the stage `to` names, as BuildKit links them (`addState`, `toCommand`). */
  private linkStage(from: number | undefined, kind: ImageUseKind, to: string): void {
    // Only a build asks which stages are reached.
    if (from === undefined || !this.build) return;
    if (kind !== 'from') {
      this.stageLinks.push({ from, to: /^\d+$/.test(to) ? Number(to) : to.toLowerCase() });
      return;
    }
    // FROM builds on the latest stage of that name defined before it.
    const latest = this.latestStage.get(to.toLowerCase());
    if (latest !== undefined) this.stageLinks.push({ from, to: latest });
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
    lookup: Lookup,
    stageOf: (value: string) => string | undefined,
    replacedBy?: [string, NamedContext],
  ): void {
    this.expansionProblems(ins, word.start, expansion);
    const start = ins.offsetOf(word.start);
    const end = ins.offsetOf(word.end - 1) + 1;
    // The text as written: a word continued over lines keeps its continuation, so it matches its range.
    const text = this.text.slice(start, end);
    const byPlatform = expansion.unresolved?.cause === 'platform' && !replacedBy ? this.stagesByPlatform(word.text, lookup, stageOf) : undefined;
    if (byPlatform) {
      for (const stage of byPlatform) this.linkStage(unit, kind, stage);
      const pin: NotPinnable = { pinnable: false, reason: { kind: 'stage', stage: text, byPlatform } };
      this.drafts.push({ use: { kind, range: this.lines.range(start, end), text, resolved: undefined, reference: undefined, unit, platform, context: undefined, pin } });
      return;
    }
    this.addUse(kind, text, start, end, expansion, unit, platform, (relStart, relEnd) => ({
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
      // Matched on the reference as written: a digest written where that text comes from ends the match.
      const place = replacedBy ? undefined : this.placeOfPin(expansion, start, end, within);
      if (place) this.matched.push({ unit, match: { context: name, ...place } });
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
      push(SCRATCH, value);
      return;
    }
    if (stage !== undefined) {
      this.linkStage(unit, kind, value);
      let pin = this.stagePins.get(stage);
      if (!pin) this.stagePins.set(stage, (pin = notPinnable({ kind: 'stage', stage })));
      push(pin, value);
      return;
    }
    const parsed = parseImageReference(value);
    if (!parsed.ok) {
      push(notPinnable({ kind: 'invalid', error: parsed.error }), value);
      this.diagnose(start, end, 'error', 'invalid-reference', parsed.error.message);
      return;
    }
    const reference = parsed.ref;
    const builder = this.outputs && kind !== 'syntax' && reference.digest === undefined ? this.localImage(reference) : undefined;
    if (builder !== undefined) {
      push(notPinnable({ kind: 'localBuild', builder }), value, reference);
      return;
    }
    const pieces = expansion.pieces;
    const only = pieces.length === 1 ? pieces[0]! : undefined;
    const firstName = expansion.names[0];
    if (firstName !== undefined) variables = pieces.flatMap((p) => (p.kind === 'variable' ? [p.variable] : []));

    if (only?.kind === 'literal' || firstName === undefined) {
      // Written right here (variables, if any, added nothing). Without variables but split by
      // quotes or escapes, the digest still goes at the end of the word as written.
      const site = only?.kind === 'literal' ? within(only.start, only.end) : { start, end };
      // Most often the whole reference: its range and text are the use's own.
      const whole = site.start === start && site.end === end;
      push({ pinnable: true, range: whole ? range : this.lines.range(site.start, site.end), text: whole ? text : this.text.slice(site.start, site.end) }, value, reference);
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
   * The text a pin of this reference would edit, as the branches at the end of `addUse` choose it: the
   * reference as written (itself, or after its expansion when only partly from variables), the ARG default
   * it comes from whole, or the build argument that sets it.
   */
  private placeOfPin(expansion: Expansion, start: number, end: number, within: (relStart: number, relEnd: number) => { start: number; end: number }): { file: string; range: Range } | undefined {
    const only = expansion.pieces.length === 1 ? expansion.pieces[0]! : undefined;
    const variable = only?.kind === 'variable' ? only.variable : undefined;
    if (variable?.origin === 'override') return variable.external && { file: variable.external.file, range: variable.external.range };
    if (variable?.site) return { file: this.path, range: this.lines.range(variable.site.start, variable.site.end) };
    const site = only?.kind === 'literal' ? within(only.start, only.end) : { start, end };
    return { file: this.path, range: this.lines.range(site.start, site.end) };
  }

  /** The service or target whose output `ref` names, if the project builds it (`outputs`). */
  private localImage(ref: ImageRef): string | undefined {
    if (!this.localImages) {
      this.localImages = new Map();
      for (const [tag, builder] of this.outputs ?? []) {
        const parsed = parseImageReference(tag);
        if (parsed.ok && parsed.ref.digest === undefined) this.localImages.set(pulledName(parsed.ref), builder);
      }
    }
    return this.localImages.get(pulledName(ref));
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
   * partly from variables gets its choices, a companion ARG only when its variables feed it alone. Images
   * of stages the build does not build are not pulled by it.
   */
  private finishUses(reached: { stages: Set<number>; target: Unit } | undefined): ImageUse[] {
    const users = new Map<number, number>();
    const feeds = new Map<Variable, number>();
    for (const d of this.drafts) {
      if (d.declId !== undefined) users.set(d.declId, (users.get(d.declId) ?? 0) + 1);
      if (d.variables?.length) for (const v of new Set(d.variables)) feeds.set(v, (feeds.get(v) ?? 0) + 1);
    }
    let names: Set<string> | undefined;
    return this.drafts.map((d) => {
      if (reached && d.use.unit !== undefined && !reached.stages.has(d.use.unit)) {
        d.use.pin = { pinnable: false, reason: { kind: 'notBuilt', target: reached.target.name ?? reached.target.index } };
        return d.use;
      }
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
    // A companion's name ends in _DIGEST (or _DIGEST_2…): in a file without that, no word can clash (most files).
    const names = new Set(this.text.includes('_DIGEST') ? this.text.match(/[A-Za-z_][A-Za-z0-9_]*/g) : []);
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
