// Compose files as the model sees them: services, the images they pull (`image:` without `build:`),
// and the builds they define (Dockerfile, args, additional contexts), with exact ranges. Read from a light
// YAML tree (yamlTree.ts: plain block YAML directly, anything else from the `yaml` package's concrete
// syntax tree), so ranges, anchors and quoting are the file's own.
//
// A project is a base file plus its override file (`compose.override.yaml` next to `compose.yaml`):
// services merge across them, so whether `image:` names a base or the build's output is decided on
// the merged service, while each file lists only the uses written in it.

import { isMap, isScalar, isSeq, parseYaml, type YMap, type YNode, type YPair, type YamlProblem, type YScalar } from './yamlTree';
import type { BuildArg, BuildDefinition, BuildFile, Diagnostic, ImageUse, NamedContext, NotPinnableReason, PinSite, Range, Site, Unit } from '../model/buildFile';
import { LineIndex } from '../model/lineIndex';
import { Messages, message } from '../model/messages';
import { basename, dirname, resolvePath } from '../model/paths';
import { parseImageReference } from '../reference/imageReference';
import { parseEnvFile } from './envFile';
import { hasVariables, interpolate, type Lookup } from './interpolate';

export interface ComposeOptions {
  /** Reads another file of the project (override, `extends.file`, `.env`); undefined when it does not exist. */
  readonly readFile?: (path: string) => string | undefined;
  /** Values that win over `.env`, as the shell's environment does for `docker compose`. */
  readonly environment?: Readonly<Record<string, string>>;
}

/** compose-go's default names, in its order. */
const BASE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];
const DOCKER_IMAGE = 'docker-image://';

/** For an override file, the base files it may apply to, in compose-go's order; undefined for a base file. */
export function overrideBases(path: string): string[] | undefined {
  if (!/^(compose|docker-compose)\.override\.ya?ml$/.test(basename(path))) return undefined;
  const dir = dirname(path);
  return BASE_NAMES.map((n) => resolvePath(dir, n));
}

/** The override file `docker compose` adds next to a base file: the first of these that exists (compose-go). */
function overridesOf(path: string): string[] {
  if (!BASE_NAMES.includes(basename(path))) return [];
  const dir = dirname(path);
  return OVERRIDE_NAMES.map((n) => resolvePath(dir, n));
}

/** For building a model object field by field, not with `...(cond ? {…} : {})` (see `buildDefinition`). */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A scalar written in some file of the project. */
interface Written {
  readonly file: SourceFile;
  readonly node: YScalar;
}

interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly lines: LineIndex;
  readonly root: YNode | undefined;
  /** Where the YAML reader found the text broken (an unterminated quote runs on to where it gave up). */
  readonly problems: readonly YamlProblem[];
}

/** A service after merging the project's files: the last file to set a field wins; maps merge by key. */
interface MergedService {
  name: string;
  image?: Written;
  build?: {
    context?: Written;
    dockerfile?: Written;
    inline?: Written;
    target?: Written;
    args: Map<string, { value: Written | undefined; listForm: boolean }>;
    contexts: Map<string, { value: Written; listForm: boolean }>;
    platforms?: string[];
    tags?: string[];
    range: Range;
    file: SourceFile;
  };
  profiles?: string[];
}

export function parseCompose(path: string, text: string, options: ComposeOptions = {}): BuildFile {
  return new ComposeReader(path, text, options).read();
}

class ComposeReader {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly dependencies = new Set<string>();
  private readonly env: Lookup;
  private readonly self: SourceFile;

  constructor(
    private readonly path: string,
    text: string,
    private readonly options: ComposeOptions,
  ) {
    this.self = this.load(path, text);
    // The project directory is the base file's: `.env` is read from there.
    const projectDir = dirname(path);
    const envPath = resolvePath(projectDir, '.env');
    const envText = this.readOther(envPath);
    const dotenv = envText === undefined ? new Map<string, string>() : parseEnvFile(envText).values;
    const environment = options.environment ?? {};
    this.env = (name) => environment[name] ?? dotenv.get(name);
  }

