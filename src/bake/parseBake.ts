// Bake files as the model sees them: targets and groups, the Dockerfiles targets build with their
// args and named contexts, and the images written in the file (`docker-image://` contexts) — evaluated
// the way `docker buildx bake --print` would: variables with defaults and environment overrides,
// user functions, the standard functions, `inherits`, `matrix` and `name`, and the project's files
// merged in Bake's lookup order (Compose services with `build:` first, then HCL and JSON).
//
// A file's model lists the units and uses written in it; the values they get may come from any file of
// the project. A value written as one literal string has a site, where a pin would go.

import type { Attribute, Block, Expr, HclDiagnostic, Span } from '../hcl/ast';
import { evaluate, standardFunctions, type Scope } from '../hcl/evaluate';
import { isObject, isTuple, isUnknown, Unknown, valueToString, type HclFunction, type Value } from '../hcl/values';
import type { BuildArg, BuildDefinition, BuildFile, Diagnostic, ImageUse, NamedContext, Range, Site, Unit } from '../model/buildFile';
import { Messages, message, type Message } from '../model/messages';
import { dirname, relativePath, resolvePath } from '../model/paths';
import { parseImageReference } from '../reference/imageReference';
import { parseCompose } from '../compose/parseCompose';
import { projectFiles, type ProjectFile } from './bakeProject';

export interface BakeOptions {
  /** Reads another file of the project; undefined when it does not exist. */
  readonly readFile?: (path: string) => string | undefined;
  /** The environment `docker buildx bake` would see: it overrides `variable` defaults. */
  readonly environment?: Readonly<Record<string, string>>;
  /** A Compose file of the project, already parsed with the same environment (saves parsing it again). */
  readonly parsedCompose?: (path: string) => BuildFile | undefined;
}

const DOCKER_IMAGE = 'docker-image://';
/** Matrix combinations read per target; beyond this the file is not one a person runs. */
const MAX_MATRIX = 1000;
const TARGET_LINK = 'target:';
/** A path from where `docker buildx bake` runs (the bake file's folder here), not from the context. */
const CWD = 'cwd://';
const STANDARD_SCOPE: Scope = { variables: new Map(), functions: standardFunctions };

/** Set by buildx, not by the file. */
const BUILTIN_VARIABLES: Record<string, Value> = {
  BAKE_CMD_CONTEXT: CWD,
  BAKE_LOCAL_PLATFORM: new Unknown('BAKE_LOCAL_PLATFORM is the platform of the machine that runs the build'),
};

/** For building a model object field by field, not with `...(cond ? {…} : {})` (see `buildDefinition`). */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A value and, when it is one literal string in some file, where it is written. */
interface Sited {
  readonly value: string;
  readonly site?: Site;
  /** When the value is not literal: the first variable it comes from. */
  readonly variable?: string;
  /** The expression it was evaluated from, and the block that writes it. */
  readonly origin?: { readonly file: ProjectFile; readonly span: Span; readonly block: Block };
}

/** A target's attributes after evaluation, before or after inheritance. */
interface TargetValue {
  context?: Sited;
  dockerfile?: Sited;
  inline?: Sited;
  target?: Sited;
  args: Map<string, Sited>;
  contexts: Map<string, Sited>;
  platforms?: string[];
  tags?: string[];
  inherits: string[];
}

/** One block (or matrix combination, or Compose service) that defines a target. */
interface TargetDefinition {
  readonly name: string;
  readonly file: ProjectFile;
  readonly block?: Block;
  readonly scope: Scope;
  /** For a Compose service read as a target: its values, already known. */
  readonly value?: TargetValue;
}

export function parseBake(path: string, text: string, options: BakeOptions = {}): BuildFile {
  return new BakeReader(path, text, options).read();
}