  read(): BuildFile {
    // The project's files in merge order; this file's own model decides which uses to list.
    const bases = overrideBases(this.path);
    const others = bases ?? overridesOf(this.path);
    const files: SourceFile[] = [];
    if (bases) {
      const base = bases.map((p) => [p, this.readOther(p)] as const).find(([, t]) => t !== undefined);
      if (base) files.push(this.load(base[0], base[1]!));
      files.push(this.self);
    } else {
      files.push(this.self);
      for (const p of others) {
        const t = this.readOther(p);
        if (t === undefined) continue;
        files.push(this.load(p, t));
        break;
      }
    }

    const merged = new Map<string, MergedService>();
    for (const file of files) this.mergeFile(file, merged);

    const units: Unit[] = [];
    const uses: ImageUse[] = [];
    const builds: BuildDefinition[] = [];
    const services = this.servicesMap(this.self);
    for (const pair of services?.pairs ?? []) {
      const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (name === undefined) continue;
      const service = merged.get(name);
      if (!service) continue;
      const unitIndex = units.length;
      const unit: Mutable<Unit> = { kind: 'service', index: unitIndex, name, range: this.range(this.self, pair.key!) };
      if (service.profiles?.length) unit.profiles = service.profiles;
      units.push(unit);
      if (service.image && service.image.file === this.self) uses.push(this.imageUse(service, unitIndex));
      if (service.build) {
        for (const { value, listForm } of service.build.contexts.values()) {
          if (value.file !== this.self) continue;
          const use = this.contextUse(value, listForm, unitIndex);
          if (use) uses.push(use);
        }
        builds.push(this.buildDefinition(service, unitIndex, units[unitIndex]!.range));
      }
    }
    for (const file of files) if (file !== this.self) this.dependencies.add(file.path);
    for (const p of others) this.dependencies.add(p);

    const includes = this.includes();
    return {
      path: this.path,
      kind: 'compose',
      units,
      uses,
      diagnostics: this.diagnostics,
      builds,
      dependencies: [...this.dependencies],
      ...(includes.length ? { includes } : {}),
    };
  }

  /** `include:` in its short (`- path`) and long (`- path: …` or a list of paths) forms. */
  private includes(): string[] {
    const root = this.self.root;
    const include = isMap(root) ? new Fields(root).get('include') : undefined;
    if (!isSeq(include)) return [];
    const dir = dirname(this.path);
    const paths: string[] = [];
    for (const item of include.items) {
      const path = isMap(item) ? new Fields(item).get('path') : item;
      const entries = isSeq(path) ? path.items : [path];
      for (const entry of entries) {
        if (isScalar(entry) && typeof entry.value === 'string') paths.push(resolvePath(dir, interpolate(entry.value, this.env).value));
      }
    }
    return paths;
  }

  // --- files ---------------------------------------------------------------------------------------

  private readOther(path: string): string | undefined {
    this.dependencies.add(path);
    return this.options.readFile?.(path);
  }

  private load(path: string, text: string): SourceFile {
    const { root, problems } = parseYaml(text);
    const file: SourceFile = { path, text, lines: new LineIndex(text), root, problems };
    if (path === this.path) {
      for (const p of problems) {
        const m = message(Messages.composeYamlError, p.message.split('\n')[0] ?? p.message);
        this.diagnostics.push({ range: file.lines.range(p.start, Math.max(p.start, p.end)), severity: 'error', code: 'yaml-syntax', message: m });
      }
    }
    return file;
  }

  private servicesMap(file: SourceFile): YMap | undefined {
    const services = isMap(file.root) ? new Fields(file.root).get('services') : undefined;
    return isMap(services) ? services : undefined;
  }

  private mergeFile(file: SourceFile, merged: Map<string, MergedService>): void {
    const services = this.servicesMap(file);
    for (const pair of services?.pairs ?? []) {
      const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const value = pair.value;
      if (name === undefined || !isMap(value)) continue;
      let service = merged.get(name);
      if (!service) merged.set(name, (service = { name }));
      this.mergeService(file, value, service, merged, new Set([`${file.path}#${name}`]));
    }
  }

  /** Merges one service definition into `service`; `extends` first, so the service's own fields win. */
  private mergeService(file: SourceFile, map: YMap, service: MergedService, merged: Map<string, MergedService>, seen: Set<string>): void {
    const fields = new Fields(map);
    const extendsNode = fields.get('extends');
    if (extendsNode) this.extend(file, extendsNode, service, merged, seen);

    const image = fields.get('image');
    if (image?.reset) delete service.image;
    else if (isScalar(image) && image.value !== null) service.image = { file, node: image };
    const profiles = fields.get('profiles');
    if (isSeq(profiles)) service.profiles = profiles.items.filter(isScalar).map((s) => String(s.value));

    const buildPair = fields.pair('build');
    if (!buildPair) return;
    // `build: !reset null` (or `build: null`) removes what a base file set.
    if (buildPair.value?.reset || (isScalar(buildPair.value) && buildPair.value.value === null)) {
      delete service.build;
      return;
    }
    service.build ??= { args: new Map(), contexts: new Map(), range: this.range(file, buildPair.key!), file };
    const build = service.build;
    build.range = this.range(file, buildPair.key!);
    build.file = file;
    const value = buildPair.value;
    if (isScalar(value)) {
      build.context = { file, node: value };
      return;
    }
    if (!isMap(value)) return;
    const buildFields = new Fields(value);
    const scalar = (key: string): Written | undefined => {
      const node = buildFields.get(key);
      return isScalar(node) && node.value !== null ? { file, node } : undefined;
    };
    build.context = scalar('context') ?? build.context;
    build.dockerfile = scalar('dockerfile') ?? build.dockerfile;
    build.inline = scalar('dockerfile_inline') ?? build.inline;
    build.target = scalar('target') ?? build.target;
    const platforms = buildFields.get('platforms');
    if (isSeq(platforms)) build.platforms = platforms.items.filter(isScalar).map((s) => String(s.value));
    const tags = buildFields.get('tags');
    if (isSeq(tags)) build.tags = tags.items.filter(isScalar).map((s) => String(s.value));

    const args = buildFields.get('args');
    if (isMap(args)) {
      for (const pair of new Fields(args).pairs) {
        if (!isScalar(pair.key)) continue;
        const node = pair.value;
        const v = isScalar(node) && node.value !== null ? { file, node } : undefined;
        build.args.set(String(pair.key.value), { value: v, listForm: false });
      }
    } else if (isSeq(args)) {
      for (const item of args.items) {
        if (!isScalar(item)) continue;
        const raw = String(item.value);
        const eq = raw.indexOf('=');
        build.args.set(eq < 0 ? raw : raw.slice(0, eq), { value: eq < 0 ? undefined : { file, node: item }, listForm: true });
      }
    }

    const contexts = buildFields.get('additional_contexts');
    if (isMap(contexts)) {
      for (const pair of new Fields(contexts).pairs) {
        const node = pair.value;
        if (isScalar(pair.key) && isScalar(node)) build.contexts.set(String(pair.key.value), { value: { file, node }, listForm: false });
      }
    } else if (isSeq(contexts)) {
      for (const item of contexts.items) {
        if (!isScalar(item)) continue;
        const raw = String(item.value);
        const eq = raw.indexOf('=');
        if (eq > 0) build.contexts.set(raw.slice(0, eq), { value: { file, node: item }, listForm: true });
      }
    }
  }