class BakeReader {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly reported = new Set<string>();
  private readonly evaluationProblems: HclDiagnostic[] = [];
  private readonly dependencies = new Set<string>();
  private readonly files: ProjectFile[];
  private readonly self: ProjectFile;
  private readonly variableBlocks = new Map<string, { block: Block; file: ProjectFile }>();
  private readonly variableValues = new Map<string, Value>();
  private readonly resolving = new Set<string>();
  /** The file's own functions; the standard ones are looked up in the scope above. */
  private readonly functions = new Map<string, HclFunction>();
  private readonly globals = new Map<string, { attribute: Attribute; file: ProjectFile }>();
  private readonly root: Scope;
  private readonly definitions = new Map<string, TargetDefinition[]>();
  private readonly groups = new Map<string, { block: Block; file: ProjectFile }>();
  /** Groups Bake adds for matrix targets: the block label → the generated names. */
  private readonly matrixGroups = new Map<string, string[]>();
  private readonly resolved = new Map<string, TargetValue | undefined>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly path: string,
    text: string,
    private readonly options: BakeOptions,
  ) {
    const readFile = (p: string): string | undefined => options.readFile?.(p);
    const { files, consulted } = projectFiles(path, text, readFile);
    for (const p of consulted) this.dependencies.add(p);
    this.files = files;
    this.self = files.find((f) => f.path === path)!;
    for (const d of this.self.diagnostics) this.diagnose(this.self, d.span, 'error', 'hcl-syntax', message(Messages.bakeSyntaxError, d.message));
    const variables = new LazyVariables((name) => this.variable(name));
    this.root = { variables, functions: this.functions, parent: STANDARD_SCOPE };
  }

  read(): BuildFile {
    this.collect();
    const units: Unit[] = [];
    const uses: ImageUse[] = [];
    const builds: BuildDefinition[] = [];
    const unitOf = new Map<string, number>();

    // Targets written in this file, in source order, one unit per name (a matrix block gives several).
    const written = [...this.definitions].flatMap(([name, definitions]) => {
      const own = definitions.find((d) => d.file === this.self && d.block);
      return own?.block ? [{ name, block: own.block }] : [];
    });
    written.sort((a, b) => a.block.span.start - b.block.span.start);
    const templates = this.templates();
    for (const { name, block } of written) {
      const index = units.length;
      unitOf.set(name, index);
      const unit: Unit = { kind: 'target', index, name, range: this.headerRange(block) };
      units.push(templates.has(name) ? { ...unit, template: true } : unit);
    }
    for (const [name, { block, file }] of this.groups) {
      if (file !== this.self) continue;
      units.push({ kind: 'group', index: units.length, name, range: this.headerRange(block) });
    }
    // Members are resolved once every unit has its index.
    const withMembers = units.map((unit): Unit => {
      if (unit.kind !== 'group' || unit.name === undefined) return unit;
      const members = this.groupMembers(unit.name).flatMap((t) => (unitOf.has(t) ? [unitOf.get(t)!] : []));
      return { ...unit, members };
    });

    for (const [name, unit] of unitOf) {
      const target = this.target(name);
      if (!target) continue;
      // The images this target's own blocks name in `contexts` (inherited ones are listed where written).
      const own = new Set((this.definitions.get(name) ?? []).flatMap((d) => (d.block && d.file === this.self ? [d.block] : [])));
      for (const context of target.contexts.values()) {
        if (context.value.startsWith(DOCKER_IMAGE) && context.origin && own.has(context.origin.block)) uses.push(this.contextUse(context, unit));
      }
      // Every target builds, templates too: buildx has no abstract targets (`bake.go` `ResolveTarget`
      // gives one that sets neither `context` nor `dockerfile` the context "." and "Dockerfile").
      builds.push(this.buildDefinition(target, unit, withMembers[unit]!.range));
    }
    this.checkLinks(unitOf, withMembers);
    this.reportEvaluationProblems();

    return {
      path: this.path,
      kind: this.self.kind === 'json' ? 'bake-json' : 'bake-hcl',
      units: withMembers,
      uses,
      diagnostics: this.diagnostics,
      builds,
      dependencies: [...this.dependencies],
    };
  }

  // --- definitions ---------------------------------------------------------------------------------

  private collect(): void {
    // Compose files first: HCL always merges over them, whatever their order.
    for (const file of this.files.filter((f) => f.kind === 'compose')) this.collectCompose(file);
    for (const file of this.files.filter((f) => f.kind !== 'compose')) {
      for (const item of file.body.items) {
        if (item.kind === 'attribute') {
          this.globals.set(item.name, { attribute: item, file });
          continue;
        }
        const label = item.labels[0]?.value;
        switch (item.type) {
          case 'variable':
            if (label !== undefined && !(label in BUILTIN_VARIABLES)) this.variableBlocks.set(label, { block: item, file });
            break;
          case 'function':
            if (label !== undefined) this.defineFunction(label, item, file);
            break;
          case 'group':
            if (label !== undefined) this.groups.set(label, { block: item, file });
            break;
          case 'target':
            if (label !== undefined) this.defineTarget(label, item, file);
            break;
        }
      }
    }
  }

  private collectCompose(file: ProjectFile): void {
    const compose = this.options.parsedCompose?.(file.path) ?? parseCompose(file.path, file.text, { readFile: (p) => this.options.readFile?.(p), environment: this.options.environment ?? {} });
    for (const d of compose.dependencies ?? []) this.dependencies.add(d);
    for (const build of compose.builds ?? []) {
      const name = compose.units[build.unit]?.name;
      if (name === undefined) continue;
      const args = new Map<string, Sited>(Object.entries(build.args));
      const contexts = new Map<string, Sited>();
      for (const [k, c] of Object.entries(build.contexts)) {
        // Compose's site points past `docker-image://`; here values keep their prefix, as in HCL.
        if (c.kind === 'image') contexts.set(k, c.site ? { value: DOCKER_IMAGE + c.value, site: shiftSite(c.site, -DOCKER_IMAGE.length, DOCKER_IMAGE) } : { value: DOCKER_IMAGE + c.value });
        else if (c.kind === 'build') contexts.set(k, { value: TARGET_LINK + c.name });
        else contexts.set(k, { value: c.value });
      }
      const value: TargetValue = { args, contexts, inherits: [] };
      // Compose resolved them already: the context as a folder (or a URL), the Dockerfile relative to it
      // (so that an HCL target of the same name that moves the context moves the Dockerfile too).
      if (build.context !== undefined) value.context = { value: build.context };
      else if (build.remoteContext !== undefined) value.context = { value: build.remoteContext };
      if (build.dockerfile !== undefined && build.context !== undefined) value.dockerfile = { value: relativePath(build.context, build.dockerfile) };
      if (build.inline !== undefined) value.inline = { value: build.inline };
      if (build.target !== undefined) value.target = { value: build.target };
      if (build.platforms) value.platforms = [...build.platforms];
      this.addDefinition({ name: name.replace(/\./g, '_'), file, scope: this.root, value });
    }
  }

  private addDefinition(definition: TargetDefinition): void {
    const list = this.definitions.get(definition.name);
    if (list) list.push(definition);
    else this.definitions.set(definition.name, [definition]);
  }

  private defineTarget(label: string, block: Block, file: ProjectFile): void {
    const matrixAttr = attribute(block, 'matrix');
    const nameAttr = attribute(block, 'name');
    if (!matrixAttr) {
      if (nameAttr) this.diagnose(file, nameAttr.span, 'error', 'bake-name-without-matrix', message(Messages.bakeNameWithoutMatrix));
      this.addDefinition({ name: label, file, block, scope: this.root });
      return;
    }
    const matrix = evaluate(matrixAttr.expr, this.root, this.sink(file));
    if (!isObject(matrix)) {
      this.diagnose(file, matrixAttr.span, 'error', 'bake-matrix', message(Messages.bakeMatrixNotMap));
      this.addDefinition({ name: label, file, block, scope: this.root });
      return;
    }
    // The Cartesian product of the matrix's lists, one scope per combination.
    let combinations: Map<string, Value>[] = [new Map()];
    for (const key of Object.keys(matrix).sort()) {
      const values = matrix[key]!;
      if (!isTuple(values)) {
        this.diagnose(file, matrixAttr.span, 'error', 'bake-matrix', message(Messages.bakeMatrixNotList, key));
        continue;
      }
      combinations = combinations.flatMap((c) => values.map((v) => new Map([...c, [key, v]])));
      if (combinations.length > MAX_MATRIX) {
        this.diagnose(file, matrixAttr.span, 'warning', 'bake-matrix', message(Messages.bakeMatrixTooLarge, MAX_MATRIX));
        combinations = combinations.slice(0, MAX_MATRIX);
      }
    }
    const names: string[] = [];
    let unknownName = false;
    for (const [i, variables] of combinations.entries()) {
      const scope: Scope = { variables, functions: this.functions, parent: this.root };
      let name = label;
      if (nameAttr) {
        const evaluated = evaluate(nameAttr.expr, scope, this.sink(file));
        if (isUnknown(evaluated)) {
          // Known only when the build runs (a clock, a random value), or an error reported where it is:
          // said once for the block, and each combination is still read, under a stand-in name no file can use.
          if (!unknownName) this.diagnose(file, nameAttr.span, 'information', 'bake-unknown-target-name', message(Messages.bakeUnknownTargetName, evaluated.reason, label));
          unknownName = true;
          name = `${label}[${i + 1}]`;
        } else {
          const value = valueToString(evaluated);
          if (value === undefined || !/^[a-zA-Z0-9_-]+$/.test(value)) {
            this.diagnose(file, nameAttr.span, 'error', 'bake-target-name', message(Messages.bakeInvalidTargetName, value ?? '?'));
            continue;
          }
          name = value;
        }
      }
      if (names.includes(name)) {
        this.diagnose(file, (nameAttr ?? matrixAttr).span, 'error', 'bake-duplicate-name', message(Messages.bakeDuplicateTargetName, name));
        continue;
      }
      names.push(name);
      this.addDefinition({ name, file, block, scope });
    }
    if (names.length !== 1 || names[0] !== label) this.matrixGroups.set(label, names);
  }

  private defineFunction(name: string, block: Block, file: ProjectFile): void {
    const params = attribute(block, 'params');
    const variadic = attribute(block, 'variadic_params');
    const result = attribute(block, 'result');
    if (!params || !result) {
      this.diagnose(file, block.span, 'error', 'bake-function', message(Messages.bakeFunctionIncomplete, name));
      return;
    }
    const names = params.expr.type === 'tuple' ? params.expr.items.flatMap((e) => (e.type === 'variable' ? [e.name] : [])) : [];
    const rest = variadic?.expr.type === 'variable' ? variadic.expr.name : undefined;
    const calling = new Set<string>();
    this.functions.set(name, (args) => {
      if (calling.has(name)) return new Unknown(`function ${name} calls itself`);
      calling.add(name);
      try {
        const variables = new Map<string, Value>(names.map((n, i) => [n, args[i] ?? null]));
        if (rest !== undefined) variables.set(rest, args.slice(names.length));
        return evaluate(result.expr, { variables, functions: this.functions, parent: this.root }, this.sink(file));
      } finally {
        calling.delete(name);
      }
    });
  }

  // --- variables ------------------------------------------------------------------------------------

  private variable(name: string): Value | undefined {
    if (name in BUILTIN_VARIABLES) return BUILTIN_VARIABLES[name];
    if (this.variableValues.has(name)) return this.variableValues.get(name);
    const definition = this.variableBlocks.get(name);
    const global = this.globals.get(name);
    if (!definition && !global) return undefined;
    if (this.resolving.has(name)) {
      const where = definition?.block.span ?? global!.attribute.span;
      this.diagnose(definition?.file ?? global!.file, where, 'error', 'bake-variable-cycle', message(Messages.bakeVariableCycle, name));
      return new Unknown(`variable ${name} refers to itself`);
    }
    this.resolving.add(name);
    let value: Value;
    if (!definition) {
      value = evaluate(global!.attribute.expr, this.root, this.sink(global!.file));
    } else {
      const override = this.options.environment?.[name];
      const defaultAttr = attribute(definition.block, 'default');
      if (!defaultAttr) value = override ?? '';
      else {
        const fallback = evaluate(defaultAttr.expr, this.root, this.sink(definition.file));
        value = override === undefined ? fallback : convertOverride(name, override, fallback);
      }
    }
    this.resolving.delete(name);
    this.variableValues.set(name, value);
    return value;
  }

  /** Where a variable's value is written, when it is the literal default and no override replaces it. */
  private variableSite(name: string): Site | undefined {
    const definition = this.variableBlocks.get(name);
    if (!definition || this.options.environment?.[name] !== undefined) return undefined;
    const defaultAttr = attribute(definition.block, 'default');
    return defaultAttr ? this.literalSite(defaultAttr.expr, definition.file, 0) : undefined;
  }

  // --- targets -------------------------------------------------------------------------------------

  /** A target after merging its definitions and its parents (`inherits`); undefined if unknown. */
  private target(name: string): TargetValue | undefined {
    if (this.resolved.has(name)) return this.resolved.get(name);
    const definitions = this.definitions.get(name);
    if (!definitions) return undefined;
    if (this.inProgress.has(name)) return undefined;
    this.inProgress.add(name);
    const own = emptyTarget();
    for (const definition of definitions) merge(own, definition.value ?? this.evaluateBlock(definition));
    const base = emptyTarget();
    for (const parent of own.inherits) {
      if (this.inProgress.has(parent)) {
        this.reportInherits(name, 'bake-inherits-cycle', message(Messages.bakeInheritsCycle, name, parent));
        continue;
      }
      const value = this.target(parent);
      if (value) merge(base, value);
      else if (!this.definitions.has(parent)) this.reportInherits(name, 'bake-unknown-target', message(Messages.bakeUnknownTarget, parent));
    }
    merge(base, own);
    base.inherits = own.inherits;
    this.inProgress.delete(name);
    this.resolved.set(name, base);
    return base;
  }

  private reportInherits(name: string, code: string, m: Message): void {
    for (const definition of this.definitions.get(name) ?? []) {
      const inherits = definition.block && attribute(definition.block, 'inherits');
      if (inherits && definition.file === this.self) this.diagnose(this.self, inherits.span, 'error', code, m);
    }
  }

  private evaluateBlock(definition: TargetDefinition): TargetValue {
    const { block, file, scope } = definition;
    const value = emptyTarget();
    if (!block) return value;
    const sink = this.sink(file);
    const sited = (expr: Expr): Sited | undefined => this.sited(expr, file, scope, sink, block);
    for (const item of block.body.items) {
      if (item.kind !== 'attribute') continue;
      switch (item.name) {
        case 'context':
        case 'dockerfile':
        case 'target': {
          const v = sited(item.expr);
          if (v) value[item.name] = v;
          break;
        }
        case 'dockerfile-inline': {
          const v = sited(item.expr);
          if (v) value.inline = v;
          break;
        }
        case 'args':
        case 'contexts':
          for (const [key, v] of this.sitedMap(item.expr, file, scope, sink, block)) value[item.name].set(key, v);
          break;
        case 'platforms':
        case 'tags':
        case 'inherits': {
          const list = evaluate(item.expr, scope, sink);
          if (!isTuple(list)) break;
          const strings: string[] = [];
          for (const v of list) {
            const text = valueToString(v);
            if (text !== undefined) strings.push(text);
          }
          value[item.name] = strings;
          break;
        }
      }
    }
    return value;
  }

  /** An attribute's string value, with its site when written as one literal. */
  private sited(expr: Expr, file: ProjectFile, scope: Scope, sink: HclDiagnostic[], block: Block): Sited | undefined {
    const value = evaluate(expr, scope, sink);
    if (isUnknown(value)) return undefined;
    const text = valueToString(value);
    if (text === undefined) return undefined;
    const origin = { file, span: expr.span, block };
    const site = this.literalSite(expr, file, 0);
    if (site) return { value: text, site, origin };
    const variable = referencedVariable(expr);
    const variableSite = variable !== undefined ? this.variableSite(variable) : undefined;
    if (variableSite) return { value: text, site: variableSite, variable, origin };
    const first = firstVariable(expr);
    return first !== undefined ? { value: text, variable: first, origin } : { value: text, origin };
  }

  /** An object attribute (`args`, `contexts`) key by key; `null` values are left out, as Bake does. */
  private sitedMap(expr: Expr, file: ProjectFile, scope: Scope, sink: HclDiagnostic[], block: Block): [string, Sited][] {
    if (expr.type !== 'object') {
      const value = evaluate(expr, scope, sink);
      if (!isObject(value)) return [];
      return Object.entries(value).flatMap(([k, v]): [string, Sited][] => {
        const text = valueToString(v);
        return text === undefined ? [] : [[k, { value: text }]];
      });
    }
    return expr.items.flatMap((item): [string, Sited][] => {
      const key = valueToString(evaluate(item.key, scope, sink));
      if (key === undefined) return [];
      const value = this.sited(item.value, file, scope, sink, block);
      return value ? [[key, value]] : [];
    });
  }

  /** The site of a string written as one template text without escapes, from character `skip` on. */
  private literalSite(expr: Expr, file: ProjectFile, skip: number): Site | undefined {
    if (expr.type !== 'template' || expr.heredoc || expr.parts.length !== 1) return undefined;
    const part = expr.parts[0]!;
    if (part.type !== 'text' || !part.verbatim) return undefined;
    const start = part.span.start + skip;
    return { file: file.path, range: file.lines.range(start, part.span.end), text: file.text.slice(start, part.span.end) };
  }

  /**
   * Targets that exist to be inherited (`_common`, `meta-helper`): other targets inherit from them, they
   * say nothing about what to build (no context, Dockerfile or stage), and no group, no `target:` context
   * and not the name `default` make Bake build them. Named on the command line they still build, so they
   * keep their build; the flag only says what they are for.
   */
  private templates(): Set<string> {
    const built = new Set(['default']);
    for (const group of this.groups.keys()) for (const member of this.groupMembers(group)) built.add(member);
    const inherited = new Set<string>();
    for (const name of this.definitions.keys()) {
      const target = this.target(name);
      if (!target) continue;
      for (const parent of target.inherits) inherited.add(parent);
      target.contexts.forEach((c) => {
        if (c.value.startsWith(TARGET_LINK)) built.add(c.value.slice(TARGET_LINK.length));
      });
    }
    return new Set(
      [...inherited].filter((name) => {
        const target = this.target(name);
        return target && !built.has(name) && !target.context && !target.dockerfile && !target.inline && !target.target;
      }),
    );
  }

  /** A group's targets, nested groups and matrix labels expanded (as `ResolveGroup` does; cycles cut). */
  private groupMembers(name: string, seen = new Set<string>()): string[] {
    if (seen.has(name)) return [];
    seen.add(name);
    const group = this.groups.get(name);
    const names = group ? this.groupTargets(group) : (this.matrixGroups.get(name) ?? [name]);
    if (group === undefined && !this.matrixGroups.has(name)) return names;
    return [...new Set(names.flatMap((n) => this.groupMembers(n, seen)))];
  }

  private groupTargets(group: { block: Block; file: ProjectFile }): string[] {
    const targets = attribute(group.block, 'targets');
    const list = targets ? evaluate(targets.expr, this.root, this.sink(group.file)) : [];
    return isTuple(list) ? list.flatMap((v) => valueToString(v) ?? []) : [];
  }

  // --- model ----------------------------------------------------------------------------------------

  private contextUse(context: Sited, unit: number): ImageUse {
    const image = context.value.slice(DOCKER_IMAGE.length);
    const parsed = parseImageReference(image);
    // Written literally here: the use is the reference after `docker-image://`, where a pin goes.
    const site = context.site?.file === this.path ? shiftSite(context.site, DOCKER_IMAGE.length) : undefined;
    const origin = context.origin!;
    const range = site && context.variable === undefined ? site.range : origin.file.lines.range(origin.span.start, origin.span.end);
    const text = site && context.variable === undefined ? site.text : this.self.text.slice(this.self.lines.offset(range.start), this.self.lines.offset(range.end));
    if (!parsed.ok) {
      this.report({ range, severity: 'error', code: 'invalid-reference', message: parsed.error.message });
      return { kind: 'bake-context', range, text, resolved: image, unit, pin: { pinnable: false, reason: { kind: 'invalid', error: parsed.error } } };
    }
    if (!site) {
      return { kind: 'bake-context', range, text, resolved: image, reference: parsed.ref, unit, pin: { pinnable: false, reason: { kind: 'interpolated', variable: context.variable ?? '' } } };
    }
    // Through a variable's default, the pin goes there.
    const viaVariable = context.variable !== undefined ? { viaArg: context.variable } : {};
    return { kind: 'bake-context', range, text, resolved: image, reference: parsed.ref, unit, pin: { pinnable: true, range: site.range, text: site.text, ...viaVariable } };
  }

  private buildDefinition(target: TargetValue, unit: number, range: Range): BuildDefinition {
    const dir = dirname(this.path);
    const context = target.context?.value ?? '.';
    const remote = /^(https?:\/\/|git@|github\.com\/|ssh:\/\/|git:\/\/)/.test(context) || context.startsWith(TARGET_LINK);
    const contextDir = resolvePath(dir, context.startsWith(CWD) ? context.slice(CWD.length) : context);
    // Unset or empty: `Dockerfile` in the context; `cwd://` puts it where bake runs, whatever the
    // context (buildx `bake.go`: `ResolveTarget`, `toBuildOpt`).
    const dockerfile = target.dockerfile?.value || 'Dockerfile';
    const dockerfilePath = dockerfile.startsWith(CWD) ? resolvePath(dir, dockerfile.slice(CWD.length)) : remote ? undefined : resolvePath(contextDir, dockerfile);
    // Maps are walked with forEach and objects filled field by field: this runs for every build of the
    // workspace at startup, mostly before V8 optimizes it, where iterator destructuring and object spread are slow.
    const args: Record<string, BuildArg> = {};
    target.args.forEach((v, k) => (args[k] = v.site ? { value: v.value, site: v.site } : { value: v.value }));
    const contexts: Record<string, NamedContext> = {};
    target.contexts.forEach((v, k) => {
      if (v.value.startsWith(DOCKER_IMAGE)) {
        const site = v.site ? shiftSite(v.site, DOCKER_IMAGE.length) : undefined;
        const image: Mutable<NamedContext & { kind: 'image' }> = { kind: 'image', value: v.value.slice(DOCKER_IMAGE.length) };
        if (site) image.site = site;
        else if (v.variable !== undefined) image.variable = v.variable;
        contexts[k] = image;
      } else if (v.value.startsWith(TARGET_LINK)) {
        contexts[k] = { kind: 'build', name: v.value.slice(TARGET_LINK.length) };
      } else if (v.value !== '') {
        contexts[k] = { kind: 'local', value: v.value };
      }
    });
    const definition: Mutable<BuildDefinition> = { unit } as BuildDefinition;
    if (target.inline !== undefined) definition.inline = target.inline.value;
    else if (dockerfilePath !== undefined) definition.dockerfile = dockerfilePath;
    if (!remote) definition.context = contextDir;
    definition.range = range;
    definition.args = args;
    definition.contexts = contexts;
    if (target.target !== undefined) definition.target = target.target.value;
    if (target.platforms) definition.platforms = target.platforms;
    return definition;
  }

  /**
   * `contexts = { x = "target:y" }` chains targets, and a chain that comes back never ends. buildx
   * (`bake.go` `loadLinks`) follows every `target:` context depth first and fails at the first target
   * already on its path: "infinite loop from <the target whose context closes the loop> to <that one>",
   * or "target <name> cannot link to itself". Each target of this file on a loop is told so, where its
   * link into the loop is written; one that only leads into a loop is not on it, and is not told.
   */
  private checkLinks(unitOf: Map<string, number>, units: readonly Unit[]): void {
    for (const [name, unit] of unitOf) {
      const loop = this.linkLoop(name);
      if (!loop) continue;
      const { path, link } = loop;
      const m = path.length === 2 ? message(Messages.bakeLinkSelf, name) : message(Messages.bakeLinkCycle, path[path.length - 2]!, name, path.join(' → '));
      const origin = link.origin;
      if (origin?.file === this.self) this.diagnose(this.self, origin.span, 'error', 'bake-link-cycle', m);
      else this.report({ range: units[unit]!.range, severity: 'error', code: 'bake-link-cycle', message: m });
    }
  }

  /** The shortest chain of `target:` links from a target back to itself (`[a, b, a]`), and its first link. */
  private linkLoop(start: string): { path: string[]; link: Sited } | undefined {
    const links = (name: string): { to: string; link: Sited }[] => {
      const found: { to: string; link: Sited }[] = [];
      this.target(name)?.contexts.forEach((link) => {
        if (link.value.startsWith(TARGET_LINK)) found.push({ to: link.value.slice(TARGET_LINK.length), link });
      });
      return found;
    };
    // Breadth first, remembering how each target was reached: the first link back to `start` closes the shortest loop.
    const reachedBy = new Map<string, { from: string; link: Sited }>();
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const current = queue[i]!;
      for (const { to, link } of links(current)) {
        if (to === start) {
          const path = [current];
          for (let step = reachedBy.get(current); step; step = reachedBy.get(step.from)) path.unshift(step.from);
          return { path: [...path, start], link: path.length === 1 ? link : reachedBy.get(path[1]!)!.link };
        }
        if (reachedBy.has(to)) continue;
        reachedBy.set(to, { from: current, link });
        queue.push(to);
      }
    }
    return undefined;
  }

  private headerRange(block: Block): Range {
    const last = block.labels[block.labels.length - 1];
    return this.self.lines.range(block.span.start, last ? last.span.end : block.typeSpan.end);
  }

  /** Evaluation problems: collected for this file's own text, converted once at the end. */
  private sink(file: ProjectFile): HclDiagnostic[] {
    return file === this.self ? this.evaluationProblems : [];
  }

  private reportEvaluationProblems(): void {
    for (const d of this.evaluationProblems) this.diagnose(this.self, d.span, 'warning', 'bake-evaluation', message(Messages.bakeEvaluationError, d.message));
  }

  private diagnose(file: ProjectFile, span: Span, severity: Diagnostic['severity'], code: string, m: Message): void {
    if (file !== this.self) return;
    this.report({ range: file.lines.range(span.start, Math.max(span.start, span.end)), severity, code, message: m });
  }

  /** Each problem once: a matrix block is read once per combination, and says the same thing in the same place each time. */
  private report(d: Diagnostic): void {
    const { start, end } = d.range;
    const key = `${start.line}:${start.character}-${end.line}:${end.character} ${d.code} ${d.message.template} ${d.message.args.join('\u0000')}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(d);
  }
}

/** Variables resolved on first use, so defaults can refer to each other in any order. */
class LazyVariables extends Map<string, Value> {
  constructor(private readonly resolve: (name: string) => Value | undefined) {
    super();
  }
  override get(name: string): Value | undefined {
    return this.resolve(name);
  }
  override has(name: string): boolean {
    return this.resolve(name) !== undefined;
  }
}

function emptyTarget(): TargetValue {
  return { args: new Map(), contexts: new Map(), inherits: [] };
}

/** Bake's `Target.Merge`: scalars replaced when set, `args` and `contexts` merged by key, lists replaced. */
function merge(into: TargetValue, from: TargetValue): void {
  if (from.context) into.context = from.context;
  if (from.dockerfile) into.dockerfile = from.dockerfile;
  if (from.inline) into.inline = from.inline;
  if (from.target) into.target = from.target;
  from.args.forEach((v, k) => into.args.set(k, v));
  from.contexts.forEach((v, k) => into.contexts.set(k, v));
  if (from.platforms) into.platforms = from.platforms;
  if (from.tags) into.tags = from.tags;
  // Lists are replaced, never changed in place: with nothing to add, `into` keeps its own.
  if (from.inherits.length) into.inherits = [...into.inherits, ...from.inherits.filter((p) => !into.inherits.includes(p))];
}

function attribute(block: Block, name: string): Attribute | undefined {
  let found: Attribute | undefined;
  for (const item of block.body.items) if (item.kind === 'attribute' && item.name === name) found = item;
  return found;
}

/** `BASE` or `"${BASE}"`: the expression is exactly one variable. */
function referencedVariable(expr: Expr): string | undefined {
  if (expr.type === 'variable') return expr.name;
  if (expr.type === 'template' && expr.parts.length === 1 && expr.parts[0]!.type === 'interp' && expr.parts[0]!.expr.type === 'variable') return expr.parts[0]!.expr.name;
  return undefined;
}

function firstVariable(expr: Expr): string | undefined {
  switch (expr.type) {
    case 'variable':
      return expr.name;
    case 'template':
      for (const part of expr.parts) {
        if (part.type === 'interp') {
          const v = firstVariable(part.expr);
          if (v !== undefined) return v;
        }
      }
      return undefined;
    case 'call':
      for (const arg of expr.args) {
        const v = firstVariable(arg);
        if (v !== undefined) return v;
      }
      return undefined;
    case 'conditional':
      return firstVariable(expr.cond) ?? firstVariable(expr.then) ?? firstVariable(expr.else);
    case 'binary':
      return firstVariable(expr.left) ?? firstVariable(expr.right);
    case 'paren':
      return firstVariable(expr.expr);
    default:
      return undefined;
  }
}

/** An environment override converted by the type of the default, as buildx does. */
function convertOverride(name: string, override: string, fallback: Value): Value {
  if (typeof fallback === 'boolean') {
    const b = /^(1|t|true)$/i.test(override) ? true : /^(0|f|false)$/i.test(override) ? false : undefined;
    return b ?? new Unknown(`failed to parse ${name} as bool`);
  }
  if (typeof fallback === 'number') {
    const n = Number(override);
    return override.trim() !== '' && Number.isFinite(n) ? n : new Unknown(`failed to parse ${name} as number`);
  }
  if (typeof fallback === 'string' || fallback === null) return override;
  return new Unknown(`unsupported type for variable ${name}`);
}

/** A site moved `by` characters at its start (a literal on one line): forward drops text, back adds `prefix`. */
function shiftSite(site: Site, by: number, prefix = ''): Site {
  const start = { line: site.range.start.line, character: site.range.start.character + by };
  return { file: site.file, range: { start, end: site.range.end }, text: by >= 0 ? site.text.slice(by) : prefix + site.text };
}