  private extend(file: SourceFile, node: YNode, service: MergedService, merged: Map<string, MergedService>, seen: Set<string>): void {
    let baseName: string | undefined;
    let basePath: string | undefined;
    if (isScalar(node)) baseName = String(node.value);
    else if (isMap(node)) {
      const fields = new Fields(node);
      const s = fields.get('service');
      const f = fields.get('file');
      baseName = isScalar(s) ? String(s.value) : undefined;
      basePath = isScalar(f) ? resolvePath(dirname(file.path), String(f.value)) : undefined;
    }
    if (baseName === undefined) return;
    let baseFile = file;
    if (basePath !== undefined) {
      const text = this.readOther(basePath);
      if (text === undefined) {
        if (file === this.self) this.diagnose(file, node.range[0], node.range[1], 'warning', 'compose-missing-file', message(Messages.composeMissingFile, basePath));
        return;
      }
      baseFile = this.load(basePath, text);
    }
    const key = `${baseFile.path}#${baseName}`;
    if (seen.has(key)) {
      if (file === this.self) this.diagnose(file, node.range[0], node.range[1], 'error', 'compose-extends-cycle', message(Messages.composeExtendsCycle, baseName));
      return;
    }
    const baseMap = (() => { const services = this.servicesMap(baseFile); return services ? new Fields(services).get(baseName) : undefined; })();
    if (!isMap(baseMap)) {
      if (file === this.self) this.diagnose(file, node.range[0], node.range[1], 'warning', 'compose-unknown-service', message(Messages.composeUnknownService, baseName));
      return;
    }
    this.mergeService(baseFile, baseMap, service, merged, new Set([...seen, key]));
  }

  // --- uses ------------------------------------------------------------------------------------------

  private imageUse(service: MergedService, unit: number): ImageUse {
    const { node } = service.image!;
    const range = this.range(this.self, node);
    const text = this.self.text.slice(node.range[0], node.range[1]);
    if (service.build) {
      const resolved = interpolate(String(node.value), this.env).value;
      return { kind: 'compose-image', range, text, resolved, unit, pin: { pinnable: false, reason: { kind: 'buildOutput' } } };
    }
    return this.referenceUse('compose-image', { file: this.self, node }, 0, unit);
  }

  /** `additional_contexts` entry `name: docker-image://ref` (or `- name=docker-image://ref`): an image use. */
  private contextUse(value: Written, listForm: boolean, unit: number): ImageUse | undefined {
    const raw = String(value.node.value);
    const skip = listForm ? raw.indexOf('=') + 1 : 0;
    if (!raw.startsWith(DOCKER_IMAGE, skip)) return undefined;
    return this.referenceUse('compose-context', value, skip + DOCKER_IMAGE.length, unit);
  }

  /** A reference written in `written` from character `skip` of its value on: interpolated, parsed, pin site. */
  private referenceUse(kind: ImageUse['kind'], written: Written, skip: number, unit: number): ImageUse {
    const { node } = written;
    const full = this.valueSite(written);
    const raw = String(node.value).slice(skip);
    const range = full.verbatim ? written.file.lines.range(full.start + skip, full.end) : this.range(written.file, node);
    const text = full.verbatim ? raw : written.file.text.slice(node.range[0], node.range[1]);
    const notPinnable = (reason: NotPinnableReason, resolved?: string, reference?: ImageUse['reference']): ImageUse => ({ kind, range, text, resolved, reference, unit, pin: { pinnable: false, reason } });

    const interpolation = interpolate(raw, this.env);
    if (interpolation.error) return notPinnable({ kind: 'unresolved', variable: interpolation.error.variable, cause: 'error' });
    const missing = interpolation.unset[0];
    if (missing !== undefined) return notPinnable({ kind: 'unresolved', variable: missing, cause: 'noValue' });
    const value = interpolation.value;
    const parsed = parseImageReference(value);
    if (!parsed.ok) {
      // A scalar the YAML error already covers (its quote never closes) is that error, not a bad reference:
      // compose-go stops at the YAML error (loader.ParseYAML) and never reads the value as an image.
      const broken = written.file.problems.some((p) => p.start >= node.range[0] && p.start <= node.range[1]);
      if (!broken) this.diagnose(written.file, node.range[0], node.range[1], 'error', 'invalid-reference', parsed.error.message);
      return notPinnable({ kind: 'invalid', error: parsed.error }, value);
    }
    if (hasVariables(raw) || !full.verbatim) return notPinnable({ kind: 'interpolated', variable: interpolation.names[0] ?? '' }, value, parsed.ref);
    const pin: Mutable<PinSite> = { pinnable: true, range, text: raw };
    if (written.file !== this.self) pin.file = written.file.path;
    return { kind, range, text, resolved: value, reference: parsed.ref, unit, pin };
  }

  /** Where a scalar's value is written, and whether the source text is the value itself (no escapes). */
  private valueSite({ file, node }: Written): { start: number; end: number; verbatim: boolean } {
    const quoted = node.style === 'QUOTE_DOUBLE' || node.style === 'QUOTE_SINGLE';
    const start = quoted ? node.range[0] + 1 : node.range[0];
    const end = quoted ? node.range[1] - 1 : node.range[1];
    // The source compared in place rather than sliced (`slice` gives "" when end < start).
    const value = String(node.value);
    const length = Math.max(0, end - start);
    const verbatim = (quoted || node.style === 'PLAIN') && value.length === length && (length === 0 || file.text.startsWith(value, start));
    return { start, end, verbatim };
  }

  private buildDefinition(service: MergedService, unit: number, unitRange: Range): BuildDefinition {
    const build = service.build!;
    const value = (w: Written | undefined): string | undefined => (w ? interpolate(String(w.node.value), this.env).value : undefined);
    // Relative paths are relative to the file that writes them (a base file of `extends` may be elsewhere).
    const baseDir = dirname((build.context ?? build.dockerfile)?.file.path ?? build.file.path);
    // Empty (a variable without a value) is as good as unset: compose-go's normalize defaults only what is
    // missing, but docker compose leaves empty values out of the Bake definition it builds (`omitempty`), and
    // Bake's ResolveTarget then defaults them to "." and "Dockerfile".
    const context = value(build.context) || '.';
    const remote = /^(https?:\/\/|git@|github\.com\/|ssh:\/\/)/.test(context);
    const inline = value(build.inline);
    const dockerfileName = value(build.dockerfile) || 'Dockerfile';
    const contextDir = resolvePath(baseDir, context);

    // Maps are walked with forEach and objects filled field by field: this runs for every build of the
    // workspace at startup, mostly before V8 optimizes it, where iterator destructuring and object spread are slow.
    const args: Record<string, BuildArg> = {};
    build.args.forEach((arg, name) => {
      if (!arg.value) {
        // `KEY` alone or `KEY:` with no value: taken from the environment when set there.
        const fromEnv = this.env(name);
        if (fromEnv !== undefined) args[name] = { value: fromEnv };
        return;
      }
      const raw = String(arg.value.node.value);
      const skip = arg.listForm ? raw.indexOf('=') + 1 : 0;
      const text = raw.slice(skip);
      const resolved = interpolate(text, this.env).value;
      const site = this.literalSite(arg.value, skip);
      args[name] = site && !hasVariables(text) ? { value: resolved, site } : { value: resolved };
    });

    const contexts: Record<string, NamedContext> = {};
    build.contexts.forEach(({ value: written, listForm }, name) => {
      const raw = String(written.node.value);
      const skip = listForm ? raw.indexOf('=') + 1 : 0;
      const text = raw.slice(skip);
      const resolved = interpolate(text, this.env).value;
      if (resolved.startsWith(DOCKER_IMAGE)) {
        const site = hasVariables(text) ? undefined : this.literalSite(written, skip + DOCKER_IMAGE.length);
        const variable = interpolate(text, this.env).names[0];
        const image: Mutable<NamedContext & { kind: 'image' }> = { kind: 'image', value: resolved.slice(DOCKER_IMAGE.length) };
        if (site) image.site = site;
        if (variable) image.variable = variable;
        contexts[name] = image;
      } else if (resolved.startsWith('service:')) {
        contexts[name] = { kind: 'build', name: resolved.slice('service:'.length) };
      } else {
        contexts[name] = { kind: 'local', value: resolved };
      }
    });

    const target = value(build.target);
    const definition: Mutable<BuildDefinition> = { unit } as BuildDefinition;
    if (inline !== undefined) definition.inline = inline;
    else if (!remote) definition.dockerfile = resolvePath(contextDir, dockerfileName);
    if (remote) definition.remoteContext = context;
    else definition.context = contextDir;
    // A build defined in the other file of the project is shown at the service's key here.
    definition.range = build.file === this.self ? build.range : unitRange;
    definition.args = args;
    definition.contexts = contexts;
    if (target !== undefined) definition.target = target;
    if (build.platforms) definition.platforms = build.platforms;
    // docker compose tags the output with `build.tags` and the service's image (build_bake.go).
    const tags = [...(build.tags ?? []), ...(service.image ? [String(service.image.node.value)] : [])].map((t) => interpolate(t, this.env).value);
    if (tags.length) definition.tags = tags;
    return definition;
  }

  /** The site of a scalar's value from character `skip` on, when written verbatim. */
  private literalSite(written: Written, skip: number): Site | undefined {
    const site = this.valueSite(written);
    if (!site.verbatim) return undefined;
    const start = site.start + skip;
    return { file: written.file.path, range: written.file.lines.range(start, site.end), text: written.file.text.slice(start, site.end) };
  }

  // --- positions ---------------------------------------------------------------------------------------

  private range(file: SourceFile, node: YNode): Range {
    return file.lines.range(node.range[0], node.range[1]);
  }

  private diagnose(file: SourceFile, start: number, end: number, severity: Diagnostic['severity'], code: string, m: Diagnostic['message']): void {
    if (file !== this.self) return;
    this.diagnostics.push({ range: file.lines.range(start, Math.max(start, end)), severity, code, message: m });
  }
}

/** Merge keys can nest; a file that multiplies entries this far is not a Compose file anyone wrote. */
const MAX_MERGED_PAIRS = 10_000;
const expanded = new WeakMap<YMap, YPair[]>();

/**
 * A mapping's entries with YAML merge keys expanded (`<<: *defaults`, `<<: [*a, *b]`), as Compose reads
 * them: an entry written in the mapping itself wins over a merged one, an earlier merge source over a later.
 * Each mapping is expanded once; the expansion is capped, so aliases that multiply cannot blow up.
 */
class Fields {
  readonly pairs: readonly YPair[];

  constructor(map: YMap) {
    // Nearly every mapping has no merge key: its own entries, as expanding them would list them.
    this.pairs = map.pairs.some(isMergeKey) ? expand(map, new Set()) : map.pairs;
  }

  pair(key: string): YPair | undefined {
    let found: YPair | undefined;
    for (const p of this.pairs) if (isScalar(p.key) && p.key.value === key) found = p;
    return found;
  }

  get(key: string): YNode | undefined {
    return this.pair(key)?.value;
  }
}

function expand(map: YMap, visiting: Set<YMap>): YPair[] {
  const cached = expanded.get(map);
  if (cached) return cached;
  const own: YPair[] = [];
  const merged: YPair[] = [];
  visiting.add(map);
  for (const pair of map.pairs) {
    if (!isMergeKey(pair)) {
      own.push(pair);
      continue;
    }
    const sources = isSeq(pair.value) ? pair.value.items : pair.value ? [pair.value] : [];
    // Earlier sources win: add them last.
    for (let i = sources.length - 1; i >= 0; i--) {
      const source = sources[i];
      if (!isMap(source) || visiting.has(source)) continue;
      for (const p of expand(source, visiting)) {
        if (merged.length >= MAX_MERGED_PAIRS) break;
        merged.push(p);
      }
    }
  }
  visiting.delete(map);
  const pairs = merged.length ? [...merged, ...own] : own;
  expanded.set(map, pairs);
  return pairs;
}

function isMergeKey(pair: YPair): boolean {
  return isScalar(pair.key) && pair.key.value === '<<' && pair.key.style === 'PLAIN';
}
